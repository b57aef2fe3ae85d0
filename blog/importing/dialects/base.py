"""The interface every dialect implements (see the package's docstring)."""

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import frontmatter
from ..errors import ImportFileError
from ..paths import MARKDOWN_SUFFIXES
from ..records import EXCERPT_KEYS, HERO_IMAGE_KEYS, THUMB_IMAGE_KEYS, alt_key_of

#: Data files a generator reads (kept_files).
DATA_SUFFIXES = {".json", ".yml", ".yaml", ".toml", ".js", ".cjs", ".mjs", ".ts"}

#: What the common vocabulary (records.parse_post, parse_page, parse_author) is read
#: from, by default: the reverse of the readers' mapping, which an export writes.
WRITTEN_KEYS = {
    "title": ("title",),
    "subtitle": ("subtitle",),
    "date": ("date",),
    "expire_at": ("expire_at",),
    "draft": ("draft", "published"),
    "excerpt": EXCERPT_KEYS,
    "tags": ("tags",),
    "categories": ("categories",),
    "author": ("author",),
    "image": HERO_IMAGE_KEYS,
    "image_alt": tuple(alt_key_of(key) for key in HERO_IMAGE_KEYS),
    "thumb_image": THUMB_IMAGE_KEYS,
    "seo_title": ("meta_title",),
    "seo_description": ("meta_description",),
    "sections": ("sections",),
    "name": ("name",),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "bio": ("bio",),
    "website": ("website", "url"),
    "photo": ("photo",),
    "description": ("description",),
}


@dataclass(frozen=True)
class Folders:
    """Default folders, site-relative; the ``--*-dir`` flags override them."""

    posts: str
    pages: str
    authors: str
    static: str
    data: str


@dataclass
class PostInput:
    """What a dialect makes of one post file, in the common vocabulary."""

    meta: dict  # the keys records.parse_post reads, plus the rest (kept in extra)
    body: str  # converted: no generator syntax left to show raw
    slug: str | None = None  # None: the file's stem
    #: [(old address, origin)]: where the old site served the post; or (old address,
    #: origin, Folio address) for something else the post brings (a term page).
    addresses: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    #: Not a post after all: why (reported as skipped).
    skip: str = ""
    #: Where the old site sent this post's addresses instead (``redirect_to``).
    redirect_to: str | None = None


@dataclass
class PageInput:
    meta: dict
    body: str
    address: str | None = None  # None: the file's place in the pages folder
    addresses: list = field(default_factory=list)  # [(old address, origin)], redirected
    #: Where the old site sent this file's address instead of a page (``redirect_to``).
    redirect_to: str | None = None
    warnings: list = field(default_factory=list)
    #: Not a page after all: why (reported as skipped).
    skip: str = ""


@dataclass(frozen=True, eq=False)
class Dialect:
    """A generator's rules, bound to one site by :meth:`configure`."""

    #: What ``--dialect`` calls it, and what ``--inspect`` says it is.
    name = ""
    label = ""
    #: Configuration files, site-relative, as --inspect lists them.
    config_files = ()
    #: front-matter key -> what it becomes (``--inspect``); any other key: kept in extra.
    key_meanings = {}
    #: The configuration the site gives (parsed), and what could not be read of it.
    config: dict = field(default_factory=dict)
    problems: tuple = ()
    #: Why it was chosen ("detected: _config.yml and _posts/", "--dialect jekyll").
    reason: str = ""

    # -- detection and configuration -------------------------------------------------

    @classmethod
    def detect(cls, root: Path) -> str:
        """Why the site at ``root`` is written for this generator; "" if it is not."""
        return ""

    @classmethod
    def folders(cls) -> Folders:
        raise NotImplementedError

    @classmethod
    def posts_folder(cls, root: Path) -> str | None:
        """The posts folder this site has, when the dialect knows several."""
        return None

    @classmethod
    def site_folders(cls, root: Path) -> dict:
        """Folders this site's configuration moves ({"pages": …, "static": …}; Eleventy's
        ``dir.input``), read before the dialect is bound; the --*-dir flags win."""
        return {}

    @classmethod
    def static_folder(cls, root: Path) -> str | None:
        """The static folder this site has, when the default may be missing (None:
        the default of :meth:`folders`)."""
        return None

    #: Suffixes of the files a post may be written in.
    post_suffixes = MARKDOWN_SUFFIXES

    def layout(self, site, posts_dir_given: bool) -> str:
        """One line for --inspect: which layout of the generator this is."""
        return self.label

    def route_aliases(self) -> dict:
        """Fixed addresses of the old site (its feeds) -> the route of Folio's page
        that answers them (a route's name, or a path of Folio's)."""
        from .. import addresses

        return dict(addresses.FEED_ALIASES)

    def data_folder(self, site) -> Path:
        """Where the site's data files are (--inspect)."""
        return site.root / self.folders().data

    def describe(self, site) -> list[str]:
        """More lines for --inspect: the configuration read, the URL rules."""
        return []

    def configure(self, site, reason="") -> "Dialect":
        """This dialect bound to ``site``: its configuration read (never executed)."""
        return replace(self, reason=reason)

    def missing(self, site) -> str | None:
        """Why there is nothing to import in ``site`` (an error naming what to give),
        or None."""
        return None

    # -- files -----------------------------------------------------------------------

    def post_files(self, site) -> list[Path]:
        return _files(site.posts_dir, None)

    def page_files(self, site) -> list[Path]:
        return _files(site.pages_dir, MARKDOWN_SUFFIXES, outside=site.posts_dir)

    def is_post(self, meta: dict) -> tuple[bool, str]:
        from .. import records

        return records.is_post(meta)

    def page_kind(self, meta: dict) -> tuple[bool, str]:
        from .. import records

        return records.page_kind(meta)

    # -- front matter, bodies and addresses ------------------------------------------

    def read_post(self, site, source: str, meta: dict, body: str, body_line=1) -> PostInput:
        return PostInput(meta, body)

    def post_addresses(self, source: str, record, post: PostInput) -> list:
        """[(old address, origin)] of a parsed post (record: records.PostRecord)."""
        return list(post.addresses)

    def read_page(self, site, source: str, meta: dict, body: str, body_line=1) -> PageInput:
        return PageInput(meta, body)

    def image_base(self, site, source: str):
        """The folder whose files a relative image path in ``source`` names first (a
        page bundle's), or None: the static folder only."""
        return None

    def static_addresses(self, site, source: str) -> list[str]:
        """The old addresses of the site's own file at site-relative ``source``."""
        return []

    # -- authors ---------------------------------------------------------------------

    def author_sources(self, site) -> list[str]:
        """Every author the site describes, as sources (a file, or a file#key)."""
        return []

    def author_source(self, site, value) -> str:
        """The source of the author a post's ``author`` names."""
        raise NotImplementedError

    def author_data(self, site, source: str, read) -> bytes:
        """The bytes that say everything about the author ``source`` (hashed: when
        they do not change, the author is unchanged)."""
        return read(source)

    def author_meta(self, source: str, data: bytes) -> tuple[str, dict]:
        """(name its slug comes from, mapping records.parse_author reads)."""
        raise NotImplementedError

    # -- site configuration ----------------------------------------------------------

    def site_config(self, site, read):
        """(sources, record, problems): the siteconfig.SourceFile list read (hashed),
        the siteconfig.SiteRecord they make, and (path, problem) for each file that
        could not be used."""
        raise NotImplementedError

    # -- writing (blog/exporting: the writer beside the reader) ------------------------

    #: A field of the common vocabulary -> the keys this reader takes it from: an edit
    #: rewrites the one the file has (the first found), new content gets the first.
    written_keys = WRITTEN_KEYS
    #: The front matter of new content.
    front_matter = "yaml"
    #: Where a post made in Folio goes when the site has no posts yet ("": the posts
    #: folder of :meth:`folders`).
    new_posts_folder = ""
    #: What the reader converts in a body; an edited body is written as Folio keeps it,
    #: so an export says so of each such file.
    body_conversion = ""

    def kept_files(self, site) -> list[str]:
        """Site-relative files beyond the content whose reading shapes the import (its
        configuration, its data files): kept at import and exported as they were, so
        an exported site imports as the same site."""
        found = [name for name in self.config_files if (site.root / name).is_file()]
        data = self.data_folder(site)
        if data != site.root and data.is_dir():
            found += [
                site.relative(path)
                for path in sorted(data.iterdir())
                if path.is_file() and not path.is_symlink() and path.suffix.lower() in DATA_SUFFIXES
            ]
        return found

    def new_post_name(self, post) -> str:
        """The file name of a post made in Folio, inside the posts folder."""
        return f"{post.slug}.md"

    def new_page_path(self, page) -> str:
        """Where a page made in Folio is written, site-relative."""
        return f"{self.folders().pages}/{page.path.strip('/') or 'index'}.md".lstrip("./")

    def image_reference(self, source: str, written_in: str) -> str:
        """How a file at ``written_in`` names the site's image at ``source``: relative
        when it is beside the file or below it (a page bundle's), else its old address
        under the static folder."""
        folder = written_in.rpartition("/")[0]
        if folder and source.startswith(folder + "/"):
            return source.removeprefix(folder + "/")
        static = self.folders().static.strip("./")
        return "/" + (source.removeprefix(static + "/") if static else source)

    def new_site_config(self, site: dict) -> list[tuple[str, dict | str]]:
        """[(path, content)] of the configuration a site made in Folio gets: ``site``
        holds ``title``, ``tagline``, ``base_url``, ``footer_text``, ``logo``,
        ``favicon`` (as the site names them), ``extra`` and ``menus`` ({header, footer,
        social: [{label, url, style, column, new_window}]}). Content is a mapping (written
        in the file's format) or text. None here: the export says so."""
        return []

    def new_author_place(self, slug: str) -> tuple[str, str | None]:
        """(file, key in it or None) where an author made in Folio is written: by
        default a file of its own in the authors folder, named by its slug (the name a
        post's ``author`` gives)."""
        return f"{self.folders().authors.strip('./')}/{slug}.yaml".lstrip("/"), None

    def author_value(self, source: str) -> str:
        """How a post names the author whose source is ``source``: a file, a file#key
        (its key), or ``author:Name`` (an author a post names only by name: the name)."""
        if source.startswith("author:"):
            return source.removeprefix("author:")
        return source.rpartition("#")[2] if "#" in source else source


def _files(directory: Path, suffixes, outside: Path | None = None) -> list[Path]:
    """The regular files under ``directory`` ending in one of ``suffixes`` (None: any),
    and its symlinks, which are listed, not followed (the read refuses those that lead
    out of the site); none under the folder ``outside``. In path order, as Paths sort.

    On strings (os.scandir): a large site's posts folder has 10,000 files, and
    Path.rglob builds and compares a Path for each."""
    if directory is None or not directory.is_dir():
        return []
    if outside is not None and directory.is_relative_to(outside):
        return []
    skip = str(outside) if outside is not None else None
    found = []

    def walk(folder):
        try:
            with os.scandir(folder) as entries:
                entries = list(entries)
        except PermissionError:
            return
        for entry in entries:
            if entry.is_symlink() or entry.is_file():
                if suffixes is None or os.path.splitext(entry.name)[1].lower() in suffixes:
                    found.append(entry.path)
            elif entry.is_dir() and entry.path != skip:
                walk(entry.path)

    walk(str(directory))
    found.sort(key=lambda path: path.split(os.sep))  # part by part, as Paths sort
    return [Path(path) for path in found]


def under_base(aliases: dict, base: str) -> dict:
    """``aliases`` (old address -> Folio's route) with each address under the site's base
    path too, and the base path itself -> the home page (the old site's home there)."""
    if base:
        aliases.update({base + old: route for old, route in list(aliases.items())})
        aliases[base + "/"] = "home"
    return aliases


def text_list(value, *, split_spaces=False) -> list:
    """A front-matter list written as a list or as one string (comma-separated; with
    ``split_spaces``, space-separated too, as Jekyll reads ``tags: a b``)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        parts = value.split() if split_spaces else value.split(",")
        return [part.strip() for part in parts if part.strip()]
    if isinstance(value, list):
        return value
    return [value]


def read_text(site, name) -> str:
    """The text of a site file (a configuration or data file), read as every site file
    is: inside the root, within the size limit (:meth:`paths.Site.read_bytes`)."""
    return frontmatter.decode(site.read_bytes(name))


def names_someone(author) -> bool:
    """Whether a configuration's ``author`` is a name, or a mapping with one."""
    if isinstance(author, dict):
        author = author.get("name")
    return isinstance(author, str) and bool(author.strip())


def title_from(slug) -> str:
    """A title for a file that has none, from its slug: ``my-first_post`` → ``My first
    post``."""
    words = re.sub(r"[-_]+", " ", str(slug)).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"


def page_address(old) -> str:
    """The address Folio serves a page at: the old one, without ``.html`` (and
    ``/index.html`` as its folder)."""
    if old.endswith(".html"):
        old = old.removesuffix(".html").removesuffix("/index") or "/"
    return old if old.endswith("/") else old + "/"


__all__ = [
    "WRITTEN_KEYS",
    "Dialect",
    "Folders",
    "ImportFileError",
    "PageInput",
    "PostInput",
    "names_someone",
    "page_address",
    "read_text",
    "text_list",
    "title_from",
]
