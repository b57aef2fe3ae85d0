"""What the JavaScript-built blogs (Astro, the Gatsby starter) share: images written
relative to the post's own file, authors named by a string, and the old addresses of a
site served under a base path."""

import json
import posixpath
import re
from pathlib import PurePosixPath

from django.utils.text import slugify

from ..errors import ImportFileError

#: Import aliases the templates set up for the source folder (``~/assets/x.jpg``).
SOURCE_ALIASES = ("~/", "@/")


def site_path(source: str, written: str) -> str | None:
    """The site-relative path of a file that ``written`` (a link in the post at
    ``source``) names relative to the post: ``../../assets/x.jpg``, ``./egg.jpg``,
    ``egg.jpg``, ``~/assets/x.jpg``. None for an address (``/x.jpg``, a URL, ``#top``)
    and for a path that leaves the site."""
    written = str(written).strip()
    if (
        not written
        or written.startswith(("/", "#", "?", "\\"))
        or re.match(r"^[a-z][\w+.-]*:", written, re.I)
    ):
        return None
    if written.startswith(SOURCE_ALIASES):
        joined = "src/" + written[2:]
    else:
        joined = posixpath.join(str(PurePosixPath(source).parent), written)
    normal = posixpath.normpath(joined.split("?")[0].split("#")[0])
    if normal.startswith("..") or normal in (".", ""):
        return None
    return normal


def from_static(site, target: str) -> str:
    """``target`` (site-relative) written relative to the site's static folder, which
    is where records.static_path reads relative paths from (the site resolver keeps it
    inside the site)."""
    static = site.relative(site.static_dir) if site.static_dir != site.root else "."
    return posixpath.relpath(target, static)


def relative_images(site, source: str, body: str, suffixes) -> str:
    """The body with each link to an image beside the post (or anywhere relative to
    it) pointing at that file, so the importer stores it and rewrites the link."""
    from ..prepare import _URL_PATTERNS

    def replace(match):
        url = match.group("url")
        if not url.split("?")[0].lower().endswith(suffixes):
            return match.group(0)
        target = site_path(source, url)
        if target is None or not (site.root / target).is_file():
            return match.group(0)
        return match.group("lead") + from_static(site, target)

    for pattern in _URL_PATTERNS:
        body = pattern.sub(replace, body)
    return body


def image_value(site, source: str, value):
    """A front-matter image (``heroImage: ../../assets/x.jpg``) made readable by the
    importer: relative to the post when the file is there, else as written (``/x.jpg``
    is under public/ or static/)."""
    if isinstance(value, dict):  # Astro's image() schema as some themes write it
        value = value.get("src") or value.get("url")
    if not isinstance(value, str):
        return value
    target = site_path(source, value)
    if target is not None and (site.root / target).is_file():
        return from_static(site, target)
    return value


def with_base(base: str, found: list) -> list:
    """Each (address, origin), and the same under the site's base path."""
    if not base:
        return found
    return found + [(base + old, f"{origin}, under base {base}") for old, origin in found]


def clean_base(written) -> str:
    """A base path as "/docs" (no trailing slash); "" for the root or nothing."""
    if not isinstance(written, str):
        return ""
    base = "/" + written.strip().strip("/")
    return "" if base == "/" else base


# -- authors named by a string --------------------------------------------------------


def author_source(value) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, str | int) or not str(value).strip():
        raise ImportFileError(f"author must be a name, not {value!r:.60}")
    return f"author:{str(value).strip()[:200]}"


def author_data(source, read, config_entry=None) -> bytes:
    if source.startswith("author:"):
        return source.encode()
    return json.dumps(config_entry or {}, sort_keys=True, ensure_ascii=False).encode()


def author_meta(source, data) -> tuple[str, dict]:
    if source.startswith("author:"):
        name = source.removeprefix("author:")
        return slugify(name, allow_unicode=True) or "author", {"name": name}
    entry = json.loads(data)
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ImportFileError("the site's author has no name")
    return slugify(str(entry["name"]), allow_unicode=True) or "site-author", entry


def title_from(stem: str) -> str:
    words = re.sub(r"[-_]+", " ", str(stem)).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"
