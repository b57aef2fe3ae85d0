"""Links to other sites (linkcheck/external.py), checked against a threaded
http.server on 127.0.0.1 started by the tests: no network."""

import io
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from linkcheck import checking
from linkcheck.external import ExternalChecker, ascii_url
from linkcheck.models import BrokenLink, CheckRun, ExternalResult, Scope
from tests.factories import make_post

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    """/ok, /missing (404), /no-head (405 to HEAD, 200 to GET), /moved (301 to /ok),
    /error (500), /slow (answers after 2 s), /forbidden (403), /привет (200)."""

    def do_HEAD(self):
        self._answer("HEAD")

    def do_GET(self):
        self._answer("GET")

    def _answer(self, method):
        server = self.server
        with server.lock:
            server.requests.append((method, unquote(self.path), time.monotonic()))
        path = unquote(urlsplit(self.path).path)
        if path == "/slow":
            time.sleep(2)
        status = {
            "/ok": 200,
            "/missing": 404,
            "/error": 500,
            "/forbidden": 403,
            "/slow": 200,
            "/привет": 200,
            "/moved": 301,
        }.get(path, 404)
        if path == "/no-head":
            status = 405 if method == "HEAD" else 200
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.requests = []
    httpd.lock = threading.Lock()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def checker(**options):
    # The test server is on 127.0.0.1: a private address, asked only when allowed.
    options = {"workers": 4, "timeout": 1.0, "delay": 0.0, "allow_private": True, **options}
    return ExternalChecker(**options)


def external_broken(report):
    return {b.link.url: b.reason for b in report.broken_in(Scope.EXTERNAL)}


def test_external_links_answer_or_are_broken_with_the_reason(server):
    base = server.base
    make_post(
        title="Out",
        body=(
            f"[ok]({base}/ok) [missing]({base}/missing) [no head]({base}/no-head) "
            f"[moved]({base}/moved) [error]({base}/error) [slow]({base}/slow) "
            f"[forbidden]({base}/forbidden) [cyrillic]({base}/привет) "
            f"[fragment]({base}/ok#part) [refused](http://127.0.0.1:9/x)"
        ),
    )
    report = checking.check(checking.sources(), external=checker())
    assert external_broken(report) == {
        f"{base}/missing": "answered 404 Not Found",
        f"{base}/error": "answered 500 Internal Server Error",
        f"{base}/slow": "no answer in time (timed out)",
        "http://127.0.0.1:9/x": "the connection was refused",
    }
    assert report.broken_in(Scope.INTERNAL) == []
    asked = [(method, path) for method, path, _ in server.requests]
    # One HEAD per distinct URL (the fragment is not part of it); GET only after a
    # HEAD that failed; a redirect followed with HEAD.
    assert asked.count(("HEAD", "/ok")) == 2  # /ok, and /moved's target
    assert ("GET", "/ok") not in asked
    assert asked.count(("HEAD", "/no-head")) == 1 and asked.count(("GET", "/no-head")) == 1
    assert ("GET", "/missing") in asked  # a HEAD's 404 is asked again with GET
    assert ("HEAD", "/привет") in asked and ("GET", "/привет") not in asked


def test_answers_are_kept_a_day(server):
    base = server.base
    make_post(body=f"[a]({base}/ok) [b]({base}/missing)")
    first = checker()
    checking.check(checking.sources(), external=first)
    assert first.requests == 3  # HEAD /ok; HEAD and GET /missing
    assert ExternalResult.objects.count() == 2
    again = checker()
    report = checking.check(checking.sources(), external=again)
    assert again.requests == 0
    assert external_broken(report) == {f"{base}/missing": "answered 404 Not Found"}
    ExternalResult.objects.update(checked=timezone.now() - timedelta(days=1, minutes=1))
    stale = checker()
    checking.check(checking.sources(), external=stale)
    assert stale.requests == 3


def test_requests_to_one_host_are_spaced_by_the_delay(server):
    base = server.base
    make_post(body=" ".join(f"[{n}]({base}/ok?n={n})" for n in range(4)))
    checking.check(checking.sources(), external=checker(workers=4, delay=0.2))
    times = sorted(when for _, _, when in server.requests)
    assert len(times) == 4
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.18


def test_no_more_requests_at_once_than_workers(server):
    base = server.base
    make_post(body=" ".join(f"[{n}]({base}/slow?n={n})" for n in range(4)))
    started = time.monotonic()
    checking.check(checking.sources(), external=checker(workers=2, timeout=5.0))
    # Four 2-second answers, two at a time: two rounds, not one.
    assert time.monotonic() - started >= 3.9


def test_the_command_checks_external_links_only_when_asked(server):
    base = server.base
    make_post(title="Ссылки", body=f"[gone]({base}/missing) [here](/blog/nowhere/)")
    out = io.StringIO()
    call_command("check_links", stdout=out)
    assert "broken external" not in out.getvalue()
    assert not [r for r in server.requests]
    out = io.StringIO()
    call_command(
        "check_links", "--external", "--allow-private", "--delay", "0", "--timeout", "2", stdout=out
    )
    text = out.getvalue()
    assert f"link “gone” → {base}/missing" in text
    assert "1 broken external link in 1 post" in text
    assert "1 broken internal link in 1 post" in text
    assert set(BrokenLink.objects.values_list("scope", flat=True)) == {"internal", "external"}
    assert set(CheckRun.objects.values_list("scope", flat=True)) == {"internal", "external"}
    # An internal-only check (an import) leaves the external findings in place.
    call_command("check_links", stdout=io.StringIO())
    assert BrokenLink.objects.filter(scope=Scope.EXTERNAL).count() == 1


def test_private_addresses_are_never_requested_unless_allowed(server):
    """A writer's link to the server's own network (a cloud's metadata service, the
    database next door) must not make the check request it and show what it answered."""
    base = server.base
    make_post(
        title="Внутри",
        body=(
            f"[local]({base}/ok) [metadata](http://169.254.169.254/latest/meta-data/) "
            f"[loopback by name](http://localhost:{server.server_address[1]}/ok) "
            "[outward bound](https://example.invalid/) "
        ),
    )
    report = checking.check(checking.sources(), external=checker(allow_private=False))
    broken = external_broken(report)
    assert server.requests == []
    for url in (f"{base}/ok", "http://169.254.169.254/latest/meta-data/"):
        assert "private address" in broken[url] and "not requested" in broken[url], broken
    assert "private address" in broken[f"http://localhost:{server.server_address[1]}/ok"]
    # A host that does not resolve is left to the request, which reports it.
    assert "private address" not in broken["https://example.invalid/"]


def test_a_redirect_to_a_private_address_is_not_followed(server, monkeypatch):
    from linkcheck import external

    # The first hop is taken as public, its redirect (to 127.0.0.1/ok) is refused.
    asked = []

    def first_public(url):
        asked.append(url)
        if len(asked) > 1:
            return real(url)

    real = external.refuse_private
    monkeypatch.setattr(external, "refuse_private", first_public)
    make_post(body=f"[moved]({server.base}/moved)")
    report = checking.check(checking.sources(), external=checker(allow_private=False))
    assert "private address" in external_broken(report)[f"{server.base}/moved"]
    assert [path for _, path, _ in server.requests] == ["/moved"]


def test_non_ascii_hosts_and_paths_are_sent_as_ascii():
    assert ascii_url("https://пример.рф/путь?q=тест") == (
        "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C?q=%D1%82%D0%B5%D1%81%D1%82"
    )
    assert ascii_url("https://example.com/a%20b") == "https://example.com/a%20b"
