"""The Gatsby starter blog (gatsbyjs/gatsby-starter-blog), from its README and
gatsby-node.js -- not the Stackbit Gatsby themes (blog/importing/dialects/stackbit.py),
whose markers are checked first.

- **Detection**: ``gatsby-config.js|ts|mjs`` with a ``content/blog`` folder (or the
  folder a CMS configuration gives), and none of Stackbit's markers
  (``stackbit.yaml``, ``site-metadata.json``, ``src/pages/blog``, ``src/pages/posts``).
- **Posts**: ``content/blog/<slug>/index.md`` (also ``.mdx``, and ``content/blog/x.md``)
  with the images beside it, resolved against the post's own folder.
- **Front matter**: ``title``, ``date``, ``description`` (the excerpt), ``tags``,
  ``draft``.
- **Addresses**: what gatsby-source-filesystem's ``createFilePath`` gives: the path in
  the content folder without its extension and without ``/index``, between slashes
  (``content/blog/hello-world/index.md`` → ``/hello-world/``), under ``pathPrefix``
  when the config sets one; files in ``static/`` at their place; the feed
  (gatsby-plugin-feed) at ``/rss.xml``.
- **Configuration**: ``siteMetadata`` of ``gatsby-config.js`` (``title``,
  ``description``, ``siteUrl``, ``author.name``, ``author.summary``, ``social``) read
  with the tolerant literal reader, never executed; the author is the site's author.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import frontmatter, siteconfig
from ..errors import ImportFileError
from . import cms, jsliteral, mdx, nodesites, stackbit
from .base import WRITTEN_KEYS, Dialect, Folders, PostInput, text_list, under_base

CONFIG_FILES = ("gatsby-config.js", "gatsby-config.ts", "gatsby-config.mjs")
POSTS_DIR = "content/blog"
POST_SUFFIXES = {".md", ".mdx", ".markdown"}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif")
STACKBIT_MARKERS = ("stackbit.yaml", "stackbit.yml", "site-metadata.json")
SITE_AUTHOR = "\0site"

KEY_MEANINGS = {
    "title": "the title",
    "date": "the publish date",
    "description": "the excerpt",
    "tags": "tags",
    "draft": "the status (true: a draft, never served)",
    "author": "the author, by name (else siteMetadata.author)",
}


@dataclass(frozen=True, eq=False)
class Gatsby(Dialect):
    name = "gatsby"
    label = "Gatsby starter blog"
    config_files = CONFIG_FILES + cms.FILES

    written_keys = {**WRITTEN_KEYS, "excerpt": ("description", "excerpt")}

    def new_post_name(self, post):
        """``<slug>/index.md``: the starter's posts are folders, with their images."""
        return f"{post.slug}/index.md"

    @property
    def key_meanings(self):
        """The keys this dialect reads, and the fields the site's CMS types."""
        return cms.key_meanings(self.cms, KEY_MEANINGS)

    post_suffixes = POST_SUFFIXES
    metadata: dict = field(default_factory=dict)
    cms: object = None

    @classmethod
    def detect(cls, root: Path) -> str:
        config = next((name for name in CONFIG_FILES if (root / name).is_file()), None)
        if config is None:
            return ""
        if any((root / name).is_file() for name in STACKBIT_MARKERS) or any(
            (root / name).is_dir() for name in stackbit.POSTS_DIRS
        ):
            return ""  # a Stackbit Gatsby theme
        posts = cls.posts_folder(root)
        if posts is None:
            return ""
        return f"detected: {config} and {posts}/ (and no Stackbit marker)"

    @classmethod
    def folders(cls) -> Folders:
        return Folders(
            posts=POSTS_DIR,
            pages="content/pages",
            authors="content/authors",
            static="static",
            data="content",
        )

    @classmethod
    def static_folder(cls, root: Path) -> str | None:
        """static/, else the site's root: images beside the posts are found either way
        (nodesites.from_static writes their paths relative to this folder)."""
        return "static" if (root / "static").is_dir() else "."

    @classmethod
    def posts_folder(cls, root: Path) -> str | None:
        found = cms.posts_folder(root)
        if found:
            return found
        return POSTS_DIR if (root / POSTS_DIR).is_dir() else None

    def missing(self, site):
        if self.post_files(site):
            return None
        return (
            f"nothing to import in {site.root}: no {POSTS_DIR}/ folder with posts "
            "(give --posts-dir)"
        )

    # -- configuration ------------------------------------------------------------

    def configure(self, site, reason=""):
        problems, config = [], {}
        name = next((n for n in CONFIG_FILES if (site.root / n).is_file()), None)
        if name:
            try:
                data = site.read_bytes(name)
                config, unread = jsliteral.exported_object(frontmatter.decode(data))
                problems += [f"{name}: {p}" for p in unread]
            except ImportFileError as exc:
                problems.append(f"{name}: {exc}")
        where = name or "gatsby-config.js"
        metadata = {}
        for key in ("title", "description", "siteUrl", "author.name", "author.summary"):
            value = jsliteral.get(config, f"siteMetadata.{key}", problems, where)
            if value is not None:
                metadata[key] = value
        social = jsliteral.get(config, "siteMetadata.social", problems, where, (dict,))
        if social:
            metadata["social"] = {k: v for k, v in social.items() if isinstance(v, str)}
        prefix = jsliteral.get(config, "pathPrefix", problems, where)
        found_cms = cms.read(site)
        problems += list(found_cms.problems)
        return Gatsby(
            config={"pathPrefix": prefix} if prefix else {},
            problems=tuple(problems),
            reason=reason,
            metadata=metadata,
            cms=found_cms,
        )

    @property
    def base(self):
        return nodesites.clean_base(self.config.get("pathPrefix"))

    def layout(self, site, posts_dir_given):
        posts = site.relative(site.posts_dir)
        how = " (--posts-dir)" if posts_dir_given else ""
        return f"Gatsby starter blog: posts in {posts}/<slug>/index.md, images beside them{how}"

    def describe(self, site):
        name = next((n for n in CONFIG_FILES if (site.root / n).is_file()), "no gatsby-config.js")
        meta = self.metadata
        lines = [
            f"Configuration ({name}, siteMetadata read as literals, never run):",
            f"  title       {meta.get('title', 'not set')}",
            f"  siteUrl     {meta.get('siteUrl', 'not set')}",
            f"  author      {meta.get('author.name', 'not set')}",
            f"  pathPrefix  {self.base or 'none'}",
            f"  addresses   {site.relative(site.posts_dir)}/<slug>/index.md → /<slug>/",
        ]
        lines += self.cms.describe() if self.cms else []
        lines += [f"  problem     {problem}" for problem in self.problems]
        return lines

    def route_aliases(self):
        return under_base(super().route_aliases(), self.base)

    # -- posts --------------------------------------------------------------------

    def post_files(self, site):
        if not site.posts_dir.is_dir():
            return []
        return sorted(
            p
            for p in site.posts_dir.rglob("*")
            if (p.is_file() or p.is_symlink()) and p.suffix.lower() in POST_SUFFIXES
        )

    def is_post(self, meta):
        return True, ""

    def read_post(self, site, source, meta, body, body_line=1):
        if self.cms:
            meta = self.cms.remap(meta)
        meta = dict(meta)
        warnings = []
        path = PurePosixPath(source)
        posts = site.relative(site.posts_dir)
        inside = path.relative_to(posts) if source.startswith(posts + "/") else path
        parts = inside.with_suffix("").parts
        if parts and parts[-1] == "index":  # createFilePath: path.posix.join("/", dir, "/")
            parts = parts[:-1]
        old = "/" + "/".join(parts) + "/" if parts else "/"
        slug = parts[-1] if parts else "index"
        if meta.get("author") in (None, "") and self.metadata.get("author.name"):
            meta["author"] = SITE_AUTHOR
        meta["title"] = meta.get("title") or nodesites.title_from(slug)
        meta["tags"] = [str(t) for t in text_list(meta.get("tags")) if isinstance(t, str | int)]
        if path.suffix.lower() == ".mdx":
            body, converted = mdx.convert(body, body_line)
            warnings += converted
        body = nodesites.relative_images(site, source, body, IMAGE_SUFFIXES)
        for key in ("image", "featuredImage", "cover"):
            if key in meta:
                meta["image" if key != "image" else key] = nodesites.image_value(
                    site, source, meta.pop(key)
                )
        # (content/blog/index.md was served at "/": the home page stays Folio's.)
        found = [] if meta.get("draft") is True or old == "/" else [(old, "createFilePath")]
        return PostInput(
            meta,
            body,
            slug=_safe_slug(slug),
            addresses=nodesites.with_base(self.base, found),
            warnings=warnings,
        )

    def static_addresses(self, site, source):
        if not source.startswith("static/"):
            return []
        old = "/" + source.removeprefix("static/")
        return [address for address, _ in nodesites.with_base(self.base, [(old, "")])]

    # -- authors ------------------------------------------------------------------

    def author_sources(self, site):
        return [f"{self._config_name(site)}#author"] if self.metadata.get("author.name") else []

    def _config_name(self, site):
        return next((n for n in CONFIG_FILES if (site.root / n).is_file()), CONFIG_FILES[0])

    def author_source(self, site, value):
        if value == SITE_AUTHOR:
            return f"{self._config_name(site)}#author"
        return nodesites.author_source(value)

    def author_data(self, site, source, read):
        entry = {"name": self.metadata.get("author.name", "")}
        if self.metadata.get("author.summary"):
            entry["bio"] = self.metadata["author.summary"]
        twitter = self.metadata.get("social", {}).get("twitter")
        if twitter and re.fullmatch(r"@?\w{1,30}", twitter):
            entry["website"] = f"https://twitter.com/{twitter.lstrip('@')}"
        return nodesites.author_data(source, read, entry)

    def author_meta(self, source, data):
        return nodesites.author_meta(source, data)

    # -- the site's configuration -------------------------------------------------

    def site_config(self, site, read):
        sources, problems = [], []
        record = siteconfig.SiteRecord()
        name = next((n for n in CONFIG_FILES if (site.root / n).is_file()), None)
        if name is None:
            return sources, record, problems
        try:
            sources.append(siteconfig.SourceFile(name, "config", read(name)))
            record.sources.append(name)
        except ImportFileError as exc:
            return sources, record, [(name, str(exc))]
        meta = self.metadata
        if meta.get("title", "").strip():
            record.title = " ".join(meta["title"].split())[:300]
        if meta.get("description", "").strip():
            record.tagline = " ".join(meta["description"].split())[:300]
        url = meta.get("siteUrl", "")
        if url.strip().startswith(("http://", "https://")):
            record.base_url = (url.strip().rstrip("/") + self.base)[:200]
        elif url:
            record.warnings.append(
                f"{name}: siteUrl {url!r:.60} is not an http(s) address; ignored"
            )
        record.warnings += list(self.problems)
        if meta.get("social"):
            record.extra = {"social": meta["social"]}
        return sources, record, problems


def _safe_slug(slug):
    return slug.strip() or "post"
