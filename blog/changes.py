"""The one place every write to readable content reports to.

Admin saves, bulk actions, deletes and the importer all end up here (model signals
for per-object writes; explicit :func:`notify` calls for bulk paths that bypass
``save()``, such as ``QuerySet.update``). Listeners keep derived state in step:
the page cache and the search index connect to :data:`content_changed`.

The signal is sent inside the writer's transaction, so a listener that writes to
the database (the search index, post links) commits or rolls back with the change
itself; a listener with effects outside the database (the cache) should defer them with
``transaction.on_commit``.

Writers of posts go one at a time (:func:`serialize`): listeners read other posts than
the ones written (post links are derived from all of them), and two writers each
missing the other's uncommitted change would both store links that are wrong.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import Signal, receiver

from authors.models import Author
from sitesettings.models import MENU_MODELS, SiteSettings

from .models import Post, Tag

#: Sent with ``post_ids``, ``author_ids``, ``tag_ids`` and ``page_ids`` (frozensets of
#: primary keys), ``site_settings`` (True when the site's settings or menus changed),
#: ``posts_in_place``: those of ``post_ids`` known to keep their status and publish date
#: (the order of posts, which their links derive from), however else they changed, and
#: ``indexed_post_ids``: those of ``post_ids`` whose search documents the writer wrote.
content_changed = Signal()


logger = logging.getLogger(__name__)

# The notifications held back by the innermost batch() block, if any.
_held = ContextVar("folio_held_changes", default=None)
# Any constant: the key of the PostgreSQL advisory lock that writers of posts share.
_WRITERS_LOCK = 7_466_151_017


def serialize():
    """Wait for any other transaction writing posts to finish, and keep them waiting
    until this one ends.

    Taken before a post, its tags or a tag are written (the signals below), so no
    transaction holds row locks another one waits for. On PostgreSQL a transaction-level
    advisory lock; SQLite's writers already go one at a time (IMMEDIATE transactions).
    Outside a transaction there is nothing to hold: every statement commits at once.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITERS_LOCK])


@receiver(pre_save, sender=Post, dispatch_uid="folio-post-saving")
@receiver(pre_delete, sender=Post, dispatch_uid="folio-post-deleting-lock")
@receiver(pre_delete, sender=Tag, dispatch_uid="folio-tag-deleting-lock")
def _writing(sender, **kwargs):
    serialize()


def notify(
    *,
    post_ids=(),
    author_ids=(),
    tag_ids=(),
    page_ids=(),
    site_settings=False,
    posts_in_place=(),
    indexed=False,
):
    """Tell every listener that these objects were created, changed or deleted
    (``site_settings``: the site's settings or menus).

    ``posts_in_place``: those of ``post_ids`` this write is known to have left at their
    status and publish date (a post saved with both as loaded, a change of its tags).
    Any other post may have moved: a writer that does not say is taken to move them.

    ``indexed``: the writer has written these posts' search documents itself, in the
    same transaction (the importer, in bulk), so the search index leaves them be; any
    later report of the same posts without it has them indexed again.
    """
    held = _held.get()
    if held is not None:
        held["post_ids"].update(post_ids)
        if indexed:
            held["indexed_post_ids"].update(post_ids)
        else:
            held["indexed_post_ids"].difference_update(post_ids)
        held["author_ids"].update(author_ids)
        held["tag_ids"].update(tag_ids)
        held["page_ids"].update(page_ids)
        held["site_settings"] = held["site_settings"] or site_settings
        # A post is in place when no write of the block moved it.
        held["moved"].update(set(post_ids).difference(posts_in_place))
        return
    _send(
        post_ids=post_ids,
        author_ids=author_ids,
        tag_ids=tag_ids,
        page_ids=page_ids,
        site_settings=site_settings,
        posts_in_place=frozenset(post_ids).intersection(posts_in_place),
        indexed_post_ids=post_ids if indexed else (),
    )


def _send(
    *, post_ids, author_ids, tag_ids, page_ids, site_settings, posts_in_place, indexed_post_ids
):
    content_changed.send(
        sender=None,
        post_ids=frozenset(post_ids),
        author_ids=frozenset(author_ids),
        tag_ids=frozenset(tag_ids),
        page_ids=frozenset(page_ids),
        site_settings=site_settings,
        posts_in_place=frozenset(posts_in_place),
        indexed_post_ids=frozenset(indexed_post_ids),
    )


def _release(held):
    """Send what a batch() held."""
    moved = held.pop("moved")
    _send(**held, posts_in_place=held["post_ids"] - moved)


@contextmanager
def batch():
    """Send the notifications of this block once, merged, when it ends.

    For writers that change one thing through several saves (a post, then its tags),
    so listeners do their work once. Inside the writer's transaction, an error rolls
    everything back and nothing is sent; a writer that commits as it goes (the importer,
    a transaction per file) gets what it committed sent even when it stops on an error.
    """
    if _held.get() is not None:  # nested: the outermost block sends
        yield
        return
    held = {
        "post_ids": set(),
        "author_ids": set(),
        "tag_ids": set(),
        "page_ids": set(),
        "site_settings": False,
        "moved": set(),
        "indexed_post_ids": set(),
    }
    token = _held.set(held)
    try:
        yield
    except BaseException:
        _held.reset(token)
        if any(held.values()) and not transaction.get_connection().in_atomic_block:
            try:
                _release(held)  # committed already: listeners must hear of it
            except Exception:
                logger.exception("Could not report the changes made before the error")
        raise
    _held.reset(token)
    if any(held.values()):
        _release(held)


@receiver([post_save, post_delete], sender=Post, dispatch_uid="folio-post-changed")
def _post_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        # A deleted post's tags were unlinked before post_delete: report them, collected
        # before the delete (their pages, and the rankings it was part of, change).
        in_place = kwargs.get("created") is False and instance.kept_place
        notify(
            post_ids=[instance.pk],
            tag_ids=getattr(instance, "_folio_tag_ids", ()),
            posts_in_place=[instance.pk] if in_place else (),
        )


@receiver(pre_delete, sender=Post, dispatch_uid="folio-post-deleting")
def _remember_tags(sender, instance, **kwargs):
    instance._folio_tag_ids = list(instance.tags.values_list("pk", flat=True))


# Pages (pages.Page) by name: blog never imports the pages app, which builds on it.
@receiver([post_save, post_delete], sender="pages.Page", dispatch_uid="folio-page-changed")
def _page_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        notify(page_ids=[instance.pk])


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


def _site_settings_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        notify(site_settings=True)


# (Signals name the class saved: each proxy of the menu links is connected too.)
for _model in (SiteSettings, *MENU_MODELS):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _site_settings_changed, sender=_model, dispatch_uid=f"folio-site-{_model.__name__}"
        )


@receiver(pre_delete, sender=Author, dispatch_uid="folio-author-deleting")
@receiver(pre_delete, sender=Tag, dispatch_uid="folio-tag-deleting")
def _remember_posts(sender, instance, **kwargs):
    instance._folio_post_ids = list(instance.posts.values_list("pk", flat=True))


@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="folio-post-tags-changed")
def _post_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("pre_"):
        serialize()
    if action == "pre_clear":
        # clear() names nothing afterwards: remember what it unlinks now.
        if reverse:  # tag.posts.clear()
            _remember_posts(sender, instance)
        else:  # post.tags.clear()
            _remember_tags(sender, instance)
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    # (Tagging moves no post: each keeps its status and date.)
    if reverse:  # tag.posts.add(...): instance is the Tag
        cleared = getattr(instance, "_folio_post_ids", ()) if action == "post_clear" else ()
        posts = pk_set or cleared
        notify(post_ids=posts, tag_ids=[instance.pk], posts_in_place=posts)
    else:
        cleared = getattr(instance, "_folio_tag_ids", ()) if action == "post_clear" else ()
        notify(post_ids=[instance.pk], tag_ids=pk_set or cleared, posts_in_place=[instance.pk])
