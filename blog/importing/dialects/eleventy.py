"""Eleventy (https://www.11ty.dev/docs/): the rules of its own documentation.

- **Configuration**: ``.eleventy.js``, ``eleventy.config.js|cjs|mjs`` (or a
  ``package.json`` depending on ``@11ty/eleventy``), read as text, never run
  (dialects/jsliteral.py): ``dir.input`` (also ``setInputDirectory``), ``dir.data``,
  ``dir.includes``, ``pathPrefix``, ``markdownTemplateEngine`` and ``process.env.TZ``.
  What is not a literal there is reported and the default used.
- **Content**: every ``.md`` template under the input directory, outside the data and
  includes folders, ``node_modules`` and ``_site``. Its data is the data cascade (docs:
  Data Cascade, Template and Directory Data Files, Global Data Files), lowest first:
  ``_data/tags|layout|permalink.json|js``; the directory data files of each folder from
  the input directory down (``<folder>.json``, ``<folder>.11tydata.json``,
  ``<folder>.11tydata.js``); the template's own data files; its front matter. Objects
  merge and arrays (``tags``) combine, as Eleventy's deep merge does.
- **Posts**: the templates in the ``posts``/``post`` collection (their ``tags``), or
  in a ``posts``, ``post`` or ``blog`` folder (eleventy-base-blog). Everything else is a
  page. The collection tags ``posts``, ``post`` and ``all`` are not real tags.
- **Drafts**: ``draft: true``, ``permalink: false`` (never written) and
  ``eleventyExcludeFromCollections: true``.
- **Dates** (docs: Content Dates): ``date`` (without an offset: UTC, as Eleventy reads
  it), ``Last Modified`` and ``Created`` (the file's times), a ``YYYY-MM-DD-`` file-name
  prefix (midnight UTC), else the file's creation time. Dates in permalinks are
  formatted in the site's zone (``process.env.TZ`` in the configuration, else UTC).
- **Addresses** (docs: Permalinks): ``permalink`` (a string, its ``{{ page.fileSlug }}``,
  ``{{ title | slugify }}``, ``{{ page.date | date: "%Y" }}`` computed), else the file's
  place (``posts/my-post.md`` → ``/posts/my-post/``, ``index.md`` → its folder,
  ``x/x.md`` → ``/x/``); with and without ``pathPrefix``; the feeds of
  eleventy-plugin-rss (``/feed/feed.xml``, ``/feed.xml``, and ``metadata.feed.path``).
- **Site data**: ``_data/metadata.json|js`` (``title``, ``description``, ``url``,
  ``author``) → the site settings and the site's author.
- **Bodies**: Liquid, or Nunjucks when ``markdownTemplateEngine`` is ``njk``, converted
  by dialects/liquid.py.
"""

import datetime
import fnmatch
import json
import os
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.text import slugify

from folio import routing

from .. import addresses, frontmatter, records, siteconfig
from ..errors import ImportFileError
from . import jsliteral, liquid
from .base import (
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

CONFIG_FILES = (".eleventy.js", "eleventy.config.js", "eleventy.config.cjs", "eleventy.config.mjs")
JS_SUFFIXES = (".js", ".cjs", ".mjs")
METADATA_NAMES = ("metadata.json", "metadata.js", "metadata.cjs", "metadata.mjs")
#: Global data files whose value is a key of every template's data.
GLOBAL_KEYS = ("tags", "layout", "permalink")
COLLECTION_TAGS = {"posts", "post", "all"}
POST_TAGS = {"posts", "post"}
POSTS_FOLDERS = ("posts", "post", "blog")
SKIPPED_FOLDERS = {"node_modules", "_site", ".git", ".cache"}
TEMPLATE_SUFFIXES = {".md"}
#: Templates that may paginate the tags into pages.
TAG_PAGE_SUFFIXES = {".njk", ".liquid", ".md", ".html"}
#: eleventy-plugin-rss's feeds in eleventy-base-blog (v8 and v9), and the common ones.
FEEDS = {"/feed/feed.xml": "blog:feed", "/feed/feed.json": "blog:feed"}
_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|UTC|[+-]\d{2}:?\d{2})?"
)
_NAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-?")
_OUTPUT = re.compile(r"\{\{-?(.*?)-?\}\}", re.DOTALL)
_STRFTIME = re.compile(r"%[a-zA-Z%]")
#: Luxon's tokens (Nunjucks date filters of Eleventy sites) → strftime.
_LUXON = [("yyyy", "%Y"), ("yy", "%y"), ("LLLL", "%B"), ("LLL", "%b"), ("LL", "%m"),
          ("MMMM", "%B"), ("MMM", "%b"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"),
          ("mm", "%M"), ("ss", "%S")]  # fmt: skip
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e yo zh z i j k l m n o p r s t u f h c ch sh sh _ y _ e yu ya".split(),
        strict=True,
    )
)
_GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}

_KEPT = "kept in extra"
KEY_MEANINGS = {
    "title": "the title",
    "date": "the publish date (UTC when it has no offset; Last Modified, Created: the file's)",
    "tags": "tags, without the collection tags posts, post and all (posts, post: a post)",
    "permalink": "the old address (its {{ page.fileSlug }}, {{ title | slugify }} computed); "
    "false: a draft",
    "draft": "the status (true: a draft)",
    "eleventyExcludeFromCollections": "the status (true: a draft)",
    "description": "the excerpt",
    "excerpt": "the excerpt",
    "author": "the author (a name; none: the author in _data/metadata)",
    "slug": "the post's slug (else the file's slug, without a date prefix)",
    "layout": _KEPT,
    **{key: records.POST_KEY_MEANINGS[key] for key in ("image", "image_alt", "subtitle")},
}


@dataclass(frozen=True, eq=False)
class Eleventy(Dialect):
    name = "eleventy"
    label = "Eleventy"
    config_files = (*CONFIG_FILES, "package.json")
    key_meanings = KEY_MEANINGS
    body_conversion = "Liquid and Nunjucks tags"
    post_suffixes = TEMPLATE_SUFFIXES
    #: Site-relative folders: the input, data and includes directories.
    input: str = "."
    data_dir: str = "_data"
    includes_dir: str = "_includes"
    config_file: str = ""
    path_prefix: str = ""
    zone: str = "UTC"
    engine: str = "liquid"
    #: {input-relative folder ("" for the input itself): its directory data}
    folder_data: dict = field(default_factory=dict)
    #: The cascade's global part (_data/tags|layout|permalink).
    global_data: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    metadata_file: str = ""
    #: Site-relative sources, classified once (posts, pages).
    post_sources: tuple = ()
    page_sources: tuple = ()
    data_files: tuple = ()
    tag_names: tuple = ()
    #: The template that paginated the tags into pages (eleventy-base-blog's
    #: tags.njk): (its source, its permalink, the alias of one tag), or ().
    tag_page: tuple = ()
    #: Ignored paths (.eleventyignore and ignores.add), input-relative globs.
    ignored: tuple = ()

    # -- detection and configuration ------------------------------------------------

    @classmethod
    def detect(cls, root: Path) -> str:
        config = next((name for name in CONFIG_FILES if (root / name).is_file()), None)
        if config:
            return f"detected: {config}"
        if _depends_on_eleventy(root):
            return "detected: package.json depends on @11ty/eleventy"
        return ""

    @classmethod
    def folders(cls) -> Folders:
        return Folders(posts=".", pages=".", authors="_data", static=".", data="_data")

    @classmethod
    def posts_folder(cls, root):
        return _read_config(root)["input"]

    @classmethod
    def site_folders(cls, root):
        found = _read_config(root)
        return {"pages": found["input"], "static": found["input"], "authors": found["data"]}

    def data_folder(self, site):
        return site.root / self.data_dir

    def kept_files(self, site):
        """Also every folder's and template's data files of the cascade."""
        found = super().kept_files(site)
        data = site.root / self.data_dir
        found += [
            site.relative(path)
            for path in sorted(data.rglob("*"))
            if data.is_dir() and path.is_file() and path.suffix in (".json", *JS_SUFFIXES)
        ]
        top = site.root / self.input
        for path in sorted(top.rglob("*")) if top.is_dir() else []:
            if not path.is_file() or path.is_symlink():
                continue
            folder_file = path.name in _directory_data_names(path.parent.name)
            if folder_file or ".11tydata." in path.name:
                found.append(site.relative(path))
        return list(dict.fromkeys(found))

    def configure(self, site, reason=""):
        found = _read_config(site.root)
        problems = list(found["problems"])
        zone = found["zone"] or "UTC"
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(f"{found['file']}: process.env.TZ {zone!r} is not a time zone; UTC")
            zone = "UTC"
        bound = Eleventy(
            reason=reason,
            input=found["input"],
            data_dir=found["data"],
            includes_dir=found["includes"],
            config_file=found["file"],
            path_prefix=found["prefix"],
            zone=zone,
            engine=found["engine"],
            config=found["values"],
            ignored=tuple(found["ignored"]),
        )
        data_files, global_data, folder_data = [], {}, {}
        data_root = site.root / bound.data_dir
        for key in (*GLOBAL_KEYS, "eleventyComputed"):
            for suffix in (".json", *JS_SUFFIXES):
                name = f"{bound.data_dir}/{key}{suffix}"
                if (data_root / f"{key}{suffix}").is_file():
                    value, file_problems = _data_file(site, name)
                    problems += file_problems
                    data_files.append(name)
                    if key == "eleventyComputed":
                        problems.append(f"{name}: computed data runs JavaScript; not read")
                    elif value is not None:
                        global_data[key] = value
                    break
        metadata, metadata_file = {}, ""
        for candidate in METADATA_NAMES:
            if (data_root / candidate).is_file():
                metadata_file = f"{bound.data_dir}/{candidate}"
                value, file_problems = _data_file(site, metadata_file)
                problems += file_problems
                metadata = value if isinstance(value, dict) else {}
                data_files.append(metadata_file)
                break
        input_root = site.root / bound.input
        for folder in bound._folders(site):
            relative = folder.relative_to(input_root).as_posix()
            relative = "" if relative == "." else relative
            merged = {}
            for name in _directory_data_names(folder.name):
                path = folder / name
                if path.is_file() and not path.is_symlink():
                    source = site.relative(path)
                    value, file_problems = _data_file(site, source)
                    problems += file_problems
                    data_files.append(source)
                    if isinstance(value, dict):
                        merged = _merge(merged, _normal(value))
            if merged:
                folder_data[relative] = merged
        bound = Eleventy(
            **{
                **bound.__dict__,
                "problems": tuple(problems),
                "global_data": _normal(global_data),
                "folder_data": folder_data,
                "metadata": metadata,
                "metadata_file": metadata_file,
                "data_files": tuple(data_files),
            }
        )
        posts, pages, tag_names = bound._classify(site)
        tag_page = bound._tag_page(site)
        return Eleventy(
            **{
                **bound.__dict__,
                "post_sources": posts,
                "page_sources": pages,
                "tag_names": tag_names,
                "tag_page": tag_page,
            }
        )

    @property
    def timezone(self):
        return zoneinfo.ZoneInfo(self.zone)

    def missing(self, site):
        """(Asked before the dialect is bound: it reads the configuration itself.)"""
        found = _read_config(site.root)
        folder = found["input"]
        bound = Eleventy(
            input=folder, includes_dir=found["includes"], ignored=tuple(found["ignored"])
        )
        if next(bound._templates(site), None) is not None:
            return None
        return (
            f"nothing to import in {site.root}: no markdown template under the input "
            f"directory {folder}/ (give --posts-dir, or see what is there with --inspect)"
        )

    def layout(self, site, posts_dir_given):
        return (
            f"Eleventy: input directory {self.input}/, posts in the posts collection "
            "(tags: posts or post) or a posts/, post/ or blog/ folder"
        )

    def describe(self, site):
        count = len(self.data_files)
        lines = [
            f"Configuration ({self.config_file or 'no eleventy config file'}):",
            f"  input      {self.input}/",
            f"  data       {self.data_dir}/ ({count} data {'file' if count == 1 else 'files'} "
            "read)",
            f"  templates  {self.engine} in markdown",
            f"  timezone   {self.zone} (dates without an offset are UTC, as Eleventy reads them)",
            f"  pathPrefix {self.path_prefix or 'none'}"
            + ("  (old addresses answer with and without it)" if self.path_prefix else ""),
            f"  metadata   {self.metadata_file or 'none'}",
            "  tag pages  "
            + (f"{self.tag_page[1]} ({self.tag_page[0]})" if self.tag_page else "none"),
            f"  ignored    {', '.join(self.ignored) or 'nothing'}",
        ]
        lines += [f"  problem    {problem}" for problem in self.problems]
        return lines

    def route_aliases(self):
        aliases = {**super().route_aliases(), **FEEDS}
        for key in ("feed", "jsonfeed"):
            entry = self.metadata.get(key)
            if isinstance(entry, dict) and (path := addresses.as_request_path(entry.get("path"))):
                aliases.setdefault(path, "blog:feed")
        aliases.update(self.tag_addresses())
        return under_base(aliases, self.path_prefix)

    def tag_addresses(self) -> dict:
        """{old tag page: the tag's page on Folio} for the tags of the published posts,
        where the site paginated its tags into pages (``/tags/{{ tag | slugify }}/``)."""
        if not self.tag_page:
            return {}
        source, permalink, alias = self.tag_page
        found = {}
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
        for name in self.tag_names:
            old, _ = self.render_permalink(permalink, {alias: name}, PurePosixPath(source), epoch)
            slug = records.tag_slug(name)
            if old and slug:
                found[old] = routing.reverse("blog:tag-detail", slug=slug)
        return found

    def _tag_page(self, site):
        """eleventy-base-blog's tags.njk: a template paginating ``collections`` one tag a
        page, its permalink written with the alias."""
        input_root = site.root / self.input
        for folder in self._folders(site):
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() not in TAG_PAGE_SUFFIXES or not path.is_file():
                    continue
                source = site.relative(path)
                try:
                    meta = _front_matter(site, source)
                except ImportFileError:
                    continue
                pagination = meta.get("pagination")
                permalink = meta.get("permalink")
                if not (isinstance(pagination, dict) and isinstance(permalink, str)):
                    continue
                alias = pagination.get("alias")
                if pagination.get("data") == "collections" and isinstance(alias, str) and alias:
                    return (path.relative_to(input_root).as_posix(), permalink, alias)
        return ()

    def _with_prefix(self, found):
        if not self.path_prefix:
            return found
        return found + [
            (self.path_prefix + old, f"{origin}, under pathPrefix") for old, origin in found
        ]

    # -- files ----------------------------------------------------------------------

    def _folders(self, site):
        """The input directory and every folder under it Eleventy reads."""
        input_root = site.root / self.input
        if not input_root.is_dir():
            return
        skipped = {
            (site.root / self.data_dir).resolve(),
            (site.root / self.includes_dir).resolve(),
        }
        stack = [input_root]
        while stack:
            folder = stack.pop()
            yield folder
            try:
                children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
            except OSError:
                continue
            for child in reversed(children):
                if child.name in SKIPPED_FOLDERS or child.name.startswith("."):
                    continue
                if child.resolve() in skipped:
                    continue
                stack.append(child)

    def _templates(self, site):
        for folder in self._folders(site):
            if self.ignored and _ignored(site.relative(folder), self.ignored):
                continue
            for path in sorted(folder.iterdir()):
                if self.ignored and _ignored(site.relative(path), self.ignored):
                    continue
                if path.suffix.lower() in TEMPLATE_SUFFIXES and (
                    path.is_file() or path.is_symlink()
                ):
                    if path.name.lower() not in {"readme.md"} or folder != site.root:
                        yield path

    def _classify(self, site):
        """(post sources, page sources, the tags of the published posts)."""
        posts, pages, tag_names = [], [], set()
        input_root = site.root / self.input
        given = site.posts_dir if site.posts_dir.resolve() != input_root.resolve() else None
        for path in self._templates(site):
            source = site.relative(path)
            if given is not None:
                (posts if path.is_relative_to(given) else pages).append(source)
                continue
            try:
                meta = _front_matter(site, source)
            except ImportFileError:
                meta = None
            rel = self._rel(site, source)
            in_folder = len(rel.parts) > 1 and rel.parts[0] in POSTS_FOLDERS
            if in_folder and rel.stem == "index" and len(rel.parts) == 2:
                in_folder = False  # (posts/index.md: the listing's page)
            if meta is None:
                (posts if in_folder else pages).append(source)
                continue
            data = self.cascade(site, source, meta)
            tags = {str(tag) for tag in _tags(data.get("tags"))}
            (posts if tags & POST_TAGS or in_folder else pages).append(source)
            if (tags & POST_TAGS or in_folder) and not _is_draft(data):
                tag_names.update(tags - COLLECTION_TAGS)
        return tuple(posts), tuple(pages), tuple(sorted(tag_names))

    def post_files(self, site):
        return [site.root / source for source in self.post_sources]

    def page_files(self, site):
        return [site.root / source for source in self.page_sources]

    def is_post(self, meta):
        return True, ""

    def page_kind(self, meta):
        if meta.get("permalink") is False:
            return False, "permalink: false, so Eleventy never wrote it"
        if meta.get("draft") is True:
            return False, "draft: true, so Eleventy never wrote it"
        return True, ""

    def _rel(self, site, source) -> PurePosixPath:
        """``source`` relative to the input directory."""
        path = (
            (site.root / source).relative_to(site.root / self.input)
            if self.input != "."
            else Path(source)
        )
        return PurePosixPath(path.as_posix())

    # -- the data cascade -----------------------------------------------------------

    def cascade(self, site, source, meta, warnings=None):
        """The template's data, lowest first: global, each folder's, its own data files,
        its front matter."""
        data = dict(self.global_data)
        rel = self._rel(site, source)
        folders = [""] + ["/".join(rel.parent.parts[: n + 1]) for n in range(len(rel.parent.parts))]
        for folder in folders:
            if folder in self.folder_data:
                data = _merge(data, self.folder_data[folder])
        own = site.root / source
        for name in (f"{own.stem}.json", f"{own.stem}.11tydata.json",
                     *(f"{own.stem}.11tydata{suffix}" for suffix in JS_SUFFIXES)):  # fmt: skip
            path = own.parent / name
            if path.is_file() and not path.is_symlink() and path != own:
                value, problems = _data_file(site, site.relative(path))
                if warnings is not None:
                    warnings += problems
                if isinstance(value, dict):
                    data = _merge(data, _normal(value))
        return _merge(data, _normal(dict(meta)))

    # -- posts ----------------------------------------------------------------------

    def read_post(self, site, source, meta, body, body_line=1):
        warnings = []
        data = self.cascade(site, source, meta, warnings)
        rel = self._rel(site, source)
        file_slug = _file_slug(rel)
        slug_written = data.get("slug")
        slug = (
            str(slug_written).strip()
            if isinstance(slug_written, str | int) and str(slug_written).strip()
            else file_slug
        )
        when = self._date(data.get("date"), rel, site, source, warnings)
        permalink = data.get("permalink")
        draft = _is_draft(data)
        tags = [t for t in _tags(data.get("tags")) if str(t).strip() not in COLLECTION_TAGS]
        meta = {key: value for key, value in data.items() if key != "tags"}
        meta["tags"] = [str(tag) for tag in tags if isinstance(tag, str | int | float)]
        meta["date"] = when.isoformat()
        if draft:
            meta["draft"] = True
        meta["title"] = meta.get("title") or title_from(file_slug)
        if meta.get("author") in (None, "") and names_someone(self.metadata.get("author")):
            meta["author"] = "\0site"
        old = self._address(permalink, data, rel, when, warnings)
        body, converted = self.convert(body, meta, body_line, page_url=old or "")
        warnings += converted
        if isinstance(meta.get("description"), str) and "{" in meta["description"]:
            meta["description"], converted = self.convert(meta["description"], meta, text=True)
            warnings += [f"description: {w.replace('kept as text', 'left out')}" for w in converted]
        found = (
            []
            if draft or old is None
            else [(old, "its permalink" if isinstance(permalink, str) else "its place")]
        )
        return PostInput(
            meta, body, slug=slug, addresses=self._with_prefix(found), warnings=warnings
        )

    def _address(self, permalink, data, rel, when, warnings):
        """The URL Eleventy gave the template; None when it wrote none."""
        if permalink is False:
            return None
        if isinstance(permalink, str) and permalink.strip():
            url, problem = self.render_permalink(permalink.strip(), data, rel, when)
            if url is not None:
                return url
            warnings.append(f"permalink {permalink[:80]!r}: {problem}; its place is used")
        elif permalink not in (None, True):
            warnings.append(f"permalink {permalink!r:.60} is not a string; its place is used")
        return default_url(rel)

    def render_permalink(self, written, data, rel, when):
        """(url, None), or (None, why it cannot be computed)."""
        if "{%" in written:
            return None, "template tags in a permalink are not computed"
        problem = []

        def output(match):
            value = self._permalink_value(match.group(1), data, rel, when)
            if value is None:
                problem.append(f"{{{{ {match.group(1).strip()[:60]} }}}} cannot be computed")
                return ""
            return value

        url = _OUTPUT.sub(output, written)
        if problem:
            return None, problem[0]
        url = url.strip()
        if not url.startswith("/"):
            url = "/" + url
        url = re.sub(r"/{2,}", "/", url)
        if url.endswith("/index.html"):
            url = url.removesuffix("index.html")
        request = addresses.as_request_path(url)
        if request is None:
            return None, "it is not a path on this site"
        return request, None

    def _permalink_value(self, expression, data, rel, when):
        head, *filters = [part.strip() for part in expression.split("|")]
        page = {
            "page.fileSlug": _file_slug(rel),
            "page.filePathStem": "/" + rel.with_suffix("").as_posix(),
            "page.date": when,
        }
        if quoted := re.fullmatch(r"""(?:"([^"]*)"|'([^']*)')""", head):
            value = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        elif head in page:
            value = page[head]
        else:
            value = data
            for part in head.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                return None
            value = str(value)
        for item in filters:
            name, _, argument = item.partition(":")
            name = name.strip()
            call = re.fullmatch(r"(\w+)\s*\((.*)\)", name)
            if call:
                name, argument = call.group(1), call.group(2)
            argument = argument.strip().strip("\"'")
            if name == "date" and isinstance(value, datetime.datetime):
                value = _format_date(value.astimezone(self.timezone), argument)
            elif isinstance(value, datetime.datetime):
                return None
            elif name in ("slugify", "slug"):
                value = eleventy_slug(value, decamelize=name == "slugify")
            elif name in ("lower", "downcase"):
                value = value.lower()
            elif name == "url":
                continue
            else:
                return None
        if isinstance(value, datetime.datetime):
            return None
        return value

    def _date(self, value, rel, site, source, warnings):
        if isinstance(value, str) and value.strip():
            written = value.strip()
            if written in ("Last Modified", "git Last Modified", "Created", "git Created"):
                if written.startswith("git"):
                    warnings.append(f"date: {written}: git history is not read; the file's time")
                return _file_time(site, source, created=written.endswith("Created"))
            match = _DATE.fullmatch(written)
            if not match:
                raise ImportFileError(f"date {value!r:.40} is not a date Eleventy reads")
            year, month, day, hour, minute, second, fraction, offset = match.groups()
            if offset in (None, "", "Z", "UTC"):
                zone = datetime.UTC
            else:
                sign = -1 if offset[0] == "-" else 1
                digits = offset[1:].replace(":", "")
                zone = datetime.timezone(
                    sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                )
            try:
                return datetime.datetime(
                    int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                    int(second or 0), int((fraction or "0")[:6].ljust(6, "0")), tzinfo=zone,
                )  # fmt: skip
            except ValueError as exc:
                raise ImportFileError(f"date {value!r:.40} is not a valid date ({exc})") from None
        if value not in (None, ""):
            raise ImportFileError(f"date must be a date, not {value!r:.40}")
        if named := _NAME_DATE.match(rel.name):
            try:
                return datetime.datetime(*map(int, named.groups()), tzinfo=datetime.UTC)
            except ValueError:
                raise ImportFileError(f"file name {rel.name!r}: its date is not a date") from None
        return _file_time(site, source, created=True)

    # -- pages ----------------------------------------------------------------------

    def read_page(self, site, source, meta, body, body_line=1):
        warnings = []
        data = self.cascade(site, source, meta, warnings)
        rel = self._rel(site, source)
        meta = dict(data)
        meta["title"] = meta.get("title") or title_from(
            _file_slug(rel) if rel.stem != "index" else (rel.parent.name or "Home")
        )
        when = datetime.datetime.now(datetime.UTC)
        try:
            when = self._date(data.get("date"), rel, site, source, warnings)
        except ImportFileError as exc:
            warnings.append(str(exc))
        old = self._address(data.get("permalink"), data, rel, when, warnings) or default_url(rel)
        body, converted = self.convert(body, meta, body_line, page_url=old)
        warnings += converted
        address = page_address(old)
        found = self._with_prefix(
            [(old, "its permalink" if isinstance(data.get("permalink"), str) else "its place")]
        )
        return PageInput(
            meta=meta,
            body=body,
            address=address,
            addresses=[(a, o) for a, o in found if a != address],
            warnings=warnings,
        )

    def static_addresses(self, site, source):
        path = site.root / source
        input_root = site.root / self.input
        if not path.is_relative_to(input_root):
            return []
        rel = path.relative_to(input_root).as_posix()
        if any(part.startswith(("_", ".")) for part in PurePosixPath(rel).parts):
            return []
        return [old for old, _ in self._with_prefix([("/" + rel, "its place")])]

    # -- bodies ---------------------------------------------------------------------

    def convert(self, body, meta, body_line=1, text=False, page_url=""):
        values = {"page.url": page_url}
        for key in ("title", "description", "url", "language"):
            if isinstance(self.metadata.get(key), str | int | float):
                values[f"metadata.{key}"] = str(self.metadata[key])
        author = self.metadata.get("author")
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            values["metadata.author.name"] = author["name"]
        for key in ("title", "description", "subtitle"):
            if isinstance(meta.get(key), str | int | float):
                values[key] = values[f"page.{key}"] = str(meta[key])
        syntax = "Nunjucks" if self.engine == "njk" else "Liquid"

        def resolve(kind, target):
            """eleventy-img's source is a path from the project's root (or a URL)."""
            if kind != "image" or target.startswith(("/", "http://", "https://")):
                return None
            written = os.path.normpath(target.removeprefix("./")).replace("\\", "/")
            prefix = "" if self.input == "." else self.input + "/"
            if prefix and written.startswith(prefix):
                return "/" + written.removeprefix(prefix)
            return None

        return liquid.convert(body, resolve, values, body_line, not text, syntax, eleventy=True)

    # -- authors --------------------------------------------------------------------

    def author_sources(self, site):
        return (
            [f"{self.metadata_file}#author"] if names_someone(self.metadata.get("author")) else []
        )

    def author_source(self, site, value):
        if value == "\0site":
            return f"{self.metadata_file}#author"
        if isinstance(value, dict):
            value = value.get("name")
        if not isinstance(value, str | int) or not str(value).strip():
            raise ImportFileError(f"author must be a name, not {value!r:.60}")
        return f"author:{str(value).strip()[:200]}"

    def author_data(self, site, source, read):
        if source.startswith("author:"):
            return source.encode()
        name = source.partition("#")[0]
        data = read(name)
        value = _parse_data(name, data)[0]
        entry = value.get("author") if isinstance(value, dict) else None
        if entry is None:
            raise ImportFileError(f"{name} has no author")
        return json.dumps(entry, sort_keys=True, ensure_ascii=False).encode()

    def author_meta(self, source, data):
        if source.startswith("author:"):
            name = source.removeprefix("author:")
            return slugify(name, allow_unicode=True) or "author", {"name": name}
        entry = json.loads(data)
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict):
            raise ImportFileError("metadata author must be a mapping or a name")
        entry = dict(entry)
        if "website" not in entry and isinstance(entry.get("url"), str):
            entry["website"] = entry.pop("url")
        name = str(entry.get("name") or "author")
        return slugify(name, allow_unicode=True) or "site-author", entry

    # -- the site's configuration ---------------------------------------------------

    def site_config(self, site, read):
        sources, problems = [], []
        record = siteconfig.SiteRecord()
        name = self.metadata_file
        if not name:
            return sources, record, problems
        try:
            data = read(name)
            metadata, unread = _parse_data(name, data)
        except ImportFileError as exc:
            return sources, record, [(name, str(exc))]
        if not isinstance(metadata, dict):
            return sources, record, [(name, "does not hold an object")]
        sources.append(siteconfig.SourceFile(name, "config", data))
        record.sources.append(name)
        record.warnings += [f"{name}: {key} is not a literal; not read" for key in unread]
        for key, attribute in (("title", "title"), ("description", "tagline")):
            if isinstance(metadata.get(key), str | int | float) and str(metadata[key]).strip():
                setattr(record, attribute, " ".join(str(metadata[key]).split())[:300])
        url = metadata.get("url")
        if isinstance(url, str) and url.strip().startswith(("http://", "https://")):
            record.base_url = (url.strip().rstrip("/") + self.path_prefix)[:200]
        elif url not in (None, ""):
            record.warnings.append(f"{name}: url {url!r:.60} is not an http(s) address; ignored")
        record.extra = {
            k: v for k, v in metadata.items() if k not in {"title", "description", "url"}
        }
        return sources, record, problems


# -- URLs ---------------------------------------------------------------------------


def default_url(rel: PurePosixPath) -> str:
    """Eleventy's URL of a template without a permalink: ``posts/my-post.md`` →
    ``/posts/my-post/``, ``a/index.md`` → ``/a/``, ``a/a.md`` → ``/a/``."""
    parts = list(rel.parent.parts)
    if rel.stem != "index" and not (parts and parts[-1] == rel.stem):
        parts.append(rel.stem)
    return "/" + "".join(f"{part}/" for part in parts)


def _file_slug(rel: PurePosixPath) -> str:
    """``page.fileSlug``: the file name without its date prefix; ``index``: its folder."""
    stem = rel.stem
    if stem == "index":
        return rel.parent.name or ""
    return _NAME_DATE.sub("", stem) or stem


def eleventy_slug(text, decamelize=True) -> str:
    """Eleventy's ``slugify`` filter (@sindresorhus/slugify: transliterated,
    decamelized, lower-cased, ``-`` between words); ``slug`` without decamelizing.
    Latin accents, German and Russian letters are transliterated as it does."""
    text = str(text).replace("&", " and ")
    if decamelize:
        text = re.sub(r"([a-z\d])([A-Z])", r"\1 \2", text)
        text = re.sub(r"([A-Z]+)([A-Z][a-z\d]+)", r"\1 \2", text)
    text = text.lower()
    text = "".join(_GERMAN.get(ch) or _CYRILLIC.get(ch, ch) for ch in text).replace("_", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _format_date(when, written):
    """A date formatted as Liquid's ``date: "%Y/%m"`` or a Luxon format (``yyyy/LL``)."""
    if "%" not in written:
        for token, directive in _LUXON:
            written = written.replace(token, directive)
    return _STRFTIME.sub(lambda m: when.strftime(m.group(0)), written)


# -- reading files ------------------------------------------------------------------


def _read_config(root: Path) -> dict:
    """What the configuration file says, as far as its literals go (never run)."""
    from ..paths import Site

    found = {
        "file": "", "input": ".", "data": "_data", "includes": "_includes", "prefix": "",
        "zone": "", "engine": "liquid", "values": {}, "problems": [],
        "ignored": _ignore_files(root),
    }  # fmt: skip
    name = next((n for n in CONFIG_FILES if (root / n).is_file()), None)
    if name is None:
        return found
    found["file"] = name
    probe = Site(root, root, root, root)
    try:
        text = frontmatter.decode(probe.read_bytes(name))
    except ImportFileError as exc:
        found["problems"].append(f"{name}: {exc}")
        return found
    written = {}
    for key in ("dir", "pathPrefix", "markdownTemplateEngine"):
        values = jsliteral.value_of_key(text, key)
        if values:
            written[key] = values[0][1]
    directories = written.get("dir", {})
    if jsliteral.is_unread(directories):
        found["problems"].append(f"{name}: dir is not a literal; the default folders are used")
        directories = {}
    for key, setter in (("input", "Input"), ("data", "Data"), ("includes", "Includes")):
        call = re.search(rf"set{setter}Directory\(\s*(['\"])(.*?)\1\s*\)", text)
        value = (
            call.group(2)
            if call
            else directories.get(key)
            if isinstance(directories, dict)
            else None
        )
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            found["problems"].append(f"{name}: dir.{key} is not a literal; using {found[key]}")
            continue
        found[key] = value.strip()
    found["input"] = _clean(found["input"])
    for key in ("data", "includes"):  # (relative to the input directory)
        found[key] = _clean(os.path.normpath(f"{found['input']}/{found[key]}"))
    if found["input"].startswith("../") or found["input"] == "..":
        found["problems"].append(
            f"{name}: dir.input {found['input']!r} is outside the site; using ."
        )
        found["input"] = "."
    prefix = written.get("pathPrefix")
    if isinstance(prefix, str):
        prefix = "/" + prefix.strip().strip("/")
        found["prefix"] = "" if prefix == "/" else prefix
    elif prefix is not None:
        found["problems"].append(f"{name}: pathPrefix is not a literal; none used")
    engine = written.get("markdownTemplateEngine")
    if isinstance(engine, str) and engine.strip():
        found["engine"] = engine.strip().lower()
    elif engine is not None and engine is not False:
        found["problems"].append(f"{name}: markdownTemplateEngine is not a literal; liquid")
    found["ignored"] += [
        pattern.group(2) for pattern in re.finditer(r"ignores\.add\(\s*(['\"])(.+?)\1\s*\)", text)
    ]
    if zone := re.search(r"process\.env\.TZ\s*=\s*(['\"])([\w/+-]{1,60})\1", text):
        found["zone"] = zone.group(2)
    found["values"] = {
        key: jsliteral.plain(value)
        for key, value in written.items()
        if jsliteral.readable(value) or isinstance(value, dict)
    }
    return found


def _ignore_files(root):
    """The globs of ``.eleventyignore`` and ``.gitignore`` (Eleventy ignores both)."""
    from ..paths import Site

    found = []
    for name in (".eleventyignore", ".gitignore"):
        if not (root / name).is_file():
            continue
        try:
            text = frontmatter.decode(Site(root, root, root, root).read_bytes(name, limit=100_000))
        except ImportFileError:
            continue
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "!")):
                found.append(line)
    return found


def _ignored(source, patterns):
    """Whether the site-relative ``source`` matches an ignore glob."""
    for pattern in patterns:
        pattern = pattern.strip().removeprefix("./").lstrip("/")
        folder = pattern.rstrip("/").removesuffix("/**")
        if not folder:
            continue
        if source == folder or source.startswith(folder + "/"):
            return True
        if fnmatch.fnmatch(source, pattern) or fnmatch.fnmatch(PurePosixPath(source).name, pattern):
            return True
    return False


def _clean(folder: str) -> str:
    folder = os.path.normpath(folder.strip().removeprefix("./") or ".").replace("\\", "/")
    return folder.rstrip("/") or "."


def _depends_on_eleventy(root):
    path = root / "package.json"
    if not path.is_file() or path.is_symlink() or path.stat().st_size > 1_000_000:
        return False
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    if not isinstance(package, dict):
        return False
    return any(
        isinstance(package.get(key), dict) and "@11ty/eleventy" in package[key]
        for key in ("dependencies", "devDependencies")
    )


def _directory_data_names(folder_name):
    """A folder's data files, lowest priority first."""
    return (
        f"{folder_name}.json",
        f"{folder_name}.11tydata.json",
        *(f"{folder_name}.11tydata{suffix}" for suffix in JS_SUFFIXES),
    )


def _data_file(site, source):
    """(value, [problem]) of a JSON or JavaScript data file."""
    try:
        data = site.read_bytes(source)
        value, unread = _parse_data(source, data)
    except ImportFileError as exc:
        return None, [f"{source}: {exc}"]
    return value, [f"{source}: {key} is computed by JavaScript; not read" for key in unread]


def _parse_data(name, data):
    """(value, [keys that are not literals])."""
    text = frontmatter.decode(data)
    if name.endswith(".json"):
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ImportFileError(f"invalid JSON: {exc}") from None
        return frontmatter.to_plain(value, what="the file", source_length=len(text)), []
    value = jsliteral.exported(text)
    if value is None:
        raise ImportFileError("exports no value (module.exports or export default)")
    unread = jsliteral.unread_keys(value)
    value = jsliteral.plain(value)
    if jsliteral.is_unread(value):
        return None, unread
    return frontmatter.to_plain(value, what="the file", source_length=len(text)), unread


def _front_matter(site, source):
    data = site.read_bytes(source)
    text, _, first_line = frontmatter.split(frontmatter.decode(data))
    return frontmatter.load_yaml(text, first_line=first_line)


def _tags(value):
    return [tag for tag in text_list(value) if isinstance(tag, str | int | float)]


def _normal(data):
    """Data with ``tags`` as a list (Eleventy reads ``tags: post`` as ``[post]``)."""
    if isinstance(data, dict) and isinstance(data.get("tags"), str):
        return {**data, "tags": [data["tags"]]}
    return data


def _merge(base, top):
    """Eleventy's deep merge: objects merge, arrays combine, the rest is replaced."""
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + [item for item in value if item not in merged[key]]
        else:
            merged[key] = value
    return merged


def _file_time(site, source, created):
    try:
        info = (site.root / source).stat()
    except OSError as exc:
        raise ImportFileError(f"its date cannot be read from the file: {exc.strerror}") from None
    stamp = getattr(info, "st_birthtime", None) if created else None
    return datetime.datetime.fromtimestamp(int(stamp or info.st_mtime), datetime.UTC)


def _is_draft(data):
    return (
        data.get("draft") is True
        or data.get("permalink") is False
        or data.get("eleventyExcludeFromCollections") is True
    )
