"""The addresses Hugo gave a site's pages, term pages and feeds, computed as Hugo does.

- A regular page is served at its place under ``content/``: ``posts/a b.md`` at
  ``/posts/a-b/``, a page bundle ``posts/trip/index.md`` at ``/posts/trip/``; ``slug``
  replaces the last segment, ``url`` the whole path (as written).
- ``[permalinks]`` gives a section a pattern of tokens (:data:`DATE_TOKENS`, ``:section``,
  ``:sections``, ``:title``, ``:slug``, ``:filename``, ``:contentbasename``, …); the date
  tokens read the page's date on its own clock (a date written without a zone is on the
  site's ``timeZone``), so a date-based URL never moves by a day.
- Paths are made with Hugo's ``MakePath`` (spaces become hyphens; letters, digits and
  ``._-~+#@/`` stay) and lower-cased unless ``disablePathToLower``; with ``uglyURLs`` a page
  is ``/posts/a-b.html``.
- Taxonomy terms live at ``/<taxonomy>/<term>/``, feeds at ``index.xml`` of the home page,
  each section and each term.
- Everything lives under the path of ``baseURL`` (``https://example.org/blog/``).
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from .config import HugoConfig

DATE_TOKENS = {
    "year": lambda d: f"{d.year:04d}",
    "month": lambda d: f"{d.month:02d}",
    "monthname": lambda d: d.strftime("%B"),
    "day": lambda d: f"{d.day:02d}",
    "weekday": lambda d: str((d.weekday() + 1) % 7),  # Sunday is 0, as in Go
    "weekdayname": lambda d: d.strftime("%A"),
    "yearday": lambda d: str(d.timetuple().tm_yday),
}
_TOKEN = re.compile(r":(\w+)(?:\[([^\]]*)\])?")
_ALLOWED_PUNCTUATION = set("./\\_-#+~@")


@dataclass(frozen=True)
class ContentPath:
    """Where a content file sits, as Hugo sees it."""

    sections: tuple  # the folders above the page (a bundle's own folder excluded)
    base_name: str  # the file name without extension, or a bundle's folder name
    bundle: bool  # a leaf bundle (index.md) whose folder holds its resources
    list_page: bool  # _index.md: a section's (or the home page's) own page
    language: str = ""  # the language suffix of a translation (about.fr.md: "fr")

    @property
    def section(self) -> str:
        return self.sections[0] if self.sections else ""

    @classmethod
    def of(cls, relative: str, languages=frozenset()) -> "ContentPath":
        """``relative``: the file's path inside the content folder (``posts/a/index.md``);
        ``languages``: the site's, whose suffix marks a translation (``about.fr.md``)."""
        path = PurePosixPath(relative)
        folders = path.parent.parts
        stem, language = path.stem, ""
        name, dot, suffix = stem.rpartition(".")
        if dot and name and suffix.lower() in languages:
            stem, language = name, suffix.lower()
        if stem == "_index":
            return cls(tuple(folders), folders[-1] if folders else "", False, True, language)
        if stem == "index" and folders:
            return cls(tuple(folders[:-1]), folders[-1], True, False, language)
        return cls(tuple(folders), stem, False, False, language)


def make_path(text: str, lower: bool = True) -> str:
    """Hugo's MakePath: whitespace becomes one hyphen; letters, digits, marks and
    ``./\\_-#+~@`` stay; every other character is dropped. Lower-cased unless told."""
    out = []
    hyphen = False
    for char in unicodedata.normalize("NFC", text.strip()):
        if (
            char.isalnum()
            or char in _ALLOWED_PUNCTUATION
            or unicodedata.category(char).startswith("M")
        ):
            out.append(char)
            hyphen = False
        elif char.isspace():
            if not hyphen:
                out.append("-")
                hyphen = True
    made = "".join(out)
    return made.lower() if lower else made


def urlize(text: str) -> str:
    """Hugo's urlize, as ``:title`` and term pages use it."""
    return make_path(text, lower=True).replace("/", "-").strip("-") if text else ""


def page_path(
    config: HugoConfig,
    where: ContentPath,
    *,
    title: str,
    slug: str = "",
    url: str = "",
    date: datetime.datetime | None = None,
) -> str:
    """The path (base path excluded) Hugo served a regular page at."""
    if url:
        path = url if url.startswith("/") else "/" + url
        if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
            path += "/"
        return path
    pattern = config.permalinks.get(where.section.lower()) if where.sections else None
    if pattern:
        path, _ = expand(pattern, where, title=title, slug=slug, date=date, config=config)
    else:
        last = make_path(slug, lower=False) if slug else make_path(where.base_name, lower=False)
        parts = [make_path(part, lower=False) for part in where.sections] + [last]
        path = "/" + "/".join(part for part in parts if part) + "/"
    path = re.sub(r"/{2,}", "/", path if path.startswith("/") else "/" + path)
    if config.ugly(where.section):
        path = path.rstrip("/") + ".html" if path != "/" else path
    elif not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return path.lower() if config.lower_paths else path


def expand(pattern, where: ContentPath, *, title, slug, date, config) -> tuple[str, list[str]]:
    """(path, [tokens Hugo would not know]) of a permalink pattern for one page."""
    unknown = []

    def token(match):
        name, index = match.group(1).lower(), match.group(2)
        if name in DATE_TOKENS:
            return DATE_TOKENS[name](date) if date else ""
        if name == "section":
            return make_path(where.section, config.lower_paths)
        if name == "sections":
            sections = [make_path(s, config.lower_paths) for s in where.sections]
            return "/".join(_slice(sections, index))
        if name == "title":
            return urlize(title)
        if name == "slug":
            return urlize(slug or title)
        if name in {"filename", "contentbasename"}:
            return make_path(where.base_name, config.lower_paths)
        if name in {"slugorfilename", "slugorcontentbasename"}:
            return urlize(slug) if slug else make_path(where.base_name, config.lower_paths)
        unknown.append(match.group(0))
        return match.group(0)

    return _TOKEN.sub(token, pattern), unknown


def _slice(items, index):
    """``:sections[1:]``, ``[:2]``, ``[0]`` and ``[last]``, as Hugo reads them."""
    if index is None:
        return items
    index = index.strip()
    if index == "last":
        return items[-1:]
    try:
        if ":" in index:
            start, _, stop = index.partition(":")
            return items[int(start) if start else None : int(stop) if stop else None]
        return [items[int(index)]]
    except (ValueError, IndexError):
        return []


def term_path(config: HugoConfig, plural: str, term: str) -> str:
    """``/tags/<term>/`` (or the taxonomy's ``[permalinks.term]`` pattern)."""
    name = urlize(term)
    pattern = config.term_permalinks.get(plural)
    if pattern:
        path = re.sub(
            r":(slug|title|slugorfilename|slugorcontentbasename|filename|contentbasename)\b",
            name,
            pattern,
        )
        path = path if path.startswith("/") else "/" + path
        return path if path.endswith("/") or path.endswith(".html") else path + "/"
    return f"/{make_path(plural)}/{name}/"


def alias_paths(config: HugoConfig, aliases, page_dir: str) -> tuple[list[str], list[str]]:
    """([alias paths], [warnings]): an alias with no leading slash is relative to the
    page's folder; one without an extension is a folder (``/old/`` serves it)."""
    if aliases in (None, ""):
        return [], []
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list):
        return [], ["aliases: expected a list of paths; ignored"]
    paths, warnings = [], []
    for alias in aliases:
        if not isinstance(alias, str) or not alias.strip():
            warnings.append(f"aliases: {alias!r:.60} is not a path; ignored")
            continue
        alias = alias.strip()
        if alias.startswith(("http://", "https://", "//")):
            warnings.append(f"aliases: {alias[:80]!r} names a host; only paths are kept")
            continue
        if not alias.startswith("/"):
            alias = "/" + "/".join(part for part in (page_dir.strip("/"), alias) if part)
        if not alias.endswith("/") and "." not in alias.rsplit("/", 1)[-1]:
            alias += "/"
        paths.append(re.sub(r"/{2,}", "/", alias))
    return paths, warnings


def with_base(config: HugoConfig, path: str) -> list[str]:
    """The path as the old site served it (under the base path), and without the base
    path too, so that both keep answering."""
    if config.base_path == "/":
        return [path]
    return [config.base_path.rstrip("/") + path, path]


def feed_paths(config: HugoConfig, list_path: str) -> list[str]:
    """The RSS feed of a list page (the home page, a section, a term): its index.xml."""
    return [p + "index.xml" for p in with_base(config, list_path)]
