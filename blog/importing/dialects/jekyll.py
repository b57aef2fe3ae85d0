"""Jekyll (https://jekyllrb.com/docs/): the rules of its own documentation.

- **Posts**: ``_posts/**/YYYY-MM-DD-title.(md|markdown|html)``, also ``<folder>/_posts``,
  whose folders above ``_posts`` are categories. ``_drafts/`` holds drafts (no date in
  the name). ``published: false`` is a draft too.
- **Front matter**: ``title``, ``date`` (read in the site's ``timezone`` when it has no
  offset), ``slug``, ``categories``/``category`` and ``tags``/``tag`` (a list, or one
  space-separated string), ``excerpt`` (or the text before ``excerpt_separator``),
  ``author``, ``permalink``, ``redirect_from``, ``redirect_to``; the ``defaults`` of
  ``_config.yml`` apply first.
- **Addresses**: the post's ``permalink`` (or the site's), a style (``date``,
  ``pretty``, ``ordinal``, ``weekdate``, ``none``) or a pattern of placeholders, with the
  date parts computed in the site's time zone; each ``redirect_from``; pages at their
  ``permalink`` or their file's place; every one with and without ``baseurl``.
- **Authors**: ``_data/authors.yml`` (a key per author), a post's ``author`` string
  that names none of them, or the site's ``author``.
- **Configuration**: ``_config.yml`` (``title``, ``description``, ``url``,
  ``baseurl``, ``permalink``, ``timezone``, ``author``, ``excerpt_separator``,
  ``defaults``, ``exclude``); menus from ``_data/navigation.yml``.
- **Bodies**: Liquid, converted by blog/importing/dialects/liquid.py.
"""

import datetime
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify

from .. import addresses, frontmatter, records, siteconfig
from ..errors import ImportFileError
from . import liquid
from .base import (
    WRITTEN_KEYS,
    Dialect,
    Folders,
    PageInput,
    PostInput,
    names_someone,
    page_address,
    text_list,
    title_from,
    under_base,
)

CONFIG_FILES = ("_config.yml", "_config.yaml")
AUTHOR_FILES = ("_data/authors.yml", "_data/authors.yaml", "_data/authors.json")
NAVIGATION_FILES = ("_data/navigation.yml", "_data/navigation.yaml", "_data/navigation.json")
POSTS, DRAFTS = "_posts", "_drafts"
POST_SUFFIXES = {".md", ".markdown", ".html"}
POST_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")
#: Jekyll's built-in permalink styles (lib/jekyll/utils.rb, docs: Permalinks).
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
DEFAULT_STYLE = "date"
#: Folders Jekyll never reads, besides those whose name starts with _ or .
SKIPPED_FOLDERS = {"node_modules", "vendor", "Gemfile", "_site"}
#: Page layouts that are the blog's listings, not pages.
LISTING_LAYOUTS = {"home", "blog", "posts", "paginate", "archive"}
PLAIN_VALUES = ("title", "description", "author", "email", "twitter_username", "github_username")
_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|UTC|[+-]\d{2}:?\d{2})?"
)


_KEPT = "kept in extra"
KEY_MEANINGS = {
    "title": "the title",
    "date": "the publish date (in the site's timezone when it has no offset); the URL's date",
    "slug": "the post's slug (else the file name's); :slug and :title in permalinks",
    "categories": "categories (with the folders above _posts); :categories in permalinks",
    "category": "a category; :categories in permalinks",
    "tags": "tags (a list, or a space-separated string)",
    "tag": "a tag",
    "published": "the status (false: a draft, and never served)",
    "draft": "the status (true: a draft)",
    "excerpt": "the excerpt",
    "description": "the excerpt, when there is no excerpt",
    "excerpt_separator": f"{_KEPT}; the excerpt is the text before it",
    "author": "the author: a key of _data/authors.yml, else a name",
    "permalink": f"{_KEPT}; the old address, redirected to the post",
    "redirect_from": f"{_KEPT}; each is an old address, redirected to the post",
    "redirect_to": "not imported: the file's old addresses redirect there instead",
    "layout": f"{_KEPT} (a page with layout home is the blog's listing)",
    **{key: records.POST_KEY_MEANINGS[key] for key in ("image", "image_alt", "subtitle")},
}


@dataclass(frozen=True, eq=False)
class Jekyll(Dialect):
    name = "jekyll"
    label = "Jekyll"
    config_files = CONFIG_FILES + AUTHOR_FILES + NAVIGATION_FILES
    key_meanings = KEY_MEANINGS
    written_keys = {
        **WRITTEN_KEYS,
        "tags": ("tags", "tag"),
        "categories": ("categories", "category"),
    }
    body_conversion = "Liquid tags"

    def new_author_place(self, slug):
        """An entry of ``_data/authors.yml``, under its slug (what ``author`` names)."""
        return self.authors_file or AUTHOR_FILES[0], slug

    def new_site_config(self, site):
        """``_config.yml``: the title, description and url Jekyll's reader takes."""
        config = {"title": site["title"], "description": site["tagline"]}
        if site["base_url"]:
            config["url"] = site["base_url"]
        return [("_config.yml", {**config, **site["extra"]})]

    def new_post_name(self, post):
        """``YYYY-MM-DD-slug.md``: Jekyll's posts carry their date in their name."""
        return f"{post.publish_at:%Y-%m-%d}-{post.slug}.md"

    post_suffixes = POST_SUFFIXES
    #: The site's _data/authors.yml: {key: entry} and the file it came from.
    authors: dict = field(default_factory=dict)
    authors_file: str = ""
    #: {post name as post_url writes it (YYYY-MM-DD-title, with its folders under
    #: _posts): site-relative source}
    post_names: dict = field(default_factory=dict)

    @classmethod
    def detect(cls, root: Path) -> str:
        config = next((name for name in CONFIG_FILES if (root / name).is_file()), None)
        if config is None:
            return ""
        folders = [POSTS, DRAFTS] + [f"{p.parent.name}/{POSTS}" for p in root.glob(f"*/{POSTS}")]
        found = [name for name in folders if (root / name).is_dir()]
        if not found and not (root / "Gemfile").is_file():
            return ""
        return f"detected: {config} and {', '.join(f'{name}/' for name in found) or 'Gemfile'}"

    @classmethod
    def folders(cls) -> Folders:
        return Folders(posts=POSTS, pages=".", authors="_data", static=".", data="_data")

    def missing(self, site):
        if self.post_files(site) or self.page_files(site):
            return None
        return (
            f"nothing to import in {site.root}: no _posts/ or _drafts/ folder and no page "
            "with front matter (give --posts-dir, or see what is there with --inspect)"
        )

    # -- configuration ------------------------------------------------------------

    def configure(self, site, reason=""):
        config, problems = {}, []
        name = next((n for n in CONFIG_FILES if (site.root / n).is_file()), None)
        if name:
            try:
                config = _load(site, name)
            except ImportFileError as exc:
                problems.append(f"{name}: {exc}")
        timezone = config.get("timezone")
        if timezone is not None:
            try:
                zoneinfo.ZoneInfo(str(timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                problems.append(
                    f"{name}: timezone {timezone!r} is not a time zone; using {settings.TIME_ZONE}"
                )
                config.pop("timezone")
        authors, authors_file = {}, ""
        for candidate in AUTHOR_FILES:
            if (site.root / candidate).is_file():
                try:
                    authors = _load(site, candidate)
                except ImportFileError as exc:
                    problems.append(f"{candidate}: {exc}")
                authors_file = candidate
                break
        bound = Jekyll(
            config=config,
            problems=tuple(problems),
            reason=reason,
            authors={str(k): v for k, v in authors.items() if isinstance(v, dict | str)},
            authors_file=authors_file,
        )
        names = {}
        for path in bound.post_files(site):
            source = site.relative(path)
            parts = PurePosixPath(source).parts
            if POSTS in parts:
                under = PurePosixPath(*parts[parts.index(POSTS) + 1 :])
                names.setdefault(str(under.with_suffix("")), source)
                names.setdefault(under.stem, source)
        return Jekyll(**{**bound.__dict__, "post_names": names})

    @property
    def timezone(self):
        return zoneinfo.ZoneInfo(str(self.config.get("timezone") or settings.TIME_ZONE))

    @property
    def baseurl(self) -> str:
        base = self.config.get("baseurl")
        if not isinstance(base, str):
            return ""
        base = "/" + base.strip().strip("/")
        return "" if base == "/" else base

    @property
    def permalink(self) -> str:
        written = self.config.get("permalink")
        if not isinstance(written, str) or not written.strip():
            return STYLES[DEFAULT_STYLE]
        return STYLES.get(written.strip().lower(), written.strip())

    def layout(self, site, posts_dir_given):
        return "Jekyll: posts in _posts/ (and <category>/_posts/), drafts in _drafts/"

    def describe(self, site):
        config = next((n for n in CONFIG_FILES if (site.root / n).is_file()), "no _config.yml")
        timezone = self.config.get("timezone") or f"not set (using {settings.TIME_ZONE})"
        lines = [
            f"Configuration ({config}):",
            f"  permalink  {self.config.get('permalink', DEFAULT_STYLE)} → {self.permalink}",
            f"  timezone   {timezone}",
            f"  baseurl    {self.baseurl or 'none'}"
            + ("  (old addresses answer with and without it)" if self.baseurl else ""),
            f"  authors    {self.authors_file or 'none'}"
            + (
                f" ({len(self.authors)} {'author' if len(self.authors) == 1 else 'authors'})"
                if self.authors_file
                else ""
            ),
        ]
        lines += [f"  problem    {problem}" for problem in self.problems]
        return lines

    def route_aliases(self):
        """The feeds (jekyll-feed's /feed.xml among them), and under a baseurl the
        feeds there and the old home page (/journal/ → the home page)."""
        return under_base(super().route_aliases(), self.baseurl)

    def _with_base(self, found):
        """Each (address, origin), and the same under the site's baseurl."""
        if not self.baseurl:
            return found
        return found + [(self.baseurl + old, f"{origin}, under baseurl") for old, origin in found]

    # -- files --------------------------------------------------------------------

    def post_files(self, site):
        found = []
        for folder in self._walk(site.root, site):
            if folder.name in (POSTS, DRAFTS):
                found += [p for p in folder.rglob("*") if p.is_file() or p.is_symlink()]
        if site.posts_dir != site.root / POSTS and site.posts_dir.is_dir():  # --posts-dir
            found += [p for p in site.posts_dir.rglob("*") if p.is_file() or p.is_symlink()]
        return sorted(set(found))

    def page_files(self, site):
        found = []
        excluded = set(text_list(self.config.get("exclude")))
        for folder in [site.pages_dir, *self._walk(site.pages_dir, site)]:
            if folder.name.startswith(("_", ".")) and folder != site.pages_dir:
                continue
            for path in sorted(folder.iterdir()):
                if not (path.is_file() and path.suffix.lower() in POST_SUFFIXES):
                    continue
                if path.name.startswith(("_", ".")) or site.relative(path) in excluded:
                    continue
                if _has_front_matter(site, path):
                    found.append(path)
        return sorted(found)

    def _walk(self, top, site):
        """Every folder under ``top`` Jekyll reads (not _site, node_modules, .git…),
        plus the _posts and _drafts folders themselves."""
        excluded = {str(item).strip("/") for item in text_list(self.config.get("exclude"))}
        stack = [top]
        while stack:
            folder = stack.pop()
            try:
                children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
            except OSError:
                continue
            for child in children:
                name = child.name
                if (
                    name in SKIPPED_FOLDERS
                    or name.startswith(".")
                    or site.relative(child) in excluded
                ):
                    continue
                if name.startswith("_") and name not in (POSTS, DRAFTS):
                    continue
                yield child
                if name not in (POSTS, DRAFTS):
                    stack.append(child)

    def is_post(self, meta):
        return True, ""

    def page_kind(self, meta):
        layout = records.template_of(meta)
        if layout in LISTING_LAYOUTS:
            return False, f"the blog's listing page (layout: {layout}), not a page"
        return True, ""

    # -- posts --------------------------------------------------------------------

    def read_post(self, site, source, meta, body, body_line=1):
        path = PurePosixPath(source)
        parts = path.parts
        folder = DRAFTS if DRAFTS in parts else POSTS if POSTS in parts else None
        meta = self._defaults(source, "drafts" if folder == DRAFTS else "posts", meta)
        warnings = []
        categories = list(parts[: parts.index(folder)]) if folder else []
        named = POST_NAME.match(path.stem)
        if folder == DRAFTS:
            name_date, title_part = None, path.stem
            meta["draft"] = True
        elif named:
            year, month, day, title_part = named.groups()
            try:
                name_date = datetime.date(int(year), int(month), int(day))
            except ValueError:
                raise ImportFileError(
                    f"file name {path.name!r}: {year}-{month}-{day} is not a date"
                ) from None
        else:
            return PostInput(
                meta, body, skip="not named YYYY-MM-DD-title.md, so Jekyll did not publish it"
            )
        when = self._date(meta.get("date"), name_date, site, source)
        meta["date"] = when.isoformat()
        slug_written = meta.get("slug")
        slug = (
            str(slug_written).strip()
            if isinstance(slug_written, str | int) and str(slug_written).strip()
            else title_part
        )
        categories += [str(c) for c in text_list(meta.pop("categories", None), split_spaces=True)]
        categories += [str(c) for c in text_list(meta.pop("category", None), split_spaces=True)]
        meta["categories"] = list(dict.fromkeys(categories))
        tags = text_list(meta.pop("tags", None), split_spaces=True) + text_list(
            meta.pop("tag", None), split_spaces=True
        )
        meta["tags"] = [str(tag) for tag in tags if isinstance(tag, str | int | float)]
        if meta.get("author") in (None, "") and names_someone(self.config.get("author")):
            meta["author"] = "\0site"
        meta["title"] = meta.get("title") or title_from(slug)
        body, converted = self.convert(site, source, body, meta, body_line)
        warnings += converted
        for key in ("excerpt", "description"):
            if isinstance(meta.get(key), str) and "{" in meta[key]:
                meta[key], converted = self.convert(site, source, meta[key], meta, text=True)
                warnings += [
                    f"{key}: {warning.replace('kept as text', 'left out')}" for warning in converted
                ]
        separator = meta.get("excerpt_separator", self.config.get("excerpt_separator"))
        if (
            isinstance(separator, str)
            and separator.strip()
            and separator in body
            and not meta.get("excerpt")
        ):
            before, _, _ = body.partition(separator)
            if separator != "\n\n":  # (the default: Folio's own excerpt does that)
                meta["excerpt"] = before.strip()
                body = body.replace(separator, "\n\n", 1)
        found = []
        if not meta.get("draft") and meta.get("published") is not False:
            pattern = meta.get("permalink") if isinstance(meta.get("permalink"), str) else None
            old = self.post_url(
                pattern or self.permalink, when, meta["categories"], slug, title_part
            )
            found.append((old, "its permalink" if pattern else "the site's permalink"))
            for old in text_list(meta.get("redirect_from")):
                if address := addresses.as_request_path(old):
                    found.append((address, "redirect_from"))
                else:
                    warnings.append(
                        f"redirect_from {old!r:.80} is not a path on this site; ignored"
                    )
        return PostInput(
            meta,
            body,
            slug=slug,
            addresses=self._with_base(found),
            warnings=warnings,
            redirect_to=_redirect_target(meta.get("redirect_to")),
        )

    def post_url(self, pattern, when, categories, slug, title_part):
        """The address Jekyll gave a post (docs: Permalinks), date parts in the site's
        time zone."""
        local = when.astimezone(self.timezone)
        if not pattern.startswith("/"):
            pattern = "/" + pattern
        cats = "/".join(dict.fromkeys(str(c).lower() for c in categories))
        values = {
            "year": local.strftime("%Y"),
            "month": local.strftime("%m"),
            "i_month": str(local.month),
            "short_month": local.strftime("%b"),
            "long_month": local.strftime("%B"),
            "day": local.strftime("%d"),
            "i_day": str(local.day),
            "y_day": local.strftime("%j"),
            "short_year": local.strftime("%y"),
            "week": local.strftime("%V"),
            "short_day": local.strftime("%a"),
            "long_day": local.strftime("%A"),
            "hour": local.strftime("%H"),
            "minute": local.strftime("%M"),
            "second": local.strftime("%S"),
            "title": _slugify(slug or title_part, pretty=True),
            "slug": _slugify(slug or title_part),
            "name": _slugify(title_part),
            "categories": cats,
            "output_ext": ".html",
        }
        url = re.sub(r":([a-z_]+)", lambda m: values.get(m.group(1), m.group(0)), pattern)
        url = re.sub(r"/{2,}", "/", url)
        return addresses.as_request_path(url) or "/"

    def _date(self, value, name_date, site, source):
        tz = self.timezone
        if value not in (None, ""):
            if not isinstance(value, str):
                raise ImportFileError(f"date must be a date, not {value!r:.40}")
            match = _DATE.fullmatch(value.strip())
            if not match:
                raise ImportFileError(
                    f"date {value!r:.40} is not a date Jekyll reads (YYYY-MM-DD HH:MM:SS +0000)"
                )
            year, month, day, hour, minute, second, fraction, offset = match.groups()
            if offset in (None, ""):
                zone = tz
            elif offset in ("Z", "UTC"):
                zone = datetime.UTC
            else:
                sign = -1 if offset[0] == "-" else 1
                digits = offset[1:].replace(":", "")
                delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                zone = datetime.timezone(sign * delta)
            try:
                return datetime.datetime(
                    int(year),
                    int(month),
                    int(day),
                    int(hour or 0),
                    int(minute or 0),
                    int(second or 0),
                    int((fraction or "0")[:6].ljust(6, "0")),
                    tzinfo=zone,
                )
            except ValueError as exc:
                raise ImportFileError(f"date {value!r:.40} is not a valid date ({exc})") from None
        if name_date is not None:
            return datetime.datetime.combine(name_date, datetime.time(), tzinfo=tz)
        # A draft without a date: Jekyll dates it by the file's modification time.
        stamp = site.resolve(source).stat().st_mtime
        return datetime.datetime.fromtimestamp(int(stamp), tz)

    def _defaults(self, source, kind, meta):
        """The ``defaults`` of _config.yml whose scope covers this file, under its own
        front matter (docs: Front Matter Defaults)."""
        merged = {}
        entries = self.config.get("defaults")
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
                continue
            scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
            scope_path = str(scope.get("path") or "").strip("/")
            scope_type = scope.get("type")
            if scope_path and not (source == scope_path or source.startswith(scope_path + "/")):
                continue
            if scope_type and scope_type != kind:
                continue
            merged.update(entry["values"])
        return {**merged, **meta}

    def post_addresses(self, source, record, post):
        return list(post.addresses)

    def static_addresses(self, site, source):
        """Jekyll copies every file outside ``_`` and ``.`` folders to its place."""
        if any(part.startswith(("_", ".")) for part in PurePosixPath(source).parts):
            return []
        return [old for old, _ in self._with_base([("/" + source, "its place")])]

    # -- pages --------------------------------------------------------------------

    def read_page(self, site, source, meta, body, body_line=1):
        meta = self._defaults(source, "pages", meta)
        warnings = []
        path = PurePosixPath(source)
        meta["title"] = meta.get("title") or title_from(
            path.stem if path.stem != "index" else path.parent.name or "Home"
        )
        written = meta.get("permalink")
        if isinstance(written, str) and written.strip():
            old = self._page_permalink(written.strip(), path)
        else:
            old = self._page_place(path)
        redirect_to = _redirect_target(meta.get("redirect_to"))
        found = [(old, "its permalink" if written else "its place")]
        for item in text_list(meta.get("redirect_from")):
            if address := addresses.as_request_path(item):
                found.append((address, "redirect_from"))
        body, converted = self.convert(site, source, body, meta, body_line)
        warnings += converted
        address = page_address(old)
        return PageInput(
            meta=meta,
            body=body,
            address=address,
            addresses=[(a, o) for a, o in self._with_base(found) if a != address],
            redirect_to=redirect_to,
            warnings=warnings,
        )

    def _page_place(self, path):
        """Where Jekyll served a page without a permalink: ``about.md`` at
        ``/about.html`` (``/about/`` with a permalink that ends in ``/``),
        ``docs/index.md`` at ``/docs/``."""
        folder = "/".join(path.parent.parts)
        prefix = f"/{folder}/" if folder else "/"
        if path.stem == "index":
            return prefix
        if self.permalink.endswith("/"):
            return f"{prefix}{path.stem}/"
        return f"{prefix}{path.stem}.html"

    def _page_permalink(self, written, path):
        folder = "/".join(path.parent.parts)
        values = {"path": folder, "basename": path.stem, "output_ext": ".html", "title": path.stem}
        url = re.sub(r":([a-z_]+)", lambda m: values.get(m.group(1), m.group(0)), written)
        url = re.sub(r"/{2,}", "/", "/" + url)
        return addresses.as_request_path(url) or "/"

    # -- bodies -------------------------------------------------------------------

    def convert(self, site, source, body, meta, body_line=1, text=False):
        """(body, warnings): its Liquid converted (``text``: a plain-text value, where
        what cannot be converted is left out)."""
        values = {"site.baseurl": "", "site.url": "", "site.github.url": ""}
        for key in PLAIN_VALUES:
            if isinstance(self.config.get(key), str | int | float):
                values[f"site.{key}"] = str(self.config[key])
        for key in ("title", "description", "subtitle"):
            if isinstance(meta.get(key), str | int | float):
                values[f"page.{key}"] = str(meta[key])

        def resolve(kind, target):
            return self.resolve(site, kind, target)

        return liquid.convert(body, resolve, values, body_line, keep_unknown=not text)

    def resolve(self, site, kind, target):
        """The Folio address of a ``{% post_url %}`` or ``{% link %}`` target."""
        target = target.strip().lstrip("/")
        if kind == "post_url":
            source = self.post_names.get(target) or self.post_names.get(PurePosixPath(target).name)
        else:
            source = target if (site.root / target).is_file() else None
        if not source:
            return None
        parts = PurePosixPath(source).parts
        if kind == "link" and PurePosixPath(source).suffix.lower() not in POST_SUFFIXES:
            # A static file (a PDF, an image): Jekyll copied it to its place.
            if any(part.startswith(("_", ".")) for part in parts):
                return None
            return "/" + source
        try:
            data = site.read_bytes(source)
            text, _, _ = frontmatter.split(frontmatter.decode(data))
            meta = frontmatter.load_yaml(text)
        except ImportFileError:
            return None
        if POSTS in parts or DRAFTS in parts:
            named = POST_NAME.match(PurePosixPath(source).stem)
            slug = (
                meta.get("slug")
                if isinstance(meta.get("slug"), str) and meta["slug"].strip()
                else None
            )
            slug = slug or (named.group(4) if named else PurePosixPath(source).stem)
            return reverse("blog:post-detail", kwargs={"slug": slug.strip()})
        page = self.read_page(site, source, meta, "")
        return page.address

    # -- authors ------------------------------------------------------------------

    def author_sources(self, site):
        return [f"{self.authors_file}#{key}" for key in self.authors]

    def author_source(self, site, value):
        if value == "\0site":
            config = next((n for n in CONFIG_FILES if (site.root / n).is_file()), CONFIG_FILES[0])
            return f"{config}#author"
        if isinstance(value, dict):
            value = value.get("name")
        if not isinstance(value, str | int) or not str(value).strip():
            raise ImportFileError(f"author must be a name, not {value!r:.60}")
        value = str(value).strip()
        if value in self.authors:
            return f"{self.authors_file}#{value}"
        return f"author:{value[:200]}"

    def author_data(self, site, source, read):
        if source.startswith("author:"):
            return source.encode()
        name, _, key = source.partition("#")
        data = read(name)  # (read again: the file is hashed, so a change is seen)
        loaded = _parse(name, data)
        entry = loaded.get(key)
        if entry is None:
            raise ImportFileError(f"{name} has no {key!r}")
        return json.dumps(entry, sort_keys=True, ensure_ascii=False).encode()

    def author_meta(self, source, data):
        if source.startswith("author:"):
            name = source.removeprefix("author:")
            return slugify(name, allow_unicode=True) or "author", {"name": name}
        key = source.partition("#")[2]
        entry = json.loads(data)
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict):
            raise ImportFileError(f"author {key!r} must be a mapping or a name")
        entry = dict(entry)
        if "photo" not in entry:
            for alias in ("avatar", "picture", "image"):
                if isinstance(entry.get(alias), str):
                    entry["photo"] = entry.pop(alias)
                    break
        if "website" not in entry and isinstance(entry.get("web"), str):
            entry["website"] = entry.pop("web")
        entry.setdefault("name", key)
        return ("site-author" if key == "author" and source.startswith("_config") else key), entry

    # -- the site's configuration -------------------------------------------------

    def site_config(self, site, read):
        sources, problems = [], []
        record = siteconfig.SiteRecord()
        name = next((n for n in CONFIG_FILES if (site.root / n).is_file()), None)
        if name is None:
            return sources, record, problems
        try:
            data = read(name)
            config = _parse(name, data)
        except ImportFileError as exc:
            return sources, record, [(name, str(exc))]
        sources.append(siteconfig.SourceFile(name, "config", data))
        record.sources.append(name)
        for key, attribute in (("title", "title"), ("description", "tagline")):
            if isinstance(config.get(key), str | int | float) and str(config[key]).strip():
                setattr(record, attribute, " ".join(str(config[key]).split())[:300])
        url = config.get("url")
        if isinstance(url, str) and url.strip().startswith(("http://", "https://")):
            record.base_url = (url.strip().rstrip("/") + self.baseurl)[:200]
        elif url not in (None, ""):
            record.warnings.append(f"{name}: url {url!r:.60} is not an http(s) address; ignored")
        mapped = {"title", "description", "url"}
        record.extra = {key: value for key, value in config.items() if key not in mapped}
        for navigation in NAVIGATION_FILES:
            if (site.root / navigation).is_file():
                try:
                    nav_data = read(navigation)
                    menus = _parse(navigation, nav_data)
                except ImportFileError as exc:
                    problems.append((navigation, str(exc)))
                    break
                sources.append(siteconfig.SourceFile(navigation, "menus", nav_data))
                record.sources.append(navigation)
                siteconfig._read_menus(record, navigation, menus)
                break
        return sources, record, problems


# -- helpers -------------------------------------------------------------------------


def _load(site, name):
    return _parse(name, site.read_bytes(name))


def _parse(name, data):
    text = frontmatter.decode(data)
    if name.endswith(".json"):
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ImportFileError(f"invalid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise ImportFileError("must hold a JSON object")
        return frontmatter.to_plain(value, what="the file", source_length=len(text))
    return frontmatter.load_yaml(text, what="")


def _has_front_matter(site, path):
    """Whether a page-like file starts with front matter (Jekyll copies the others as
    they are); a file that cannot be read is listed, to be reported."""
    try:
        data = site.read_bytes(site.relative(path))
    except ImportFileError:
        return True
    return data.lstrip(b"\xef\xbb\xbf").startswith(b"---")


def _slugify(text, pretty=False):
    """Jekyll's Utils.slugify: ``default`` mode lower-cases and keeps letters and
    digits; ``pretty`` (for :title) keeps the case and ``._~!$&'()+,;=@`` too."""
    text = str(text)
    if pretty:
        return re.sub(r"(?:[^\w._~!$&'()+,;=@]|_)+", "-", text).strip("-")
    return re.sub(r"[\W_]+", "-", text).strip("-").lower()


def _redirect_target(value):
    """jekyll-redirect-from's ``redirect_to``: one address, or the first of a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() or None if isinstance(value, str | int | float) else None
