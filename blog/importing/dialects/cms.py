"""The content management system a static site was edited with, when it has one:
its configuration says where the content folders are and what each field is.

- **Decap CMS / Netlify CMS** (``admin/config.yml``, ``static/admin/config.yml``,
  ``public/admin/config.yml``): ``collections[]`` with a ``folder`` (a folder
  collection: one file per entry), ``fields`` whose ``widget`` is ``datetime``,
  ``date``, ``image``, ``list`` or ``markdown``, and the ``slug`` template of new files.
- **Forestry** (``.forestry/settings.yml``): ``sections[]`` of ``type: directory`` with
  a ``path`` and ``templates``, whose fields are in
  ``.forestry/front_matter/templates/<name>.yml`` (``type: datetime|file|list|tag_list``).
- **Tina** (``tina/config.ts|js``, ``.tina/config.ts|js``): ``schema.collections[]``
  with a ``path`` and ``fields`` (``type: datetime|image``, ``list: true``), read with the
  tolerant literal reader (blog/importing/dialects/jsliteral.py), never executed.

A dialect asks :func:`read` once (in ``configure``) and :func:`posts_folder` (before it
is bound) to move where it looks for posts, and :meth:`Cms.remap` to read a post's fields as
the CMS names them (a ``published_on`` datetime field is the date).
"""

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import frontmatter
from ..errors import ImportFileError
from ..paths import Site
from . import jsliteral
from .base import read_text

DECAP_FILES = ("admin/config.yml", "static/admin/config.yml", "public/admin/config.yml")
FORESTRY_FILE = ".forestry/settings.yml"
FORESTRY_TEMPLATES = ".forestry/front_matter/templates"
TINA_FILES = ("tina/config.ts", "tina/config.js", ".tina/config.ts", ".tina/config.js")
#: Every file this module reads (--inspect lists those a site has).
FILES = (*DECAP_FILES, FORESTRY_FILE, *TINA_FILES)
#: A collection whose name or folder says it holds posts.
POST_WORDS = ("post", "blog", "article", "news", "journal", "note", "writing")
DATE_WIDGETS = {"datetime", "date"}
IMAGE_WIDGETS = {"image", "file"}
LIST_WIDGETS = {"list", "tag_list", "select"}


@dataclass(frozen=True)
class Collection:
    name: str
    folder: str  # site-relative, no trailing slash
    #: front-matter key -> its kind: "date", "image", "list", "body"
    fields: dict = field(default_factory=dict)
    slug: str = ""  # the template of new files' names (Decap)


@dataclass(frozen=True)
class Cms:
    kind: str = ""  # "Decap CMS", "Forestry", "Tina"; "" when the site has none
    source: str = ""
    collections: tuple = ()
    problems: tuple = ()

    @property
    def posts(self) -> Collection | None:
        """The collection that holds the blog's posts: one named for posts, else the
        first folder collection."""
        for collection in self.collections:
            words = f"{collection.name} {PurePosixPath(collection.folder).name}".lower()
            if any(word in words for word in POST_WORDS):
                return collection
        return self.collections[0] if self.collections else None

    def folder_for(self, root: Path) -> str | None:
        """The posts folder the CMS gives, if it exists in the site."""
        posts = self.posts
        if posts and posts.folder and (Path(root) / posts.folder).is_dir():
            return posts.folder
        return None

    def remap(self, meta: dict) -> dict:
        """The post's front matter with the CMS's own field names read: its date field
        as ``date``, its image field as ``image``, its list field as ``tags``, when the
        post does not already use those keys."""
        posts = self.posts
        if posts is None:
            return meta
        meta = dict(meta)
        for key, kind in posts.fields.items():
            target = {"date": "date", "image": "image", "list": "tags"}.get(kind)
            if target and key != target and key in meta and meta.get(target) in (None, ""):
                meta[target] = meta[key]
        return meta

    def describe(self) -> list[str]:
        if not self.kind:
            return []
        lines = [f"CMS: {self.kind} ({self.source})"]
        for collection in self.collections:
            fields = ", ".join(f"{k} ({v})" for k, v in collection.fields.items()) or "none typed"
            mark = "  ← posts" if collection is self.posts else ""
            lines.append(f"  {collection.name}: {collection.folder}/ — fields {fields}{mark}")
            if collection.slug:
                lines.append(f"    new files named {collection.slug}")
        lines += [f"  problem  {problem}" for problem in self.problems]
        return lines


def read(site) -> Cms:
    """The CMS configuration of ``site`` (paths.Site): Decap, then Forestry, then Tina;
    Cms() when it has none. Never raises: what cannot be read is in ``problems``."""
    for name in DECAP_FILES:
        if (site.root / name).is_file():
            return _guard(site, name, _decap)
    if (site.root / FORESTRY_FILE).is_file():
        return _guard(site, FORESTRY_FILE, _forestry)
    for name in TINA_FILES:
        if (site.root / name).is_file():
            return _guard(site, name, _tina)
    return Cms()


def posts_folder(root: Path) -> str | None:
    """The posts folder the CMS configuration of the site at ``root`` gives, if it
    exists (asked before a dialect is bound to the site: ``Dialect.posts_folder``)."""
    return read(Site(root, root, root, root)).folder_for(root)


def _guard(site, name, reader):
    kind = {_decap: "Decap CMS", _forestry: "Forestry", _tina: "Tina"}[reader]
    try:
        text = read_text(site, name)
        collections, problems = reader(site, name, text)
    except ImportFileError as exc:
        return Cms(kind, name, (), (f"{name}: {exc}",))
    return Cms(kind, name, tuple(collections), tuple(problems))


def _folder(written, name, problems):
    """A site-relative folder as a CMS writes it ("content/blog", "./src/posts/")."""
    if not isinstance(written, str) or not written.strip():
        return None
    folder = written.strip().removeprefix("./").strip("/")
    if ".." in PurePosixPath(folder).parts or "\0" in folder:
        problems.append(f"{name}: folder {written!r:.60} leaves the site; ignored")
        return None
    return folder


def _decap(site, name, text):
    config = frontmatter.load_yaml(text, what="")
    problems, found = [], []
    collections = config.get("collections")
    if not isinstance(collections, list):
        return [], [f"{name}: no collections list"]
    for entry in collections:
        if not isinstance(entry, dict):
            continue
        folder = _folder(entry.get("folder"), name, problems)
        if folder is None:
            continue  # a file collection (settings pages), not a folder of entries
        fields = {}
        for item in entry.get("fields") if isinstance(entry.get("fields"), list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            widget = str(item.get("widget", "")).lower()
            kind = (
                "date"
                if widget in DATE_WIDGETS
                else "image"
                if widget in IMAGE_WIDGETS
                else "list"
                if widget in LIST_WIDGETS
                else "body"
                if widget == "markdown"
                else None
            )
            if kind:
                fields[item["name"]] = kind
        slug = entry.get("slug") if isinstance(entry.get("slug"), str) else ""
        found.append(Collection(str(entry.get("name") or folder), folder, fields, slug))
    return found, problems


def _forestry(site, name, text):
    config = frontmatter.load_yaml(text, what="")
    problems, found = [], []
    sections = config.get("sections")
    for entry in sections if isinstance(sections, list) else []:
        if not isinstance(entry, dict) or entry.get("type") not in ("directory", "jekyll-posts"):
            continue
        folder = _folder(entry.get("path"), name, problems)
        if folder is None:
            continue
        fields = {}
        templates = entry.get("templates") if isinstance(entry.get("templates"), list) else []
        for template in templates:
            if not isinstance(template, str) or "/" in template or template.startswith("."):
                continue
            template_file = f"{FORESTRY_TEMPLATES}/{template}.yml"
            if not (site.root / template_file).is_file():
                problems.append(f"{name}: template {template!r} has no {template_file}")
                continue
            try:
                loaded = frontmatter.load_yaml(read_text(site, template_file), what="")
            except ImportFileError as exc:
                problems.append(f"{template_file}: {exc}")
                continue
            items = loaded.get("fields")
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                    continue
                kind = {"datetime": "date", "file": "image", "image_gallery": "image"}.get(
                    str(item.get("type")), "list" if item.get("type") in LIST_WIDGETS else None
                )
                if kind:
                    fields[item["name"]] = kind
        label = entry.get("label") or folder
        found.append(Collection(str(label), folder, fields))
    return found, problems


def _tina(site, name, text):
    config, problems = jsliteral.exported_object(text)
    problems = [f"{name}: {p}" for p in problems]
    schema = config.get("schema")
    collections = schema.get("collections") if isinstance(schema, dict) else None
    if not isinstance(collections, list):
        if config:
            problems.append(f"{name}: schema.collections is not a literal list; not read")
        return [], problems
    found = []
    for entry in collections:
        if not isinstance(entry, dict):
            problems.append(f"{name}: a collection `{entry}` is not a literal; not read")
            continue
        folder = _folder(entry.get("path"), name, problems)
        if folder is None:
            continue
        fields = {}
        items = entry.get("fields")
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            kind = item.get("type")
            if item.get("isBody") is True:
                fields[item["name"]] = "body"
            elif kind == "datetime":
                fields[item["name"]] = "date"
            elif kind == "image":
                fields[item["name"]] = "image"
            elif item.get("list") is True and kind == "string":
                fields[item["name"]] = "list"
        found.append(Collection(str(entry.get("name") or folder), folder, fields))
    return found, problems


_MEANINGS = {
    "date": "the publish date",
    "image": "the hero image",
    "list": "tags",
}


def key_meanings(found, meanings: dict) -> dict:
    """``meanings`` with the posts' fields the CMS types (``published_on``: the
    publish date, as the CMS's datetime field), for --inspect."""
    posts = found.posts if found else None
    if posts is None:
        return meanings
    extra = {
        key: f"{_MEANINGS[kind]}, when the post has no {target} (a {kind} field of {found.kind})"
        for key, kind in posts.fields.items()
        if key not in meanings and kind in _MEANINGS
        for target in [{"date": "date", "image": "image", "list": "tags"}[kind]]
    }
    return {**meanings, **extra}
