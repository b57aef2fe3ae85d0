"""The client address used for login rate limiting (django-axes)."""

from django.conf import settings


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
