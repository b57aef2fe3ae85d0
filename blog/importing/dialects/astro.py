"""Astro (https://docs.astro.build/): its blog template's rules, from Astro's own
documentation (content collections, routing, configuration reference).

- **Detection**: ``astro.config.mjs|ts|js|mts|cjs``, or a ``package.json`` that depends
  on ``astro``.
- **Posts**: the ``src/content/blog/**`` collection (``.md``, ``.mdx``, ``.markdown``),
  or the folder a CMS configuration gives (blog/importing/dialects/cms.py), or the
  ``base`` of the collection's ``glob()`` loader in ``src/content.config.ts``.
- **Front matter**: ``title``, ``description`` (the excerpt), ``pubDate`` (or
  ``date``), ``updatedDate`` (kept), ``heroImage`` (relative to the post, ``~/…``, or a
  file under ``public/``), ``draft``, ``tags``, ``slug``.
- **The id**: ``slug`` from front matter, else the file's path in the collection
  without its extension, each segment lower-cased as github-slugger does, ``/index``
  dropped -- what ``getCollection`` gives ``[...slug].astro``.
- **Addresses**: the dynamic route's folder (``src/pages/blog/[...slug].astro`` →
  ``/blog/<id>/``) under ``base`` from ``astro.config.*`` (and without it), with the
  ``trailingSlash`` and ``build.format`` it sets; pages at their place in
  ``src/pages``; files in ``public/`` at their place; the feed at ``/rss.xml``.
- **Configuration**: ``site``, ``base``, ``trailingSlash``, ``build.format`` read from
  the config with the tolerant literal reader, never executed; ``SITE_TITLE`` and
  ``SITE_DESCRIPTION`` from ``src/consts.ts``, where the blog template keeps them.
- **Bodies**: ``.mdx`` through blog/importing/dialects/mdx.py (imports, exports and
  JSX components never reach the page as HTML).
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import siteconfig
from ..errors import ImportFileError
from . import cms, jsliteral, mdx, nodesites
from .base import (
    WRITTEN_KEYS,
    Dialect,
    Folders,
    PageInput,
    PostInput,
    read_text,
    text_list,
    under_base,
)

CONFIG_FILES = tuple(f"astro.config.{suffix}" for suffix in ("mjs", "ts", "js", "mts", "cjs"))
CONSTS_FILES = ("src/consts.ts", "src/consts.js", "src/config.ts", "src/site.config.ts")
CONTENT_CONFIG_FILES = ("src/content.config.ts", "src/content/config.ts")
POSTS_DIR = "src/content/blog"
PAGES_DIR = "src/pages"
POST_SUFFIXES = {".md", ".mdx", ".markdown"}
ROUTE_FILES = ("[...slug].astro", "[slug].astro", "[...id].astro", "[id].astro")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif")

_KEPT = "kept in extra"
KEY_MEANINGS = {
    "title": "the title",
    "description": "the excerpt",
    "pubDate": "the publish date",
    "date": "the publish date, when there is no pubDate",
    "updatedDate": f"{_KEPT} (the date it was last updated)",
    "heroImage": "the hero image (relative to the post, ~/…, or under public/)",
    "draft": "the status (true: a draft, never served)",
    "tags": "tags",
    "slug": "the id: the post's address and slug",
    "author": "the author, by name",
}


@dataclass(frozen=True, eq=False)
class Astro(Dialect):
    name = "astro"
    label = "Astro"
    config_files = CONFIG_FILES + CONSTS_FILES + CONTENT_CONFIG_FILES + cms.FILES

    written_keys = {
        **WRITTEN_KEYS,
        "date": ("pubDate", "date"),
        "image": ("heroImage", "image"),
        "image_alt": ("heroImageAlt", "image_alt"),
        "excerpt": ("description", "excerpt"),
    }
    body_conversion = "MDX imports and components (of an .mdx file)"

    @property
    def key_meanings(self):
        """The keys this dialect reads, and the fields the site's CMS types."""
        return cms.key_meanings(self.cms, KEY_MEANINGS)

    post_suffixes = POST_SUFFIXES
    #: The posts' route folder in src/pages ("blog"), and the route file found.
    route: str = "blog"
    route_file: str = ""
    consts: dict = field(default_factory=dict)
    cms: object = None

    @classmethod
    def detect(cls, root: Path) -> str:
        found = next((name for name in CONFIG_FILES if (root / name).is_file()), None)
        if found:
            return f"detected: {found}"
        package = root / "package.json"
        if package.is_file() and not package.is_symlink():
            try:
                data = json.loads(package.read_text(encoding="utf-8")[:1_000_000])
            except (OSError, ValueError, RecursionError):
                return ""
            for key in ("dependencies", "devDependencies"):
                if (
                    isinstance(data, dict)
                    and isinstance(data.get(key), dict)
                    and "astro" in data[key]
                ):
                    return f"detected: package.json depends on astro ({key})"
        return ""

    @classmethod
    def folders(cls) -> Folders:
        return Folders(
            posts=POSTS_DIR,
            pages=PAGES_DIR,
            authors="src/content/authors",
            static="public",
            data="src",
        )

    @classmethod
    def static_folder(cls, root: Path) -> str | None:
        """public/, else the site's root: images beside the posts are found either way
        (nodesites.from_static writes their paths relative to this folder)."""
        return "public" if (root / "public").is_dir() else "."

    @classmethod
    def posts_folder(cls, root: Path) -> str | None:
        found = cms.posts_folder(root)
        if found:
            return found
        for name in CONTENT_CONFIG_FILES:
            path = root / name
            if path.is_file() and not path.is_symlink():
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")[:200_000]
                except OSError:
                    continue
                # glob({ base: "./src/content/blog", … }): the blog's, when there are several
                bases = [
                    found.strip("/")
                    for found in re.findall(r"base\s*:\s*['\"`]\.?/?([^'\"`$]+)['\"`]", text)
                ]
                bases = [
                    folder
                    for folder in bases
                    if ".." not in PurePosixPath(folder).parts and (root / folder).is_dir()
                ]
                bases.sort(key=lambda folder: "blog" not in folder and "post" not in folder)
                if bases:
                    return bases[0]
        return None

    def missing(self, site):
        if self.post_files(site) or self.page_files(site):
            return None
        return (
            f"nothing to import in {site.root}: no {POSTS_DIR}/ collection and no markdown "
            f"page in {PAGES_DIR}/ (give --posts-dir, or see what is there with --inspect)"
        )

    # -- configuration ------------------------------------------------------------

    def configure(self, site, reason=""):
        problems = []
        config = {}
        name = next((n for n in CONFIG_FILES if (site.root / n).is_file()), None)
        if name:
            try:
                text = read_text(site, name)
                config, unread = jsliteral.exported_object(text)
                problems += [f"{name}: {p}" for p in unread]
            except ImportFileError as exc:
                problems.append(f"{name}: {exc}")
        read = {}
        for key, kinds in (("site", (str,)), ("base", (str,)), ("trailingSlash", (str,))):
            value = jsliteral.get(config, key, problems, name or "astro.config", kinds)
            if value is not None:
                read[key] = value
        build_format = jsliteral.get(config, "build.format", problems, name or "astro.config")
        if build_format is not None:
            read["build.format"] = build_format
        consts = {}
        for consts_name in CONSTS_FILES:
            if (site.root / consts_name).is_file():
                try:
                    values = jsliteral.constants(read_text(site, consts_name))
                except ImportFileError as exc:
                    problems.append(f"{consts_name}: {exc}")
                    break
                for key in ("SITE_TITLE", "SITE_DESCRIPTION"):
                    if isinstance(values.get(key), jsliteral.Unread):
                        problems.append(
                            f"{consts_name}: {key} `{values[key]}` is not a literal; "
                            "could not be read"
                        )
                    elif isinstance(values.get(key), str):
                        consts[key] = values[key]
                consts["file"] = consts_name
                break
        route, route_file = _route(site)
        found_cms = cms.read(site)
        problems += list(found_cms.problems)
        return Astro(
            config=read,
            problems=tuple(problems),
            reason=reason,
            route=route,
            route_file=route_file,
            consts=consts,
            cms=found_cms,
        )

    @property
    def base(self) -> str:
        return nodesites.clean_base(self.config.get("base"))

    def layout(self, site, posts_dir_given):
        posts = site.relative(site.posts_dir)
        how = " (--posts-dir)" if posts_dir_given else ""
        return f"Astro: posts in the {posts}/ collection{how}, pages in {PAGES_DIR}/"

    def describe(self, site):
        name = next((n for n in CONFIG_FILES if (site.root / n).is_file()), "no astro.config")
        route = self.route_file or f"none found (using {PAGES_DIR}/blog/[...slug].astro)"
        lines = [
            f"Configuration ({name}, read as literals, never run):",
            f"  site           {self.config.get('site', 'not set')}",
            f"  base           {self.base or 'none'}"
            + ("  (old addresses answer with and without it)" if self.base else ""),
            f"  trailingSlash  {self.config.get('trailingSlash', 'ignore (the default)')}",
            f"  route          {route} → {self.post_url('<id>')}",
            f"  site title     {self.consts.get('SITE_TITLE', 'not found')}"
            + (f" ({self.consts['file']})" if self.consts.get("file") else ""),
        ]
        lines += self.cms.describe() if self.cms else []
        lines += [f"  problem        {problem}" for problem in self.problems]
        return lines

    def route_aliases(self):
        return under_base(super().route_aliases(), self.base)

    def post_url(self, post_id):
        prefix = f"/{self.route}/" if self.route else "/"
        if self.config.get("build.format") == "file":
            return f"{prefix}{post_id}.html"
        if self.config.get("trailingSlash") == "never":
            return f"{prefix}{post_id}"
        return f"{prefix}{post_id}/"

    # -- files --------------------------------------------------------------------

    def post_files(self, site):
        if not site.posts_dir.is_dir():
            return []
        return sorted(
            p
            for p in site.posts_dir.rglob("*")
            if (p.is_file() or p.is_symlink())
            and p.suffix.lower() in POST_SUFFIXES
            and not any(part.startswith(("_", ".")) for part in p.relative_to(site.posts_dir).parts)
        )

    def page_files(self, site):
        if not site.pages_dir.is_dir():
            return []
        return sorted(
            p
            for p in site.pages_dir.rglob("*")
            if (p.is_file() or p.is_symlink())
            and p.suffix.lower() in POST_SUFFIXES
            and not p.is_relative_to(site.posts_dir)
            and not any(part.startswith(("_", ".")) for part in p.relative_to(site.pages_dir).parts)
        )

    def is_post(self, meta):
        return True, ""

    def page_kind(self, meta):
        return True, ""

    # -- posts --------------------------------------------------------------------

    def read_post(self, site, source, meta, body, body_line=1):
        if self.cms:
            meta = self.cms.remap(meta)
        warnings = []
        path = PurePosixPath(source)
        written = meta.get("slug")
        if isinstance(written, str | int) and str(written).strip():
            post_id = str(written).strip().strip("/")
        else:
            inside = (
                path.relative_to(site.relative(site.posts_dir)) if _under(site, source) else path
            )
            post_id = astro_id(str(inside.with_suffix("")))
        slug = post_id.replace("/", "-") or "index"
        meta = dict(meta)
        if meta.get("pubDate") not in (None, ""):
            meta["date"] = meta.pop("pubDate")
        if meta.get("date") in (None, ""):
            raise ImportFileError("pubDate is missing (the blog collection's schema requires it)")
        meta["date"] = _date_text(meta["date"])
        if "heroImage" in meta:
            meta["image"] = nodesites.image_value(site, source, meta.pop("heroImage"))
        if "heroImageAlt" in meta:
            meta["image_alt"] = meta.pop("heroImageAlt")
        meta["tags"] = [str(t) for t in text_list(meta.get("tags")) if isinstance(t, str | int)]
        meta["title"] = meta.get("title") or nodesites.title_from(path.stem)
        if path.suffix.lower() == ".mdx":
            body, converted = mdx.convert(body, body_line)
            warnings += converted
        body = nodesites.relative_images(site, source, body, IMAGE_SUFFIXES)
        found = []
        if meta.get("draft") is not True:
            found.append(
                (self.post_url(post_id), f"its route ({self.route_file or 'the default'})")
            )
        return PostInput(
            meta,
            body,
            slug=slug,
            addresses=nodesites.with_base(self.base, found),
            warnings=warnings,
        )

    def static_addresses(self, site, source):
        if not source.startswith("public/"):
            return []
        old = "/" + source.removeprefix("public/")
        return [address for address, _ in nodesites.with_base(self.base, [(old, "")])]

    # -- pages --------------------------------------------------------------------

    def read_page(self, site, source, meta, body, body_line=1):
        warnings = []
        path = PurePosixPath(source)
        inside = path.relative_to(PAGES_DIR) if source.startswith(PAGES_DIR + "/") else path
        parts = inside.with_suffix("").parts
        parts = parts[:-1] if parts and parts[-1].lower() == "index" else parts
        address = "/" + "/".join(parts) + ("/" if parts else "")
        meta = dict(meta)
        meta["title"] = meta.get("title") or nodesites.title_from(
            parts[-1] if parts else self.consts.get("SITE_TITLE", "Home")
        )
        if path.suffix.lower() == ".mdx":
            body, converted = mdx.convert(body, body_line)
            warnings += converted
        body = nodesites.relative_images(site, source, body, IMAGE_SUFFIXES)
        found = nodesites.with_base(self.base, [(address, "its place")])
        if self.config.get("trailingSlash") == "never" and address != "/":
            found += nodesites.with_base(self.base, [(address.rstrip("/"), "its place")])
        return PageInput(
            meta=meta,
            body=body,
            address=address,
            addresses=[(a, o) for a, o in found if a != address],
            warnings=warnings,
        )

    # -- authors ------------------------------------------------------------------

    def author_sources(self, site):
        return []

    def author_source(self, site, value):
        return nodesites.author_source(value)

    def author_data(self, site, source, read):
        return nodesites.author_data(source, read)

    def author_meta(self, source, data):
        return nodesites.author_meta(source, data)

    # -- the site's configuration -------------------------------------------------

    def site_config(self, site, read):
        sources, problems = [], []
        record = siteconfig.SiteRecord()
        for name in (
            next((n for n in CONFIG_FILES if (site.root / n).is_file()), None),
            self.consts.get("file"),
        ):
            if name:
                try:
                    sources.append(siteconfig.SourceFile(name, "config", read(name)))
                    record.sources.append(name)
                except ImportFileError as exc:
                    problems.append((name, str(exc)))
        if self.consts.get("SITE_TITLE", "").strip():
            record.title = " ".join(self.consts["SITE_TITLE"].split())[:300]
        if self.consts.get("SITE_DESCRIPTION", "").strip():
            record.tagline = " ".join(self.consts["SITE_DESCRIPTION"].split())[:300]
        url = self.config.get("site")
        if isinstance(url, str) and url.strip().startswith(("http://", "https://")):
            record.base_url = (url.strip().rstrip("/") + self.base)[:200]
        elif url:
            record.warnings.append(f"site {url!r:.60} is not an http(s) address; ignored")
        record.warnings += list(self.problems)
        record.extra = {k: v for k, v in self.config.items() if k != "site"}
        return sources, record, problems


# -- helpers -------------------------------------------------------------------------


def astro_id(path: str) -> str:
    """The id Astro gives an entry at ``path`` (no extension): each segment through
    github-slugger (lower-cased; punctuation but ``-`` and ``_`` dropped; spaces to
    ``-``), and a trailing ``/index`` dropped."""
    segments = [_github_slug(part) for part in path.split("/")]
    joined = "/".join(segment for segment in segments if segment)
    if joined == "index":
        return "index"
    return joined.removesuffix("/index")


def _github_slug(text):
    text = text.lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _under(site, source):
    return source.startswith(site.relative(site.posts_dir) + "/")


def _date_text(value):
    """A date as the importer reads it: z.coerce.date() takes ``2024-07-08``,
    ``Jul 08 2022`` and ISO times."""
    import datetime

    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ImportFileError(f"pubDate must be a date, not {value!r:.40}")
    text = value.strip()
    for pattern in ("%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y"):
        try:
            parsed = datetime.datetime.strptime(text, pattern)  # noqa: DTZ007 (a date only)
            return parsed.date().isoformat()
        except ValueError:
            continue
    return text.replace("Z", "+00:00") if text.endswith("Z") else text


def _route(site):
    """(route folder, route file): the dynamic route that renders the collection."""
    pages = site.root / PAGES_DIR
    if not pages.is_dir():
        return "blog", ""
    # (not rglob(name): the brackets of [...slug] would be a pattern)
    found = [p for p in pages.rglob("*.astro") if p.name in ROUTE_FILES and p.is_file()]
    if not found:
        return "blog", ""
    found.sort(
        key=lambda p: (p.parent.name != "blog", len(p.parts), ROUTE_FILES.index(p.name), str(p))
    )
    chosen = found[0]
    folder = chosen.parent.relative_to(pages).as_posix()
    return ("" if folder == "." else folder), site.relative(chosen)
