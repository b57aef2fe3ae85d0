"""Hugo (gohugo.io): content in ``content/<section>/**`` with front matter in TOML
(``+++``), YAML (``---``) or JSON, page bundles (``x/index.md`` with its images beside
it), ``_index.md`` list pages, the configuration in ``hugo.toml``, ``config.*`` or
``config/_default/``.

The rules themselves are pure and live in ``blog/importing/hugo/`` (configuration,
addresses, content, shortcodes); this module puts them behind the dialect interface.
Posts are the regular pages of the main sections; every other regular page, and a
non-main section's ``_index.md``, is a page at its old address (docs/importing.md,
"Hugo").
"""

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .. import frontmatter, records, siteconfig
from ..errors import ImportFileError
from ..hugo import config as hugo_config
from ..hugo import content, shortcodes, urls
from ..paths import MARKDOWN_SUFFIXES
from .base import WRITTEN_KEYS, Dialect, Folders, PageInput, PostInput

CONTENT_DIR = "content"
BUNDLE_INDEXES = ("index.md", "index.markdown", "_index.md", "_index.markdown")
_KEPT = "kept in extra"
KEY_MEANINGS = {
    "title": "the title (else the file's name)",
    "date": "the date the URL reads; the publish date when there is no publishDate",
    "publishDate": "the publish date (pubdate, published too; later than now: scheduled)",
    "expiryDate": "the unpublish date: readers stop seeing the post then (unpublishdate too)",
    "lastmod": _KEPT,
    "draft": "the status (true: a draft; published: false too)",
    "build": "render: never makes a draft",
    "headless": "true: not imported (Hugo never served it)",
    "slug": "the post's slug, and the last part of its old address",
    "url": "the old address, whole",
    "aliases": "old addresses, redirected (relative ones from the page's folder)",
    "summary": "the excerpt (else the text before <!--more-->, else description)",
    "description": "the excerpt when there is no summary or <!--more-->",
    "tags": "tags; /tags/<term>/ and its index.xml redirect to the tag's page",
    "categories": "categories; /categories/<term>/ redirects to the category's page",
    "author": "the author (authors: the first; else [params] author)",
    "image": "the hero image, read from the bundle's folder first, then static/",
    **{
        key: "the hero image when there is no image"
        for key in ("featured_image", "cover", "images")
    },
    "weight": _KEPT,
}


def _camel(keys):
    """Hugo's keys as its documentation writes them (``publishDate``): what new content
    gets."""
    spelled = {"publishdate": "publishDate", "pubdate": "pubDate", "expirydate": "expiryDate"}
    return tuple(spelled.get(key, key) for key in keys)


@dataclass(frozen=True, eq=False)
class Hugo(Dialect):
    name = "hugo"
    label = "Hugo"
    config_files = hugo_config.ROOT_FILES
    key_meanings = KEY_MEANINGS
    # The reader's own keys, in the order it takes them (blog/importing/hugo/content.py;
    # keys match whatever their case): an edit rewrites the key the value was read from.
    written_keys = {
        **WRITTEN_KEYS,
        "date": _camel(content.DATE_KEYS["publishdate"]),
        "draft": ("draft",),
        "excerpt": ("summary", "description"),
        "expire_at": _camel(content.DATE_KEYS["expirydate"]),
        "author": ("author", "authors"),
        "image": content.IMAGE_KEYS,
    }
    body_conversion = "Hugo shortcodes"
    new_posts_folder = f"{CONTENT_DIR}/posts"
    hugo: hugo_config.HugoConfig = field(default_factory=hugo_config.HugoConfig)
    #: The sections whose regular pages are posts.
    mains: frozenset = frozenset()
    #: Every content file, content-relative (for ref/relref and main sections).
    content_files: tuple = ()
    now: object = None
    #: source -> HugoItem (or None: unreadable), of files read to resolve a reference.
    items: dict = field(default_factory=dict)

    @classmethod
    def detect(cls, root):
        if not hugo_config.is_hugo_site(root):
            return ""
        found = hugo_config.find_files(root)
        return f"detected: {found[0] if found else 'config/'} and {CONTENT_DIR}/"

    @classmethod
    def folders(cls) -> Folders:
        return Folders(
            posts=CONTENT_DIR,
            pages=CONTENT_DIR,
            authors="data/authors",
            static="static",
            data="data",
        )

    def missing(self, site):
        folder = site.posts_dir
        if folder.is_dir() and any(
            p.suffix.lower() in MARKDOWN_SUFFIXES for p in folder.rglob("*")
        ):
            return None
        return f"nothing to import in {site.root}: no markdown files in {CONTENT_DIR}/"

    # -- configuration ------------------------------------------------------------

    def configure(self, site, reason=""):
        files, problems = [], []
        for name in hugo_config.find_files(site.root):
            try:
                files.append((name, self._read(site, name)))
            except ImportFileError as exc:
                problems.append((name, str(exc)))
        config, parse_problems = hugo_config.parse(files)
        problems += parse_problems
        if config.content_dir != CONTENT_DIR:
            config.warnings.append(
                f"contentDir is {config.content_dir!r}: give it with --posts-dir and --pages-dir"
            )
        content_root = site.posts_dir
        found = sorted(
            p.relative_to(content_root).as_posix()
            for p in (content_root.rglob("*") if content_root.is_dir() else [])
            if p.suffix.lower() in MARKDOWN_SUFFIXES and (p.is_file() or p.is_symlink())
        )
        return Hugo(
            config={"files": [name for name, _ in files]},
            problems=tuple(f"{name}: {problem}" for name, problem in problems),
            reason=reason,
            hugo=config,
            mains=frozenset(content.main_sections(config, found)),
            content_files=tuple(found),
            now=timezone.now(),
        )

    @staticmethod
    def _read(site, name):
        return site.read_bytes(name)

    def layout(self, site, posts_dir_given):
        mains = ", ".join(f"{section}/" for section in sorted(self.mains)) or "none"
        return f"Hugo: content in {site.relative(site.posts_dir)}/, posts in the sections {mains}"

    def describe(self, site):
        h = self.hugo
        lines = [
            f"Configuration ({', '.join(h.sources) or 'none'}):",
            f"  baseURL      {h.base_url or 'not set'}{h.base_path if h.base_url else ''}"
            + ("  (old addresses answer with and without the path)" if h.base_path != "/" else ""),
            f"  timeZone     {getattr(h.time_zone, 'key', 'UTC')}",
            f"  posts        the sections {', '.join(sorted(self.mains)) or 'none'}",
            f"  uglyURLs     {h.ugly_urls}",
            f"  taxonomies   {', '.join(h.taxonomies.values())}",
        ]
        lines += [f"  permalinks   {key} = {value}" for key, value in h.permalinks.items()]
        lines += [f"  permalinks   {key} (terms) = {v}" for key, v in h.term_permalinks.items()]
        lines += [f"  problem      {problem}" for problem in (*self.problems, *h.warnings)]
        return lines

    def route_aliases(self):
        """The feeds (``index.xml`` of the home page and each main section) and the list
        pages Folio's blog replaces: the home page under the base path, each main
        section's, and the taxonomies' (by Folio's archive)."""
        aliases = {self.hugo.base_path: "home"} if self.hugo.base_path != "/" else {}
        for path, route in super().route_aliases().items():
            aliases.update({old: route for old in urls.with_base(self.hugo, path)})
        for section in self.mains:
            path = f"/{urls.make_path(section)}/"
            aliases.update({old: "blog:post-list" for old in urls.with_base(self.hugo, path)})
            aliases.update({old: "blog:feed" for old in urls.feed_paths(self.hugo, path)})
        for plural in self.hugo.taxonomies.values():
            if plural in {"tags", "categories"}:
                path = f"/{urls.make_path(plural)}/"
                aliases.update({old: "blog:archive" for old in urls.with_base(self.hugo, path)})
        return aliases

    # -- files --------------------------------------------------------------------

    def post_files(self, site):
        return [
            site.posts_dir / relative for relative in self.content_files if self._is_post(relative)
        ]

    def page_files(self, site):
        return [
            site.pages_dir / relative
            for relative in self.content_files
            if not self._is_post(relative) and (site.pages_dir / relative).exists()
        ]

    def _is_post(self, relative):
        where = urls.ContentPath.of(relative)
        return not where.list_page and where.section.lower() in self.mains

    def is_post(self, meta):
        return True, ""

    def page_kind(self, meta):
        return True, ""

    def image_base(self, site, source):
        """A bundle's folder: its images sit beside its index.md."""
        where = urls.ContentPath.of(self._relative(site, source), self.hugo.languages)
        return (site.root / source).parent if where.bundle or where.list_page else None

    def _relative(self, site, source):
        """A source's path inside the content folder ("" for a file outside it)."""
        content_root = site.relative(site.posts_dir)
        path = PurePosixPath(source)
        return (
            path.relative_to(content_root).as_posix() if path.is_relative_to(content_root) else ""
        )

    # -- posts and pages ----------------------------------------------------------

    def _item(self, site, source, meta, body):
        return content.read_item(
            self.hugo, source, self._relative(site, source), meta, body, self.mains, self.now
        )

    def _convert(self, site, source, item, body_line):
        """The item's body with its shortcodes converted (``ref``/``relref`` resolved)."""
        return shortcodes.convert(
            item.body,
            first_line=body_line,
            resolve_ref=lambda target: self.resolve(site, source, target),
        )

    def read_post(self, site, source, meta, body, body_line=1):
        item = self._item(site, source, meta, body)
        if item.kind != "post":
            return PostInput(meta, body, skip=item.reason or "not a post")
        converted = self._convert(site, source, item, body_line)
        out = self._common_meta(item, meta)
        out["date"] = item.publish_at.isoformat()
        if item.expire_at is not None:
            out["expire_at"] = item.expire_at.isoformat()
        author = _author(meta) or self.hugo.params.get("author")
        if isinstance(author, dict):
            author = author.get("name")
        if isinstance(author, str) and author.strip():
            out["author"] = author.strip()
        found = list(item.old_paths)
        for kind, name, paths in item.terms:
            route = "blog:tag-detail" if kind == "tag" else "blog:category-detail"
            feed = "blog:tag-feed" if kind == "tag" else "blog:category-feed"
            slug = records.tag_slug(name)
            if not slug:
                continue
            for path in paths:
                target = reverse(feed if path.endswith(".xml") else route, kwargs={"slug": slug})
                found.append((path, f"the {kind} {name}", target))
        return PostInput(
            out,
            converted.text,
            slug=item.slug,
            addresses=found,
            warnings=item.warnings + converted.problems,
        )

    def read_page(self, site, source, meta, body, body_line=1):
        item = self._item(site, source, meta, body)
        if item.kind != "page":
            return PageInput(meta, body, skip=item.reason or "a post outside the main sections")
        converted = self._convert(site, source, item, body_line)
        address = records.page_address(item.path)
        return PageInput(
            meta=self._common_meta(item, meta),
            body=converted.text,
            address=address,
            addresses=[(old, origin) for old, origin in item.old_paths if old != address],
            warnings=item.warnings + converted.problems,
        )

    @staticmethod
    def _common_meta(item, meta):
        """The front matter in the vocabulary records reads; every other key as written."""
        out = {k: v for k, v in meta.items() if str(k).lower() not in content.MAPPED_KEYS}
        out.pop("image", None)
        out.update(title=item.title, draft=item.draft)
        if item.excerpt:
            out["excerpt"] = item.excerpt
            out.pop("description", None)
        out["tags"] = [name for kind, name, _ in item.terms if kind == "tag"]
        out["categories"] = [name for kind, name, _ in item.terms if kind == "category"]
        if item.image:
            out["image"] = item.image
        return out

    # -- references between files -------------------------------------------------

    def resolve(self, site, source, target):
        """The Folio address of a ``ref``/``relref`` target (a content path, with or
        without its extension, from the content folder or the file's own; or a file
        name found once in the site), or None."""
        target, _, anchor = target.strip().partition("#")
        suffix = f"#{anchor}" if anchor else ""
        if not target:
            return suffix or None
        found = self._find(self._relative(site, source), target)
        if found is None:
            return None
        item = self._read_item(site, f"{site.relative(site.posts_dir)}/{found}")
        if item is None:
            return None
        if item.kind == "post":
            return reverse("blog:post-detail", kwargs={"slug": item.slug}) + suffix
        if item.kind == "page":
            return records.page_address(item.path) + suffix
        if urls.ContentPath.of(found, self.hugo.languages).list_page:
            return reverse("blog:post-list") + suffix
        return None

    def _find(self, from_relative, target):
        known = set(self.content_files)
        bases = [""] if target.startswith("/") else [str(PurePosixPath(from_relative).parent), ""]
        stripped = target.strip("/")
        for base in bases:
            stem = f"{base}/{stripped}".strip("/").removeprefix("./")
            for candidate in (stem, f"{stem}.md", f"{stem}/index.md", f"{stem}/_index.md"):
                if candidate in known:
                    return candidate
        name = PurePosixPath(stripped).stem
        named = [
            f
            for f in self.content_files
            if urls.ContentPath.of(f, self.hugo.languages).base_name == name
        ]
        return named[0] if len(named) == 1 else None

    def _read_item(self, site, source):
        if source not in self.items:
            try:
                meta, found = frontmatter.read(frontmatter.decode(self._read(site, source)))
                self.items[source] = self._item(site, source, meta, found.body)
            except ImportFileError:
                self.items[source] = None
        return self.items[source]

    def static_addresses(self, site, source):
        """``static/x.png`` at ``/x.png``; a bundle's ``content/posts/trip/cat.jpg`` at its
        page's address: ``/posts/trip/cat.jpg``."""
        path = PurePosixPath(source)
        static = site.relative(site.static_dir)
        if path.is_relative_to(static):
            return urls.with_base(self.hugo, "/" + path.relative_to(static).as_posix())
        content_root = site.relative(site.posts_dir)
        if not path.is_relative_to(content_root):
            return []
        folder = path.parent
        while folder != PurePosixPath(content_root) and folder.is_relative_to(content_root):
            index = next(
                (folder / n for n in BUNDLE_INDEXES if (site.root / folder / n).is_file()), None
            )
            if index is not None:
                item = self._read_item(site, str(index))
                if item is None or not item.path:
                    return []
                inside = path.relative_to(folder).as_posix()
                page = item.path if item.path.endswith("/") else item.path.rsplit("/", 1)[0] + "/"
                found = urls.with_base(self.hugo, page + inside)
                return list(dict.fromkeys(found + [p.lower() for p in found]))
            folder = folder.parent
        return []

    # -- authors ------------------------------------------------------------------

    def author_source(self, site, value):
        if not isinstance(value, str) or not value.strip():
            raise ImportFileError(f"author must be a name, not {value!r:.60}")
        return f"author:{' '.join(value.split())[:200]}"

    def author_data(self, site, source, read):
        return source.encode()

    def author_meta(self, source, data):
        name = source.removeprefix("author:")
        return slugify(name, allow_unicode=True) or "author", {"name": name}

    # -- the site's configuration -------------------------------------------------

    def new_site_config(self, site):
        """``hugo.toml``: title, baseURL, copyright, the description and the menus."""
        config = {"title": site["title"]}
        if site["base_url"]:
            config["baseURL"] = site["base_url"] + "/"
        if site["footer_text"]:
            config["copyright"] = site["footer_text"]
        config["params"] = {"description": site["tagline"]}
        menus = {
            name: [
                {"name": item["label"], "url": item["url"], "weight": n + 1}
                for n, item in enumerate(site["menus"].get(menu, []))
            ]
            for name, menu in (("main", "header"), ("footer", "footer"))
            if site["menus"].get(menu)
        }
        if menus:
            config["menus"] = menus
        return [("hugo.toml", config)]

    def site_config(self, site, read):
        sources, problems, files = [], [], []
        for name in hugo_config.find_files(site.root):
            try:
                data = read(name)
            except ImportFileError as exc:
                problems.append((name, str(exc)))
                continue
            files.append((name, data))
            sources.append(siteconfig.SourceFile(name, "config", data))
        config, parse_problems = hugo_config.parse(files)
        content_menus = self._content_menus(site, read, sources)
        record = hugo_config.site_record(
            config, lambda ref: self.resolve(site, "", ref), content_menus
        )
        return sources, record, [*problems, *parse_problems]

    def _content_menus(self, site, read, sources):
        """{menu: [entry]} of the content files that put themselves in a menu
        (``menu: main``, ``menu: [main, footer]``, ``menu: {main: {weight: 2}}``); each
        such file counts among the settings' sources."""
        content_root = site.relative(site.posts_dir)
        menus = {}
        for relative in self.content_files:
            source = f"{content_root}/{relative}"
            try:
                data = read(source)
                if b"menu" not in data.lower():
                    continue
                meta, _ = frontmatter.read(frontmatter.decode(data))
            except ImportFileError:
                continue  # reported with the file itself
            lowered = {str(key).lower(): value for key, value in meta.items()}
            entries = _menu_entries(lowered.get("menu", lowered.get("menus")))
            url = self.resolve(site, source, relative) if entries else None
            if not url:
                continue
            sources.append(siteconfig.SourceFile(source, "menus", data))
            title = lowered.get("linktitle") or lowered.get("title") or relative
            for name, entry in entries:
                link = {"name": entry.get("name") or title, "url": url}
                if isinstance(entry.get("weight"), int | float):
                    link["weight"] = entry["weight"]
                menus.setdefault(name, []).append(link)
        return menus


def _menu_entries(value) -> list[tuple[str, dict]]:
    """[(menu name, entry)] of a content file's ``menu`` front matter."""
    if isinstance(value, str) and value.strip():
        return [(value.strip().lower(), {})]
    if isinstance(value, list):
        return [(v.strip().lower(), {}) for v in value if isinstance(v, str) and v.strip()]
    if isinstance(value, dict):
        return [
            (str(name).lower(), {str(k).lower(): v for k, v in entry.items()})
            if isinstance(entry, dict)
            else (str(name).lower(), {})
            for name, entry in value.items()
        ]
    return []


def _author(meta):
    lowered = {str(key).lower(): value for key, value in meta.items()}
    author = lowered.get("author")
    if author in (None, "", []):
        authors = lowered.get("authors")
        author = authors[0] if isinstance(authors, list) and authors else authors
    return author
