"""Export the site as the files of its generator: the other half of importing.

``export_site(output)`` writes posts, pages (with their sections), authors, tags and
categories, the site's configuration, its redirect files and the original images,
in the layout the site was imported from (its dialect, blog/importing/dialects), or
the one ``dialect`` names; a site made in Folio gets the Stackbit (Azimuth) layout.

What decides how each file is written (docs/importing.md, "Exporting a site"):

- **as imported**: the file the import read (``blog.SourceFile``), byte for byte,
  while every object it made is as the import left it (its state, in the dialects'
  common vocabulary, equals the one recorded: blog/importing/sources.py);
- **rewritten**: that file with only the keys whose value changed rewritten in place
  (blog/exporting/matter.py), unknown keys and comments kept, the body as edited;
- **new**: content made in Folio, written the way the dialect writes it;
- **left out**: imported content deleted in Folio.

Where a file cannot come back as it was, its note says why. One bad object never
stops the others; nothing raises past :func:`export_site` but the output's own
failure (a full disk).
"""

import codecs
import datetime
import hashlib
import re
from collections import Counter
from pathlib import PurePosixPath
from types import SimpleNamespace

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Count, Max

from blog.importing import dialects, frontmatter
from blog.importing import sources as kept
from blog.importing.addresses import REDIRECT_FILES
from blog.models import Post, Redirect, SourceFile
from pages.models import Page

from . import matter
from .data import DataFiles
from .matter import REMOVE
from .output import Folder, OutputError, ZipOutput
from .result import AS_IMPORTED, LEFT_OUT, NEW, REWRITTEN, ExportResult, FileNote

__all__ = [
    "AS_IMPORTED",
    "LEFT_OUT",
    "NEW",
    "PARTS",
    "REWRITTEN",
    "ExportResult",
    "Folder",
    "OutputError",
    "ZipOutput",
    "export_site",
]
CHUNK = 500
#: While images are copied, ``progress`` is called again after this many.
IMAGES_PER_PROGRESS = 100

#: What ``--only`` may name, and the recorded kinds each covers.
PARTS = {
    "posts": {"post", "skipped", "redirect"},
    "pages": {"page"},
    "authors": {"author"},
    "tags": {"tag", "category"},
    "settings": {"site settings", "config"},
    "redirects": {"redirects"},
    "images": {"image"},
}


def export_site(output, *, dialect: str | None = None, only=None, progress=None) -> ExportResult:
    """Write the site into ``output`` (:class:`Folder` or :class:`ZipOutput`).

    ``only``: the :data:`PARTS` to write (default: all). ``progress(done, total)`` is
    called as posts and pages are written. ValueError for an unknown dialect or part.
    """
    parts = set(only or PARTS)
    if unknown := parts - set(PARTS):
        raise ValueError(
            f"unknown part {', '.join(sorted(unknown))}: choose from {', '.join(PARTS)}"
        )
    return _Exporter(output, dialect, parts, progress).run()


def site_root() -> tuple[str, str]:
    """(root, dialect) of the site the database was imported from: the root most files
    were kept from ("", "" for a site made in Folio)."""
    found = (
        SourceFile.objects.values("root", "dialect").annotate(files=Count("pk")).order_by("-files")
    ).first()
    return (found["root"], found["dialect"]) if found else ("", "")


class _Exporter(DataFiles):
    def __init__(self, output, dialect, parts, progress):
        self.output = output
        self.parts = parts
        self.progress = progress
        self.root, imported = site_root()
        name = dialect or imported or dialects.DEFAULT
        self.dialect = dialects.named(name)()
        #: Original bytes only for the layout they were written in.
        self.originals = bool(self.root) and self.dialect.name == imported
        self.result = ExportResult(dialect=self.dialect.name)
        rows = (
            SourceFile.objects.filter(root=self.root)
            if self.originals
            else SourceFile.objects.none()
        )
        self.catalogue = {path: kind for path, kind in rows.values_list("path", "kind")}
        #: (storage name, original path) of every imported image; the same bytes may
        #: have had several paths.
        self.image_paths = list(rows.filter(kind="image").values_list("stored_name", "path"))
        self.images = dict(reversed(self.image_paths))  # storage name -> its first path
        self.uploads = {}  # storage name of an image made in Folio -> where it is written
        self.written = {}  # path -> kind
        posts = [path for path, kind in self.catalogue.items() if kind == "post"]
        common = Counter(path.rpartition("/")[0] for path in posts).most_common(1)
        folders = self.dialect.folders()
        default = self.dialect.new_posts_folder or folders.posts
        self.posts_folder = common[0][0] if common else default.strip("./")
        self.static_folder = folders.static.strip("./")

    def run(self) -> ExportResult:
        steps = [
            ("posts", self._posts),
            ("pages", self._pages),
            ("authors", self._authors),
            ("tags", self._tags),
            ("settings", self._settings),
        ]
        self.total = (Post.objects.count() if "posts" in self.parts else 0) + (
            Page.objects.count() if "pages" in self.parts else 0
        )
        self.done = 0
        for part, step in steps:
            if part in self.parts:
                self._isolated(part, step)  # (each object is isolated within its step)
        if "redirects" in self.parts:
            self._isolated("_redirects", self._redirects)
        self._isolated("the other kept files", self._remaining)
        self._images()
        self.output.close()
        return self.result

    # -- writing -------------------------------------------------------------------

    def _write(self, path, data: bytes, kind, how, detail=""):
        path = _safe(path)
        digest = hashlib.sha256(data).digest()
        if path in self.written:
            if self.written[path][1] == digest:
                return  # one file that says two things (a site author in _config.yml)
            self.result.problems.append(
                f"{path}: {kind} written twice (also the {self.written[path][0]}); the second "
                "was left out"
            )
            return
        self.written[path] = (kind, digest)
        self.output.write(path, data)
        self.result.files.append(FileNote(path, kind, how, detail))

    def _isolated(self, what, work, *args):
        try:
            work(*args)
        except OutputError:
            raise  # (a full disk: no other file could be written either)
        except Exception as exc:  # noqa: BLE001 - one object never stops the export
            self.result.problems.append(
                f"{what}: could not be written ({type(exc).__name__}: {exc})"
            )

    def _tick(self):
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)

    def _rows(self, paths) -> dict:
        if not self.originals:
            return {}
        rows = SourceFile.objects.filter(root=self.root, path__in=list(paths))
        return {row.path: row for row in rows}

    def _own(self, obj) -> str:
        """The file an imported object was read from ("" for content made in Folio)."""
        if not self.originals or obj.source_root not in (self.root, ""):
            return ""
        return obj.source_path.split("#")[0]

    # -- posts ---------------------------------------------------------------------

    def _posts(self):
        ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            posts = kept.posts(Post.objects.filter(pk__in=ids[start : start + CHUNK]))
            rows = self._rows(self._own(post) for post in posts)
            for post in posts:
                self._isolated(f"post {post.slug}", self._post, post, rows.get(self._own(post)))
                self._tick()

    def _post(self, post, row):
        self._content("post", post, row, kept.post_state(post), _post_move, self._new_post_path)

    def _new_post_path(self, post):
        return f"{self.posts_folder}/{self.dialect.new_post_name(post)}".lstrip("/")

    # -- pages ---------------------------------------------------------------------

    def _pages(self):
        pages = kept.pages(Page.objects.order_by("pk"))
        rows = self._rows(self._own(page) for page in pages)
        for page in pages:
            self._isolated(f"page {page.path}", self._page, page, rows.get(self._own(page)))
            self._tick()

    def _page(self, page, row):
        state = kept.page_state(page)
        self._content("page", page, row, state, _page_move, self.dialect.new_page_path)

    # -- a markdown file: as imported, rewritten, or new ----------------------------

    def _content(self, kind, obj, row, state, move, new_path):
        """Write a post or page: the bytes it was imported from while its ``state`` is
        the recorded one, else that file rewritten (``move``: its new path when its
        address changed), else a new file at ``new_path(obj)``."""
        old = row.states.get(f"{kind}:{obj.source_path}") if row else None
        if old == state:
            return self._write(row.path, bytes(row.data), kind, AS_IMPORTED)
        if old is not None:
            return self._rewrite(row, old, state, kind, obj.body, move)
        path = new_path(obj)
        mapping = self._new_mapping(state)
        self._write(path, self._markdown(mapping, obj.extra, obj.body, path), kind, NEW)

    def _rewrite(self, row, old, new, kind, body, move):
        data = bytes(row.data)
        text = ("\ufeff" if data.startswith(codecs.BOM_UTF8) else "") + frontmatter.decode(data)
        parts = matter.split(text)  # (the byte-order mark kept in its head)
        if parts is None:
            raise ValueError("its front matter can no longer be found")
        present = matter.load(parts.format, parts.text) if parts.text.strip() else {}
        notes = []
        path = row.path
        changes = self._changes(old, new, present, path)
        if old.get("slug", new.get("slug")) != new.get("slug") or old.get("path") != new.get(
            "path"
        ):
            path, change, note = move(self.dialect, row.path, present, old, new)
            changes.update(change)
            notes.append(note)
        parts.text = matter.rewrite(parts.format, parts.text, changes)
        if old["body"] != new["body"]:
            parts.body = self._body(body, path, matter.newline_of(text))
            if self.dialect.body_conversion:
                notes.append(
                    f"the body was edited in Folio: written as Folio keeps it, with the "
                    f"{self.dialect.body_conversion} the import converted"
                )
        changed = ", ".join(
            sorted({*changes} | ({"body"} if old["body"] != new["body"] else set()))
        )
        detail = "; ".join([f"changed: {changed}" if changed else "", *notes]).strip("; ")
        self._write(path, matter.join(parts).encode(), kind, REWRITTEN, detail)

    def _changes(self, old, new, present, path) -> dict:
        """{front-matter key: value or REMOVE} for every field whose value changed."""
        changes = {}
        lower = {str(key).lower(): key for key in present}
        for name, value in new.items():
            if name in ("body", "slug", "path", "extra") or old.get(name) == value:
                continue
            if name in ("seo_title", "seo_description") and isinstance(present.get("seo"), dict):
                seo = dict(changes.get("seo", present["seo"]))
                seo[name.removeprefix("seo_")] = value
                changes["seo"] = seo
                continue
            candidates = self.dialect.written_keys.get(name, (name,))
            key = next((lower[c.lower()] for c in candidates if c.lower() in lower), None)
            written = self._value(name, value, key or candidates[0], path)
            if key is None and written is REMOVE:
                continue
            changes[key or candidates[0]] = written
        for name in {*old.get("extra", {}), *new.get("extra", {})}:
            before, after = old.get("extra", {}).get(name), new.get("extra", {}).get(name)
            if before != after:
                changes[name] = REMOVE if name not in new.get("extra", {}) else after
        return changes

    def _value(self, name, value, key, path):
        """A field's value as the dialect writes it under ``key``."""
        if name == "draft":
            return (not value) if key.lower() == "published" else value
        if value in (None, "", []):
            return REMOVE
        if name in ("date", "expire_at"):
            return datetime.datetime.fromisoformat(value)
        if name in ("image", "thumb_image", "photo"):
            return self._image_reference(value, path)
        if name == "author":
            written = self.dialect.author_value(value)
            return [written] if key.lower() == "authors" else written  # (Hugo's list)
        return value

    def _new_mapping(self, state) -> dict:
        """The fields of a state that new content writes (none empty, no false draft)."""
        mapping = {}
        for name, value in state.items():
            if name in ("body", "slug", "path", "extra") or value in (None, "", []):
                continue
            if name == "draft" and not value:
                continue
            mapping[name] = value
        return mapping

    def _markdown(self, state, extra, body, path) -> bytes:
        keys = self.dialect.written_keys
        mapping = {}
        for name, value in state.items():
            key = keys.get(name, (name,))[0]
            written = self._value(name, value, key, path)
            if written is not REMOVE:
                mapping[key] = written
        for key, value in (extra or {}).items():
            mapping.setdefault(key, value)
        fmt = self.dialect.front_matter
        delimiter = "+++" if fmt == "toml" else "---"
        head = matter.write_new(fmt, mapping)
        if fmt == "json":
            return (head + self._body(body, path, "\n")).encode()
        return f"{delimiter}\n{head}{delimiter}\n{self._body(body, path, chr(10))}".encode()

    def _body(self, body, path, newline):
        """A body as Folio keeps it, its stored images named as the site names them."""
        media = re.escape(settings.MEDIA_URL)

        def original(match):
            return self._image_reference(match.group(1), path)

        text = re.sub(media + r"""([^\s)"'<>]+)""", original, body)
        text = text.replace("\r\n", "\n")
        if text and not text.endswith("\n"):
            text += "\n"
        return text.replace("\n", newline)

    def _image_reference(self, stored, path):
        source = self.images.get(stored)
        if source is None:
            source = self._upload(stored)
        return self.dialect.image_reference(source, path) if source else stored

    def _upload(self, stored):
        """Where an image made in Folio (an upload) is written: the static folder."""
        if stored not in self.uploads:
            name = PurePosixPath(stored).name
            self.uploads[stored] = f"{self.static_folder}/images/{name}".lstrip("/")
        return self.uploads[stored]

    def _redirects(self):
        """Folio's own redirects since the import (a changed slug's, the admin's) in
        the site's ``_redirects`` (Netlify's format, which the importer reads for every
        generator); a new ``_redirects`` when the site had none. Redirects into media
        storage (the old addresses of images) are Folio's, never the site's."""
        made = Redirect.objects.exclude(new_path__startswith=settings.MEDIA_URL)
        if self.root:
            rows = SourceFile.objects.filter(root=self.root)
            made = made.filter(created__gt=rows.aggregate(Max("recorded"))["recorded__max"])
        made = list(made.order_by("old_path").values_list("old_path", "new_path"))
        if not made:
            return
        lines = "".join(f"{old} {new} 301\n" for old, new in made)
        kept_file = next(
            (name for name in REDIRECT_FILES if self.catalogue.get(name) == "redirects"), None
        )
        if kept_file is None or kept_file.endswith(".toml"):
            detail = f"{len(made)} redirects made in Folio, in Netlify's format"
            return self._write("_redirects", lines.encode(), "redirects", NEW, detail)
        text = frontmatter.decode(bytes(self._rows([kept_file])[kept_file].data))
        newline = matter.newline_of(text)
        if not text.endswith(("\n", "\r")):
            text += newline
        text += lines.replace("\n", newline)
        detail = f"added: {len(made)} redirects made in Folio"
        self._write(kept_file, text.encode(), "redirects", REWRITTEN, detail)

    def _remaining(self):
        """Every other kept file of the parts asked for: redirect files, listing pages
        and redirect-only files as they were; imported content deleted since, left out."""
        wanted = set().union(*(PARTS[part] for part in self.parts)) - {"image"}
        missing = [
            path
            for path, kind in self.catalogue.items()
            if kind in wanted and path not in self.written
        ]
        gone = {"post", "page", "author", "tag", "category", "site settings"}
        for start in range(0, len(missing), CHUNK):
            for row in self._rows(missing[start : start + CHUNK]).values():
                if row.kind in gone:
                    note = FileNote(row.path, row.kind, LEFT_OUT, "deleted in Folio")
                    self.result.files.append(note)
                else:
                    self._write(row.path, bytes(row.data), row.kind, AS_IMPORTED)

    def _images(self):
        """The original image files under their original paths (streamed from media
        storage), and images made in Folio that exported content names."""
        if "images" not in self.parts:
            return
        found = [*self.image_paths, *self.uploads.items()]
        for n, (stored, path) in enumerate(found, 1):
            self._isolated(path, self._image, stored, path)
            if self.progress and n % IMAGES_PER_PROGRESS == 0:
                # Still going: the admin takes an export that stops moving for minutes
                # for one whose process died (jobs.stalled).
                self.progress(self.done, self.total)

    def _image(self, stored, path):
        how = NEW if stored in self.uploads else AS_IMPORTED
        path = _safe(path)
        if path in self.written:
            return
        with default_storage.open(stored, "rb") as file:
            self.output.write_file(path, file)
        self.written[path] = ("image", b"")
        self.result.files.append(FileNote(path, "image", how))


def _post_move(dialect, path, present, old, new):
    """(new path, front-matter changes, note) of a post whose slug changed: its ``slug``
    key when the file has one, else the file (or its bundle's folder) renamed."""
    slug_key = next((key for key in present if str(key).lower() == "slug"), None)
    if slug_key:
        return path, {slug_key: new["slug"]}, f"slug changed to {new['slug']}"
    folder, _, name = path.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if stem == "index" and folder:
        parent = folder.rpartition("/")[0]
        moved = f"{parent}/{new['slug']}/{name}".lstrip("/")
    else:
        dated = re.match(r"\d{4}-\d{2}-\d{2}-", stem)
        moved = f"{folder}/{dated.group(0) if dated else ''}{new['slug']}{dot}{suffix}".lstrip("/")
    return moved, {}, f"moved from {path}: its slug changed to {new['slug']}"


def _page_move(dialect, path, present, old, new):
    """(path, changes, note) of a page whose address changed: its address key when the
    file has one, else written where a new page at that address is."""
    for key in ("stackbit_url_path", "permalink", "url"):
        found = next((k for k in present if str(k).lower() == key), None)
        if found:
            return path, {found: new["path"]}, f"address changed to {new['path']}"

    moved = dialect.new_page_path(SimpleNamespace(path=new["path"]))
    return moved, {}, f"moved from {path}: its address changed to {new['path']}"


def _safe(path: str) -> str:
    """A site-relative POSIX path that stays inside the output."""
    parts = [
        part for part in PurePosixPath(path.replace("\\", "/")).parts if part not in ("/", ".")
    ]
    if not parts or ".." in parts:
        raise ValueError(f"{path!r} is not a path inside the site")
    return "/".join(parts)
