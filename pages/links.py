"""The buttons and links of a landing page's sections, as pages show them.

Themes write a button as ``{label, url}`` with its look in ``style: primary``,
``primary: true`` or ``type: button``, and ``new_window: true``. On save each becomes
``{label, href, primary, new_window}``: an address on this site is written the way
Folio serves it (``/signup`` as ``/signup/``, which would otherwise cost a redirect)
and followed through the URL map (``blog.Redirect``) when it has moved. A link that
is neither on this site nor http(s), mailto or tel (``javascript:``) is not shown;
it stays in the section's data as written.
"""

from urllib.parse import urlsplit

from blog.models import Redirect

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def is_external(url) -> bool:
    """Whether ``url`` is a full http(s) URL (an image left where it was)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def href(url: str) -> str | None:
    """The address a link goes to, or None when it may not be shown."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme:
        return url if parts.scheme.lower() in SAFE_SCHEMES else None
    if url.startswith(("//", "/\\")):
        return None  # another host, written without a scheme: not this site's link
    if url.startswith("/") and not parts.path.endswith("/"):
        last = parts.path.rsplit("/", 1)[-1]
        if "." not in last:  # /signup is served at /signup/; /files/a.pdf stays
            url = parts._replace(path=parts.path + "/").geturl()
    return url


def actions(value) -> list[dict]:
    """The links of a section's (or item's) ``actions``, as pages show them."""
    if not isinstance(value, list):
        return []
    found = []
    for action in value:
        if not isinstance(action, dict):
            continue
        label = action.get("label")
        url = action.get("url")
        if not isinstance(label, str | int | float) or not isinstance(url, str):
            continue
        target = href(url)
        if not target or not str(label).strip():
            continue
        style = str(action.get("style") or action.get("type") or "").lower()
        found.append(
            {
                "label": str(label).strip(),
                "href": target,
                "primary": action.get("primary") is True or style in {"primary", "button"},
                "new_window": action.get("new_window") is True,
            }
        )
    moved = _moved([action["href"] for action in found if action["href"].startswith("/")])
    for action in found:
        path, _, fragment = action["href"].partition("#")
        if path in moved:
            action["href"] = moved[path] + (f"#{fragment}" if fragment else "")
    return found


def _moved(paths):
    """{old path: new path} of the paths the URL map sends elsewhere."""
    paths = {path.partition("#")[0] for path in paths}
    if not paths:
        return {}
    return dict(Redirect.objects.filter(old_path__in=paths).values_list("old_path", "new_path"))
