"""What a post page links to besides the post: its neighbours in time, its related posts
and its tags.

They are derived from every post's status, date and tags, and finding them per page view
was most of the work of a post page (ranking related posts reads every post that shares a
tag: several milliseconds of SQL at 10,000 posts). They only change when posts or tags
are written, so each post keeps them in ``Post.links`` -- derived data, like
``body_html`` -- and :func:`update`, a listener of :data:`blog.changes.content_changed`
like the search index, recomputes the links a change can affect, inside the writer's
transaction.

* ``previous`` / ``next``: the published posts just before and after this one by
  (publish_at, pk), the order of every list.
* ``related``: the published posts sharing the most tags with this one, newest first
  among equals (a page shows three and fills up with the newest posts).
* ``tags``: this post's tags as its page links to them, ``{id, name, slug, kind}``, in
  the tags' own order (kind, then name, as the database sorts them): the page then needs
  no query of its own for them. Any change to a tag, or to which posts carry it,
  reaches every post carrying it.

Links are computed among published posts whatever their date, and pages keep only what is
live (:meth:`blog.models.Post.reading_links` reads through ``published()``), so a
scheduled post joins the pages that link to it by itself when its time comes: a live
post's previous post is older, so live too; its next post is live, or scheduled and then
no later post is live either; a ranking runs as far as its third live post, so the
scheduled posts ranked above it are there when they go live.
"""

import heapq
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from itertools import chain, combinations

from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from folio import pagecache

from . import caching
from .changes import content_changed, serialize
from .models import RELATED_SHOWN, TAG_LINK_FIELDS, Post, Status

BATCH_SIZE = 500


class _Snapshot:
    """Every post's date and tags, and the order of the published ones, read once."""

    def __init__(self, model, tags=None):
        """``tags``: read only the posts carrying one of these tags, and only these tags'
        links to posts; enough to rank the posts sharing them (:meth:`related`, whose
        ranks are relative) and to give their tags, not for :meth:`neighbours`."""
        self.now = timezone.now()
        self.dates = {}  # pk -> publish_at, every post
        posts, through = model.objects.all(), model.tags.through.objects.all()
        if tags is not None:
            through = through.filter(tag_id__in=tags)
            posts = posts.filter(pk__in=through.values("post_id"))
        published, unpublished = [], []
        for pk, status, publish_at in posts.values_list("pk", "status", "publish_at"):
            self.dates[pk] = publish_at
            (published if status == "published" else unpublished).append((publish_at, pk))
        published.sort()
        unpublished.sort()
        self.unpublished = unpublished
        self.timeline = published  # oldest first, ties broken by pk as pages do
        self.newest = [pk for _, pk in reversed(published)]
        self.rank = {pk: i for i, pk in enumerate(self.newest)}  # 0: the newest
        self.tags_of = defaultdict(list)  # post pk (any status) -> tag pks
        self.tagged = defaultdict(list)  # tag pk -> post pks (any status)
        self.members = defaultdict(list)  # tag pk -> ranks of its published posts
        for post_id, tag_id in through.values_list("post_id", "tag_id"):
            self.tags_of[post_id].append(tag_id)
            self.tagged[tag_id].append(post_id)
            if post_id in self.rank:
                self.members[tag_id].append(self.rank[post_id])
        for ranks in self.members.values():
            ranks.sort()  # newest first
        tag_model = model._meta.get_field("tags").related_model
        tags = tag_model.objects.order_by(*tag_model._meta.ordering, "pk")
        # tag pk -> (its place in the tags' own order, as the database sorts them; what a
        # page shows of it, TAG_LINK_FIELDS)
        self.tag_links = {
            tag["id"]: (place, tag) for place, tag in enumerate(tags.values(*TAG_LINK_FIELDS))
        }

    def neighbours(self, pk):
        """(previous, next) published posts around post ``pk``, whatever its status."""
        timeline = self.timeline
        i = bisect_left(timeline, (self.dates[pk], pk))
        after = i + 1 if i < len(timeline) and timeline[i][1] == pk else i
        previous = timeline[i - 1][1] if i > 0 else None
        following = timeline[after][1] if after < len(timeline) else None
        return previous, following

    def around(self, pk):
        """The posts whose neighbours include published post ``pk``: its own neighbours,
        and the drafts dated between them (their previews link to it)."""
        previous, following = self.neighbours(pk)
        drafts = self.unpublished
        start = bisect_right(drafts, (self.dates[previous], previous)) if previous else 0
        end = bisect_left(drafts, (self.dates[following], following)) if following else None
        return {previous, following, *(draft for _, draft in drafts[start:end])}

    def related(self, pk):
        """The published posts sharing most tags with post ``pk``, best first: as far as
        the ``RELATED_SHOWN``-th live one (the scheduled posts among them go live later,
        and the ranking of live posts is then still right)."""
        ranking = []
        live = 0
        for r in self._ranked(pk):
            ranking.append(self.newest[r])
            live += self.dates[self.newest[r]] <= self.now
            if live == RELATED_SHOWN:
                break
        return ranking

    def _ranked(self, pk):
        """Ranks (in ``newest``) of the posts sharing tags with post ``pk``, best first."""
        own = self.rank.get(pk)  # None for a draft: its preview ranks the same way
        lists = [self.members[tag] for tag in self.tags_of.get(pk, ())]
        if len(lists) == 1:
            return (r for r in lists[0] if r != own)
        counts = Counter(chain.from_iterable(lists))
        counts.pop(own, None)
        several = sorted((r for r, n in counts.items() if n > 1), key=lambda r: (-counts[r], r))
        # Then those sharing one tag, newest first: the lists merged.
        return chain(several, (r for r in heapq.merge(*lists) if counts.get(r) == 1))

    def tags(self, pk):
        """Post ``pk``'s tags, ``{id, name, slug, kind}`` each, by kind and then name."""
        return [tag for _, tag in sorted(self.tag_links[tag] for tag in self.tags_of.get(pk, ()))]

    def links(self, pk):
        previous, following = self.neighbours(pk)
        return {
            "previous": previous,
            "next": following,
            "related": self.related(pk),
            "tags": self.tags(pk),
        }


def refresh(post_ids=None, tag_ids=(), *, in_place=(), model=Post) -> set[int]:
    """Recompute the links a change to these posts and tags can affect (every post's
    when ``post_ids`` is None); returns the pks of the posts whose links changed.

    ``in_place``: those of ``post_ids`` whose status and publish date did not change
    (``content_changed``'s ``posts_in_place``): the order of posts is then as it was,
    and only the rankings that count their changed tags can change.
    ``model`` is the Post model (a migration passes its historical one).
    """
    # What is read and what is written must be one consistent state: in a transaction
    # (the writer's, or one of its own after an import), with other writers waiting.
    with transaction.atomic():
        serialize()
        return _refresh(model, post_ids, tag_ids, in_place)


def _refresh(model, post_ids, tag_ids, in_place=()):
    snapshot = _Snapshot(model)
    if post_ids is None:
        affected = set(snapshot.dates)
    else:
        affected = _affected(model, snapshot, set(post_ids), tag_ids, in_place)
    changed = []
    affected = sorted(affected)
    for start in range(0, len(affected), BATCH_SIZE):
        chunk = affected[start : start + BATCH_SIZE]
        for pk, stored in model.objects.filter(pk__in=chunk).values_list("pk", "links"):
            links = snapshot.links(pk)
            if links != stored:
                changed.append(model(pk=pk, links=links))
    # Not save(): new links are not an edit (no revision, no "updated", no signal).
    _store(model, changed)
    return {post.pk for post in changed}


def _affected(model, snapshot, post_ids, tag_ids, in_place):
    """The posts whose links a change to these posts and tags can change."""
    moved = post_ids.difference(in_place)
    # Rankings that may gain or lose these posts: every post sharing one of the tags that
    # changed, or one of the moved posts' tags (one left in place keeps its rank, so
    # only the rankings counting a changed tag see it differently)...
    tags = set(tag_ids).union(*(snapshot.tags_of.get(pk, ()) for pk in moved))
    affected = post_ids.union(*(snapshot.tagged.get(tag, ()) for tag in tags))
    # ...those that have the moved posts as neighbours from now on, and those that had
    # (found by what the others store: a post's own stored links are no guide, since
    # saving an object loaded earlier writes back the links it was loaded with).
    if moved:
        for pk in moved & snapshot.rank.keys():
            affected |= snapshot.around(pk)
        linked = Q(links__previous__in=moved) | Q(links__next__in=moved)
        affected.update(model.objects.filter(linked).values_list("pk", flat=True))
    return affected & snapshot.dates.keys()


#: How many other posts' rankings a change of one post's tags may recompute through
#: :func:`refresh_retagged` (past it, :func:`refresh`).
RETAGGED_OTHERS = 50
#: How many tags the post may carry, and how many sets of them may be looked at (a
#: query or two each), before :func:`refresh` is the cheaper way.
RETAGGED_TAGS = 12
RETAGGED_SETS = 64


def refresh_retagged(pk, tag_ids, *, model=Post):
    """After a change of post ``pk``'s tags alone (``tag_ids``: those it gained or lost;
    its status and date as they were), recompute the links it can change without
    reading every post; returns the pks of the posts whose links changed, or None when
    that cannot be done so (too many rankings may change): :func:`refresh` then."""
    with transaction.atomic():
        serialize()
        found = _retagged(model, pk, set(tag_ids))
        if found is None:
            return None
        changed = [model(pk=pk, links=links) for pk, (links, stored) in found.items()]
        changed = [post for post in changed if post.links != found[post.pk][1]]
        _store(model, changed)
        return {post.pk for post in changed}


def _retagged(model, pk, tag_ids):
    """{pk: (new links, stored links)} of post ``pk`` and of the posts whose rankings
    its change of tags can change, or None."""
    post = model.objects.filter(pk=pk).values("status", "publish_at", "links").first()
    stored = {pk: post["links"]} if post else {}
    if not stored.get(pk) or "tags" not in stored[pk]:
        return None
    old = {tag["id"] for tag in stored[pk]["tags"]}  # as the last refresh found them
    new = set(model.tags.through.objects.filter(post_id=pk).values_list("tag_id", flat=True))
    if not tag_ids <= old ^ new:
        return None  # another change came with it (a tag renamed)
    others = set()
    if post["status"] == Status.PUBLISHED:
        others = _may_rank_it(model, pk, post, old, new)
        if others is None:
            return None
        stored.update(model.objects.filter(pk__in=others).values_list("pk", "links"))
    if any("tags" not in links for links in stored.values()):
        return None
    # Every tag of the posts to rank (their own are as stored: only this post's changed).
    tags = new.union(*({tag["id"] for tag in stored[other]["tags"]} for other in others))
    snapshot = _Snapshot(model, tags=tags)
    # Their places among posts are as they were, so are their neighbours.
    return {
        post_pk: (
            {
                "previous": links.get("previous"),
                "next": links.get("next"),
                "related": snapshot.related(post_pk),
                "tags": snapshot.tags(post_pk),
            },
            links,
        )
        for post_pk, links in stored.items()
    }


def _may_rank_it(model, pk, post, old, new):
    """The other posts whose stored ranking may hold (or have held) published post
    ``pk``, whose tags change from ``old`` to ``new``; None if too many.

    Another post sharing the tags U with it ranks before it every post sharing U too
    and newer (or more tags); if RELATED_SHOWN live posts besides the other post do,
    its ranking stops before reaching this one. So for every set U of this post's tags
    holding a changed one (before the change and after), only when fewer than
    RELATED_SHOWN + 1 live posts newer than it carry all of U may the posts carrying
    all of U rank it.
    """
    if len(old | new) > RETAGGED_TAGS:
        return None  # (the sets of its tags are 2 ** tags)
    now = timezone.now()
    newer = Q(publish_at__gt=post["publish_at"]) | Q(publish_at=post["publish_at"], pk__gt=pk)
    ahead = model.objects.filter(newer, status=Status.PUBLISHED, publish_at__lte=now)
    others = set()
    asked = 0
    for tags, changed in ((new, new - old), (old, old - new)):
        found = []  # sets whose carriers were taken: a larger set's are among them
        for size in range(1, len(tags) + 1):
            for shared in map(set, combinations(sorted(tags), size)):
                if changed.isdisjoint(shared) or any(smaller <= shared for smaller in found):
                    continue
                asked += 1
                if asked > RETAGGED_SETS:
                    return None
                before = _carrying(ahead, shared).values_list("pk")[: RELATED_SHOWN + 1]
                if len(before) > RELATED_SHOWN:
                    continue
                found.append(shared)
                carriers = _carrying(model.objects.exclude(pk=pk), shared)
                others.update(carriers.values_list("pk", flat=True)[: RETAGGED_OTHERS + 1])
                if len(others) > RETAGGED_OTHERS:
                    return None
    return others


def _carrying(posts, tags):
    """Those of ``posts`` carrying every one of these tags."""
    for tag in tags:
        posts = posts.filter(tags=tag)
    return posts.order_by()


def _store(model, posts):
    """Write ``posts``' links: one UPDATE by primary key, executed for each (bulk_update
    builds one CASE over a batch's keys, whose compiling cost more than the writes)."""
    if not posts:
        return
    connection = transaction.get_connection()
    field = model._meta.get_field("links")
    quote = connection.ops.quote_name
    statement = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            statement,
            [(field.get_db_prep_save(post.links, connection), post.pk) for post in posts],
        )


@receiver(content_changed, dispatch_uid="folio-post-links")
def update(sender, post_ids=frozenset(), tag_ids=frozenset(), posts_in_place=frozenset(), **kwargs):
    if not tag_ids and post_ids <= posts_in_place:
        # An author's change, or edits that leave every post's status, date and tags as
        # they were (a body, a title, a slug): nothing links derive from changed.
        return
    bulk = len(post_ids) > caching.BULK_CHANGE
    changed = None
    if len(post_ids) == 1 and post_ids <= posts_in_place:  # one post's tags changed
        changed = refresh_retagged(next(iter(post_ids)), tag_ids)
    if changed is None:
        changed = refresh(None if bulk else post_ids, tag_ids, in_place=posts_in_place)
    # After a bulk change every page is re-rendered anyway. A change to tags alone (a
    # rename) changes only the stored tags, and the pages showing a tag depend on it.
    if changed and post_ids and not bulk:
        pagecache.invalidate(*(caching.links_of(pk) for pk in changed))
