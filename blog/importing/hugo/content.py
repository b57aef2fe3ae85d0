"""What a Hugo content file is, and what its front matter says.

- **Posts** are the regular pages of the site's main sections (``mainSections`` in the
  configuration or its ``[params]``; else ``posts``, ``post``, ``blog`` or ``articles``;
  else the section with the most pages, as Hugo chooses). Every other regular page is
  a Folio page at its old address. ``_index.md`` is a list page: a main section's is
  Folio's blog, another section's becomes a page at the section's address.
- **Dates** (Hugo's defaults, keys case-insensitive): the date is the first of ``date``,
  ``publishDate``/``pubdate``/``published``, ``lastmod``/``modified``; the publish date
  the first of ``publishDate``, ``pubdate``, ``published``, ``date`` (later than now:
  scheduled); ``expiryDate``/``unpublishdate`` the unpublish date (readers stop seeing
  it then). A time without a zone is on the configuration's ``timeZone`` (UTC by default).
- **Drafts**: ``draft: true``, ``published: false``, ``build.render: never``;
  ``headless: true`` pages are not pages at all.
- **Excerpt**: ``summary``, else the text before ``<!--more-->``, else ``description``.
"""

import datetime
import email.utils
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from folio.slugs import slug_error

from ..errors import ImportFileError
from ..records import MAX_TITLE, normalise_excerpt, storable
from . import urls
from .config import POST_SECTIONS, HugoConfig

DATE_KEYS = {
    "date": ("date", "publishdate", "pubdate", "published", "lastmod", "modified"),
    "publishdate": ("publishdate", "pubdate", "published", "date"),
    "expirydate": ("expirydate", "unpublishdate"),
    "lastmod": ("lastmod", "modified", "date", "publishdate", "pubdate", "published"),
}
#: Front-matter keys naming a post's picture, in the order themes prefer them.
IMAGE_KEYS = ("image", "featured_image", "featuredimage", "cover", "images", "thumbnail")
#: Keys read into the post's fields; every other key is kept in ``extra`` as written.
#: (``lastmod``, which Folio does not model, stays in ``extra``.)
MAPPED_KEYS = {"title", "slug", "draft", "summary", "tags", "categories"}
MAPPED_KEYS |= {"date", "publishdate", "pubdate", "published"}
_FILENAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")


@dataclass
class HugoItem:
    source: str  # site-relative path of the file
    where: urls.ContentPath
    kind: str  # "post", "page" or "skipped"
    reason: str = ""  # why it was skipped
    title: str = ""
    slug: str = ""  # the Folio slug of a post
    date: datetime.datetime | None = None  # on its own clock, as the URL reads it
    publish_at: datetime.datetime | None = None
    expire_at: datetime.datetime | None = None
    draft: bool = False
    excerpt: str = ""
    body: str = ""
    #: [(kind, name, [old addresses of the term page and its feed])]
    terms: list = field(default_factory=list)
    image: str = ""  # as written in front matter
    old_paths: list = field(default_factory=list)  # [(path, origin)]
    path: str = ""  # the address Hugo served it at (base path excluded)
    extra: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def main_sections(config: HugoConfig, relatives: list[str]) -> set[str]:
    """The sections whose regular pages are posts (see the module's docstring)."""
    if config.main_sections:
        return set(config.main_sections)
    counts = {}
    for relative in relatives:
        where = urls.ContentPath.of(relative)
        if where.sections and not where.list_page:
            counts[where.section.lower()] = counts.get(where.section.lower(), 0) + 1
    named = [section for section in POST_SECTIONS if section in counts]
    if named:
        return {named[0]}
    if not counts:
        return set()
    return {min(counts, key=lambda section: (-counts[section], section))}


def read_item(
    config: HugoConfig,
    source: str,
    relative: str,
    meta: dict,
    body: str,
    mains: set[str],
    now: datetime.datetime,
) -> HugoItem:
    """The item a content file is; ``relative`` is its path inside the content folder.

    Raises ImportFileError naming the field that is wrong.
    """
    where = urls.ContentPath.of(relative, config.languages)
    lowered = {str(key).lower(): value for key, value in meta.items()}
    item = HugoItem(source=source, where=where, kind="page")
    if where.language and where.language != config.default_language:
        item.kind = "skipped"
        item.reason = (
            f"a translation ({where.language}): Folio keeps one language, the site's "
            f"default ({config.default_language})"
        )
        return item
    if lowered.get("headless") is True:
        item.kind, item.reason = (
            "skipped",
            "a headless bundle (headless: true): Hugo never served it",
        )
        return item
    is_post = where.section.lower() in mains and not where.list_page
    if where.list_page:
        if not where.sections:
            item.kind, item.reason = (
                "skipped",
                "the home page's content (_index.md): Folio's home page lists the posts",
            )
            return item
        if where.section.lower() in mains and len(where.sections) == 1:
            item.kind, item.reason = (
                "skipped",
                f"the list page of the section {where.section}: Folio's blog lists the posts",
            )
            item.path = _section_path(config, where)
            item.old_paths = [
                (p, "the section's list page") for p in urls.with_base(config, item.path)
            ]
            item.old_paths += [
                (p, "the section's feed") for p in urls.feed_paths(config, item.path)
            ]
            return item
    item.kind = "post" if is_post else "page"
    item.title = _title(lowered, where, item.warnings)
    written_slug = _text(lowered, "slug")
    dates = _dates(config, lowered, where, item)
    item.date = dates.get("date")
    item.publish_at = dates.get("publishdate") or item.date
    item.draft = lowered.get("draft") is True or lowered.get("published") is False
    build = lowered.get("build", lowered.get("_build"))
    if isinstance(build, dict) and build.get("render") in {"never", False, "false"}:
        item.draft = True
        item.warnings.append("build.render is never: Hugo did not publish it; imported as a draft")
    # Unpublished at that time (already, when it has passed), as Hugo left it out.
    item.expire_at = dates.get("expirydate")
    item.body, item.excerpt = _excerpt(config, lowered, body)
    if where.list_page:
        item.path = _section_path(config, where)
    else:
        item.path = urls.page_path(
            config,
            where,
            title=item.title,
            slug=written_slug,
            url=_text(lowered, "url"),
            date=item.date,
        )
    if is_post:
        if item.publish_at is None:
            raise ImportFileError("date is missing (date, publishDate or lastmod)")
        item.slug = _folio_slug(written_slug or where.base_name, source)
    item.old_paths = [(p, "its address on the old site") for p in urls.with_base(config, item.path)]
    page_dir = "/".join(where.sections)
    aliases, problems = urls.alias_paths(config, lowered.get("aliases"), page_dir)
    item.warnings += problems
    for alias in aliases:
        item.old_paths += [(p, "aliases") for p in urls.with_base(config, alias)]
    item.terms = _terms(config, lowered, item.warnings)
    item.image = _image(lowered)
    item.extra = {key: value for key, value in meta.items() if str(key).lower() not in MAPPED_KEYS}
    return item


def _section_path(config, where):
    path = "/" + "/".join(urls.make_path(part, config.lower_paths) for part in where.sections) + "/"
    return path


def parse_date(value, zone: datetime.tzinfo, key: str) -> datetime.datetime:
    """A front-matter date as Hugo reads it, aware, on its own clock (a date written
    without a zone is on ``zone``)."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise ImportFileError(f"{key} must be a date, not {type(value).__name__} {value!r:.40}")
    text = value.strip()
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)  # RFC 1123, as Go accepts
        except (TypeError, ValueError, IndexError):
            raise ImportFileError(
                f"{key} {text[:40]!r} is not a date "
                "(expected 2006-01-02 or 2006-01-02T15:04:05-07:00)"
            ) from None
    return storable(parsed, zone, f"{key} {text[:40]!r}")


def _dates(config, meta, where, item) -> dict:
    """{date, publishdate, expirydate, lastmod} present, after Hugo's fallbacks and the
    site's own ``[frontmatter]`` lists (``:default``, ``:filename``)."""
    configured = config.values.get("frontmatter")
    configured = configured if isinstance(configured, dict) else {}
    parsed = {}

    def value_of(key):
        if key not in parsed:
            raw = meta.get(key)
            if raw in (None, "") or (key == "published" and isinstance(raw, bool)):
                parsed[key] = None
            else:
                parsed[key] = parse_date(raw, config.time_zone, key)
        return parsed[key]

    found = {}
    for name, default in DATE_KEYS.items():
        keys = configured.get(name)
        keys = [str(k).lower() for k in keys] if isinstance(keys, list) else [":default"]
        for key in keys:
            if key == ":default":
                value = next((v for k in default if (v := value_of(k)) is not None), None)
            elif key == ":filename":
                match = _FILENAME_DATE.match(where.base_name)
                value = parse_date(match.group(1), config.time_zone, "file name") if match else None
            elif key.startswith(":"):
                value = None  # :git, :fileModTime: what the repository knew, not the files
            else:
                value = value_of(key)
            if value is not None:
                found[name] = value
                break
    return found


def _excerpt(config, meta, body) -> tuple[str, str]:
    """(body, excerpt): the front matter's summary, the text before the divider, or
    the description."""
    summary = _text(meta, "summary", one_line=False)
    before, divider, after = body.partition(config.summary_divider)
    if divider:
        body = before.rstrip() + "\n\n" + after.lstrip("\n")
    if summary:
        return body, normalise_excerpt(summary)
    if divider and before.strip():
        return body, normalise_excerpt(before)
    return body, normalise_excerpt(_text(meta, "description", one_line=False))


def _terms(config, meta, warnings) -> list:
    found = []
    for plural in config.taxonomies.values():
        kind = {"tags": "tag", "categories": "category"}.get(plural)
        value = meta.get(plural)
        if kind is None or value in (None, ""):
            continue
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            warnings.append(f"{plural}: expected a list of names; ignored")
            continue
        for name in value:
            if (
                isinstance(name, bool)
                or not isinstance(name, str | int | float)
                or not str(name).strip()
            ):
                warnings.append(f"{plural}: {name!r:.40} is not a name; ignored")
                continue
            name = " ".join(str(name).split())[:100]
            term = urls.term_path(config, plural, name)
            paths = urls.with_base(config, term) + urls.feed_paths(config, term)
            found.append((kind, name, paths))
    return found


def _image(meta) -> str:
    for key in IMAGE_KEYS:
        value = meta.get(key)
        if isinstance(value, dict):  # PaperMod's cover: {image: …}
            value = value.get("image") or value.get("src")
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str) and v.strip()), None)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _title(meta, where, warnings) -> str:
    title = _text(meta, "title")
    if not title:
        title = (
            where.base_name.replace("-", " ").replace("_", " ").strip().capitalize() or "Untitled"
        )
        warnings.append(f"no title: titled {title!r} after its file name")
    if len(title) > MAX_TITLE:
        raise ImportFileError(f"title is {len(title)} characters long; the limit is {MAX_TITLE}")
    return title


def _folio_slug(written: str, source: str) -> str:
    slug = urls.make_path(written).strip("/").replace("/", "-").strip("-.")
    if not slug or slug_error(slug):
        raise ImportFileError(
            f"{PurePosixPath(source).name}: {written[:60]!r} cannot be a URL slug"
            + (f" ({slug_error(slug)})" if slug and slug_error(slug) else "")
        )
    return slug[:200]


def _text(meta, key, one_line=True) -> str:
    value = meta.get(key)
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ImportFileError(f"{key} must be text, not {type(value).__name__}")
    text = str(value)
    return " ".join(text.split()) if one_line else text.strip()
