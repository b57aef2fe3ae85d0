"""The client address used for login rate limiting (django-axes), and the last-resort
error page in front of Django."""

import logging
import sys

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponseServerError
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The address a login attempt came from.

    X-Forwarded-For is trusted only as far as FOLIO_TRUSTED_PROXY_COUNT says: each
    trusted proxy appends the address it received the request from, so the entry that
    many places from the right is the one the outermost trusted proxy saw. Anything to
    its left was written by the client and is ignored; with no trusted proxies the
    header is ignored altogether.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.FOLIO_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote  # the request did not come through the proxies: the peer is the client
    return forwarded[-proxies]


# -- Errors outside Django ------------------------------------------------------------

#: The middleware of ``settings.MIDDLEWARE`` whose whole answer is headers: what every
#: response is sent with, whatever it holds. The last-resort 500 goes through them
#: (those of them that settings.MIDDLEWARE holds, in its order), so it carries the
#: headers Django would have given it, from the same settings.
HEADER_MIDDLEWARE = frozenset(
    {
        "csp.middleware.CSPMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    }
)

SERVER_ERROR_PAGE = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
    b"<title>Server error</title></head><body><h1>Server error</h1>"
    b"<p>Something went wrong on our side. Please try again in a moment.</p></body></html>"
)


def last_resort(application):
    """Wrap the outermost WSGI application (config/wsgi.py): an exception that escapes
    it becomes a plain 500 page with the site's security headers, and is logged.

    Django turns an exception inside a view or middleware into its 500 page itself;
    this is for the rest -- building the request (an address it could not decode),
    the page cache in front of Django -- which gunicorn answered with a bare 500 of its
    own, without a Content-Security-Policy or any other security header.
    """

    def guarded(environ, start_response):
        try:
            return application(environ, start_response)
        except Exception:
            logger.exception(
                "Unhandled error outside Django: %s %r",
                environ.get("REQUEST_METHOD"),
                environ.get("RAW_URI") or environ.get("PATH_INFO"),
            )
            response = HttpResponseServerError(SERVER_ERROR_PAGE)
            try:
                response = with_security_headers(environ, response)
            except Exception:  # (settings that cannot even load: the page still goes out)
                logger.exception("Security headers for the 500 page could not be added")
            status = f"{response.status_code} {response.reason_phrase}"
            # exc_info: the application may have started a response before it failed.
            start_response(status, [*response.items()], sys.exc_info())
            return [response.content]

    return guarded


def with_security_headers(environ, response):
    """``response`` as the header middleware of ``settings.MIDDLEWARE`` send it, for
    the request ``environ`` describes."""
    try:
        request = WSGIRequest(environ.copy())  # (a copy: WSGIRequest writes into it)
    except Exception:  # the environ may be what failed: an address that cannot be decoded
        request = WSGIRequest({**environ, "PATH_INFO": "/", "SCRIPT_NAME": ""})
    for path in reversed(settings.MIDDLEWARE):  # responses travel back up the list
        if path in HEADER_MIDDLEWARE:
            response = import_string(path)(_no_view).process_response(request, response)
    return response


def _no_view(request):
    raise AssertionError("only the middleware's process_response is called")
