"""The whole WSGI stack as a server runs it: ``config.wsgi.application`` -- the last-resort
guard, the page cache in front of Django, Django -- given the environ a WSGI server builds.

A server hands ``PATH_INFO`` over percent-decoded, each byte of the UTF-8 path as one
latin-1 character (PEP 3333): ``/blog/h%C3%A9llo/`` arrives as ``"/blog/h\\xc3\\xa9llo/"``.
Django decodes that once. The test client builds its requests another way, which is how
a second decoding in front of Django went unnoticed: every non-ASCII address answered
404 (accented Latin) or a bare 500 from gunicorn (anything outside latin-1).

Runs on SQLite and PostgreSQL (DATABASE_URL), and with the page cache in-process and in
Redis (REDIS_URL).
"""

import io
import logging
from urllib.parse import unquote_to_bytes

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from blog.models import Redirect, Tag
from folio import security
from tests.factories import make_author, make_page, make_post, make_tag
from tests.test_caching import page_cache  # noqa: F401  (the fixture, with each backend)

pytestmark = pytest.mark.django_db

# What SecurityMiddleware, CSPMiddleware and XFrameOptionsMiddleware add to a page.
SECURITY_HEADERS = {
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
}

SLUGS = {
    "accented": "héllo-café",
    "cyrillic": "привет-мир",
    "korean": "상태-관리",
    "japanese": "東京の夏",
}


def environ_for(url, **extra):
    """The environ a WSGI server (gunicorn) builds for a GET of ``url``."""
    path, _, query = url.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "RAW_URI": url,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **extra,
    }


def call(application, environ):
    """Run one request through ``application`` as a server would: status, headers, body."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    body = application(environ, start_response)
    try:
        answer["body"] = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()  # Django's request_finished, as a server sends it
    return answer


@pytest.fixture
def server():
    """``get(url)`` through config.wsgi.application.

    As Django's test client does, the requests keep the test's database connection:
    Django closes connections it thinks are done with at each request's start and end,
    which would close the test's transaction under it.
    """
    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield lambda url, **extra: call(application, environ_for(url, **extra))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def unicode_site():
    """A post, author, tag, category and page (nested under a folder) for each script,
    all with the slug of the script."""
    pages = {}
    for script, slug in SLUGS.items():
        author = make_author(first_name=f"Writer {script}", slug=slug)
        tag = make_tag(f"Tag {script}", slug=slug)
        category = make_tag(f"Category {script}", kind=Tag.Kind.CATEGORY, slug=f"{slug}-c")
        post = make_post(title=f"Post {script}", slug=slug, author=author, tags=[tag, category])
        page = make_page(title=f"Page {script}", path=f"/{slug}/{slug}/")
        pages[script] = {
            "page": (page.get_absolute_url(), f"Page {script}"),
            "post": (post.get_absolute_url(), f"Post {script}"),
            "author": (author.get_absolute_url(), f"Writer {script}"),
            "tag": (tag.get_absolute_url(), f"Tag {script}"),
            "category": (category.get_absolute_url(), f"Category {script}"),
            "tag feed": (f"{tag.get_absolute_url()}feed/", f"Post {script}"),
            "author feed": (f"{author.get_absolute_url()}feed/", f"Post {script}"),
        }
    return pages


def assert_served(answer, text):
    assert answer["status"] == "200 OK", answer["status"]
    assert text in answer["body"].decode()
    missing = SECURITY_HEADERS - answer["headers"].keys()
    assert not missing, f"no {missing}"


def test_the_addresses_are_percent_encoded_utf8(unicode_site):
    # (so the requests below are what a browser sends)
    assert unicode_site["accented"]["post"][0] == "/blog/h%C3%A9llo-caf%C3%A9/"
    assert unicode_site["korean"]["tag"][0].startswith("/blog/tags/%EC%83%81")


@pytest.mark.parametrize("script", SLUGS)
def test_non_ascii_pages_answer_uncached(server, unicode_site, script):
    for url, text in unicode_site[script].values():
        assert_served(server(url), text)


@pytest.mark.parametrize("script", SLUGS)
def test_non_ascii_pages_answer_from_the_page_cache(
    page_cache,  # noqa: F811
    server,
    unicode_site,
    script,
    django_assert_num_queries,
):
    for url, text in unicode_site[script].values():
        first = server(url)
        assert_served(first, text)
        for _ in range(2):  # from the shared cache, then from the worker's own copy
            with django_assert_num_queries(0):
                again = server(url)
            assert_served(again, text)
            assert again["body"] == first["body"]
        # And Django's rules answer "has it changed?" for them too.
        not_modified = server(url, HTTP_IF_NONE_MATCH=again["headers"]["ETag"])
        assert not_modified["status"] == "304 Not Modified"


def test_a_non_ascii_address_that_matches_nothing_is_a_404_page(server, unicode_site):
    answer = server("/blog/%EC%97%86%EC%9D%8C/")
    assert answer["status"] == "404 Not Found"
    assert not SECURITY_HEADERS - answer["headers"].keys()


def test_a_moved_non_ascii_post_redirects_from_its_old_address(server, unicode_site):
    from blog.models import Post

    post = Post.objects.get(slug=SLUGS["korean"])
    old_url = post.get_absolute_url()
    post.slug = "상태-관리-2"
    post.save()  # records the old address (percent-encoded, as reverse() gives it)
    answer = server(old_url)
    assert answer["status"] == "301 Moved Permanently"
    assert answer["headers"]["Location"] == post.get_absolute_url()


def test_a_moved_non_ascii_page_redirects_from_its_old_address(server, unicode_site):
    from pages.models import Page

    page = Page.objects.get(title="Page cyrillic")
    old_url = page.get_absolute_url()
    page.path = "/о-нас/"
    page.save()
    answer = server(old_url)
    assert answer["status"] == "301 Moved Permanently"
    assert answer["headers"]["Location"] == page.get_absolute_url() == "/%D0%BE-%D0%BD%D0%B0%D1%81/"
    assert_served(server(answer["headers"]["Location"]), "Page cyrillic")


def test_a_non_ascii_page_address_without_its_slash_redirects_to_it(server, unicode_site):
    url, text = unicode_site["japanese"]["page"]
    answer = server(url.rstrip("/"))
    assert answer["status"] == "301 Moved Permanently"
    assert answer["headers"]["Location"] == url


@pytest.mark.parametrize(
    "stored", ["/vieux/café/", "/vieux/caf%C3%A9/"], ids=["decoded", "percent-encoded"]
)
def test_an_old_non_ascii_address_redirects_in_either_stored_form(server, db, stored):
    # Front matter (permalink:) and the admin may give either form.
    Redirect.objects.create(old_path=stored, new_path="/blog/nouveau/")
    answer = server("/vieux/caf%C3%A9/?utm=1")
    assert answer["status"] == "301 Moved Permanently"
    assert answer["headers"]["Location"] == "/blog/nouveau/?utm=1"


def test_a_redirect_to_a_non_ascii_address_is_sent_percent_encoded(server, db):
    Redirect.objects.create(old_path="/old/", new_path="/blog/상태/")
    answer = server("/old/")
    assert answer["headers"]["Location"] == "/blog/%EC%83%81%ED%83%9C/"


# -- Errors outside Django -----------------------------------------------------------


class Broken(Exception):
    pass


def failing_request(environ):
    raise Broken("the request could not be built")


def test_an_error_outside_django_is_a_500_page_with_the_security_headers(
    server, db, monkeypatch, caplog
):
    page = Client().get("/no/such/page/")  # what Django sends with a page of its own
    expected = {name: page[name] for name in SECURITY_HEADERS}
    # Django's handler builds its request before any middleware runs: an exception there
    # (as an address it could not decode raised) reaches the WSGI server.
    monkeypatch.setattr(WSGIHandler, "request_class", staticmethod(failing_request))
    with caplog.at_level(logging.ERROR, logger="folio.security"):
        answer = server("/blog/")
    assert answer["status"] == "500 Internal Server Error"
    assert {name: answer["headers"].get(name) for name in SECURITY_HEADERS} == expected
    assert answer["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert b"Server error" in answer["body"]
    [record] = [r for r in caplog.records if r.name == "folio.security"]
    assert "/blog/" in record.getMessage() and record.exc_info[0] is Broken


def test_the_last_resort_page_follows_the_production_header_settings(db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

    def broken(environ, start_response):
        raise Broken

    environ = environ_for("/", HTTP_X_FORWARDED_PROTO="https")
    answer = call(security.last_resort(broken), environ)
    page = Client().get("/no/such/page/", headers={"x-forwarded-proto": "https"})
    names = {*SECURITY_HEADERS, "Strict-Transport-Security"}
    assert {name: answer["headers"].get(name) for name in names} == {
        name: page[name] for name in names
    }
    assert "includeSubDomains" in answer["headers"]["Strict-Transport-Security"]


def test_the_last_resort_page_answers_even_an_address_django_cannot_read(db):
    def broken(environ, start_response):
        raise Broken

    environ = environ_for("/", PATH_INFO="/\u2603/")  # (what the old wrapper passed on)
    answer = call(security.last_resort(broken), environ)
    assert answer["status"] == "500 Internal Server Error"
    assert not SECURITY_HEADERS - answer["headers"].keys()
