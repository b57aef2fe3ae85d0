"""Headers, cookies, the admin's address and login rate limiting, as production runs them.

The production checks start a separate Python process with config.settings.production
and throwaway environment values (a SQLite database and static root in a temporary
folder), so they test the settings module itself, not values copied into a test.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from folio.security import client_ip

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_PROBE = r"""
import json, django
django.setup()
from django.conf import settings
# Production requires REDIS_URL; the probe keeps the cache in-process so the suite needs
# no Redis server (caches are created on first use, after this line).
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", verbosity=0, interactive=False)
from django.contrib.auth import get_user_model
from django.test import Client
from tests.factories import make_author, make_post, make_tag

author = make_author(first_name="Pat")
tag = make_tag("Probe")
post = make_post(author=author, tags=[tag])
get_user_model().objects.create_superuser("boss", password="a-long-password")
# Behind nginx, which says the original request was HTTPS (SECURE_PROXY_SSL_HEADER).
secure = Client(HTTP_HOST="blog.example.com", HTTP_X_FORWARDED_PROTO="https")
paths = {
    "home": "/", "list": "/blog/", "post": post.get_absolute_url(),
    "author": author.get_absolute_url(), "tag": tag.get_absolute_url(),
    "not found": "/no/such/page/", "static": "/static/css/site.css",
    "admin login": "/backstage/login/", "old admin": "/admin/",
}
out = {}
for name, path in paths.items():
    response = secure.get(path)
    out[name] = {"status": response.status_code, "headers": dict(response.headers)}
response = Client(HTTP_HOST="blog.example.com").get("/blog/")
out["plain http"] = {"status": response.status_code, "headers": dict(response.headers)}
login = secure.post(
    "/backstage/login/?next=/backstage/",
    {"username": "boss", "password": "a-long-password"},
)
out["cookies"] = {
    name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"]}
    for name, c in login.cookies.items()
}
out["login status"] = login.status_code
print("PROBE" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """What the production settings answer, page by page (status, headers, cookies)."""
    tmp = tmp_path_factory.mktemp("production")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "throwaway-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "blog.example.com",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_ADMIN_URL": "backstage/",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # required, never contacted (see the probe)
        "FOLIO_TRUSTED_PROXY_COUNT": "1",  # behind nginx, as docs/deploy.md sets it up
        "LOG_LEVEL": "ERROR",
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.split("PROBE", 1)[1])


PAGES = ["home", "list", "post", "author", "tag", "not found", "static", "admin login"]


@pytest.mark.parametrize("page", PAGES)
def test_every_production_response_carries_the_security_headers(production, page):
    answer = production[page]
    assert answer["status"] == (404 if page == "not found" else 200)
    headers = answer["headers"]
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    if page != "static":  # whitenoise answers before the clickjacking middleware
        assert headers["X-Frame-Options"] == "DENY"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"  # frame denial for every response
    assert policy["form-action"] == "'self'"
    assert policy["img-src"] == "'self' data: https:"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]


def test_production_redirects_plain_http_to_https_with_a_policy(production):
    answer = production["plain http"]
    assert answer["status"] == 301
    assert answer["headers"]["Location"] == "https://blog.example.com/blog/"
    assert "frame-ancestors 'none'" in answer["headers"]["Content-Security-Policy"]


def test_production_session_and_csrf_cookies_are_secure(production):
    assert production["login status"] == 302
    cookies = production["cookies"]
    assert cookies["sessionid"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert cookies["csrftoken"]["secure"] is True


def test_the_admin_answers_only_at_DJANGO_ADMIN_URL(production):
    assert production["admin login"]["status"] == 200
    assert production["old admin"]["status"] == 404


def test_local_settings_also_send_the_policy(client, db):
    response = client.get(reverse("home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]


# Login rate limiting ------------------------------------------------------------------

LOGIN = reverse("admin:login")


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", password="right-password")


def attempt(client, password, address="203.0.113.7", username="boss", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


@pytest.mark.django_db
def test_logins_are_locked_after_five_failures_then_cool_off(client, boss, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    with time_machine.travel("2026-05-01 12:00Z", tick=False):
        for _ in range(4):
            assert attempt(client, "wrong").status_code == 200  # the form, with an error
        assert attempt(client, "wrong").status_code == 429
        # Locked: even the right password is refused now, from this address.
        locked = attempt(client, "right-password")
        assert locked.status_code == 429 and b"locked" in locked.content.lower()
        # The same account from another address is not locked (no lock-out of others).
        assert attempt(client, "right-password", address="198.51.100.9").status_code == 302
    client.logout()
    with time_machine.travel("2026-05-01 12:16Z", tick=False):  # after the 15-minute cool-off
        assert attempt(client, "right-password").status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, boss):
    for n in range(5):
        attempt(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert attempt(client, "right-password", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


@pytest.mark.django_db
def test_behind_a_configured_proxy_the_forwarded_address_is_limited(client, boss, settings):
    settings.FOLIO_TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for _ in range(5):
        attempt(client, "wrong", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    locked = attempt(client, "right-password", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429
    other = attempt(client, "right-password", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert other.status_code == 302  # another reader behind the same proxy is not locked


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "192.0.2.1"),  # no trusted proxy: the header is ignored
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's own entry is ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "192.0.2.1"),  # fewer entries than proxies: not via the proxies
        (1, "", "192.0.2.1"),
    ],
)
def test_client_ip_trusts_forwarded_for_only_as_far_as_configured(
    settings, proxies, forwarded, expected
):
    settings.FOLIO_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
