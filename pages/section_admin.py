"""The admin of landing pages' sections and of what their contact forms received.

A page's editor lists its sections (type, title, order) under the page; each opens
in a form of its own type (pages.sections: a hero's title, content, buttons and
image; a pricing section's plans, one form each...), validated field by field.
Who may change a page may change its sections (writers: those of their drafts).
Form submissions are read-only: they are what visitors sent.
"""

from django.contrib import admin
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from blog import changes

from . import sections as kinds
from .models import FormSubmission, Page, Section, SectionItem
from .section_forms import ItemsFormSet, data_name, item_form, section_form

#: Kinds whose items carry an image of their own.
ITEM_IMAGES = {"features", "reviews", "pricing"}


class _PageEditorPermissions:
    """Sections follow their page: who may change the page may change its sections."""

    def _may(self, request, obj, action):
        if not request.user.has_perm("pages.change_page"):
            return False
        page = obj if isinstance(obj, Page) else getattr(obj, "page", None)
        return page is None or page.is_editable_by(request.user)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj, "view")

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj, "change")

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj, "add")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj, "delete")


class SectionInline(_PageEditorPermissions, admin.TabularInline):
    """On a page: its sections in order; "Change" opens a section's own form."""

    model = Section
    form = section_form(kinds.GENERIC, specs=(kinds.TITLE,))
    fields = ["order", "type", data_name(kinds.TITLE), "contents"]
    readonly_fields = ["contents"]
    extra = 0
    show_change_link = True
    verbose_name = "section"
    verbose_name_plural = "Sections (a landing page; open one to edit its content)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Narrower than on the section's own page: the row fits a laptop's width.
        formset.form.base_fields[data_name(kinds.TITLE)].widget.attrs["size"] = 32
        return formset

    @admin.display(description="content")
    def contents(self, section):
        if section.pk is None:
            return "Save the page, then open the section to fill it in."
        count = section.items.count() if section.kind.items_keys else 0
        what = f"{count} {section.kind.item_label}{'s' if count != 1 else ''}" if count else ""
        return " · ".join(part for part in (section.kind.label, what) if part)


class SectionItemInline(admin.StackedInline):
    model = SectionItem
    extra = 0
    kind = kinds.GENERIC  # set per section by SectionAdmin.get_inline_instances

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = item_form(self.kind)
        kwargs["fields"] = self.field_names()
        formset = super().get_formset(request, obj, **kwargs)
        return type("ItemsFormSet", (ItemsFormSet, formset), {"kind": self.kind})

    def field_names(self):
        names = ["order", *(data_name(spec) for spec in self.kind.item_fields)]
        return [*names, "image"] if self.kind.name in ITEM_IMAGES else names

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.field_names()})]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("pages.change_page")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("pages.change_page")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("pages.change_page")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("pages.change_page")


@admin.register(Section)
class SectionAdmin(_PageEditorPermissions, admin.ModelAdmin):
    list_display = ["__str__", "page", "type", "order"]
    list_select_related = ["page"]
    search_fields = ["page__title", "page__path", "type"]
    readonly_fields = ["kept_as_written"]

    def has_module_permission(self, request):
        return False  # reached from a page, not from the admin's index

    def get_queryset(self, request):
        editable = Page.objects.editable_by(request.user)
        return super().get_queryset(request).filter(page__in=editable)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = section_form(obj.kind if obj else kinds.GENERIC)
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        kind = obj.kind if obj else kinds.GENERIC
        fields = [data_name(spec) for spec in kind.fields]
        content = [*fields, "image"] if "image_alt" in {s.key for s in kind.fields} else fields
        return [
            (None, {"fields": ["page", "type", "order"]}),
            (kind.label, {"fields": content}),
            (
                "Kept as written",
                {
                    "classes": ["collapse"],
                    "fields": ["kept_as_written"],
                    "description": "Keys of this section that the form above does not edit: "
                    "kept, and given back by an export.",
                },
            ),
        ]

    def get_inline_instances(self, request, obj=None):
        if obj is None or not obj.kind.items_keys:
            return []
        inline = SectionItemInline(self.model, self.admin_site)
        inline.kind = obj.kind
        inline.verbose_name = obj.kind.item_label
        inline.verbose_name_plural = f"{obj.kind.item_label}s".capitalize()
        return [inline]

    def get_field_queryset(self, db, db_field, request):
        if db_field.name == "page":
            return Page.objects.editable_by(request.user)
        return super().get_field_queryset(db, db_field, request)

    @admin.display(description="other keys")
    def kept_as_written(self, section):
        edited = {spec.key for spec in section.kind.fields} | set(kinds.TYPE_KEYS)
        kept = {key: value for key, value in section.data.items() if key not in edited}
        if not kept:
            return "None: the form above edits every key of this section."
        return format_html_join(
            "",
            "<div><code>{}</code>: {}</div>",
            ((key, repr(value)[:200]) for key, value in kept.items()),
        )

    def changeform_view(self, request, *args, **kwargs):
        with transaction.atomic(using=router.db_for_write(Section)), changes.batch():
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            keep_image_in_data(obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for each in formset.forms:
            item = each.instance
            if item.pk and "image" in each.changed_data and not _deleted(each):
                keep_image_in_data(item)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        section = form.instance
        if not section.items_key and section.kind.items_keys and section.items.exists():
            # Items added here to a section that had none: written where the theme puts them.
            section.items_key = section.kind.items_keys[0]
            section.items_at = len(section.data)
            section.save(update_fields=["items_key", "items_at", "rendered"])
        # An edit of a section is an edit of its page: a re-import leaves it alone
        # (without --force), and the page's history says when.
        Page.objects.filter(pk=section.page_id).update(updated=timezone.now())

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            # Back to the page the section belongs to, not to a list of every section.
            self.message_user(request, f"The section “{obj}” was changed.")
            return HttpResponseRedirect(reverse("admin:pages_page_change", args=[obj.page_id]))
        return super().response_change(request, obj)


@admin.register(FormSubmission)
class FormSubmissionAdmin(admin.ModelAdmin):
    """What visitors sent through contact forms: read, filter, delete; never change."""

    list_display = ["created", "form_id", "page_title", "summary", "notified"]
    list_filter = ["form_id", "page_title", "notified", "created"]
    date_hierarchy = "created"
    search_fields = ["page_title", "page_path", "form_id", "fields"]
    fields = ["created", "form_id", "page_title", "page_path", "answers", "notified"]
    readonly_fields = fields

    @admin.display(description="sent")
    def summary(self, submission):
        values = [
            str(value)
            for value in submission.fields.values()
            if value not in ("", None) and not isinstance(value, bool)  # a box ticked or not
        ]
        text = " · ".join(values)
        return text[:120] + ("…" if len(text) > 120 else "")

    @admin.display(description="what was sent")
    def answers(self, submission):
        return format_html(
            "<dl class='submission'>{}</dl>",
            format_html_join(
                "",
                "<dt><strong>{}</strong></dt>"
                "<dd style='margin:0 0 .8em;white-space:pre-wrap'>{}</dd>",
                (
                    (submission.labels.get(name, name), _answer(value))
                    for name, value in submission.fields.items()
                ),
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def keep_image_in_data(entry):
    """After an image was uploaded or cleared in the admin: the entry's data names the
    stored file (or no longer names one), so what it says matches what it shows."""
    data = dict(entry.data)
    key = kinds.image_key(data) or "image"
    if entry.image:
        data[key] = entry.image.name
    else:
        data.pop(key, None)
    entry.data = data
    entry.save()


def _deleted(form):
    return form.cleaned_data.get("DELETE", False) if hasattr(form, "cleaned_data") else False


def _answer(value):
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else value
