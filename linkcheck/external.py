"""Checking links to other sites: politely, and at most once a day per URL.

* one request per distinct URL: ``HEAD``, and ``GET`` only when the server refuses or
  mishandles ``HEAD`` (any error status but 429: many servers answer ``HEAD`` with
  405, 501, 403 or even 404 where ``GET`` works); a ``GET``'s body is never read;
* at most ``workers`` requests at once (a thread pool), each with a ``timeout``;
* requests to one host at least ``delay`` seconds apart; URLs are taken host by host
  in turn, so one large host does not hold every worker;
* what each URL answered is kept (:class:`~linkcheck.models.ExternalResult`) and
  reused for ``max_age`` (a day): the next run asks only about new or stale URLs.

A 2xx or 3xx (after following redirects) answers; 401, 403 and 429 are not counted
as broken (the page exists; the server keeps robots out or asks them to slow down),
and 429 is not kept, so the next run asks again. Anything else, a timeout or a failed
connection is broken, with the reason.

Only public addresses are asked (``allow_private`` aside): a link whose host resolves
to a loopback, private, link-local or otherwise non-global address (a cloud's metadata
service at 169.254.169.254, the database next door) is reported broken without a
request (readers on the internet cannot reach it either), and a redirect to one is not
followed. Otherwise any writer could put such a URL in a draft
and read on Site health what the server's own network answers. Only HTTP and HTTPS are
spoken, redirects included.
"""

import hashlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import zip_longest
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlsplit
from urllib.request import (
    HTTPDefaultErrorHandler,
    HTTPErrorProcessor,
    HTTPHandler,
    HTTPRedirectHandler,
    HTTPSHandler,
    OpenerDirector,
    Request,
)

from django.utils import timezone

from .internal import Verdict
from .models import ExternalResult

USER_AGENT = "Mozilla/5.0 (compatible; Folio link check)"
#: Statuses that say nothing about whether the page exists.
NOT_BROKEN = {401, 403, 429}


class PrivateAddress(URLError):
    """A URL whose host is not a public address (see the module's docstring)."""


def refuse_private(url: str) -> None:
    """Raise :class:`PrivateAddress` unless every address ``url``'s host resolves to is
    global (a host that does not resolve is left to the request to report)."""
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname or "", parts.port or 80, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        return
    for *_, address in found:
        ip = ipaddress.ip_address(address[0].split("%", 1)[0])
        if not ip.is_global:
            raise PrivateAddress(
                f"{parts.hostname} is a private address ({ip}), which readers cannot reach; "
                "not requested (check_links --allow-private asks it)"
            )


class _KeepMethod(HTTPRedirectHandler):
    """Follow a redirect with the same method (urllib turns a ``HEAD`` into a ``GET``),
    over HTTP or HTTPS only, and never to a private address unless allowed."""

    def __init__(self, allow_private):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            scheme = urlsplit(new.full_url).scheme
            if scheme not in ("http", "https"):
                raise URLError(f"redirected to {scheme}:, not checked")
            if not self.allow_private:
                refuse_private(new.full_url)
            new.method = req.get_method()
        return new


def _opener(allow_private):
    """An opener that speaks HTTP and HTTPS only (urllib's default also reads ftp: and
    file: URLs, and goes through proxies from the environment)."""
    opener = OpenerDirector()
    for handler in (
        HTTPHandler(),
        HTTPSHandler(),
        HTTPDefaultErrorHandler(),
        _KeepMethod(allow_private),
        HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def key_of(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def ascii_url(url: str) -> str:
    """``url`` as an HTTP request line can carry it: the host in IDNA, the rest
    percent-encoded as UTF-8 (``https://пример.рф/путь`` and the like)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    netloc = host + (f":{parts.port}" if parts.port else "")
    path = quote(parts.path, safe="/%:@!$&'()*+,;=~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=?~")
    return parts._replace(netloc=netloc, path=path or "/", query=query).geturl()


class ExternalChecker:
    def __init__(
        self,
        *,
        workers=8,
        timeout=10.0,
        delay=1.0,
        max_age=timedelta(days=1),
        allow_private=False,
    ):
        self.workers = max(1, workers)
        self.timeout = timeout
        self.delay = delay
        self.max_age = max_age
        self.allow_private = allow_private
        self._opener = _opener(allow_private)
        self._lock = threading.Lock()
        self._next_slot = {}  # host -> monotonic time its next request may start
        #: Requests made by the last check (tests, and the command's summary).
        self.requests = 0

    def check(self, urls, progress=None) -> dict[str, Verdict]:
        urls = set(urls)
        fresh = timezone.now() - self.max_age
        kept = ExternalResult.objects.filter(checked__gte=fresh)
        verdicts = {}
        keys = {key_of(url): url for url in urls}
        key_list = list(keys)
        for start in range(0, len(key_list), 500):
            for row in kept.filter(key__in=key_list[start : start + 500]):
                verdicts[keys[row.key]] = Verdict(row.ok, row.reason)
        todo = _host_by_host(urls - verdicts.keys())
        self.requests = 0
        done = 0
        if progress:
            progress(0, len(todo))
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for url, (status, ok, reason) in zip(todo, pool.map(self._ask, todo), strict=True):
                verdicts[url] = Verdict(ok, reason)
                if status != 429:
                    ExternalResult.objects.update_or_create(
                        key=key_of(url),
                        defaults={
                            "url": url,
                            "status": status,
                            "ok": ok,
                            "reason": reason[:300],
                            "checked": timezone.now(),
                        },
                    )
                done += 1
                if progress:
                    progress(done, len(todo))
        return verdicts

    def _ask(self, url):
        """(status or None, answers?, reason) for one URL."""
        try:
            if not self.allow_private:
                refuse_private(ascii_url(url))
            status = self._request(url, "HEAD")
            if status >= 400 and status != 429:
                status = self._request(url, "GET")
        except PrivateAddress as refused:
            return None, False, refused.reason
        except (URLError, OSError, http.client.HTTPException, ValueError) as error:
            return None, False, _why(error)
        if status < 400 or status in NOT_BROKEN:
            return status, True, "" if status < 400 else f"answered {_status(status)}"
        return status, False, f"answered {_status(status)}"

    def _request(self, url, method):
        self._wait_for(urlsplit(url).hostname or "")
        request = Request(ascii_url(url), method=method, headers={"User-Agent": USER_AGENT})
        with self._lock:
            self.requests += 1
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status
        except HTTPError as error:
            error.close()
            return error.code

    def _wait_for(self, host):
        """Take the host's next slot (``delay`` after the one before), and wait for it."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self.delay
        if slot > now:
            time.sleep(slot - now)


def _host_by_host(urls):
    """The URLs in an order that takes each host in turn."""
    by_host = defaultdict(list)
    for url in sorted(urls):
        by_host[urlsplit(url).hostname or ""].append(url)
    return [url for row in zip_longest(*by_host.values()) for url in row if url is not None]


def _status(code):
    try:
        return f"{code} {http.client.responses[code]}"
    except KeyError:
        return str(code)


def _why(error):
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.timeout | TimeoutError):
        return "no answer in time (timed out)"
    if isinstance(reason, ssl.SSLError):
        return f"its certificate or TLS failed ({reason.reason or reason})"
    if isinstance(reason, socket.gaierror):
        return "its host name does not resolve"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    return f"could not be reached ({reason})"
