"""The post admin's side of review before a live post changes (blog/review.py): a
writer's save of a live or scheduled post kept for review, the page where editors
approve or reject it, and the counts on the post list.

The rules are enforced here, on the server: who needs review is decided from the
post's stored status and the user's ``blog.can_publish``; approving and rejecting
answer 403 to anyone without it, whatever they POST.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from . import history, review
from .views import PendingChangesPreview

SUBMITTED_MESSAGE = (
    "Your changes to “{title}” are saved and await an editor's review. Readers still "
    "see the post as it was; you can go on editing your changes until then."
)

UNCHANGED_MESSAGE = "Nothing was changed, so nothing new awaits review."


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("pending", "Changes awaiting review")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return review.awaiting(queryset)
        return queryset


class ReviewAdminMixin:
    """For PostAdmin (whose RevisionsAdmin supplies ``_editable`` and
    ``_history_context``, and which supplies ``has_publish_permission``)."""

    def get_urls(self):
        return [*self.review_urls(), *super().get_urls()]

    def needs_review(self, request, obj):
        return review.needs_review(obj, request.user)

    def get_object(self, request, object_id, from_field=None):
        post = super().get_object(request, object_id, from_field)
        if post is not None and not self.has_publish_permission(request):
            # A writer goes on with their change awaiting review, not the live post.
            if (change := review.pending(post)) is not None:
                review.show(post, change)
        return post

    # The writer's save ------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change and review.needs_review(obj, request.user):
            if not form.has_changed():
                # Saved as opened: nothing new for an editor to read.
                obj._submitted = False
                return
            obj._submitted = review.submit(
                obj,
                request.user,
                form.cleaned_data.get("tags", []),
                review_url=request.build_absolute_uri(
                    reverse("admin:blog_post_pending", args=[obj.pk])
                ),
            )
            self.warn_about_slug(request, obj)
            return
        super().save_model(request, obj, form, change)
        if getattr(obj, "_pending", None) is not None:
            # A writer saved the post itself (an editor made it a draft since): the
            # change they were continuing is in the post now.
            review.retire(obj)

    def save_related(self, request, form, formsets, change):
        # ``_submitted``: None when the post itself was saved; the change awaiting review
        # that the save made; False when the writer saved nothing new.
        if getattr(form.instance, "_submitted", None) is None:
            super().save_related(request, form, formsets, change)

    def log_change(self, request, obj, message):
        if getattr(obj, "_submitted", None):
            message = "Submitted changes for review."
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        submitted = getattr(obj, "_submitted", None)
        if submitted is None:
            return super().response_change(request, obj)
        if submitted:
            message, level = SUBMITTED_MESSAGE.format(title=obj.title), messages.SUCCESS
        else:
            message, level = UNCHANGED_MESSAGE, messages.INFO
        self.message_user(request, message, level)
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        if "_preview" in request.POST:
            # The public address shows the live post: the changes have their own preview.
            if submitted or getattr(obj, "_pending", None) is not None:
                preview = reverse("admin:blog_post_pending_preview", args=[obj.pk])
                return HttpResponseRedirect(preview)
            return HttpResponseRedirect(obj.get_absolute_url())
        if "_addanother" in request.POST:
            return HttpResponseRedirect(reverse("admin:blog_post_add"))
        return HttpResponseRedirect(reverse("admin:blog_post_changelist"))

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        post = context.get("original")
        if post is not None and post.pk:
            may_publish = self.has_publish_permission(request)
            waiting = getattr(post, "_pending", None) or review.pending(post)
            context.update(
                review_pending=waiting,
                review_needed=not may_publish and review.needs_review(post, request.user),
                review_rejected=None if waiting or may_publish else review.last_rejection(post),
                may_publish=may_publish,
            )
        return super().render_change_form(request, context, add, change, **kwargs)

    # The post list ----------------------------------------------------------------------

    @admin.display(description="state", ordering="status")
    def state_label(self, post):
        if not getattr(post, "has_pending", False):
            return post.state
        return format_html(
            '{} <a class="state-badge state-badge--review" href="{}">changes awaiting review</a>',
            post.state,
            reverse("admin:blog_post_pending", args=[post.pk]),
        )

    def changelist_view(self, request, extra_context=None):
        waiting = review.awaiting(self.get_queryset(request)).count()
        return super().changelist_view(
            request,
            {
                **(extra_context or {}),
                "review_count": waiting,
                "may_publish": self.has_publish_permission(request),
            },
        )

    def dashboard_notices(self, request):
        if not self.has_view_or_change_permission(request):
            return []
        waiting = review.awaiting(self.get_queryset(request)).count()
        if not waiting:
            return []
        if self.has_publish_permission(request):
            text = ngettext(
                "post has changes awaiting your review.",
                "posts have changes awaiting your review.",
                waiting,
            )
        else:
            text = ngettext(
                "of your posts has changes awaiting an editor's review.",
                "of your posts have changes awaiting an editor's review.",
                waiting,
            )
        url = reverse("admin:blog_post_changelist") + "?review=pending"
        link = ngettext("Show it", "Show them", waiting)
        return [
            {"title": "Awaiting review", "count": waiting, "text": text, "url": url, "link": link}
        ]

    # The review page --------------------------------------------------------------------

    def review_urls(self):
        return [
            path(
                "<int:post_id>/pending/",
                self.admin_site.admin_view(self.pending_view),
                name="blog_post_pending",
            ),
            path(
                "<int:pk>/pending/preview/",
                self.admin_site.admin_view(PendingChangesPreview.as_view()),
                name="blog_post_pending_preview",
            ),
        ]

    def pending_view(self, request, post_id):
        """GET: the change awaiting review against the live post. POST (editors only):
        approve or reject it."""
        post = self._editable(request, post_id)
        change = review.pending(post)
        may_review = self.has_publish_permission(request)
        change_page = reverse("admin:blog_post_change", args=[post.pk])
        here = reverse("admin:blog_post_pending", args=[post.pk])
        if request.method == "POST":
            if not may_review:
                raise PermissionDenied
            action = request.POST.get("action")
            if action not in ("approve", "reject"):
                return HttpResponseBadRequest("Say approve or reject.")
            if change is None or str(change.pk) != request.POST.get("revision"):
                self.message_user(
                    request,
                    "These changes were replaced or reviewed after you opened them; "
                    "nothing was done. Look at them again.",
                    messages.WARNING,
                )
                return HttpResponseRedirect(here if change else change_page)
            who = change.user.get_username() if change.user else "the writer"
            if action == "reject":
                review.reject(change, request.user, request.POST.get("note", ""))
                self.message_user(
                    request,
                    f"Rejected {who}'s changes to “{post.title}”. The post has not changed; "
                    "the changes are kept in its revisions.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_page)
            try:
                review.approve(post, change, request.user)
            except review.ReviewError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(here)
            self.message_user(
                request,
                f"Approved {who}'s changes. “{post.title}” is {post.state} with them.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_page)
        if change is None:
            self.message_user(request, "No changes await review on this post.", messages.INFO)
            return HttpResponseRedirect(change_page)
        live_saved_since = post.updated > change.created
        context = self._history_context(
            request,
            post,
            post=post,
            revision=change,
            diffs=history.differences(
                history.state(post), history.state(change), review.WRITERS_FIELDS
            ),
            may_review=may_review,
            live_saved_since=live_saved_since,
            last_save=post.revisions.filter(review="").select_related("user").first()
            if live_saved_since
            else None,
            title=f"Changes awaiting review: “{post.title}”",
        )
        return TemplateResponse(request, "admin/blog/post/pending.html", context)

    def restore_for_review(self, request, post, revision):
        """A writer restoring a revision of a live post: the restored content becomes
        their change awaiting review, like any other edit."""
        tags = history.put_back(post, revision)
        review.submit(
            post,
            request.user,
            post.tags.all() if tags is None else tags,
            review_url=request.build_absolute_uri(
                reverse("admin:blog_post_pending", args=[post.pk])
            ),
        )
        self.message_user(
            request,
            f"Restored the revision saved {history.when(revision.created)} as your changes "
            "awaiting an editor's review. Readers still see the post as it was.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:blog_post_pending", args=[post.pk]))
