from django.contrib import admin, messages
from django.db import router, transaction

from blog import changes
from blog.admin import PublishActionsAdmin, RevisionsAdmin, StaleEditRefusingForm, StateFilter
from folio.admin import MarkdownEditorAdmin
from linkcheck.admin import WarnsOfBrokenLinks
from linkcheck.checking import page_source

from . import addresses
from .models import Page
from .section_admin import SectionInline

PATH_TAKEN_MESSAGE = "Another page already has this address; choose another."


class PageAdminForm(StaleEditRefusingForm):
    class Meta:
        error_messages = {"path": {"unique": PATH_TAKEN_MESSAGE}}

    # The address is normalised (/about -> /about/) and checked by Page.clean().


@admin.register(Page)
class PageAdmin(WarnsOfBrokenLinks, PublishActionsAdmin, RevisionsAdmin, MarkdownEditorAdmin):
    """The page editor, for the same two roles as posts (docs/editors.md).

    Editors (``pages.can_publish``) work on every page and publish; writers
    (``pages.change_page`` alone) draft new pages and change pages that are drafts.
    """

    form = PageAdminForm
    inlines = [SectionInline]
    list_display = ["title", "path", "state_label", "updated"]
    list_filter = [StateFilter, "status"]
    search_fields = ["title", "subtitle", "path", "body"]
    # A new page's address follows its title (as a slug; saved as /the-title/).
    prepopulated_fields = {"path": ["title"]}
    readonly_fields = ["source_path", "imported_at", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "path", "version"]}),
        ("Publishing", {"fields": ["status", "publish_at", "expire_at"]}),
        ("Content", {"fields": ["body", "image"]}),
        ("Search engines and link previews", {"fields": ["seo_title", "seo_description"]}),
        (
            "Source",
            {
                "classes": ["collapse"],
                "fields": ["extra", "source_path", "imported_at", "created", "updated"],
            },
        ),
    ]

    @admin.display(description="state", ordering="status")
    def state_label(self, page):
        return page.state

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None:
            return {}  # an existing page keeps its address unless it is changed by hand
        return super().get_prepopulated_fields(request, obj)

    # Who may do what ------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_editable_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.is_editable_by(request.user))

    def has_publish_permission(self, request):
        return request.user.has_perm("pages.can_publish")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += ["status", "publish_at", "expire_at"]
        return fields

    # Writes: one notification per form or action -----------------------------------

    def changeform_view(self, request, *args, **kwargs):
        with transaction.atomic(using=router.db_for_write(Page)), changes.batch():
            return super().changeform_view(request, *args, **kwargs)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(Page)), changes.batch():
            super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            obj.status = Page.Status.DRAFT
        obj.edited_by = request.user
        super().save_model(request, obj, form, change)
        if warning := addresses.path_warning(obj.path):
            self.message_user(
                request,
                f"In the address {obj.path}, {warning}. Check that it is the one you meant.",
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the sections (inlines): their buttons and markdown are the page's links.
        self.warn_about_links(request, form.instance, page_source(form.instance))
