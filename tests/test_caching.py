"""The page cache: hits without queries, exact invalidation, conditional GET, headers.

Every test runs against the in-process cache and, when REDIS_URL is set, against Redis.
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from blog.changes import notify
from blog.models import Post, Tag
from folio import breaker, pagecache
from tests.factories import make_author, make_post, make_tag

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL")


@pytest.fixture(
    params=[
        "locmem",
        pytest.param(
            "redis",
            marks=[
                pytest.mark.redis,
                pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set"),
            ],
        ),
    ]
)
def page_cache(request, settings, django_capture_on_commit_callbacks):
    """The page cache switched on, on a clean slate, with each backend."""
    if request.param == "redis":
        backend = {"BACKEND": "folio.cache.RedisCache", "LOCATION": REDIS_URL}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": {**backend, "KEY_PREFIX": f"folio-test-{os.getpid()}"}}
    settings.FOLIO_PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.invalidate_everything()
    another_process()
    yield
    another_process()  # what an outage test left in this process is its own


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed (on-commit callbacks run)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def site():
    author = make_author(first_name="Maya", last_name="Lind")
    tag = make_tag("Baking")
    category = make_tag("Bread", kind=Tag.Kind.CATEGORY)
    old = make_post(title="Old post", slug="old", author=author, tags=[tag, category])
    middle = make_post(
        title="Middle post",
        slug="middle",
        author=author,
        tags=[tag],
        publish_at=old.publish_at + timedelta(hours=2),
    )
    new = make_post(
        title="New post", slug="new", author=author, publish_at=old.publish_at + timedelta(hours=4)
    )
    return {"author": author, "tag": tag, "category": category, "posts": (old, middle, new)}


def public_urls(site):
    return [
        reverse("home"),
        reverse("blog:post-list"),
        site["posts"][0].get_absolute_url(),
        site["author"].get_absolute_url(),
        site["tag"].get_absolute_url(),
        site["category"].get_absolute_url(),
    ]


def is_cached(client, url):
    """True if the page came from the cache: no template was rendered for it."""
    response = client.get(url)
    assert response.status_code == 200
    return not response.templates


def test_public_pages_are_served_from_the_cache_without_queries(
    page_cache, site, client, django_assert_num_queries
):
    for url in public_urls(site):
        first = client.get(url)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        # Headers added below the cache layer are kept with the page.
        assert second["X-Frame-Options"] == first["X-Frame-Options"] == "DENY"
        assert "Cookie" in second["Vary"]


def test_public_pages_carry_validators_and_shared_cache_headers(page_cache, site, client):
    for url in public_urls(site):
        response = client.get(url)
        cache_control = response["Cache-Control"]
        assert "public" in cache_control
        assert "max-age=60" in cache_control and "s-maxage=30" in cache_control
        assert response["ETag"].startswith('"') and response["Last-Modified"]


def test_conditional_get_answers_304_until_the_page_changes(page_cache, site, client, commit):
    url = site["posts"][1].get_absolute_url()
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]

    not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304

    with time_machine.travel(timezone.now() + timedelta(seconds=5)), commit():
        site["posts"][1].title = "Middle post, revised"
        site["posts"][1].save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and "Middle post, revised" in changed.content.decode()
    assert changed["ETag"] != etag


def test_conditional_get_works_with_the_cache_switched_off(site, client, settings):
    settings.FOLIO_PAGE_CACHE = False
    url = site["posts"][0].get_absolute_url()
    response = client.get(url)
    assert "max-age=0" in response["Cache-Control"] and "s-maxage=0" in response["Cache-Control"]
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_a_view_with_its_own_caching_policy_keeps_it_and_is_not_stored(
    page_cache, client, settings
):
    settings.ROOT_URLCONF = "tests.pagecache_urls"
    for _ in range(2):  # (a stored page would come back with an ETag)
        response = client.get("/own/")
        assert response["Cache-Control"] == "max-age=5, must-revalidate"
        assert "ETag" not in response


def test_pages_for_logged_in_staff_are_never_shared(page_cache, site, staff_client):
    client = Client()  # staff_client is the logged-in `client` fixture
    url = site["posts"][0].get_absolute_url()
    staff_response = staff_client.get(url)
    assert staff_response.status_code == 200
    assert "no-store" in staff_response["Cache-Control"]
    assert "private" in staff_response["Cache-Control"]
    assert "ETag" not in staff_response
    # Nothing was stored for the staff request: an anonymous reader gets a fresh render.
    assert not is_cached(client, url)
    # And a page cached for anonymous readers is not served to staff.
    assert is_cached(client, url)
    assert not is_cached(staff_client, url)


def test_a_page_holding_a_csrf_token_is_never_cached(page_cache, client, settings):
    settings.ROOT_URLCONF = "tests.pagecache_urls"
    first = client.get("/form/")
    assert "csrftoken" in first.cookies
    assert "ETag" not in first and "public" not in first.get("Cache-Control", "")
    assert client.get("/form/").content != first.content  # a fresh token each time
    plain = client.get("/plain/")
    assert "public" in plain["Cache-Control"]
    assert client.get("/plain/", headers={"if-none-match": plain["ETag"]}).status_code == 304


def test_publishing_a_draft_shows_it_on_the_next_request(page_cache, site, client, commit):
    newest = site["posts"][2]
    draft = make_post(
        title="Fresh draft",
        slug="fresh",
        status=Post.Status.DRAFT,
        publish_at=newest.publish_at + timedelta(hours=1),
    )
    for url in public_urls(site):
        client.get(url)
    assert client.get(draft.get_absolute_url()).status_code == 404
    with commit():
        draft.status = Post.Status.PUBLISHED
        draft.save()
    assert "Fresh draft" in client.get(reverse("home")).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200
    # The newest post now links to it as its "next" post.
    assert 'href="/blog/fresh/"' in client.get(newest.get_absolute_url()).content.decode()


def test_editing_a_post_changes_exactly_the_pages_that_show_it(page_cache, site, client, commit):
    old, middle, new = site["posts"]
    older = make_post(title="Older", publish_at=old.publish_at - timedelta(days=30))
    unrelated = make_post(title="Far away", publish_at=old.publish_at - timedelta(days=60))
    # Posts sharing a tag with `new` and `unrelated` fill their "Keep reading" slots,
    # so that neither page shows `old`.
    travel = make_tag("Travel")
    new.tags.add(travel)
    unrelated.tags.add(travel)
    for days in (90, 91):
        make_post(tags=[travel], publish_at=old.publish_at - timedelta(days=days))
    urls = [*public_urls(site), middle.get_absolute_url(), new.get_absolute_url()]
    for url in [*urls, unrelated.get_absolute_url()]:
        client.get(url)
    with commit():
        old.title = "Old post, renamed"
        old.save()
    # Its own page, every list, and its neighbours (which link to it) show the change.
    for url in [*public_urls(site), middle.get_absolute_url(), older.get_absolute_url()]:
        assert "Old post, renamed" in client.get(url).content.decode(), url
    # A post page that does not show it stays cached.
    assert is_cached(client, new.get_absolute_url())
    assert is_cached(client, unrelated.get_absolute_url())


def test_unpublishing_and_deleting_remove_the_post_everywhere(page_cache, site, client, commit):
    old, middle, new = site["posts"]
    for url in public_urls(site) + [middle.get_absolute_url()]:
        client.get(url)
    with commit():
        old.status = Post.Status.DRAFT
        old.save()
    assert client.get(old.get_absolute_url()).status_code == 404
    assert "Old post" not in client.get(reverse("home")).content.decode()
    assert 'href="/blog/old/"' not in client.get(middle.get_absolute_url()).content.decode()

    client.get(new.get_absolute_url())
    with commit():
        middle.delete()
    assert client.get("/blog/middle/").status_code == 404
    assert "Middle post" not in client.get(site["tag"].get_absolute_url()).content.decode()
    assert 'href="/blog/middle/"' not in client.get(new.get_absolute_url()).content.decode()


def test_editing_an_author_or_a_tag_updates_the_pages_that_show_them(
    page_cache, site, client, commit
):
    post = site["posts"][0]
    for url in public_urls(site):
        client.get(url)
    with commit():
        site["author"].first_name = "Mayra"
        site["author"].save()
        site["tag"].name = "Patisserie"
        site["tag"].save()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Mayra Lind" in html and "Patisserie" in html
    assert "Mayra Lind" in client.get(reverse("home")).content.decode()
    assert "Mayra Lind" in client.get(site["author"].get_absolute_url()).content.decode()
    assert "Patisserie" in client.get(site["tag"].get_absolute_url()).content.decode()


def test_a_bulk_change_makes_every_page_stale(page_cache, site, client, commit):
    url = site["posts"][0].get_absolute_url()
    client.get(url)
    assert is_cached(client, url)
    with commit():
        notify(post_ids=range(1000, 1000 + 50))  # an import touching 50 other posts
    assert not is_cached(client, url)


def test_invalidation_waits_for_the_commit(
    page_cache, site, client, django_capture_on_commit_callbacks
):
    post = site["posts"][0]
    client.get(post.get_absolute_url())
    with django_capture_on_commit_callbacks() as callbacks:
        post.title = "Not committed yet"
        post.save()
    # Until the transaction commits, readers see the committed page.
    assert "Not committed yet" not in client.get(post.get_absolute_url()).content.decode()
    for callback in callbacks:
        callback()
    assert "Not committed yet" in client.get(post.get_absolute_url()).content.decode()


def test_scheduled_post_appears_at_its_time_without_any_write(page_cache, site, client):
    now = timezone.now()
    make_post(title="Scheduled post", slug="scheduled", publish_at=now + timedelta(minutes=10))
    with time_machine.travel(now, tick=False):
        home = client.get(reverse("home"))
        assert "Scheduled post" not in home.content.decode()
        assert "max-age=60" in home["Cache-Control"]
    with time_machine.travel(now + timedelta(minutes=9, seconds=50), tick=False):
        # Neither we nor a proxy may keep the page past the publish time.
        home = client.get(reverse("home"))
        assert "Scheduled post" not in home.content.decode()
        assert "max-age=10" in home["Cache-Control"] and "s-maxage=10" in home["Cache-Control"]
    with time_machine.travel(now + timedelta(minutes=10, seconds=1), tick=False):
        assert "Scheduled post" in client.get(reverse("home")).content.decode()
        newest = site["posts"][2].get_absolute_url()
        assert 'href="/blog/scheduled/"' in client.get(newest).content.decode()
        assert client.get("/blog/scheduled/").status_code == 200


def test_a_post_disappears_at_its_unpublish_date_without_any_write(page_cache, site, client):
    now = timezone.now()
    make_post(
        title="Flash sale",
        slug="flash-sale",
        publish_at=now - timedelta(days=1),
        expire_at=now + timedelta(minutes=10),
    )
    with time_machine.travel(now, tick=False):
        assert "Flash sale" in client.get(reverse("home")).content.decode()
    with time_machine.travel(now + timedelta(minutes=9, seconds=50), tick=False):
        home = client.get(reverse("home"))
        assert "Flash sale" in home.content.decode()
        assert "max-age=10" in home["Cache-Control"]  # not kept past the unpublish date
    with time_machine.travel(now + timedelta(minutes=10, seconds=1), tick=False):
        assert "Flash sale" not in client.get(reverse("home")).content.decode()
        assert client.get("/blog/flash-sale/").status_code == 404
        assert "Flash sale" not in client.get("/blog/feed/").content.decode()


def test_scheduling_a_post_sooner_shortens_cached_lifetimes(page_cache, site, client, commit):
    now = timezone.now()
    with commit():
        make_post(title="Later", slug="later", publish_at=now + timedelta(hours=5))
    with time_machine.travel(now, tick=False):
        client.get(reverse("home"))
        with commit():
            make_post(title="Sooner", slug="sooner", publish_at=now + timedelta(seconds=20))
        assert "s-maxage=20" in client.get(reverse("home"))["Cache-Control"]
    with time_machine.travel(now + timedelta(seconds=21), tick=False):
        assert "Sooner" in client.get(reverse("home")).content.decode()


def test_last_modified_is_when_the_page_was_rendered(page_cache, site, client):
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        response = client.get(reverse("home"))
        assert response["Last-Modified"] == http_date(time.time())


@pytest.mark.parametrize("page", ["rss", "atom", "tag feed", "author feed", "year", "sitemap"])
def test_feeds_archives_and_sitemap_are_cached_and_follow_edits(
    page_cache, site, client, commit, django_assert_num_queries, page
):
    old = site["posts"][0]
    url = {
        "rss": "/blog/feed/",
        "atom": "/blog/atom/",
        "tag feed": f"/blog/tags/{site['tag'].slug}/feed/",
        "author feed": f"/authors/{site['author'].slug}/feed/",
        "year": f"/blog/{old.publish_at.year}/",
        "sitemap": "/sitemap.xml",
    }[page]
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    with commit():
        old.title = "Old post, renamed"
        old.status = Post.Status.DRAFT if page == "sitemap" else old.status
        old.save()
    html = client.get(url).content.decode()
    if page == "sitemap":
        assert "/blog/old/" not in html and "/blog/middle/" in html
    else:
        assert "Old post, renamed" in html


def test_a_stale_horizon_stored_after_a_write_is_never_used(page_cache, site, client, commit):
    """The race: a reader computes "nothing is scheduled" just before a write commits,
    and stores it just after the write cleared the key. Nothing may use that value."""
    from django.core.cache import cache

    now = timezone.now()
    client.get("/")
    computed_before = cache.get(pagecache._HORIZON_KEY)  # "nothing is scheduled"
    assert computed_before is not None
    with commit():
        make_post(title="Soon", slug="soon", publish_at=now + timedelta(minutes=10))
    cache.set(pagecache._HORIZON_KEY, computed_before)  # the reader's late, stale write
    with time_machine.travel(now, tick=False):
        # Cached now, the page may only be kept until "Soon" goes live.
        assert "Soon" not in client.get("/").content.decode()
    with time_machine.travel(now + timedelta(minutes=11), tick=False):
        assert 'href="/blog/soon/"' in client.get("/").content.decode()


def test_copies_kept_in_a_workers_memory_are_not_trusted_once_the_cache_lost_its_keys(
    page_cache, site, client
):
    """A Redis restart loses the generations and any invalidation sent meanwhile; a
    worker must then check its in-memory copies again instead of serving them."""
    from django.core.cache import cache

    post = site["posts"][0]
    client.get(post.get_absolute_url())
    assert is_cached(client, post.get_absolute_url())
    Post.objects.filter(pk=post.pk).update(title="Changed while the cache was away")
    cache.clear()
    assert (
        "Changed while the cache was away" in client.get(post.get_absolute_url()).content.decode()
    )


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")
def test_the_redis_backend_reuses_one_client_per_connection_pool(settings):
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "folio.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "t"}
    }
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    cache.set("folio-test-key with spaces", 42)  # any key Redis takes, unchecked
    assert cache.get("folio-test-key with spaces") == 42


class _Django:
    """Stands for the Django application behind serve_cached: records what reaches it."""

    def __init__(self):
        self.calls = []

    def __call__(self, environ, start_response):
        self.calls.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"from Django"]


def _wsgi_get(application, url, **headers):
    from django.test import RequestFactory

    environ = RequestFactory().get(url, headers=headers).environ
    answer = {}

    def start_response(status, response_headers):
        answer["status"], answer["headers"] = status, dict(response_headers)

    answer["body"] = b"".join(application(environ, start_response))
    return answer


def test_pages_a_worker_holds_are_answered_in_front_of_django_as_django_would(
    page_cache, site, client, commit
):
    from folio.pagecache import serve_cached

    django = _Django()
    application = serve_cached(django)
    url = site["posts"][0].get_absolute_url()
    client.get(url)  # rendered and kept by the middleware
    hit = client.get(url)  # the middleware's own answer from the kept copy
    answer = _wsgi_get(application, url)
    assert django.calls == []
    assert answer["status"] == "200 OK" and answer["body"] == hit.content
    assert answer["headers"] == dict(hit.items())
    assert {"ETag", "Cache-Control", "Content-Security-Policy", "Vary"} <= answer["headers"].keys()
    not_modified = _wsgi_get(application, url, if_none_match=hit["ETag"])
    assert not_modified["status"] == "304 Not Modified" and not_modified["body"] == b""

    # Whatever the worker cannot answer from a checked copy goes to Django.
    _wsgi_get(application, "/blog/never-seen/")
    _wsgi_get(application, url, cookie="sessionid=abc")
    with commit():
        site["posts"][2].title = "Any write at all"
        site["posts"][2].save()
    _wsgi_get(application, url)
    assert django.calls == ["/blog/never-seen/", url, url]


class CacheDown:
    """The page cache as an outage leaves it: the calls named in ``failing`` (every call
    when None) raise; the others reach ``cache``."""

    def __init__(self, cache=None, failing=None):
        self.cache, self.failing = cache, failing
        self.calls = []  # the names of the calls that failed

    def __getattr__(self, name):
        if self.failing is None or name in self.failing:

            def fail(*args, **kwargs):
                self.calls.append(name)
                raise ConnectionError("Redis is down")

            return fail
        return getattr(self.cache, name)


def writes_lost():
    """Pages still readable, no write arrives (a read-only replica, a full memory)."""
    return CacheDown(pagecache.cache, failing={"set_many", "delete"})


def test_in_front_of_django_any_trouble_means_django_answers(page_cache, site, client, monkeypatch):
    from folio.pagecache import serve_cached

    django = _Django()
    url = site["posts"][0].get_absolute_url()
    client.get(url)

    with monkeypatch.context() as patch:
        patch.setattr(pagecache, "cache", CacheDown())
        assert _wsgi_get(serve_cached(django), url)["body"] == b"from Django"
    assert _wsgi_get(serve_cached(django), url, host="evil.example")["body"] == b"from Django"
    assert django.calls == [url, url]


def test_readers_still_get_pages_while_the_cache_is_down(page_cache, site, client, monkeypatch):
    url = site["posts"][0].get_absolute_url()
    monkeypatch.setattr(pagecache, "cache", CacheDown())
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200 and "Old post" in response.content.decode()
        # Nobody may keep it: no write could reach them while the cache is away.
        assert "max-age=0" in response["Cache-Control"]
        assert response.templates  # rendered, not served from anywhere


def test_after_a_cache_error_the_cache_is_left_alone_for_a_few_seconds(
    page_cache, site, client, commit, monkeypatch, caplog, settings
):
    """A Redis that stops answering costs each call a timeout; one failure per process
    every FOLIO_CACHE_RETRY_SECONDS, not several per page, is what readers wait for."""
    settings.FOLIO_CACHE_RETRY_SECONDS = 5
    post = site["posts"][0]
    url = post.get_absolute_url()
    client.get(url)
    assert is_cached(client, url)
    down = CacheDown()
    start = time.time()
    with (
        monkeypatch.context() as patch,
        caplog.at_level(logging.WARNING, logger="folio.pagecache"),
        time_machine.travel(start, tick=False) as clock,
    ):
        patch.setattr(pagecache, "cache", down)
        for _ in range(4):
            response = client.get(url)
            assert response.status_code == 200 and response.templates  # rendered
            assert "max-age=0" in response["Cache-Control"]
        assert len(down.calls) == 1  # the first call failed; the others were skipped
        # The front of the stack (serve_cached) skips it too, and so does a write,
        # which is kept for later instead.
        assert _wsgi_get(pagecache.serve_cached(_Django()), url)["body"] == b"from Django"
        with commit():
            post.title = "Edited while the cache is away"
            post.save()
        assert len(down.calls) == 1
        assert pagecache.writes_waiting()

        clock.shift(settings.FOLIO_CACHE_RETRY_SECONDS + 1)
        assert "Edited while" in client.get(url).content.decode()
        assert len(down.calls) == 2  # tried again, once
        client.get(url)
        assert len(down.calls) == 2

    warnings = [record.getMessage() for record in caplog.records]
    assert len([text for text in warnings if "did not answer" in text]) == 1, warnings

    # The cache answers again: the missed write reaches it, and pages are cached again.
    with time_machine.travel(start + 2 * settings.FOLIO_CACHE_RETRY_SECONDS + 2, tick=False):
        assert "Edited while" in client.get(url).content.decode()
        assert not pagecache.writes_waiting()
        assert is_cached(client, url)


def test_the_cache_is_retried_after_the_configured_pause(
    page_cache, site, client, monkeypatch, settings
):
    settings.FOLIO_CACHE_RETRY_SECONDS = 30
    url = site["posts"][0].get_absolute_url()
    down = CacheDown()
    monkeypatch.setattr(pagecache, "cache", down)
    start = time.time()
    with time_machine.travel(start, tick=False) as clock:
        client.get(url)
        clock.shift(29)
        client.get(url)
        assert len(down.calls) == 1
        clock.shift(2)
        client.get(url)
        assert len(down.calls) == 2


def test_a_post_page_filled_up_with_the_newest_posts_changes_with_any_new_post(
    page_cache, site, client, commit
):
    lonely = make_post(title="Lonely", slug="lonely", publish_at=site["posts"][0].publish_at)
    client.get(lonely.get_absolute_url())
    assert is_cached(client, lonely.get_absolute_url())
    with commit():
        make_post(title="Brand new", slug="brand-new", publish_at=timezone.now())
    html = client.get(lonely.get_absolute_url()).content.decode()
    assert 'href="/blog/brand-new/"' in html  # its "Keep reading" shows the newest posts


def another_process():
    """Stand in for another app server, or a restarted one: it never saw the write fail."""
    pagecache._pending.update(trusted=True, next_check=0.0)
    breaker.reset()


def edit_a_cached_post_while_writes_are_lost(site, client, commit, patch):
    """Cache a post page, then edit the post while the cache takes no write; its URL."""
    post = site["posts"][0]
    url = post.get_absolute_url()
    client.get(url)
    assert is_cached(client, url)
    patch.setattr(pagecache, "cache", writes_lost())
    with commit():
        post.title = "Edited during the outage"
        post.save()
    return url


def test_a_write_the_cache_missed_is_sent_once_it_answers(
    page_cache, site, client, commit, monkeypatch
):
    with monkeypatch.context() as patch:
        url = edit_a_cached_post_while_writes_are_lost(site, client, commit, patch)
    assert pagecache.writes_waiting()  # counted where every server sees it
    # The cache answers again; the process that made the write is gone.
    another_process()
    html = client.get(url).content.decode()
    assert "Edited during the outage" in html
    assert not pagecache.writes_waiting()
    assert is_cached(client, url)  # and caching goes on as before


def test_while_a_write_waits_for_the_cache_every_process_renders_every_page(
    page_cache, site, client, commit, monkeypatch
):
    # The cache can be read but takes no write (a read-only replica, a full memory).
    url = edit_a_cached_post_while_writes_are_lost(site, client, commit, monkeypatch)
    for process in ("the writer", "another"):
        if process == "another":
            another_process()
        response = client.get(url)
        assert "Edited during the outage" in response.content.decode()
        assert response.templates  # rendered: the stored copy is not trusted
        assert "max-age=0" in response["Cache-Control"]
    assert pagecache.writes_waiting()


def test_other_processes_look_for_missed_writes_every_few_seconds(
    page_cache, site, client, django_assert_num_queries
):
    url = site["posts"][0].get_absolute_url()
    client.get(url)  # looks once, finds nothing waiting
    with django_assert_num_queries(0):
        assert is_cached(client, url)
    with time_machine.travel(time.time() + pagecache.PENDING_CHECK_SECONDS + 1, tick=False):
        with django_assert_num_queries(1):  # the look, and the page from the cache
            assert is_cached(client, url)


def test_invalidate_pages_marks_every_cached_page_stale(page_cache, site, client):
    urls = public_urls(site)
    for url in urls:
        client.get(url)
    out = StringIO()
    call_command("invalidate_pages", stdout=out)
    assert "stale" in out.getvalue()
    assert not any(is_cached(client, url) for url in urls)


def test_invalidate_pages_when_the_cache_does_not_answer_is_kept_for_later(
    page_cache, site, client, monkeypatch
):
    url = site["posts"][0].get_absolute_url()
    client.get(url)
    err = StringIO()
    with monkeypatch.context() as patch:
        patch.setattr(pagecache, "cache", writes_lost())
        call_command("invalidate_pages", stderr=err)
    assert "did not answer" in err.getvalue()
    another_process()
    assert not is_cached(client, url)
    assert not pagecache.writes_waiting()


def test_a_redis_that_stops_answering_costs_a_moment_not_a_hung_worker(monkeypatch):
    """The production cache settings time out: a cache call fails within a second, and a
    failing cache call means an uncached page (test_readers_still_get_pages_while_the_
    cache_is_down), not a request that waits until gunicorn kills the worker."""
    from django.utils.module_loading import import_string

    from config.settings.base import cache_from_env

    with socket.socket() as silent:  # accepts connections (its backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        config = cache_from_env()
        backend = import_string(config["BACKEND"])(
            config["LOCATION"], {"OPTIONS": config.get("OPTIONS", {})}
        )
        outcome = []

        def get():
            started = time.monotonic()
            try:
                backend.get("anything")
            except Exception as error:
                outcome.append((type(error).__name__, time.monotonic() - started))

        worker = threading.Thread(target=get, daemon=True)
        worker.start()
        worker.join(timeout=5)
        assert not worker.is_alive(), "a cache call to a silent Redis hung"
        [(error, seconds)] = outcome
        assert error == "TimeoutError" and seconds < 2


@pytest.mark.parametrize(
    "writer_cache",
    [
        "in-process",
        pytest.param(
            "another redis prefix",
            marks=[
                pytest.mark.redis,
                pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set"),
            ],
        ),
    ],
)
def test_a_write_made_with_another_cache_reaches_the_servers_cache(
    page_cache, site, client, commit, settings, caplog, writer_cache
):
    """A `manage.py shell` on the in-process cache (no REDIS_URL), or one pointed at
    another Redis database or prefix, writes where no server reads: the count of writes
    in the database tells every server's cache that it missed one."""
    servers_cache = settings.CACHES
    post = site["posts"][0]
    url = post.get_absolute_url()
    client.get(url)
    assert is_cached(client, url)

    if writer_cache == "in-process":
        other = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shell"}
    else:
        other = {"BACKEND": "folio.cache.RedisCache", "LOCATION": REDIS_URL}
        other["KEY_PREFIX"] = f"folio-test-other-{os.getpid()}"
    settings.CACHES = {"default": other}  # the other process
    try:
        with commit():
            post.title = "Edited from a shell"
            post.save()
    finally:
        from django.core.cache import cache

        cache.clear()
        settings.CACHES = servers_cache  # back in a web server
    warned = [r.getMessage() for r in caplog.records if "is its own" in r.getMessage()]
    assert bool(warned) == (writer_cache == "in-process")  # Redis: maybe shared, no warning

    # Within the few seconds between checks the server may still serve its copy...
    later = time.time() + pagecache.PENDING_CHECK_SECONDS + 1
    with time_machine.travel(later, tick=False):
        response = client.get(url)
        assert "Edited from a shell" in response.content.decode()  # ...then never again
        assert response.templates  # rendered anew
        assert is_cached(client, url)  # and cached as before
        assert not is_cached(client, reverse("blog:post-list"))  # every page was made stale


def test_a_servers_own_writes_do_not_make_every_page_stale(page_cache, site, client, commit):
    """Counting writes costs the usual case nothing: a write made with the servers' own
    cache leaves that cache in step, so the next check makes no page stale."""
    from django.core.cache import cache

    url = site["posts"][0].get_absolute_url()
    client.get(url)
    with commit():
        site["posts"][1].save()
    every_page = pagecache._generation_key(pagecache.SITE)
    before = cache.get(every_page)
    with time_machine.travel(time.time() + pagecache.PENDING_CHECK_SECONDS + 1, tick=False):
        client.get(url)  # the check is due
        assert cache.get(every_page) == before
        assert is_cached(client, url)
