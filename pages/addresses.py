"""What a page's address may be: one rule for the admin, the importer and the view.

A page lives at its own path (``/about/``, ``/legal/terms/``, ``/über-uns/``), answered
by the catch-all route that comes last in the URLconf (``pages.urls``). Folio's own
routes, the admin, static files and uploads come first and always win; a page whose
path one of them answers is *reserved*: refused in the admin, reported by the importer,
and never served (:func:`reserved`).
"""

import re
import unicodedata
from urllib.parse import unquote

from django.conf import settings
from django.urls import Resolver404, resolve

from folio.slugs import slug_error, slug_warning

#: The route that serves pages (pages/urls.py).
PAGE_ROUTE = "pages:page"
#: The home page's address: a page there is the site's home (pages.views.HomeView).
HOME = "/"
MAX_LENGTH = 300
# A segment is one step of the path: no separators, queries, fragments or escapes.
_UNSAFE = re.compile(r"[\\?#%<>\"\s]")


def normalise(written: str) -> str:
    """``about``, ``/about``, ``/about/``, ``legal/terms.html`` or ``/caf%C3%A9`` as the
    stored form: one leading and one trailing slash, decoded, NFC (``/about/``)."""
    path = unquote(str(written).strip())
    path = unicodedata.normalize("NFC", path)
    path = re.sub(r"/index\.html?$|\.html?$", "", path, flags=re.IGNORECASE)
    path = "/" + path.strip("/")
    return path if path == "/" else path + "/"


def path_error(path: str) -> str | None:
    """Why ``path`` (stored form) cannot be a page's address, or None."""
    if len(path) > MAX_LENGTH:
        return f"is {len(path)} characters long; the limit is {MAX_LENGTH}"
    if not path.startswith("/") or not path.endswith("/"):
        return "must start and end with a slash, like /about/"
    for segment in path.strip("/").split("/"):
        if path == "/":
            break
        if not segment:
            return "has an empty part (two slashes in a row)"
        if segment in {".", ".."}:
            return f"has a “{segment}” part"
        if match := _UNSAFE.search(segment):
            return f"holds {match.group()!r}, which an address cannot carry"
        if error := slug_error(segment):
            return error
    return reserved(path)


def path_warning(path: str) -> str | None:
    """Why ``path`` may read as another address (folio.slugs), or None."""
    for segment in path.strip("/").split("/"):
        if warning := slug_warning(segment):
            return f"the part “{segment}” {warning}"
    return None


def reserved(path: str, *, fixed_routes_only=False) -> str | None:
    """What already answers at ``path`` instead of a page, or None when a page may.

    Folio's own routes are found by resolving the path; the admin, static files and
    uploads by their prefixes (whitenoise and the media route answer them first).

    The home page ``/`` may be a page (a landing page: the home view shows it when it
    is published, and the newest posts otherwise).

    ``fixed_routes_only`` asks the question for an old address kept as a redirect
    (blog.importing): a route with a slug in it (``/blog/<slug>/``) answers 404 for a
    slug nothing has, and then the URL map does, so only fixed addresses (the home
    page, ``/blog/``, ``/search/``, the feeds) and the prefixes are reserved, and an
    address no route answers is free.
    """
    if path == HOME and not fixed_routes_only:
        return None
    prefixes = (
        (settings.STATIC_URL, "static files"),
        (settings.MEDIA_URL, "uploads"),
        (settings.ADMIN_URL, "the admin"),
    )
    for prefix, what in prefixes:
        prefix = "/" + prefix.strip("/") + "/"
        if path.startswith(prefix) or path == prefix:
            return f"is where Folio serves {what} ({prefix})"
    try:
        match = resolve(path)
    except Resolver404:
        return None if fixed_routes_only else "is not an address this site can answer"
    if match.view_name == PAGE_ROUTE or (fixed_routes_only and match.kwargs):
        return None
    return f"is the address of Folio's own {match.view_name} page"
