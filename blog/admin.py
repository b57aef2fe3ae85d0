from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format

from authors.models import Author
from folio.admin import CheckedSlugAdmin, MarkdownEditorAdmin, UploadsStoredFirstForm
from linkcheck.admin import WarnsOfBrokenLinks
from linkcheck.checking import post_source

from . import changes, history, review
from .admin_export import SiteExportAdmin  # noqa: F401 - registers the site exports
from .admin_review import ReviewAdminMixin, ReviewFilter
from .models import Post, Redirect, Review, Status, Tag

STALE_FORM_MESSAGE = (
    "{who} {did} at {when}, after you opened it, so your changes were not saved "
    "(they are still in the form below). Compare with the {what}'s revisions, then save "
    "again to replace that version with yours."
)
# One answer whichever post holds the slug: live or not, the user's own or another
# writer's. Naming it, or its state, would tell a writer about posts they may not see.
SLUG_TAKEN_MESSAGE = "This slug is not available; choose another."


class StaleEditRefusingForm(UploadsStoredFirstForm):
    """The form of a post or page (a model with ``updated`` and ``revisions``).

    It carries what the form was opened on (:meth:`opened_on`: the object's ``updated``
    time): a save from a form opened before someone else's save is refused instead of
    silently overwriting it. (The admin supplies Meta: model and fields.)
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    #: Instants the admin shows to the second, while an import may store a fraction of
    #: one (front matter's ``2022-09-03T21:22:24.665Z``).
    WHOLE_SECONDS = ("publish_at", "expire_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.opened_on()

    def _keep_stored_fractions(self, cleaned_data):
        """A date sent back as the form showed it keeps the fraction of a second it is
        stored with: saving without touching it must not move the post among others
        (its neighbours' links), nor make the export rewrite its date."""
        for name in self.WHOLE_SECONDS:
            sent = cleaned_data.get(name)
            stored = getattr(self.instance, name, None) if self.instance.pk else None
            if sent and stored and sent == stored.replace(microsecond=0):
                cleaned_data[name] = stored

    def opened_on(self):
        """The token of the state the form was opened on."""
        return self.instance.updated.isoformat()

    def last_change(self):
        """(who, what they did, when) of the latest save."""
        latest = self.instance.revisions.select_related("user").first()
        who = latest.user.get_username() if latest and latest.user else None
        return who, f"saved this {self.instance._meta.verbose_name}", self.instance.updated

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        self._keep_stored_fractions(cleaned_data)
        current = self.opened_on()
        if cleaned_data.get("version") != current:
            who, did, when = self.last_change()
            # The next save is deliberate: the editor has been told, so carry the new token.
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = current
            raise forms.ValidationError(
                STALE_FORM_MESSAGE.format(
                    who=who or "Someone",
                    did=did,
                    what=self.instance._meta.verbose_name,
                    when=date_format(when, "DATETIME_FORMAT"),
                ),
                code="stale",
            )
        return cleaned_data


class PostAdminForm(StaleEditRefusingForm):
    class Meta:
        error_messages = {"slug": {"unique": SLUG_TAKEN_MESSAGE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = getattr(self.instance, "_pending", None)
        if pending is not None and "tags" in self.fields:
            # A writer continuing their change awaiting review: its tags, not the post's.
            self.initial["tags"] = [tag.pk for tag in review.tags_of(pending)]

    def opened_on(self):
        """What the form was opened on: the post's last save and, for a writer going on
        with a change awaiting review, that change (another tab's save, or an editor's
        approval or rejection, makes the form stale)."""
        pending = getattr(self.instance, "_pending", None)
        token = super().opened_on()
        return f"{token} pending:{pending.pk}" if pending is not None else token

    def last_change(self):
        """(who, what they did, when) of the latest save or review of the post."""
        revisions = self.instance.revisions.select_related("user", "reviewed_by")
        latest = revisions.first()
        reviewed = revisions.filter(reviewed_by__isnull=False).order_by("-reviewed_at").first()
        if reviewed and (latest is None or reviewed.reviewed_at > latest.created):
            action = "approved" if reviewed.review == Review.APPROVED else "rejected"
            return (
                reviewed.reviewed_by.get_username(),
                f"{action} the changes awaiting review",
                reviewed.reviewed_at,
            )
        who = latest.user.get_username() if latest and latest.user else None
        if latest is not None and latest.review:
            return who, "saved changes to this post for review", latest.created
        return who, "saved this post", self.instance.updated


class StateFilter(admin.SimpleListFilter):
    """Draft / scheduled / live / expired, which `status` alone cannot tell apart."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("live", "Live"),
            ("expired", "Expired"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.drafts()
            case "scheduled":
                return queryset.scheduled()
            case "live":
                return queryset.published()
            case "expired":
                return queryset.expired()
        return queryset


class AuthorFilter(admin.RelatedOnlyFieldListFilter):
    """The authors of the posts the user may see; for a writer, only themselves (no
    "-" for posts without an author: theirs always have one)."""

    def __init__(self, field, request, *args, **kwargs):
        self.any_author = request.user.has_perm("blog.change_any_post")
        super().__init__(field, request, *args, **kwargs)

    @property
    def include_empty_choice(self):
        return self.any_author and super().include_empty_choice

    def has_output(self):
        return bool(self.lookup_choices)  # one author is still worth seeing named


class PublishActionsAdmin:
    """The "Publish" and "Unpublish" actions of a post or page admin, for those with the
    publish permission (the model admin's ``has_publish_permission``)."""

    actions = ["publish", "unpublish"]

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(
        description="Unpublish selected %(verbose_name_plural)s (back to draft)",
        permissions=["publish"],
    )
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT)

    def _set_status(self, request, queryset, status):
        # Saved one by one so every write goes through save() and its side effects, in
        # one transaction with one notification.
        changed = 0
        with transaction.atomic(using=router.db_for_write(self.model)), changes.batch():
            now = timezone.now()
            for obj in queryset.exclude(status=status):
                obj.status = status
                if status == Status.PUBLISHED and obj.publish_at < now:
                    # A draft's date is when it was started: published now, it goes to
                    # the top of the lists. A future date is a schedule, and stays.
                    obj.publish_at = now
                obj.edited_by = request.user
                obj.save(update_fields=["status", "publish_at"])
                changed += 1
        verb = "published" if status == Status.PUBLISHED else "unpublished"
        opts = self.opts
        name = opts.verbose_name if changed == 1 else opts.verbose_name_plural
        self.message_user(request, f"{changed} {name} {verb}.", messages.SUCCESS)


class RevisionsAdmin:
    """For the admin of a post or page: "Save and preview", and the history pages (the
    revisions, one revision against now, restoring one), all under one object's URLs
    (``admin:<app>_<model>_revisions``, ``_revision``, ``_revision_restore``).

    The model admin supplies ``has_publish_permission(request)``.
    """

    # "Save and preview" ---------------------------------------------------------------

    def response_add(self, request, obj, post_url_continue=None):
        if "_preview" in request.POST:
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        # (A post's changes kept for review have a preview of their own: ReviewAdminMixin.)
        if "_preview" in request.POST and getattr(obj, "_submitted", None) is None:
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().response_change(request, obj)

    def needs_review(self, request, obj):
        """Whether this user's changes to ``obj`` wait for an editor (ReviewAdminMixin)."""
        return False

    # Revisions ------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/revisions/", view(self.revisions_view), name=f"{name}_revisions"),
            path(
                "<int:object_id>/revisions/<int:revision_id>/",
                view(self.revision_view),
                name=f"{name}_revision",
            ),
            path(
                "<int:object_id>/revisions/<int:revision_id>/restore/",
                view(self.restore_view),
                name=f"{name}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _editable(self, request, object_id):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _history_context(self, request, obj, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "what": self.opts.verbose_name,
            "restored_fields": [
                history.LABELS[name].lower() for name in history.CONTENT[history.kind(obj)]
            ],
            "when_format": history.WHEN,
            **context,
        }

    def revisions_view(self, request, object_id):
        obj = self._editable(request, object_id)
        revisions = obj.revisions.select_related("user", *self.revision_related)
        context = self._history_context(
            request,
            obj,
            rows=history.history(revisions),
            title=f"Revisions of “{obj.title}”",
        )
        return TemplateResponse(request, "admin/blog/post/revisions.html", context)

    def revision_view(self, request, object_id, revision_id):
        obj = self._editable(request, object_id)
        revision = get_object_or_404(
            obj.revisions.select_related("user", *self.revision_related), pk=revision_id
        )
        context = self._history_context(
            request,
            obj,
            revision=revision,
            diffs=history.differences(history.state(revision), history.state(obj)),
            title=f"Revision of “{obj.title}”",
        )
        return TemplateResponse(request, "admin/blog/post/revision.html", context)

    def restore_view(self, request, object_id, revision_id):
        """GET: what restoring would change, to confirm. POST: restore the content, and
        the status and publish date only where the editor ticked them."""
        obj = self._editable(request, object_id)
        revision = get_object_or_404(
            obj.revisions.select_related("user", *self.revision_related), pk=revision_id
        )
        may_publish = self.has_publish_permission(request)
        plan = history.restore_plan(obj, revision, may_publish=may_publish)
        if request.method == "POST":
            if self.needs_review(request, obj):
                return self.restore_for_review(request, obj, revision)
            offered = {change.name for change in plan.publishing}
            chosen = [name for name in request.POST.getlist("publishing") if name in offered]
            history.restore(obj, revision, publishing=chosen, user=request.user)
            self.message_user(request, restored_message(obj, revision, chosen), messages.SUCCESS)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
        context = self._history_context(
            request,
            obj,
            revision=revision,
            plan=plan,
            for_review=self.needs_review(request, obj),
            title=f"Restore a revision of “{obj.title}”?",
        )
        return TemplateResponse(request, "admin/blog/post/revision_restore.html", context)

    #: Related objects a revision shows (select_related).
    revision_related = ()


@admin.register(Post)
class PostAdmin(
    WarnsOfBrokenLinks,
    ReviewAdminMixin,
    PublishActionsAdmin,
    RevisionsAdmin,
    CheckedSlugAdmin,
    MarkdownEditorAdmin,
):
    """The post editor, for two roles (docs/editors.md).

    Editors (``change_any_post``, ``can_publish``) work on every post; writers see,
    change and create only posts whose author is linked to their own account, always
    as drafts. Superusers hold every permission.
    """

    form = PostAdminForm
    list_display = ["title", "author", "state_label", "publish_at", "updated"]
    # Authors of the posts the user may see: a writer's list offers only themselves.
    list_filter = [
        StateFilter,
        ReviewFilter,
        "status",
        ("author", AuthorFilter),
        "publish_at",
    ]
    list_select_related = ["author"]
    search_fields = [
        "title",
        "subtitle",
        "slug",
        "excerpt",
        "author__first_name",
        "author__last_name",
    ]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "tags"]
    revision_related = ("author",)
    readonly_fields = ["source_path", "imported_at", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "author", "tags", "version"]}),
        ("Publishing", {"fields": ["status", "publish_at", "expire_at"]}),
        ("Content", {"fields": ["excerpt", "body"]}),
        ("Images", {"fields": ["image", "image_alt", "thumb_image"]}),
        (
            "Source",
            {
                "classes": ["collapse"],
                "fields": ["extra", "source_path", "imported_at", "created", "updated"],
            },
        ),
    ]

    # Who may do what ------------------------------------------------------------------

    def get_queryset(self, request):
        posts = super().get_queryset(request).editable_by(request.user)
        return posts.annotate(has_pending=review.with_pending())

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_editable_by(request.user))

    def has_publish_permission(self, request):
        return request.user.has_perm("blog.can_publish")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            # Moving publish_at would (un)schedule a live post: publishing, too.
            fields += ["status", "publish_at", "expire_at"]
        if not request.user.has_perm("blog.change_any_post"):
            fields.append("author_shown")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.has_perm("blog.change_any_post"):
            return fieldsets
        # Writers always write as themselves: their author, as text (no link to the
        # author's admin page, which is for editors).
        return [
            (
                name,
                {
                    **options,
                    "fields": [f if f != "author" else "author_shown" for f in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="author")
    def author_shown(self, post):
        return str(post.author) if post.author else "—"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None or request.user.has_perm("blog.change_any_post"):
            return form
        # A writer's new post: show the author it will be saved as (read-only), not "-".
        author = Author.for_user(request.user, save=False)

        class WritersPostForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.author = author  # unsaved if new: save_model saves it

        return WritersPostForm

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.source_path:
            return {}  # imported posts keep their file-name slugs
        return super().get_prepopulated_fields(request, obj)

    # Writes: one notification per form or action -----------------------------------

    def changeform_view(self, request, *args, **kwargs):
        # The post, then its tags: one notification for both, sent inside the form's
        # transaction (listeners update the search index and links once).
        with transaction.atomic(using=router.db_for_write(Post)), changes.batch():
            return super().changeform_view(request, *args, **kwargs)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(Post)), changes.batch():
            super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        if not request.user.has_perm("blog.change_any_post"):
            obj.author = Author.for_user(request.user)
        if not change and not self.has_publish_permission(request):
            obj.status = Post.Status.DRAFT
        obj.edited_by = request.user
        super().save_model(request, obj, form, change)
        submitted = getattr(obj, "_submitted", None)  # (ReviewAdminMixin)
        if submitted is not False:
            # A change kept for review is checked as written, and not kept as the
            # post's links: readers do not see it yet.
            obj.render()
            self.warn_about_links(request, obj, post_source(obj), keep=submitted is None)


def restored_message(obj, revision, chosen):
    who = revision.user.get_username() if revision.user else "an unknown user"
    # What was left as it is although the revision held something else.
    now, then = history.state(obj), history.state(revision)
    kept = " and ".join(
        history.LABELS[name].lower()
        for name in history.PUBLISHING
        if name not in chosen and name in now and now[name] != then.get(name, now[name])
    )
    message = f"Restored the revision saved {history.when(revision.created)} by {who}"
    if chosen:
        changed = " and ".join(history.LABELS[name].lower() for name in chosen)
        message += f", with its {changed}"
    return f"{message}. The {obj._meta.verbose_name} is {obj.state}" + (
        f"; its {kept} did not change." if kept else "."
    )


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "created"]
    search_fields = ["old_path", "new_path"]
    readonly_fields = ["created"]


@admin.register(Tag)
class TagAdmin(CheckedSlugAdmin, MarkdownEditorAdmin):
    list_display = ["name", "kind", "slug", "post_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["source_path"]
    # The model's own: a query that counts posts leaves Meta.ordering out, and the post
    # form's tag picker (the autocomplete) would list tags in no order.
    ordering = Tag._meta.ordering

    def get_queryset(self, request):
        posts = Count("posts")
        if not request.user.has_perm("blog.change_any_post"):
            # Writers see tags (to pick them) but count only the posts they may see:
            # live ones and their own. Counting others' drafts would reveal them.
            seen = Post.objects.published() | Post.objects.editable_by(request.user)
            posts = Count("posts", filter=Q(posts__in=seen))
        return super().get_queryset(request).annotate(post_total=posts)

    @admin.display(description="posts", ordering="post_total")
    def post_count(self, tag):
        return tag.post_total
