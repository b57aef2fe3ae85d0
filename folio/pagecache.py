"""The page cache: rendered public pages, served without touching the database.

A public view opts in with :func:`public_page` (function views) or
:class:`PublicPageMixin` (class-based views). :class:`PageCacheMiddleware` then

* answers anonymous GET/HEAD requests from the cache (before sessions, CSRF and
  authentication run, so a hit costs no database query),
* stores the rendered page of an anonymous request, and
* gives every public page ``ETag``, ``Last-Modified`` and a ``Cache-Control`` fit for
  a shared proxy or CDN, and answers conditional requests with 304.

A page rendered for a logged-in user is never stored and is sent ``private, no-store``.

Invalidation uses generations rather than deleting pages (we cannot list the keys of
every page that shows a post). Every stored page records the *generation token* of
each thing it shows; writing that thing replaces its token, which makes every page
that recorded the old token stale at once. What a page depends on:

* ``"site"`` -- every page. Replaced for changes too wide to track (a whole import).
* ``"lists"`` -- every page that lists content (home, lists, author and tag pages,
  feeds, sitemap): the default. Replaced by every content change.
* ``"<app_label>.<model>:<pk>"`` -- a page that shows only particular objects (a
  post page: the post, its author, its tags, its neighbours) names them with
  :func:`depends_on` and is then *not* a list page, so editing one post leaves the
  other post pages cached.

Time is the other source of change: a scheduled post appears when its time comes,
with no write at all. Every page is stored with the *horizon* -- the next moment a
scheduled post goes live (``settings.FOLIO_PAGE_CACHE_HORIZON`` names the function
that finds it) -- and no cache lifetime, in this cache or in the ``Cache-Control``
sent to proxies and browsers, reaches past it.

Checking a page's generations costs a round trip for a dozen keys. Every invalidation
also replaces one *epoch* token, in the same atomic write as the generations, and each
worker keeps its most recent pages in memory with the epoch they were last checked
under: while the epoch has not moved, nothing at all has been written, and a hit costs
one key.

Every write is also counted in the database (``SiteGeneration``), and each cache
remembers the count it has taken. A cache behind the count missed a write -- made
while it did not answer, or by a process with another cache (an in-process one) --
and whichever process next finds it so makes every page in it stale; until then no
process serves pages from it (:func:`cache_is_trusted`).
After a cache error each process leaves the cache alone for a few seconds
(folio/breaker.py), so a Redis that stops answering costs one timeout, not one per call.
"""

import hashlib
import logging
import math
import secrets
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
)
from django.utils.http import http_date
from django.utils.module_loading import import_string

from folio import breaker
from folio.models import SiteGeneration

logger = logging.getLogger(__name__)

SITE = "site"
LISTS = "lists"
_PREFIX = "pagecache"
_HORIZON_KEY = f"{_PREFIX}:horizon"
_EPOCH_KEY = f"{_PREFIX}:epoch"
_WRITTEN_KEY = f"{_PREFIX}:written"  # the count of writes (SiteGeneration) this cache took
_NO_HORIZON = "none"  # cached "no post is scheduled"
_ENTRY_FORMAT = 2
# Each worker keeps its most recently served pages in memory too, with the epoch they
# were last found fresh under (see the module docstring): this saves moving the page
# out of Redis and checking each generation, never freshness.
_LOCAL_PAGES = {}
_LOCAL_PAGES_MAX = 200


def key_for(obj):
    """The dependency name of a model instance: ``"blog.post:42"``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def model_key(model, pk):
    return f"{model._meta.label_lower}:{pk}"


def _generation_key(name):
    return f"{_PREFIX}:gen:{name}"


#: The cache key of a dependency's generation token (sitesettings reads ``SITE``'s).
generation_key = _generation_key


# -- Marking pages ---------------------------------------------------------------


class _PublicPage:
    """What the view told us about the page it is rendering."""

    def __init__(self):
        self.objects = set()


def public_page(view):
    """Mark a view's pages as public: cacheable, conditional, proxy-friendly.

    Apply it to views whose output is the same for every anonymous reader. Pages
    rendered for a logged-in user are sent ``no-store`` and never cached.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response
        request.public_page = _PublicPage()
        return view(request, *args, **kwargs)

    return wrapper


class PublicPageMixin:
    """:func:`public_page` for class-based views."""

    @classmethod
    def as_view(cls, **initkwargs):
        return public_page(super().as_view(**initkwargs))


def depends_on(request, *objects):
    """Declare that this page shows only these objects (``None`` is ignored).

    An object is a model instance or a dependency name of its own (a string).
    Without it a public page counts as a list page and changes with any content.
    """
    page = getattr(request, "public_page", None)
    if page is not None:
        page.objects.update(
            obj if isinstance(obj, str) else key_for(obj) for obj in objects if obj is not None
        )


# -- Invalidation ------------------------------------------------------------------


def invalidate(*names):
    """Make every cached page that depends on one of these names stale.

    ``LISTS`` is always included: whatever changed, some list shows it. Runs after the
    current transaction commits, so no request can re-cache the old content in between.
    """
    transaction.on_commit(lambda: invalidate_now(*names), robust=True)


def invalidate_everything():
    """Make every cached page stale (an import, a change to site-wide settings)."""
    invalidate(SITE)


def invalidate_now(*names):
    """:func:`invalidate` at once, not after a transaction (``manage.py
    invalidate_pages``). False if the cache did not answer: the write is counted in the
    database, and whichever server next finds the cache answering makes every page
    stale (:func:`cache_is_trusted`)."""
    names = {LISTS, *names}
    if _replace_generations(names, written=_count_write()):
        return True
    _distrust()
    return False


def _new_token():
    # An int: Redis stores it as digits, read back without unpickling.
    return secrets.randbits(62)


new_token = _new_token


def _replace_generations(names, written=None, *, caught_up=False):
    """Replace these names' generations and the epoch; False if the cache did not answer
    (or failed moments ago: see folio/breaker.py).

    ``written`` is this write's number in the count of writes: the cache records it
    only if it had taken every earlier one (a write made with another cache must still
    reach it). With ``caught_up`` every page is being made stale after those writes
    committed, so the cache has taken them all.
    """
    now = time.time()
    if not breaker.cache_usable(now):
        return False
    keys = [_generation_key(name) for name in names]
    tokens = {key: _new_token() for key in [*keys, _EPOCH_KEY]}
    try:
        if written is not None and (caught_up or cache.get(_WRITTEN_KEY) == written - 1):
            tokens[_WRITTEN_KEY] = written
        cache.set_many(tokens, timeout=None)  # one MSET on Redis: all at once
        # A write may have scheduled, re-dated or published a post.
        cache.delete(_HORIZON_KEY)
    except Exception as error:
        logger.warning("Page cache did not take a write: %s", error)
        breaker.cache_failed(error, now)
        return False
    breaker.cache_answered()
    return True


# -- Writes a cache missed -------------------------------------------------------------

#: How often each process compares its cache with the count of writes (SiteGeneration).
PENDING_CHECK_SECONDS = 5
_pending = {"trusted": True, "next_check": 0.0}


def _count_write():
    """Count a write in the database; its number, or None if the database did not answer.

    Runs after the write committed, so a process that reads this number reads the
    write's content too.
    """
    if _cache_is_private():
        logger.warning(
            "Page cache: this process's cache (%s) is its own, so the web servers' caches "
            "do not see this write directly. It is counted in the database, and each "
            "server makes all its cached pages stale within %d seconds. Run with the "
            "servers' REDIS_URL to keep their other pages cached.",
            type(caches["default"]).__name__,
            PENDING_CHECK_SECONDS,
        )
    for _attempt in range(2):
        try:
            with transaction.atomic():
                if not SiteGeneration.objects.filter(pk=1).update(value=F("value") + 1):
                    SiteGeneration.objects.create(pk=1, value=1)  # the row was lost (flush)
                return SiteGeneration.objects.filter(pk=1).values_list("value", flat=True).get()
        except IntegrityError:
            continue  # another process created the row meanwhile: count on it
        except DatabaseError as error:
            logger.error("Page cache: could not count a write in the database: %s", error)
            break
    return None


def _cache_is_private():
    """Is this process's cache its alone (in memory), unseen by the web servers?"""
    return isinstance(caches["default"], (LocMemCache, DummyCache))


def cache_is_trusted(now):
    """May this process serve and store pages now? Not while its cache is behind the
    count of writes: pages stored before a write would hide it.

    Every ``PENDING_CHECK_SECONDS`` (one short query) the count is read; a cache behind
    it has every page made stale and records the count. So a write its cache missed --
    made while it did not answer, by any server or command, or by a process with
    another cache -- shows within a few seconds, even if the process that made it is
    gone; and while the cache can be read but not written, no server serves from it.
    """
    if now < _pending["next_check"]:
        return _pending["trusted"]
    _pending["next_check"] = now + PENDING_CHECK_SECONDS
    try:
        written = SiteGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    except DatabaseError as error:
        logger.warning("Page cache: cannot read the count of writes: %s", error)
        return _pending["trusted"]
    written = written or 0
    try:
        in_step = cache.get(_WRITTEN_KEY) == written
    except Exception as error:
        breaker.cache_failed(error, now)
        in_step = False
    else:
        breaker.cache_answered()
        if not in_step:
            in_step = _replace_generations({SITE, LISTS}, written, caught_up=True)
    _pending["trusted"] = in_step
    return in_step


def writes_waiting():
    """Has a write missed this process's cache (one it made, or one a check found)?"""
    return not _pending["trusted"]


def _trusted_without_a_query(now):
    """:func:`cache_is_trusted` when it needs no query; False when a check is due."""
    return _pending["trusted"] and now < _pending["next_check"]


def _distrust():
    """This process missed a write: render everything, and look again at the next request."""
    _pending.update(trusted=False, next_check=0.0)


# -- The horizon: the next scheduled publish time ----------------------------------


def _horizon(cached, now, lists_generation):
    """The next publish time as a timestamp (None if nothing is scheduled).

    Cached as ``(generation of LISTS it was computed under, value)``. Every write
    replaces that generation, so a value read from the database just before a write
    committed -- and stored just after the write cleared the key -- is never used.
    """
    if cached is not None:
        generation, value = cached
        if generation == lists_generation:
            if value == _NO_HORIZON:
                return None
            if value > now:
                return value
    next_publish = import_string(settings.FOLIO_PAGE_CACHE_HORIZON)()
    if next_publish is None:
        value, timeout = _NO_HORIZON, settings.FOLIO_PAGE_CACHE_SECONDS
    else:
        value = next_publish.timestamp()
        timeout = max(1, math.ceil(value - now))
    cache.set(_HORIZON_KEY, (lists_generation, value), timeout=timeout)
    return None if value == _NO_HORIZON else value


# -- The middleware --------------------------------------------------------------


class PageCacheMiddleware:
    """Serve and store public pages; put it first.

    Above every other middleware so that a hit runs none of them; the headers they add
    to a public page (``Content-Security-Policy``, ``Vary``, ``X-Frame-Options``) are
    stored with it, since the page is stored on its way back up through this layer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(
            (settings.STATIC_URL, settings.MEDIA_URL)
        ):
            return self.get_response(request)
        now = time.time()
        if (
            not settings.FOLIO_PAGE_CACHE
            # (first: while the cache is skipped, no query for missed writes either)
            or not breaker.cache_usable(now)
            or not cache_is_trusted(now)
        ):
            return self._uncached(request, now)
        try:
            hit, state = self._look_up(request, now)
        except Exception as error:  # the cache is unreachable: readers still get every page
            breaker.cache_failed(error, now)
            return self._uncached(request, now)
        breaker.cache_answered()
        if hit is not None:
            return hit

        page_key, known, epoch, horizon = state
        response = self.get_response(request)
        if not _is_public(request, response):
            return response
        expires = now + settings.FOLIO_PAGE_CACHE_SECONDS
        if horizon is not None:
            expires = min(expires, horizon)
        entry = self._entry(request, response, now, horizon, expires)
        try:
            # Store only if no write was committed while we rendered: a page rendered
            # from the old content must not be recorded under the new generations.
            if self._record_generations(entry, known):
                cache.set(page_key, entry, timeout=max(1, math.ceil(expires - now)))
                _remember(page_key, entry, epoch)
        except Exception as error:
            breaker.cache_failed(error, now)
        return self._respond(request, entry, now, response)

    def _uncached(self, request, now):
        """The page rendered for this request, kept by nobody (``max-age=0``); it still
        answers conditional GET."""
        response = self.get_response(request)
        if not _is_public(request, response):
            return response
        entry = self._entry(request, response, now, None, now)
        return self._respond(request, entry, now, response)

    def _look_up(self, request, now):
        """``(response, None)`` for a fresh stored page, else ``(None, state)`` with what
        storing the page about to be rendered needs."""
        page_key = _page_key(request)
        # Logged-in readers never share pages: skip the lookup for anyone with a session.
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
        local = _LOCAL_PAGES.get(page_key) if anonymous else None
        if local is not None and not request.META.get(_CHECKED_IN_FRONT):
            entry = _fresh_copy(page_key, now)
            if entry is not None:
                return self._respond(request, entry, now), None
        keys = [_EPOCH_KEY, _HORIZON_KEY, _generation_key(SITE), _generation_key(LISTS)]
        if local is not None:
            keys += local[0]["generations"]  # everything needed to check it, in one trip
        elif anonymous:
            keys.append(page_key)
        known = cache.get_many(keys)
        epoch = known.get(_EPOCH_KEY)
        if epoch is None:  # nothing written yet, or the cache lost it: start one
            cache.add(_EPOCH_KEY, _new_token(), timeout=None)
        horizon = _horizon(known.get(_HORIZON_KEY), now, known.get(_generation_key(LISTS)))
        entry = local[0] if local is not None else known.get(page_key)
        if entry is not None and self._is_fresh(entry, known, horizon, now):
            _remember(page_key, entry, epoch)
            return self._respond(request, entry, now), None
        _LOCAL_PAGES.pop(page_key, None)
        return None, (page_key, known, epoch, horizon)

    @staticmethod
    def _is_fresh(entry, known, horizon, now):
        if entry.get("format") != _ENTRY_FORMAT or entry["horizon"] != horizon:
            return False
        if entry["expires"] <= now:
            return False
        generations = entry["generations"]
        wanted = [key for key in generations if key not in known]
        current = {**known, **(cache.get_many(wanted) if wanted else {})}
        return all(current.get(key) == token for key, token in generations.items())

    @staticmethod
    def _entry(request, response, now, horizon, expires):
        content = response.content
        objects = request.public_page.objects
        names = [SITE, *sorted(objects)] if objects else [SITE, LISTS]
        return {
            "format": _ENTRY_FORMAT,
            "names": names,
            "generations": {},
            "horizon": horizon,
            "expires": expires,
            "modified": math.floor(now),
            "last_modified": http_date(math.floor(now)),
            "etag": f'"{hashlib.md5(content).hexdigest()}"',
            "status": response.status_code,
            "headers": [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in {"cache-control", "etag", "last-modified", "expires"}
            ],
            "content": content,
        }

    @staticmethod
    def _record_generations(entry, known):
        """Fill in the entry's generation tokens; False if a write happened meanwhile."""
        keys = [_generation_key(name) for name in entry["names"]]
        lists_key = _generation_key(LISTS)
        current = cache.get_many({*keys, lists_key})
        if current.get(lists_key) != known.get(lists_key):
            return False  # every write replaces the "lists" generation
        for key in keys:
            if key not in current:  # first page to depend on it: start its generations
                current[key] = _new_token()
                if not cache.add(key, current[key], timeout=None):
                    return False  # someone else started it first; try next time
        entry["generations"] = {key: current[key] for key in keys}
        return True

    @staticmethod
    def _respond(request, entry, now, response=None):
        if response is None:
            response = HttpResponse(entry["content"], status=entry["status"])
            for name, value in entry["headers"]:
                response.headers[name] = value
        for name, value in _freshness_headers(entry, now):
            response.headers[name] = value
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["modified"], response=response
        )


def _freshness_headers(entry, now):
    """What every copy of a stored page is sent with, besides its stored headers."""
    remaining = max(0, math.floor(entry["expires"] - now))
    max_age = min(settings.FOLIO_PAGE_MAX_AGE, remaining)
    s_maxage = min(settings.FOLIO_PAGE_SHARED_MAX_AGE, remaining)
    return [
        ("ETag", entry["etag"]),
        ("Last-Modified", entry["last_modified"]),
        # The page cache decides how long a public page may be kept (_is_public made
        # sure the view set no policy of its own).
        ("Cache-Control", f"public, max-age={max_age}, s-maxage={s_maxage}"),
    ]


def _fresh_copy(page_key, now):
    """This worker's copy of the page, if nothing has made it stale: nothing written
    since it was checked (the epoch), and no scheduled post due. Raises what the cache
    raises."""
    local = _LOCAL_PAGES.get(page_key)
    if local is None or not _trusted_without_a_query(now):
        return None
    entry, checked_under = local
    if entry["expires"] <= now:
        return None
    epoch = cache.get(_EPOCH_KEY)
    breaker.cache_answered()
    return entry if epoch == checked_under else None


_CHECKED_IN_FRONT = "folio.pagecache.checked"  # set in the WSGI environ by serve_cached
# Requests that ask "has it changed?": Django's rules answer them (get_conditional_response).
_CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def serve_cached(application):
    """Wrap the WSGI application (config/wsgi.py): answer a GET from the page this worker
    holds, before Django builds its request, sends its request signals and walks the
    middleware -- a third of what a hit costs otherwise.

    Only pages this worker already checked are answered here (:func:`_fresh_copy`, as
    the middleware does), with the stored headers and :func:`_freshness_headers`;
    conditional requests get the middleware's answer, so Django's rules decide on 304s.
    Everything else -- a miss, a stale copy, a logged-in reader, any error -- goes to
    Django, which does what it always does.

    The environ is Django's to decode, once: the request here is built on a copy.
    ``WSGIRequest`` writes the path it decoded back into the environ it is given, and
    Django's handler would decode that again -- ``é`` became ``%E9`` (a 404), and ``상``
    could not be decoded at all (a 500 from gunicorn, before any middleware ran).
    """

    @wraps(application)
    def serve(environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and settings.FOLIO_PAGE_CACHE:
            try:
                answer = _answer_in_front(environ, start_response)
            except Exception:  # Django answers instead, as it would have anyway
                logger.debug("Page cache: no answer in front of Django", exc_info=True)
            else:
                if answer is not None:
                    return answer
        return application(environ, start_response)

    return serve


def _answer_in_front(environ, start_response):
    """serve_cached's answer to a GET, or None to let Django answer."""
    request = WSGIRequest(environ.copy())
    now = time.time()
    if settings.SESSION_COOKIE_NAME in request.COOKIES or not breaker.cache_usable(now):
        return None
    page_key = _page_key(request)
    try:
        entry = _fresh_copy(page_key, now)
    except Exception as error:
        breaker.cache_failed(error, now)
        return None
    environ[_CHECKED_IN_FRONT] = True  # the middleware need not ask for the epoch again
    if entry is None:
        return None
    if any(name in environ for name in _CONDITIONAL):
        response = PageCacheMiddleware._respond(request, entry, now)
        start_response(f"{response.status_code} {response.reason_phrase}", [*response.items()])
        return [response.content]
    start_response("200 OK", [*entry["headers"], *_freshness_headers(entry, now)])
    return [entry["content"]]  # (only 200s are stored)


def _remember(page_key, entry, epoch):
    """Keep ``entry``, found fresh under ``epoch``, in this worker's memory."""
    if epoch is None:
        return  # checked before there was an epoch: nothing to compare with later
    if page_key not in _LOCAL_PAGES and len(_LOCAL_PAGES) >= _LOCAL_PAGES_MAX:
        try:
            del _LOCAL_PAGES[next(iter(_LOCAL_PAGES))]  # the oldest
        except (KeyError, RuntimeError, StopIteration):
            pass  # another thread changed it meanwhile (threaded servers)
    _LOCAL_PAGES[page_key] = (entry, epoch)


def _page_key(request):
    url = request.build_absolute_uri().encode()
    return f"{_PREFIX}:page:{hashlib.md5(url).hexdigest()}"


def _is_public(request, response):
    """Is this a public page that may be shown to any other anonymous reader?"""
    return (
        getattr(request, "public_page", None) is not None
        # Any other query parameter (?x=1, ?x=2, ...) would let a client fill the cache
        # with copies of one page; such requests are served, just not stored.
        and set(request.GET) <= {"page"}
        and response.status_code == 200
        and not response.streaming
        and not response.cookies  # a CSRF or session cookie is this reader's alone
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a token
        # A view that set its own caching policy (no-store for previews, or anything
        # else) keeps it: the page cache only decides for pages that leave it open.
        and "Cache-Control" not in response
    )
