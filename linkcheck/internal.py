"""Whether an address on this site answers a reader, decided as a request to it would be.

A path answers when:

* it is an upload present in media storage, or a static file;
* a route of Folio's resolves it *and* what that route shows exists for readers: a
  post slug that fits ``/blog/<slug>/`` but names no published post is a 404, so it
  is looked up through the same rule the view uses (``published()`` for posts, pages
  and archives; the tag and author lookups of the tag, author and feed views) --
  :data:`FINDERS`, one batched query per route for all the paths being checked;
* otherwise, as the middleware answers a 404: the URL map (``blog.Redirect``, through
  ``RedirectQuerySet.targets``, the middleware's own lookup) or ``APPEND_SLASH``
  sends it somewhere that answers. A redirect whose target does not answer is broken
  too, and says so.

Paths are given decoded (as ``request.path`` holds them); queries and fragments are
the caller's to strip. Nothing here makes an HTTP request or renders a page, so a
whole site is checked in a few queries (docs/performance.md, "Link check").
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve

from authors.models import Author
from blog.models import Post, Redirect, Tag
from folio.views import serve_media
from pages.models import Page

#: Redirects followed before a chain counts as broken (the URL map keeps them one hop;
#: ``APPEND_SLASH`` may add one).
MAX_HOPS = 3
# Values per IN (...) query (SQLite allows 999 parameters on old builds).
CHUNK = 500


class Verdict(NamedTuple):
    ok: bool
    #: Why it is broken; for one that answers through a redirect, empty.
    reason: str = ""
    #: Where a 301 sends it first, when it does.
    moved_to: str = ""


class Finder(NamedTuple):
    """How to tell whether what a route shows exists: ``key(kwargs)`` names it,
    ``existing(keys)`` says which of many exist (in a few queries), ``missing`` is
    the reason given for one that does not."""

    key: Callable[[dict], Hashable]
    existing: Callable[[set], set]
    missing: str


def _in_chunks(queryset, field, keys):
    """Which of ``keys`` the ``field`` of ``queryset``'s rows holds."""
    if len(keys) > CHUNK:
        # Many: one pass over the rows beats a pass per chunk (SQLite answers each
        # ``published()`` query through the status/date index, not the slug's).
        return keys & set(queryset.values_list(field, flat=True))
    found = set()
    keys = sorted(keys)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        found.update(queryset.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))
    return found


def _posts(slugs):
    return _in_chunks(Post.objects.published(), "slug", slugs)


def _tags(kind):
    return lambda slugs: _in_chunks(Tag.objects.filter(kind=kind), "slug", slugs)


def _authors(slugs):
    return _in_chunks(Author.objects.all(), "slug", slugs)


def _pages(paths):
    return _in_chunks(Page.objects.published(), "path", paths)


def _months(keys):
    """(year, month or None) that have published posts: the archive views' rule
    (their ``allow_empty = False`` makes an empty year or month a 404)."""
    months = {(d.year, d.month) for d in Post.objects.published().datetimes("publish_at", "month")}
    years = {year for year, _ in months}
    return {key for key in keys if (key in months if key[1] else key[0] in years)}


_slug = lambda kwargs: kwargs["slug"]  # noqa: E731
_NO_POST = "no published post has this address"
_NO_TAG = "no tag has this address"
_NO_CATEGORY = "no category has this address"
_NO_AUTHOR = "no author has this address"

#: Every route of Folio's whose page depends on what its address names, by route name.
#: (tests/test_linkcheck.py fails when a route with arguments is missing here.)
FINDERS = {
    "blog:post-detail": Finder(_slug, _posts, _NO_POST),
    "blog:tag-detail": Finder(_slug, _tags(Tag.Kind.TAG), _NO_TAG),
    "blog:tag-feed": Finder(_slug, _tags(Tag.Kind.TAG), _NO_TAG),
    "blog:category-detail": Finder(_slug, _tags(Tag.Kind.CATEGORY), _NO_CATEGORY),
    "blog:category-feed": Finder(_slug, _tags(Tag.Kind.CATEGORY), _NO_CATEGORY),
    "blog:archive-year": Finder(lambda kw: (kw["year"], None), _months, "no posts that year"),
    "blog:archive-month": Finder(
        lambda kw: (kw["year"], kw["month"]), _months, "no posts that month"
    ),
    "authors:author-detail": Finder(_slug, _authors, _NO_AUTHOR),
    "author-feed": Finder(_slug, _authors, _NO_AUTHOR),
    "pages:page": Finder(lambda kw: "/" + kw["path"], _pages, "no published page has this address"),
}
#: Routes with arguments that are not pages for readers: a link to one is not checked.
UNCHECKED = {"pages:form-send"}


class _Answer(NamedTuple):
    """What a request for one path gets before any redirect is followed."""

    found: bool
    reason: str = ""
    moved_to: str = ""  # a 301's Location (a path, or a full URL off the site)
    #: An upload or a static file: a file's address, which APPEND_SLASH leaves alone
    #: (the uploads' route resolves it; for static files, a slash would not help).
    file: bool = False


def _prefix(url):
    return "/" + url.strip("/") + "/"


def path_of(target: str) -> str:
    """The decoded path a URL of this site asks for (its query and fragment dropped)."""
    if target.startswith("/") and not target.startswith("//"):
        path = target.partition("#")[0].partition("?")[0]  # (what urlsplit does, faster)
    else:
        path = urlsplit(target).path
    return unquote(path) or "/"


class InternalChecker:
    """Checks paths of this site; remembers its answers, so one checker asked again
    (another post's links, the next batch) asks the database only about new paths."""

    def __init__(self):
        self.answers: dict[str, _Answer] = {}

    def check(self, paths: Iterable[str]) -> dict[str, Verdict]:
        paths = set(paths)
        todo = paths
        for _ in range(MAX_HOPS + 1):
            todo = {path for path in todo if path not in self.answers}
            if not todo:
                break
            new = self._answer(todo)
            self.answers.update(new)
            todo = {
                path_of(answer.moved_to)
                for answer in new.values()
                if answer.moved_to.startswith("/")
            }
        return {path: self._verdict(path) for path in paths}

    def _verdict(self, path, hops=0) -> Verdict:
        answer = self.answers.get(path)
        if answer is None or hops > MAX_HOPS:
            return Verdict(False, "redirects too many times")
        if answer.found:
            return Verdict(True)
        if not answer.moved_to:
            return Verdict(False, answer.reason)
        if not answer.moved_to.startswith("/"):
            return Verdict(True, moved_to=answer.moved_to)  # off the site: not followed
        onward = self._verdict(path_of(answer.moved_to), hops + 1)
        if onward.ok:
            return Verdict(True, moved_to=answer.moved_to)
        return Verdict(
            False, f"redirects to {answer.moved_to}, where {onward.reason}", answer.moved_to
        )

    def _answer(self, paths) -> dict[str, _Answer]:
        answers = {}
        by_route = defaultdict(dict)  # route -> {path: key}
        for path in paths:
            answer, route, key = self._route(path)
            if answer is not None:
                answers[path] = answer
            else:
                by_route[route][path] = key
        unanswered, files = {}, set()
        for route, keys in by_route.items():
            finder = FINDERS[route]
            existing = finder.existing(set(keys.values()))
            for path, key in keys.items():
                if key in existing:
                    answers[path] = _Answer(True)
                else:
                    unanswered[path] = finder.missing
        for path, answer in answers.items():
            if not answer.found and not answer.moved_to:
                unanswered.setdefault(path, answer.reason)
                if answer.file:
                    files.add(path)
        # A 404: the URL map first (RedirectFallbackMiddleware), then APPEND_SLASH.
        moved = Redirect.objects.targets(unanswered)
        for path, reason in unanswered.items():
            if path in moved:
                answers[path] = _Answer(False, reason, moved[path])
            elif (
                settings.APPEND_SLASH
                and path not in files
                and not path.endswith("/")
                and _resolves(path + "/")
            ):
                answers[path] = _Answer(False, reason, path + "/")
            else:
                answers[path] = _Answer(False, reason, file=path in files)
        return answers

    def _route(self, path):
        """(an answer, None, None) for a path answered without a query, or (None, route,
        key) for one whose route's finder decides."""
        if "\x00" in path:
            return _Answer(False, "not an address"), None, None
        media = _prefix(settings.MEDIA_URL) if settings.MEDIA_URL.startswith("/") else None
        if media and path.startswith(media):
            return _stored(default_storage, path[len(media) :], "no such upload"), None, None
        static = _prefix(settings.STATIC_URL)
        if path.startswith(static):
            return _static(path[len(static) :]), None, None
        if path.startswith(_prefix(settings.ADMIN_URL)) or path == _prefix(settings.ADMIN_URL)[:-1]:
            return _Answer(True), None, None  # the admin's, for staff: not checked
        try:
            match = resolve(path)
        except Resolver404:
            return _Answer(False, "nothing on this site has this address"), None, None
        if match.func is serve_media:  # (the uploads' route, whatever MEDIA_URL says now)
            return _stored(default_storage, match.kwargs["path"], "no such upload"), None, None
        finder = FINDERS.get(match.view_name)
        if finder is None:
            return _Answer(True), None, None  # a fixed page (/blog/, /search/, a feed)
        return None, match.view_name, finder.key(match.kwargs)


def _resolves(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _stored(storage, name, missing):
    try:
        present = bool(name) and storage.exists(name)
    except (SuspiciousOperation, ValueError, OSError):
        present = False
    return _Answer(True) if present else _Answer(False, missing, file=True)


def _static(name):
    answer = _stored(staticfiles_storage, name, "no such static file")
    if answer.found or not name:
        return answer
    # Not collected yet (development): where collectstatic would find it.
    try:
        return _Answer(True) if finders.find(name) else answer
    except (SuspiciousOperation, ValueError, OSError):
        return answer


def media_url_is_external() -> bool:
    """Whether uploads live at a full URL (object storage, a CDN) rather than a path."""
    return not settings.MEDIA_URL.startswith("/")


def media_name(url: str) -> str | None:
    """The storage name of an upload at a full ``MEDIA_URL`` (object storage), or None."""
    if media_url_is_external() and url.startswith(settings.MEDIA_URL):
        return unquote(urlsplit(url).path[len(urlsplit(settings.MEDIA_URL).path) :])
    return None


def stored_upload(name: str) -> Verdict:
    answer = _stored(default_storage, name, "no such upload")
    return Verdict(answer.found, answer.reason)
