"""The old site's addresses: what each file was served at, and the site's redirect rules.

Everything here is pure (no database): the importer turns what it returns into rows of
the one URL map, ``blog.Redirect``, answered as one 301 when no page of Folio lives at
the address (``blog.middleware.RedirectFallbackMiddleware``).

Where an address comes from:

- **The file's place.** Gatsby (every Stackbit theme) serves ``src/pages/a/b.md`` at
  ``/a/b/`` and ``src/pages/a/index.md`` at ``/a/``.
- **``stackbit_url_path``** (the 2019 themes: ``posts/<slug>``, which may differ from the
  file name) and **``permalink``**, in front matter.
- **The site's rules**: Netlify's ``_redirects`` file (at the root or in ``static/``,
  which Gatsby copies to the published root) and the ``[[redirects]]`` of
  ``netlify.toml``. One address to one address, with status 301, 302, 303, 307 or 308
  (all answered 301: the old address must keep working). Rules Folio's map cannot hold
  -- patterns (``*``, ``:placeholder``), conditions (country, language, role, query),
  rewrites (200), custom error pages (404) and redirects to other sites (Folio's stay
  on the site) -- are reported, one warning each.
- **The old feed addresses** of the generators (``/rss.xml`` of gatsby-plugin-feed,
  ``/feed.xml`` of jekyll-feed, ``/index.xml`` of Hugo, ``/atom.xml``).
"""

import tomllib
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

#: Where Gatsby finds the pages it serves by their place (the Stackbit themes' layout).
PAGES_DIR = "src/pages"
#: Netlify's redirect files, as they sit in a Gatsby site (``static/`` is published).
REDIRECT_FILES = ("_redirects", "static/_redirects", "netlify.toml")
#: Old feed addresses -> the feed route that replaces them.
FEED_ALIASES = {
    "/rss.xml": "blog:feed",
    "/feed.xml": "blog:feed",
    "/index.xml": "blog:feed",
    "/atom.xml": "blog:atom",
}
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_LONGEST = 300  # Redirect.old_path and new_path


@dataclass(frozen=True)
class Rule:
    old: str
    new: str
    origin: str  # "_redirects line 4", for reports


def as_request_path(value):
    """A path written in content as the path a request for it carries: '/blog/x' →
    '/blog/x/' (a file name, '/feed.xml', keeps its form). None if it is not a path on
    this site."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        path = urlsplit(value.strip()).path
    except ValueError:  # e.g. an unclosed IPv6 host: not a path on this site
        return None
    if not path.startswith("/"):
        path = "/" + path
    if path.startswith(("//", "/\\")) or len(path) > _LONGEST:
        return None
    return path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/"


def file_address(source: str):
    """The address Gatsby served the markdown file at site-relative ``source``, or
    None when it is not under ``src/pages/``."""
    path = PurePosixPath(source)
    try:
        relative = path.relative_to(PAGES_DIR)
    except ValueError:
        return None
    parts = list(relative.with_suffix("").parts)
    if parts and parts[-1] == "index":
        parts.pop()
    return "/" + "".join(f"{part}/" for part in parts)


def front_matter_addresses(meta: dict):
    """[(address, key)] that front matter gives a file: stackbit_url_path, permalink."""
    found = []
    for key in ("stackbit_url_path", "permalink"):
        path = as_request_path(meta.get(key))
        if path:
            found.append((path, key))
    return found


def redirect_rules(name: str, text: str):
    """([Rule], [warning]) of a ``_redirects`` file or a ``netlify.toml``."""
    if name.endswith(".toml"):
        return _netlify_toml(name, text)
    return _redirects_file(name, text)


def _redirects_file(name, text):
    rules, warnings = [], []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{name} line {number}"
        fields = line.split()
        if len(fields) < 2:
            warnings.append(f"{where}: {line!r} has no target; ignored")
            continue
        old, new, *rest = fields
        status, conditions = 301, []
        if rest and rest[0].rstrip("!").isdigit():
            status, conditions = int(rest[0].rstrip("!")), rest[1:]
        else:
            conditions = rest
        if "=" in new:  # a query-parameter match: "/x id=:id /y"
            conditions, new = [new, *conditions], (conditions[0] if conditions else "")
        _add_rule(rules, warnings, where, old, new, status, bool(conditions))
    return rules, warnings


def _netlify_toml(name, text):
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [f"{name} is not valid TOML ({exc}); its redirects were not read"]
    entries = config.get("redirects", [])
    if not isinstance(entries, list):
        return [], [f"{name}: redirects is not a list of [[redirects]] tables; not read"]
    rules, warnings = [], []
    for number, entry in enumerate(entries, 1):
        where = f"{name} [[redirects]] #{number}"
        if not isinstance(entry, dict):
            warnings.append(f"{where} is not a table; ignored")
            continue
        status = entry.get("status", 301)
        if not isinstance(status, int):
            warnings.append(f"{where}: status {status!r} is not a number; ignored")
            continue
        conditional = any(entry.get(key) for key in ("conditions", "query", "headers", "signed"))
        _add_rule(rules, warnings, where, entry.get("from"), entry.get("to"), status, conditional)
    return rules, warnings


def _add_rule(rules, warnings, where, old, new, status, conditional):
    if not isinstance(old, str) or not isinstance(new, str) or not old or not new:
        warnings.append(f"{where}: needs a from and a to address; ignored")
        return
    if status not in _REDIRECT_STATUSES:
        kind = "a rewrite" if status == 200 else f"status {status}"
        warnings.append(
            f"{where}: {old} → {new} is {kind}, not a redirect; not imported "
            "(make the page Folio serves there instead)"
        )
        return
    if "*" in old or ":" in old or ":splat" in new:
        warnings.append(
            f"{where}: {old} → {new} is a pattern; Folio's redirects are one address each, "
            "so it was not imported (add the addresses it covers in the admin)"
        )
        return
    if conditional:
        warnings.append(f"{where}: {old} → {new} has conditions Folio cannot check; not imported")
        return
    if old.startswith(("http://", "https://")):
        warnings.append(f"{where}: {old} names a host; only paths are imported")
        return
    if new.startswith(("http://", "https://", "//")):
        warnings.append(
            f"{where}: {old} → {new} leaves the site; Folio's redirects stay on it (an "
            "open redirect otherwise), so it was not imported"
        )
        return
    old_path, target = as_request_path(old), as_request_path(new)
    if not old_path or not target:
        warnings.append(f"{where}: {old} → {new} is not a path on this site; ignored")
        return
    rules.append(Rule(old_path, target, where))
