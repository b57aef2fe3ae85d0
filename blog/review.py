"""Review before a live post changes: a writer's edit of a live or scheduled post is
kept as a revision awaiting review, and the post changes only when an editor approves.

Who needs review: anyone who may not publish (``blog.can_publish``), editing a post
whose stored status is *published* — live, or scheduled, whose page readers will see
at its time. Drafts are edited directly, as always; editors edit live posts directly.

The change is a :class:`~blog.models.PostRevision` with ``review="pending"`` (one per
post at most: the writer's next save replaces it, and the replaced one stays in the
history). Nothing else is written: the post, its tags, the page cache, the search
index and the stored links are left as they are, since what readers see has not
changed. Approving saves the post with the change, as any editor's save (every
listener hears of it then); rejecting leaves the post alone and the writer's text in
the history, where it can still be opened, compared and restored.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import router, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import changes
from .models import Post, PostRevision, Review, Tag

logger = logging.getLogger(__name__)

#: What a writer may change on a live post, so what a change awaiting review carries
#: and what approving it sets. The status, publish date and author are the editors'.
WRITERS_FIELDS = (
    "title",
    "subtitle",
    "slug",
    "tags",
    "excerpt",
    "body",
    "image",
    "thumb_image",
    "extra",
)


class ReviewError(Exception):
    """An approval that cannot be made as it stands; the message says why, to the editor."""


def needs_review(post, user):
    """Whether this user's save of this post waits for an editor instead of changing it.

    By the post's *stored* status: a form cannot talk its way out by sending another.
    """
    if post.pk is None or user.has_perm("blog.can_publish"):
        return False
    stored = Post.objects.filter(pk=post.pk).values_list("status", flat=True).first()
    return stored == Post.Status.PUBLISHED


def pending(post):
    """The change awaiting review on this post, or None."""
    return post.revisions.filter(review=Review.PENDING).select_related("user", "author").first()


def with_pending():
    """An annotation for post querysets: whether a change awaits review."""
    return Exists(PostRevision.objects.filter(post=OuterRef("pk"), review=Review.PENDING))


def awaiting(posts):
    """Of these posts, those with a change awaiting review."""
    return posts.filter(with_pending())


def tags_of(revision):
    """The revision's tags that still exist, in the tags' own order."""
    return Tag.objects.filter(pk__in=[tag["id"] for tag in revision.tags])


def show(post, revision):
    """Put the change's fields on this post instance, in memory, for the writer's form
    (so a writer's next edit continues their change, not the live post)."""
    for name in WRITERS_FIELDS:
        if name in ("tags", "image", "thumb_image"):
            continue
        setattr(post, name, getattr(revision, name))
    post.image.name, post.thumb_image.name = revision.image, revision.thumb_image
    post._pending = revision


def submit(post, user, tags, *, review_url=""):
    """Keep this post instance, as the writer changed it in memory, as the change
    awaiting review; the post in the database is not touched. ``tags`` are Tag objects;
    ``review_url``, the address of the review page, for the e-mail to editors.
    Returns the new revision."""
    using = router.db_for_write(PostRevision)
    with transaction.atomic(using=using):
        # One writer at a time per post: the second waits, then replaces the first.
        Post.objects.select_for_update().filter(pk=post.pk).first()
        # An image picked in the form is stored now, as a save of the post would.
        for name in ("image", "thumb_image"):
            Post._meta.get_field(name).pre_save(post, add=False)
        post.revisions.filter(review=Review.PENDING).update(
            review=Review.REPLACED, reviewed_at=timezone.now()
        )
        stored_tags = [{"id": tag.pk, "name": str(tag)} for tag in tags]
        revision = PostRevision.record(post, user, tags=stored_tags, review=Review.PENDING)
    transaction.on_commit(lambda: _mail_editors(post, revision, review_url), using=using)
    return revision


def retire(post):
    """A writer saved the post directly (it is a draft again): the change awaiting
    review was in their form, so it is in the post now."""
    post.revisions.filter(review=Review.PENDING).update(
        review=Review.REPLACED, reviewed_at=timezone.now()
    )


def approve(post, revision, user):
    """Save the post with the change (as an editor's save: a new revision, every
    listener told), and mark the change approved."""
    if not revision.is_pending:
        raise ReviewError("This change is no longer awaiting review.")
    if Post.objects.exclude(pk=post.pk).filter(slug=revision.slug).exists():
        raise ReviewError(
            f"The slug “{revision.slug}” has been taken by another post since the change "
            "was made. Edit the post to choose another, then approve the change."
        )
    with transaction.atomic(using=router.db_for_write(Post)), changes.batch():
        show(post, revision)
        post.edited_by = user
        post.save()
        post.tags.set(tags_of(revision))
        _close(revision, Review.APPROVED, user)


def reject(revision, user, note=""):
    """Turn the change down: the post stays as it is; the change stays in the history."""
    if not revision.is_pending:
        raise ReviewError("This change is no longer awaiting review.")
    revision.review_note = note.strip()
    _close(revision, Review.REJECTED, user)


def _close(revision, review, user):
    revision.review = review
    revision.reviewed_by = user
    revision.reviewed_at = timezone.now()
    revision.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])


def last_rejection(post):
    """The writer's change most recently turned down, if nothing was submitted since."""
    latest = post.revisions.exclude(review="").select_related("reviewed_by").first()
    return latest if latest and latest.review == Review.REJECTED else None


def reviewers():
    """The active staff who may publish (and so approve): editors and superusers."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return [user for user in users.exclude(email="") if user.has_perm("blog.can_publish")]


def _mail_editors(post, revision, review_url):
    """With ``FOLIO_REVIEW_EMAILS`` on: tell the editors, through Django's e-mail
    backend. A mail server that fails is logged, and the writer's save stands."""
    if not getattr(settings, "FOLIO_REVIEW_EMAILS", False):
        return
    recipients = [user.email for user in reviewers()]
    if not recipients:
        return
    who = revision.user.get_username() if revision.user else "A writer"
    try:
        send_mail(
            f"Changes awaiting review: {revision.title}",
            f"{who} changed “{revision.title}”, which is {post.state}. Readers still see "
            f"the post as it was until an editor approves the change.\n\n"
            f"Review it: {review_url}\n",
            None,
            recipients,
        )
    except Exception:
        logger.exception("Could not e-mail the editors about a change awaiting review")
