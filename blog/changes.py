"""The one place every write to readable content reports to.

Admin saves, bulk actions, deletes and the importer all end up here (model signals
for per-object writes; explicit :func:`notify` calls for bulk paths that bypass
``save()``, such as ``QuerySet.update``). Listeners keep derived state in step:
the page cache and the search index connect to :data:`content_changed`.

The signal is sent inside the writer's transaction, so a listener that writes to
the database (the search index) commits or rolls back with the change itself; a
listener with effects outside the database (the cache) should defer them with
``transaction.on_commit``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import Signal, receiver

from authors.models import Author

from .models import Post, Tag

#: Sent with ``post_ids``, ``author_ids`` and ``tag_ids`` (frozensets of primary keys).
content_changed = Signal()


# The notifications held back by the innermost batch() block, if any.
_held = ContextVar("folio_held_changes", default=None)


def notify(*, post_ids=(), author_ids=(), tag_ids=()):
    """Tell every listener that these objects were created, changed or deleted."""
    held = _held.get()
    if held is not None:
        held["post_ids"].update(post_ids)
        held["author_ids"].update(author_ids)
        held["tag_ids"].update(tag_ids)
        return
    content_changed.send(
        sender=None,
        post_ids=frozenset(post_ids),
        author_ids=frozenset(author_ids),
        tag_ids=frozenset(tag_ids),
    )


@contextmanager
def batch():
    """Send the notifications of this block once, merged, when it ends without error.

    For writers that change one thing through several saves (a post, then its tags),
    so listeners do their work once. Use it inside the writer's transaction.
    """
    if _held.get() is not None:  # nested: the outermost block sends
        yield
        return
    held = {"post_ids": set(), "author_ids": set(), "tag_ids": set()}
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    if any(held.values()):
        notify(**held)


@receiver([post_save, post_delete], sender=Post, dispatch_uid="folio-post-changed")
def _post_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        # A deleted post's tags were unlinked before post_delete: report them, collected
        # before the delete (their pages, and the rankings it was part of, change).
        notify(post_ids=[instance.pk], tag_ids=getattr(instance, "_folio_tag_ids", ()))


@receiver(pre_delete, sender=Post, dispatch_uid="folio-post-deleting")
def _remember_tags(sender, instance, **kwargs):
    instance._folio_tag_ids = list(instance.tags.values_list("pk", flat=True))


@receiver([post_save, post_delete], sender=Author, dispatch_uid="folio-author-changed")
@receiver([post_save, post_delete], sender=Tag, dispatch_uid="folio-tag-changed")
def _author_or_tag_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # On delete, its posts were unlinked without signals (SET_NULL is an UPDATE, the
    # tag links a bulk DELETE): report them, collected before the delete.
    posts = getattr(instance, "_folio_post_ids", ())
    if sender is Author:
        notify(author_ids=[instance.pk], post_ids=posts)
    else:
        notify(tag_ids=[instance.pk], post_ids=posts)


@receiver(pre_delete, sender=Author, dispatch_uid="folio-author-deleting")
@receiver(pre_delete, sender=Tag, dispatch_uid="folio-tag-deleting")
def _remember_posts(sender, instance, **kwargs):
    instance._folio_post_ids = list(instance.posts.values_list("pk", flat=True))


@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="folio-post-tags-changed")
def _post_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # tag.posts.clear() names no posts afterwards: remember them now.
        _remember_posts(sender, instance)
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # tag.posts.add(...): instance is the Tag
        cleared = getattr(instance, "_folio_post_ids", ()) if action == "post_clear" else ()
        notify(post_ids=pk_set or cleared, tag_ids=[instance.pk])
    else:
        notify(post_ids=[instance.pk], tag_ids=pk_set or ())
