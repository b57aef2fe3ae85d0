"""Import a whole Azimuth-style site: plan per file, then apply per file atomically.

Each source file gets exactly one :class:`FileReport` saying what happened to it
(created / updated / unchanged / conflict / skipped / error) and why. A dry run
walks the same code path and stops short of every write, so it reports exactly what
a real run would do.
"""

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction

from authors.models import Author
from blog.models import Post, Tag

from . import frontmatter, images, records
from .errors import ImportFileError
from .paths import Site

logger = logging.getLogger(__name__)

# Bump when the importer's interpretation of a file changes, so re-runs refresh posts.
IMPORTER_VERSION = "1"
MARKDOWN_SUFFIXES = {".md", ".markdown"}
AUTHOR_SUFFIXES = {".yaml", ".yml", ".json"}

# Link and image destinations in markdown (inline and reference definitions) and
# src/href attributes in raw HTML: the places a body can point at a site file.
_URL_PATTERNS = [
    re.compile(r"(?P<lead>\]\(\s*<?)(?P<url>[^)\s>]+)"),
    re.compile(r"(?m)(?P<lead>^ {0,3}\[[^\]\n]+\]:\s*<?)(?P<url>[^\s>]+)"),
    re.compile(
        r"(?i)(?P<lead><(?:img|a|source)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?)(?P<url>[^\"'\s>]+)"
    ),
]
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".bmp", ".tif")


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass
class FileReport:
    path: str
    kind: str  # post, author, tag
    action: Action
    detail: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    dry_run: bool
    reports: list[FileReport] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        totals = {action.value: 0 for action in Action}
        for report in self.reports:
            totals[report.action.value] += 1
        return totals

    @property
    def failed(self) -> bool:
        return any(report.action == Action.ERROR for report in self.reports)

    @property
    def warning_count(self) -> int:
        return sum(len(report.warnings) for report in self.reports)


@dataclass
class ImportOptions:
    dry_run: bool = False
    force: bool = False
    site_url: str = ""
    posts_dir: str | None = None
    authors_dir: str | None = None
    static_dir: str | None = None


def import_site(root, options: ImportOptions | None = None, progress=None) -> ImportResult:
    """Import every author, tag and post of the site at ``root``.

    ``progress(done, total)`` is called as posts are processed. Raises ImportFileError
    only when the site itself cannot be read (no such folder); every problem with a
    single file is reported in the result instead.
    """
    options = options or ImportOptions()
    site = Site.at(root, options.posts_dir, options.authors_dir, options.static_dir)
    return _Importer(site, options).run(progress)


class _Importer:
    def __init__(self, site: Site, options: ImportOptions):
        self.site = site
        self.options = options
        self.dry_run = options.dry_run
        self.site_host = (urlsplit(options.site_url).hostname or "") if options.site_url else ""
        self.result = ImportResult(dry_run=options.dry_run)
        self.max_file_bytes = settings.FOLIO_IMPORT_MAX_FILE_BYTES
        self.fingerprint = f"folio-import:{IMPORTER_VERSION}:{self.site_host}\n".encode()
        self.authors = {}  # source -> (pk or None, error message or None)
        self.tags = {}  # (kind, slug) -> pk
        self.images = {}  # source -> CheckedImage or ImageProblem message
        self.slugs_seen = {}  # slug -> source of the file that claimed it in this run

    # -- the run -------------------------------------------------------------------

    def run(self, progress=None) -> ImportResult:
        self.existing_posts = {
            row["source_path"]: row
            for row in Post.objects.exclude(source_path="").values(
                "pk", "slug", "source_path", "source_hash", "updated", "imported_at"
            )
        }
        self.slug_owners = dict(Post.objects.values_list("slug", "source_path"))
        self.existing_authors = {
            row["source_path"]: row
            for row in Author.objects.exclude(source_path="").values(
                "pk", "slug", "source_path", "source_hash", "updated", "imported_at"
            )
        }
        self.author_slugs = dict(Author.objects.values_list("slug", "source_path"))

        for path in self._files(self.site.authors_dir, AUTHOR_SUFFIXES, recursive=False):
            source = self.site.relative(path)
            self.authors[source] = self._author(source)
        for kind, source in records.tag_files(self.site):
            self._tag_file(kind, source)
        post_files = self._files(self.site.posts_dir, None, recursive=True)
        for done, path in enumerate(post_files, start=1):
            self._post(path)
            if progress:
                progress(done, len(post_files))
        return self.result

    def _files(self, directory: Path, suffixes, recursive):
        if not directory.is_dir():
            return []
        found = directory.rglob("*") if recursive else directory.iterdir()
        return sorted(
            p
            for p in found
            if (p.is_file() or p.is_symlink())
            and (suffixes is None or p.suffix.lower() in suffixes)
        )

    def _report(self, path, kind, action, detail="", warnings=()):
        report = FileReport(path, kind, action, detail, list(warnings))
        self.result.reports.append(report)
        return report

    def _read(self, source: str) -> bytes:
        """Bytes of a file inside the site, within the size limit."""
        path = self.site.resolve(source, what="file")
        size = path.stat().st_size
        if size > self.max_file_bytes:
            raise ImportFileError(
                f"{size:,} bytes is over the {self.max_file_bytes:,}-byte limit for one file "
                "(FOLIO_IMPORT_MAX_FILE_BYTES)"
            )
        return path.read_bytes()

    def _hash(self, data: bytes) -> str:
        return hashlib.sha256(self.fingerprint + data).hexdigest()

    @staticmethod
    def _edited_since_import(row) -> bool:
        return row["imported_at"] is None or row["updated"] > row["imported_at"]

    # -- authors -------------------------------------------------------------------

    def author(self, source: str):
        """The pk of the author imported from ``source`` (imported on first use)."""
        if source not in self.authors:
            self.authors[source] = self._author(source)
        pk, error = self.authors[source]
        if error:
            raise ImportFileError(f"author file {source}: {error}")
        return pk

    def _author(self, source):
        existing = self.existing_authors.get(source)
        try:
            data = self._read(source)
            digest = self._hash(data)
            if existing and existing["source_hash"] == digest and not self.options.force:
                self._report(source, "author", Action.UNCHANGED)
                return existing["pk"], None
            text = frontmatter.decode(data)
            if source.endswith(".json"):
                meta = _load_json(text)
            else:
                meta = frontmatter.load_yaml(text, what="")
            record = records.parse_author(Path(source), meta)
        except ImportFileError as exc:
            self._report(source, "author", Action.ERROR, str(exc))
            return None, str(exc)
        if existing and self._edited_since_import(existing) and not self.options.force:
            self._report(source, "author", Action.CONFLICT, _CONFLICT_MESSAGE)
            return existing["pk"], None
        warnings = []
        photo = None
        if record.photo:
            photo_source = records.static_path(
                self.site, record.photo, "photo", warnings, self.site_host
            )
            photo = self._image(photo_source, "photo", warnings) if photo_source else None
            if not photo_source and urlsplit(record.photo).scheme:
                record.extra["photo"] = record.photo  # an external photo URL: kept, not fetched
        action = Action.UPDATED if existing else Action.CREATED
        report = self._report(source, "author", action, warnings=warnings)
        if self.dry_run:
            return (existing or {}).get("pk"), None
        try:
            with transaction.atomic():
                author = Author.objects.get(pk=existing["pk"]) if existing else Author()
                author.slug = author.slug or self._author_slug(record.slug, source)
                author.first_name = record.first_name
                author.last_name = record.last_name
                author.bio = record.bio
                author.website = record.website
                author.extra = record.extra
                author.source_path = source
                author.source_hash = digest
                if photo:
                    author.photo.name = images.store(photo)
                author.save()
                Author.objects.filter(pk=author.pk).update(imported_at=author.updated)
        except DatabaseError as exc:
            report.action, report.detail = Action.ERROR, f"database refused it: {exc}"
            return None, report.detail
        return author.pk, None

    def _author_slug(self, stem, source):
        slug, n = records.tag_slug(stem) or "author", 1
        base = slug
        while self.author_slugs.get(slug, source) != source:
            n += 1
            slug = f"{base}-{n}"
        self.author_slugs[slug] = source
        return slug

    # -- tags ----------------------------------------------------------------------

    def _tag_file(self, kind, source):
        warnings = []
        ref = records.tag_from_file(self.site, source, kind, warnings)
        if ref is None:
            self._report(source, kind, Action.ERROR, "; ".join(warnings))
            return
        existing = Tag.objects.filter(kind=ref.kind, slug=ref.slug).first()
        unchanged = existing and (existing.name, existing.description, existing.source_path) == (
            ref.name,
            ref.description,
            ref.source,
        )
        if unchanged:
            self._report(source, kind, Action.UNCHANGED, warnings=warnings)
            self.tags[(ref.kind, ref.slug)] = existing.pk
            return
        self._report(
            source, kind, Action.UPDATED if existing else Action.CREATED, warnings=warnings
        )
        if not self.dry_run:
            self._save_tag(ref, existing)

    def _tag_pk(self, ref: records.TagRef):
        key = (ref.kind, ref.slug)
        if key not in self.tags:
            tag = Tag.objects.filter(kind=ref.kind, slug=ref.slug).first()
            self.tags[key] = tag.pk if tag else self._save_tag(ref, None)
        return self.tags[key]

    def _save_tag(self, ref, tag):
        tag = tag or Tag(kind=ref.kind, slug=ref.slug)
        tag.name = ref.name
        if ref.source:
            tag.description = ref.description
            tag.source_path = ref.source
        tag.save()
        self.tags[(ref.kind, ref.slug)] = tag.pk
        return tag.pk

    # -- images --------------------------------------------------------------------

    def _image(self, source, what, warnings):
        """The checked image at site-relative ``source``, or None with a warning."""
        if source not in self.images:
            try:
                self.images[source] = images.check(self.site.resolve(source), source)
            except (images.ImageProblem, ImportFileError, OSError) as exc:
                self.images[source] = str(exc)
        checked = self.images[source]
        if isinstance(checked, str):
            warnings.append(f"{what} {source}: {checked}; imported without it")
            return None
        return checked

    def _rewrite_body(self, body, warnings, used):
        """Point site-local links and images at their stored copies."""

        def replace(match):
            url = match.group("url")
            path = urlsplit(url).path.lower()
            is_image = path.endswith(_IMAGE_SUFFIXES)
            local = not urlsplit(url).scheme or urlsplit(url).hostname == self.site_host
            if not is_image or not local or url.startswith(("#", "mailto:")):
                return match.group(0)
            missing = []
            source = records.static_path(self.site, url, "image", missing, self.site_host)
            if source is None:
                warnings.extend(f"body {message}" for message in missing)
                return match.group(0)
            checked = self._image(source, "body image", warnings)
            if checked is None:
                return match.group(0)
            used.append(checked)
            return match.group("lead") + _media_url(checked.storage_name)

        for pattern in _URL_PATTERNS:
            body = pattern.sub(replace, body)
        return body

    # -- posts ---------------------------------------------------------------------

    def _post(self, path: Path):
        source = self.site.relative(path) if path.is_relative_to(self.site.root) else str(path)
        if path.suffix.lower() not in MARKDOWN_SUFFIXES:
            self._report(source, "post", Action.SKIPPED, "not a markdown file")
            return
        try:
            self._import_post(source)
        except ImportFileError as exc:
            self._report(source, "post", Action.ERROR, str(exc))
        except Exception as exc:  # a safety net: one file must never stop the others
            logger.exception("Unexpected error importing %s", source)
            self._report(source, "post", Action.ERROR, f"unexpected {type(exc).__name__}: {exc}")

    def _import_post(self, source):
        existing = self.existing_posts.get(source)
        data = self._read(source)
        digest = self._hash(data)
        if existing and existing["source_hash"] == digest and not self.options.force:
            self.slugs_seen[existing["slug"]] = source
            self._report(source, "post", Action.UNCHANGED)
            return
        meta_text, body, first_line = frontmatter.split(frontmatter.decode(data))
        meta = frontmatter.load_yaml(meta_text, first_line=first_line)
        post_like, reason = records.is_post(meta)
        if not post_like:
            self._report(source, "post", Action.SKIPPED, reason)
            return
        record = records.parse_post(self.site, Path(source), meta, body)
        self._claim_slug(record.slug, source)
        if existing and self._edited_since_import(existing) and not self.options.force:
            self._report(source, "post", Action.CONFLICT, _CONFLICT_MESSAGE, record.warnings)
            return
        author_pk = self.author(record.author_source) if record.author_source else None
        used_images = []
        body = self._rewrite_body(record.body, record.warnings, used_images)
        hero = record.image and self._image(record.image, "image", record.warnings)
        thumb = record.thumb_image and self._image(
            record.thumb_image, "thumb_image", record.warnings
        )
        action = Action.UPDATED if existing else Action.CREATED
        report = self._report(source, "post", action, warnings=record.warnings)
        if self.dry_run:
            return
        try:
            with transaction.atomic():
                for checked in {*used_images, *(i for i in (hero, thumb) if i)}:
                    images.store(checked)
                post = Post.objects.get(pk=existing["pk"]) if existing else Post()
                post.slug = record.slug
                post.title = record.title
                post.subtitle = record.subtitle
                post.publish_at = record.publish_at
                post.status = Post.Status.DRAFT if record.draft else Post.Status.PUBLISHED
                post.excerpt = record.excerpt
                post.body = body
                post.author_id = author_pk
                post.image.name = hero.storage_name if hero else ""
                post.thumb_image.name = thumb.storage_name if thumb else ""
                post.extra = record.extra
                post.source_path = source
                post.source_hash = digest
                post.save()
                post.tags.set([self._tag_pk(ref) for ref in record.tags])
                # Stamped after the last write, so "updated > imported_at" means an edit since.
                Post.objects.filter(pk=post.pk).update(imported_at=post.updated)
        except DatabaseError as exc:
            report.action, report.detail = Action.ERROR, f"database refused it: {exc}"

    def _claim_slug(self, slug, source):
        other = self.slugs_seen.get(slug)
        if other and other != source:
            raise ImportFileError(f"slug {slug!r} is also produced by {other}")
        owner = self.slug_owners.get(slug)
        if owner is not None and owner != source:
            where = f"imported from {owner}" if owner else "written in the admin"
            raise ImportFileError(f"slug {slug!r} already belongs to another post ({where})")
        self.slugs_seen[slug] = source


_CONFLICT_MESSAGE = (
    "edited in the admin since the last import; left as it is (use --force to overwrite)"
)


def _load_json(text):
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"JSON error at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise ImportFileError("JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise ImportFileError("author file must hold a JSON object")
    return frontmatter.to_plain(value, what="the file")


def _media_url(name):
    return default_storage.url(name)
