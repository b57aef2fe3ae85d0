"""Import a whole Azimuth-style site: plan per file, then write batches of files, each
batch atomically (and each file alone when its batch fails).

Authors and tags first, then posts, then pages (every other markdown file under the
pages folder, at the address the old site gave it).

Each source file gets exactly one :class:`FileReport` saying what happened to it
(created / updated / unchanged / conflict / skipped / error) and why. A dry run
walks the same code path and stops short of every write, so it reports exactly what
a real run would do.
"""

import ctypes
import gc
import hashlib
import logging
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

import django
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.urls import resolve, reverse

from authors.models import Author
from blog import changes
from blog.models import ImportRun, Post, PostRevision, Redirect, Tag
from folio.images import RenditionsMade, bulk_image_writes, make_missing_renditions
from pages import addresses as page_addresses
from pages.models import Page, Section, SectionItem
from search import indexing
from sitesettings.models import SiteSettings

from . import addresses, frontmatter, images, records, site_settings, sources
from . import sections as landing
from .errors import ImportConflict, ImportFileError
from .paths import Site
from .prepare import ContentReader, PreparedPost, Skipped, prepare_batch_in_worker, run_batch

logger = logging.getLogger(__name__)

# Bump when the importer's interpretation of a file changes, so re-runs refresh posts.
IMPORTER_VERSION = "2"
# Posts per unit of work sent to a worker, and how many posts make using workers worth it.
BATCH_SIZE = 32
PARALLEL_THRESHOLD = 400
# Changed files before workers are started, unless every file read so far changed
# (a first import): their start costs as much as preparing about this many here, and
# a re-run that finds a few changed files never starts them.
POOL_AFTER = 96


#: What :meth:`_Importer._isolated` returns for a file whose work failed.
FAILED = object()
# Prepared post files written per transaction (all or none of them, if killed).
WRITE_BATCH = 100


@dataclass
class _PostWrite:
    """What one post file writes, once it is known to be its to write."""

    source: str
    digest: str
    existing: dict | None  # the row it updates (the _imported() columns), or None
    prepared: "PreparedPost"
    author_pk: int | None
    addresses: list  # [OldAddress]
    report: "FileReport"  # its line in the result (replaced if the write fails)


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
    kind: str  # post, page, author, tag, category
    action: Action
    detail: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OldAddress:
    """An address the old site served, and where Folio answers it (a 301)."""

    old: str
    new: str
    origin: str  # what says so: "src/pages/posts/x.md (stackbit_url_path)", "_redirects line 3"


@dataclass
class ImportResult:
    dry_run: bool
    reports: list[FileReport] = field(default_factory=list)
    #: The URL map this run wrote (or, dry, would write).
    addresses: list[OldAddress] = field(default_factory=list)
    #: Problems of the run as a whole, not of one file (each says what to do).
    problems: list[str] = field(default_factory=list)
    #: The renditions made of the images the run stored, after its files (None: none
    #: were looked at, as in a dry run).
    renditions: RenditionsMade | None = None
    #: Whether the run wrote any content (or completed a stopped run's): False for a
    #: re-run that found every file unchanged, which has nothing to check again.
    wrote: bool = False

    def counts(self) -> dict[str, int]:
        totals = {action.value: 0 for action in Action}
        for report in self.reports:
            totals[report.action.value] += 1
        return totals

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(report.action == Action.ERROR for report in self.reports)

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
    pages_dir: str | None = None
    #: Read files that have other hard links too (blog.importing.paths.Site.read_bytes).
    allow_hard_links: bool = False
    #: Processes that parse and render posts, and resize images; None: one per core
    #: for large imports.
    workers: int | None = None
    #: The generator (blog/importing/dialects): None detects it from the site's files.
    dialect: str | None = None


def import_site(
    root,
    options: ImportOptions | None = None,
    progress=None,
    *,
    content_done=None,
    rendition_progress=None,
) -> ImportResult:
    """Import every author, tag, post and page of the site at ``root``.

    ``progress(done, total)`` is called as posts are processed. Images are stored as
    they are, and pages show them so; once every file is in, ``content_done(result)``
    is called, then the renditions of the new images are made on every core
    (``rendition_progress(done, total)`` after each image). Raises ImportFileError
    only when the site itself cannot be read (no such folder); every problem with a
    single file is reported in the result instead.
    """
    options = options or ImportOptions()
    site = Site.at(
        root,
        options.posts_dir,
        options.authors_dir,
        options.static_dir,
        allow_hard_links=options.allow_hard_links,
        pages_dir=options.pages_dir,
        dialect=options.dialect,
    )
    return _Importer(site, options).run(progress, content_done, rendition_progress)


class _Importer:
    def __init__(self, site: Site, options: ImportOptions):
        self.site = site
        self.options = options
        self.dry_run = options.dry_run
        self.site_host = (urlsplit(options.site_url).hostname or "") if options.site_url else ""
        self.result = ImportResult(dry_run=options.dry_run)
        self.fingerprint = f"folio-import:{IMPORTER_VERSION}:{self.site_host}\n".encode()
        self.reader = ContentReader(site, self.site_host)
        self.authors = {}  # source -> pk (None in a dry run), or FAILED
        self.tags = {}  # (kind, slug) -> pk
        self.stored = {}  # storage name -> site-relative sources of images stored this run
        self.image_paths = set()  # images whose old address this run has mapped
        self._bytes = {}  # source -> bytes of post files waiting to be prepared
        self.slugs_seen = {}  # slug -> source of the file that claimed it in this run
        self.paths_seen = {}  # page address -> source of the file that claimed it
        # What identifies this site in the database: posts and authors remember it, so a
        # file of another site with the same name or slug is never taken for theirs.
        self.root = str(site.root)
        self.run_row = None  # this run's ImportRun, from its first write on
        self.renditions = None  # folio.images.bulk_image_writes() of the run

    # -- the run -------------------------------------------------------------------

    def _writing(self):
        """Before the run's first write: its ImportRun row, which stays if the run is
        stopped before its end (an unchanged re-run writes nothing at all)."""
        if self.run_row is None:
            _compress_with_lz4(True)  # until the run ends (run())
            self.run_row = ImportRun.objects.create(root=self.root)

    def _imported(self, model, address="slug"):
        """{source path: row} of what was imported from this site before.

        Rows without a root were imported before roots were recorded: the first site
        to import their file again adopts them.
        """
        rows = model.objects.exclude(source_path="").filter(source_root__in=[self.root, ""])
        columns = ("pk", address, "source_path", "source_hash", "updated", "imported_at")
        return {row["source_path"]: row for row in rows.values(*columns)}

    def _run(self, progress):
        self.existing_posts = self._imported(Post)
        self.slug_owners = {
            slug: (root or self.root, path, pk)
            for slug, root, path, pk in Post.objects.values_list(
                "slug", "source_root", "source_path", "pk"
            )
        }
        self.existing_authors = self._imported(Author)
        self.author_slugs = {
            slug: (root or self.root, path)
            for slug, root, path in Author.objects.values_list("slug", "source_root", "source_path")
        }

        for source in self.site.dialect.author_sources(self.site):
            self._isolated(source, "author", self.author_pk, source, False)
        for kind, source in records.tag_files(self.site):
            self._isolated(source, kind, self._tag_file, kind, source)
        post_files = self.site.dialect.post_files(self.site)
        self._posts(post_files, progress)
        self._pages()
        for name in addresses.REDIRECT_FILES:
            if (self.site.root / name).is_file():
                self._isolated(name, "redirects", self._redirect_file, name)
        self._feed_aliases()
        # After the posts and pages: a menu link to a post names it, to follow its address.
        site_settings.import_settings(self)
        # What the files said, for a lossless export (blog/exporting/).
        sources.record(self)
        return self.result

    def run(self, progress=None, content_done=None, rendition_progress=None) -> ImportResult:
        # Post files are written in batches, a transaction each (with the new posts'
        # search documents); what else derives from the content (post links, page
        # cache, other search documents) is brought up to date once, for the whole
        # run, when it ends. Then the renditions of the images it stored are made, on
        # every core; pages show the originals until they are.
        # Runs stopped before their end (a SIGKILL) left their rows: completed below.
        interrupted = [] if self.dry_run else list(ImportRun.objects.values_list("pk", "started"))
        refreshed = False
        try:
            with bulk_image_writes() as renditions, changes.batch():
                self.renditions = renditions
                self._run(progress)
                if interrupted:
                    _complete_interrupted_run(min(started for _, started in interrupted))
        except Exception as exc:
            # Every file's own failure is caught where it happens (_isolated): what
            # reaches here failed after the files were written, refreshing what derives
            # from them. What was committed stays; the run says what to do about it.
            logger.exception("Import: the end-of-run refresh failed")
            self.result.problems.append(
                f"refreshing the search index, post links and page cache failed "
                f"({type(exc).__name__}: {exc}); every file written is kept. Run "
                "manage.py rebuild_search_index and manage.py invalidate_pages."
            )
        else:
            refreshed = True
        self.result.wrote = self.run_row is not None or bool(interrupted)
        if self.run_row is not None:
            _compress_with_lz4(False)
        counts = self.result.counts()
        if not self.dry_run and counts[Action.CREATED] + counts[Action.UPDATED]:
            try:
                _refresh_planner_statistics()
            except DatabaseError as exc:
                logger.warning("Import: ANALYZE failed: %s", exc)
        if content_done:
            content_done(self.result)
        if self.dry_run:
            return self.result
        # The run's row stays until its renditions exist: a run stopped while they are
        # made is completed, renditions included, by the next.
        _release_memory()  # before the rendition processes start: the run's peak
        made = self.result.renditions = renditions.make(self.options.workers, rendition_progress)
        if made.failed:
            self.result.problems.append(
                f"{len(made.failed)} resized copies of images could not be made "
                f"(first: {made.failed[0]}; the log says why). Pages show the original "
                "images until they exist; the next import, or manage.py make_renditions, "
                "makes them."
            )
            self._writing()
        elif refreshed:
            done = [pk for pk, _ in interrupted] + ([self.run_row.pk] if self.run_row else [])
            ImportRun.objects.filter(pk__in=done).delete()
        return self.result

    def _isolated(self, source, kind, work, *args):
        """``work(*args)`` for the file ``source``: whatever it raises becomes that
        file's one error line (or conflict line), and the run goes on with the next file.

        Every unit of per-file work runs through here (reading, preparing, applying;
        author and tag files), so no exception type needs to be foreseen. A write
        that fails rolls back with its transaction; the report the work may already
        have made for the file is replaced.
        """
        mark = len(self.result.reports)
        try:
            return work(*args)
        except Exception as exc:
            action, detail = self._failure(source, exc)
            reports = self.result.reports
            reports[mark:] = [report for report in reports[mark:] if report.path != source]
            self._report(source, kind, action, detail)
            return FAILED

    @staticmethod
    def _failure(source, exc):
        """(action, detail) of the report of a file whose work raised ``exc``."""
        if isinstance(exc, ImportConflict):
            return Action.CONFLICT, str(exc)
        if isinstance(exc, ImportFileError):
            return Action.ERROR, str(exc)
        if isinstance(exc, DatabaseError):
            return Action.ERROR, f"database refused it: {exc}"
        if isinstance(exc, OSError) and exc.strerror:  # a full disk, a lost mount
            where = f" ({exc.filename})" if exc.filename else ""
            detail = f"could not write it: {exc.strerror}{where}; nothing of it was saved"
            return Action.ERROR, detail
        logger.exception("Import of %s failed unexpectedly", source, exc_info=exc)
        return Action.ERROR, f"unexpected {type(exc).__name__}: {exc}"

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
        """Bytes of a file inside the site, within the size limit for one file."""
        return self.site.read_bytes(source)

    def _hash(self, data: bytes) -> str:
        return hashlib.sha256(self.fingerprint + data).hexdigest()

    @staticmethod
    def _edited_since_import(row) -> bool:
        return row["imported_at"] is None or row["updated"] > row["imported_at"]

    # -- authors -------------------------------------------------------------------

    def author_pk(self, source: str, required=True):
        """The pk of the author imported from ``source`` (imported on first use).

        With ``required``, an author file that could not be imported raises
        ImportFileError, for the post that names it.
        """
        if source not in self.authors:
            self.authors[source] = self._isolated(source, "author", self._author, source)
        pk = self.authors[source]
        if pk is FAILED:
            if not required:
                return None
            problem = next(r.detail for r in self.result.reports if r.path == source)
            raise ImportFileError(f"author file {source}: {problem}")
        return pk

    def _author(self, source):
        existing = self.existing_authors.get(source)
        dialect = self.site.dialect
        data = dialect.author_data(self.site, source, self._read)
        digest = self._hash(data)
        if existing and existing["source_hash"] == digest and not self.options.force:
            self._report(source, "author", Action.UNCHANGED)
            return existing["pk"]
        stem, meta = dialect.author_meta(source, data)
        record = records.parse_author(Path(stem), meta)
        if existing and self._edited_since_import(existing) and not self.options.force:
            self._report(source, "author", Action.CONFLICT, _CONFLICT_MESSAGE)
            return existing["pk"]
        warnings = []
        photo = None
        if record.photo:
            photo = self.reader.image_at(record.photo, "photo", warnings)
            if photo is None and _is_url(record.photo):
                record.extra["photo"] = record.photo  # an external photo URL: kept, not fetched
        action = Action.UPDATED if existing else Action.CREATED
        self._report(source, "author", action, warnings=warnings)
        if self.dry_run:
            return (existing or {}).get("pk")
        self._writing()
        with transaction.atomic():
            author = Author.objects.get(pk=existing["pk"]) if existing else Author()
            author.slug = author.slug or self._author_slug(record.slug, source)
            author.first_name = record.first_name
            author.last_name = record.last_name
            author.bio = record.bio
            author.website = record.website
            author.extra = record.extra
            author.source_root = self.root
            author.source_path = source
            author.source_hash = digest
            if photo:
                author.photo.name = self._store(photo)
            author.save()
            Author.objects.filter(pk=author.pk).update(imported_at=author.updated)
        return author.pk

    def _author_slug(self, stem, source):
        slug, n = records.tag_slug(stem) or "author", 1
        base = slug
        while self.author_slugs.get(slug, (self.root, source)) != (self.root, source):
            n += 1
            slug = f"{base}-{n}"
        self.author_slugs[slug] = (self.root, source)
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
        self._writing()
        tag = tag or Tag(kind=ref.kind, slug=ref.slug)
        tag.name = ref.name
        if ref.source:
            tag.description = ref.description
            tag.source_path = ref.source
        tag.save()
        self.tags[(ref.kind, ref.slug)] = tag.pk
        return tag.pk

    def _store(self, checked):
        if checked.storage_name not in self.stored:
            images.store(self.site, checked)
        self.stored.setdefault(checked.storage_name, set()).add(checked.source)
        return checked.storage_name

    # -- posts ---------------------------------------------------------------------

    def _posts(self, paths, progress):
        """Read every post file; prepare the changed ones (on all cores when there are
        many), and apply each in order in this process."""
        pending = []  # (source, digest, existing) of files sent to be prepared
        writes = []  # _PostWrite of prepared files, waiting to be written together
        batches = deque()  # batches of pending, in flight
        pool = None
        done = 0

        def finish(submitted):
            nonlocal done
            batch, data, future = submitted
            if isinstance(future, list):  # prepared here
                outcomes = dict(future)
            else:
                try:
                    outcomes = dict(future.result())
                except Exception as exc:  # the worker died or could not send its answer
                    logger.warning("Import: a worker failed (%r); preparing here instead", exc)
                    outcomes = dict(run_batch(self.reader, data))
            for source, digest, existing in batch:
                write = self._isolated(
                    source, "post", self._apply_post, source, digest, existing, outcomes[source]
                )
                if isinstance(write, _PostWrite):
                    writes.append(write)
                done += 1
                if progress:
                    progress(done, len(paths))
            if len(writes) >= WRITE_BATCH:
                self._write_posts(writes)
                writes.clear()

        def start_workers(changed, read):
            """Worker processes, once enough files have changed to pay for their start
            (at once when the caller asked for them, or when every file has changed)."""
            nonlocal pool
            wanted = self.options.workers or changed >= POOL_AFTER or changed == read
            if pool is None and workers > 1 and wanted:
                # forkserver: workers never inherit this process's database connections.
                context = multiprocessing.get_context("forkserver")
                pool = ProcessPoolExecutor(workers, mp_context=context, initializer=django.setup)

        workers = self._worker_count(len(paths))
        changed = read = 0
        try:
            for path in paths:
                read += 1
                source = self.site.relative(path)
                item = self._isolated(source, "post", self._read_post, path, source)
                if item is None or item is FAILED:
                    done += 1
                    continue
                pending.append(item)
                changed += 1
                if len(pending) >= BATCH_SIZE:
                    start_workers(changed, read)
                    batches.append(self._submit(pool, pending))
                    pending = []
                    while len(batches) > 2 * workers:
                        finish(batches.popleft())
            if pending:
                start_workers(changed, read)
                batches.append(self._submit(pool, pending))
            while batches:
                finish(batches.popleft())
            if writes:
                self._write_posts(writes)
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)

    def _worker_count(self, files):
        if self.options.workers is not None:
            return max(1, self.options.workers)
        return min(os.cpu_count() or 1, 4) if files >= PARALLEL_THRESHOLD else 1

    def _submit(self, pool, batch):
        """(batch, its data, its outcomes or their future)."""
        data = [(source, self._bytes.pop(source)) for source, _, _ in batch]
        if pool is None:
            return batch, data, run_batch(self.reader, data)
        context = (self.site, self.site_host, _worker_settings())
        try:
            return batch, data, pool.submit(prepare_batch_in_worker, context, data)
        except Exception as exc:  # the workers could not start, or are gone
            logger.warning("Import: workers unavailable (%r); preparing here instead", exc)
            return batch, data, run_batch(self.reader, data)

    def _read_post(self, path: Path, source: str):
        """(source, digest, existing) of a file to prepare, or None once reported."""
        if path.suffix.lower() not in self.site.dialect.post_suffixes:
            self._report(source, "post", Action.SKIPPED, "not a markdown file")
            return None
        existing = self.existing_posts.get(source)
        data = self._read(source)
        digest = self._hash(data)
        if existing and existing["source_hash"] == digest and not self.options.force:
            self.slugs_seen[existing["slug"]] = source
            self._report(source, "post", Action.UNCHANGED)
            return None
        self._bytes[source] = data
        return source, digest, existing

    def _apply_post(self, source, digest, existing, outcome):
        if isinstance(outcome, str):
            raise ImportFileError(outcome)
        if isinstance(outcome, Skipped) and outcome.redirect_to:
            return self._redirect_only(source, outcome.redirect_to, outcome.addresses, [])
        if isinstance(outcome, Skipped):
            self._report(source, "post", Action.SKIPPED, outcome.reason)
            return
        record = outcome.record
        existing = self._claim_slug(record.slug, source, existing)
        if existing and self._edited_since_import(existing) and not self.options.force:
            self._report(source, "post", Action.CONFLICT, _CONFLICT_MESSAGE, record.warnings)
            return
        author_pk = self.author_pk(record.author_source) if record.author_source else None
        self._check_address(record)
        old_addresses = self._post_addresses(source, outcome)
        action = Action.UPDATED if existing else Action.CREATED
        report = self._report(source, "post", action, warnings=record.warnings)
        if not self.dry_run:
            return _PostWrite(source, digest, existing, outcome, author_pk, old_addresses, report)

    def _write_posts(self, writes):
        """Write these files' posts in one transaction; if it fails, each file in its
        own, so a file that cannot be written fails alone (its report says why).

        New posts are inserted in bulk (the post, its revision, its tags: a few
        statements for the whole batch instead of a dozen per post); a post that
        exists is saved as the admin saves it. A killed import leaves each batch
        written whole or not at all.
        """
        self._writing()
        try:
            self._write_batch(writes)
        except Exception as exc:
            if len(writes) == 1:
                self._failed_write(writes[0], exc)
                return
            for write in writes:
                try:
                    self._write_batch([write])
                except Exception as exc:
                    self._failed_write(write, exc)

    def _failed_write(self, write, exc):
        """The file's report says why its write failed (its earlier report, replaced
        in place, so the result keeps the files' order)."""
        action, detail = self._failure(write.source, exc)
        report = write.report
        report.action, report.detail, report.warnings = action, detail, []

    def _write_batch(self, writes):
        for write in writes:
            for checked in write.prepared.images:
                self._store(checked)
        known_tags = dict(self.tags)  # tags created in a transaction that rolls back are not
        try:
            with transaction.atomic():
                changes.serialize()
                new = []
                for write in writes:
                    if write.existing:
                        self._write_post(write)
                    else:
                        new.append(write)
                    self._write_addresses(write.addresses)
                if new:
                    self._insert_posts(new)
        except BaseException:
            self.tags = known_tags
            raise

    # -- the old site's addresses ------------------------------------------------------

    def _post_addresses(self, source, prepared: PreparedPost):
        """[OldAddress] that keep working every address the old site served the post
        and its images at."""
        record = prepared.record
        new = reverse("blog:post-detail", kwargs={"slug": record.slug})
        # (old, origin), answered by the post; or (old, origin, target): a dialect's
        # address of something else the post brings (a term page, its feed).
        mapped = [
            self._old_address(old, (target or [new])[0], f"{source} ({origin})", record.warnings)
            for old, origin, *target in record.addresses
            if old
        ]
        for checked in prepared.images:
            if checked.source in self.image_paths:
                continue
            self.image_paths.add(checked.source)
            new = default_storage.url(checked.storage_name)
            if not new.startswith("/"):  # (media on another host: no redirect there)
                continue
            for old in self.site.dialect.static_addresses(self.site, checked.source):
                origin = f"{checked.source} (its place)"
                mapped.append(self._old_address(old, new, origin, record.warnings))
        return [address for address in mapped if address]

    def _redirect_file(self, name):
        """The rules of the site's _redirects or netlify.toml, as rows of the URL map."""
        text = frontmatter.decode(self._read(name))
        rules, warnings = addresses.redirect_rules(name, text)
        total = len(rules) + len(warnings)
        mapped = []
        for rule in rules:
            # One hop: a rule's target may be an old address too.
            onward = Redirect.objects.filter(old_path=rule.new).values_list("new_path", flat=True)
            new = onward.first() or rule.new
            mapped.append(self._old_address(rule.old, new, rule.origin, warnings))
        mapped = [address for address in mapped if address]
        in_place = dict(
            Redirect.objects.filter(old_path__in=[a.old for a in mapped]).values_list(
                "old_path", "new_path"
            )
        )
        changed = [address for address in mapped if in_place.get(address.old) != address.new]
        detail = f"{len(mapped)} of {total} rules kept as redirects"
        if not mapped:
            action = Action.SKIPPED
        elif not changed:
            action = Action.UNCHANGED
        else:
            action = Action.UPDATED if len(changed) < len(mapped) else Action.CREATED
        self._report(name, "redirects", action, detail, warnings)
        if changed and not self.dry_run:
            self._writing()
            with transaction.atomic():
                self._write_addresses(changed)

    def _feed_aliases(self):
        """The generator's own fixed addresses (its feeds; a Jekyll site's home under its
        baseurl; an Eleventy site's tag pages: a route's name, or a path) answer with
        Folio's pages (never replacing a redirect someone made
        there)."""
        aliases = self.site.dialect.route_aliases()
        taken = set(
            Redirect.objects.filter(old_path__in=list(aliases)).values_list("old_path", flat=True)
        )
        mapped = [
            self._old_address(
                old,
                route if route.startswith("/") else reverse(route),
                "the generator's own address",
                [],
            )
            for old, route in aliases.items()
            if old not in taken
        ]
        mapped = [address for address in mapped if address]
        if mapped and not self.dry_run:
            self._writing()
            with transaction.atomic():
                self._write_addresses(mapped)

    def _old_address(self, old, new, origin, warnings):
        """The row of the URL map that answers ``old`` with a 301 to ``new``; None (and
        a warning) where a page of Folio lives, which an old address never replaces."""
        if old == new:
            return None
        if reason := page_addresses.reserved(old, fixed_routes_only=True):
            warnings.append(f"old address {old} ({origin}) {reason}; it was not redirected")
            return None
        address = OldAddress(old, new, origin)
        self.result.addresses.append(address)
        return address

    def _write_addresses(self, mapped):
        for address in mapped:
            Redirect.objects.record_move(address.old, address.new)

    def _post(self, write, post):
        """``post`` with what the file says."""
        record = write.prepared.record
        prepared = write.prepared
        post.slug = record.slug
        post.title = record.title
        post.subtitle = record.subtitle
        post.publish_at = record.publish_at
        post.expire_at = record.expire_at
        post.status = Post.Status.DRAFT if record.draft else Post.Status.PUBLISHED
        post.excerpt = record.excerpt
        post.body = record.body
        post.adopt_rendering(prepared.rendering)
        post.author_id = write.author_pk
        post.image.name = prepared.hero.storage_name if prepared.hero else ""
        post.image_alt = record.image_alt
        post.thumb_image.name = prepared.thumb.storage_name if prepared.thumb else ""
        post.extra = record.extra
        post.source_root = self.root
        post.source_path = write.source
        post.source_hash = write.digest
        return post

    def _write_post(self, write):
        """A post imported before: saved as any edit is (signals, revision, tags)."""
        post = self._post(write, Post.objects.get(pk=write.existing["pk"]))
        post.save(imported=True)
        post.tags.set(self._tag_pks(write.prepared.record))  # sends m2m_changed

    def _tag_pks(self, record):
        return list(dict.fromkeys(self._tag_pk(ref) for ref in record.tags))

    def _insert_posts(self, writes):
        """New posts, their revisions, tags and search documents, by bulk INSERTs, then the
        notifications and renditions their saves would have brought about."""
        posts, tag_ids = [], []
        for write in writes:
            post = self._post(write, Post())
            post.derive(imported=True)
            posts.append(post)
            tag_ids.append(self._tag_pks(write.prepared.record))
        Post.objects.bulk_create(posts)
        # The revision every save keeps, with the tags (by kind, then name, as the tag
        # list sorts them; blog.history.record_tags); the search documents.
        used = set().union(*tag_ids)
        tags = {
            tag.pk: tag
            for tag in Tag.objects.filter(pk__in=used).order_by(*Tag._meta.ordering, "pk")
        }
        place = {pk: i for i, pk in enumerate(tags)}
        authors = Author.objects.filter(pk__in={post.author_id for post in posts})
        names = {author.pk: author.name for author in authors.only("first_name", "last_name")}
        revisions, rows, documents, through = [], [], [], Post.tags.through
        for post, pks, write in zip(posts, tag_ids, writes, strict=True):
            ordered = [tags[pk] for pk in sorted(pks, key=place.__getitem__)]
            revisions.append(
                PostRevision.of(post, tags=[{"id": tag.pk, "name": str(tag)} for tag in ordered])
            )
            rows += [through(post_id=post.pk, tag_id=pk) for pk in pks]
            documents.append(
                indexing.document(
                    post,
                    *write.prepared.text,
                    [tag.name for tag in ordered],
                    names.get(post.author_id, ""),
                )
            )
        PostRevision.objects.bulk_create(revisions)
        through.objects.bulk_create(rows)
        indexing.index_documents(documents)
        changes.notify(post_ids=[post.pk for post in posts], tag_ids=used, indexed=True)
        for post in posts:
            self.renditions.saved(Post, post)

    @staticmethod
    def _check_address(record):
        """Warn when another page of this site answers at the post's address."""
        path = reverse("blog:post-detail", kwargs={"slug": record.slug})
        match = resolve(path)
        if match.view_name != "blog:post-detail":
            record.warnings.append(
                f"{path} is also the address of the site's {match.view_name} page, which wins; "
                "give the post another slug in the admin"
            )

    # -- pages ---------------------------------------------------------------------

    def _pages(self):
        """Every markdown file of the pages folder outside the posts folder: a page,
        unless it is the blog's listing or a post (reported as skipped, with why)."""
        self.existing_pages = self._imported(Page, "path")
        self.path_owners = {
            path: (root or self.root, source, pk)
            for path, root, source, pk in Page.objects.values_list(
                "path", "source_root", "source_path", "pk"
            )
        }
        for path in self._page_files():
            source = self.site.relative(path)
            self._isolated(source, "page", self._page, path, source)

    def _page_files(self):
        """The pages the dialect finds (Stackbit: the markdown files of the pages
        folder, outside the posts folder)."""
        return self.site.dialect.page_files(self.site)

    def _page(self, path: Path, source: str):
        existing = self.existing_pages.get(source)
        data = self._read(source)
        digest = self._hash(data)
        if existing and existing["source_hash"] == digest and not self.options.force:
            self.paths_seen[existing["path"]] = source
            self._report(source, "page", Action.UNCHANGED)
            return
        meta, found = frontmatter.read(frontmatter.decode(data))
        body, first_line = found.body, found.first_line
        dialect = self.site.dialect
        is_page, reason = dialect.page_kind(meta)
        if not is_page:
            self._report(source, "page", Action.SKIPPED, reason)
            return
        read = dialect.read_page(
            self.site, source, meta, body, first_line + found.text.count("\n") + 1
        )
        if read.skip:
            self._report(source, "page", Action.SKIPPED, read.skip)
            return
        if read.redirect_to:
            found = [(read.address, "its place"), *read.addresses]
            return self._redirect_only(source, read.redirect_to, found, read.warnings)
        relative = path.relative_to(self.site.pages_dir)
        base = dialect.image_base(self.site, source)
        record = records.parse_page(
            self.site, relative, read.meta, read.body, read.address, image_base=base
        )
        record.warnings[:0] = read.warnings
        existing = self._claim_path(record.path, source, existing)
        if existing and self._edited_since_import(existing) and not self.options.force:
            self._report(source, "page", Action.CONFLICT, _CONFLICT_MESSAGE, record.warnings)
            return
        if why := page_addresses.reserved(record.path):
            record.warnings.append(
                f"{record.path} {why}, which answers there: the page is imported but not "
                "served; give it another address in the admin"
            )
        used = set()
        record.body = self.reader.rewrite_body(record.body, record.warnings, used, base)
        hero = record.image and self.reader.image(record.image, "image", record.warnings)
        # A landing page's sections become its sections (kept whole in extra otherwise).
        found = landing.read(self.reader, record.extra.get("sections"), record.warnings)
        if found is not None:
            del record.extra["sections"]
            if found.unreadable:
                record.extra["sections_not_imported"] = found.unreadable
            used |= found.images
        origin = f"{source} ({{}})"
        old_addresses = [
            self._old_address(old, record.path, origin.format(why), record.warnings)
            for old, why in read.addresses
        ]
        old_addresses = [address for address in old_addresses if address]
        action = Action.UPDATED if existing else Action.CREATED
        self._report(source, "page", action, warnings=record.warnings)
        if self.dry_run:
            return
        self._writing()
        with transaction.atomic():
            for checked in used | ({hero} if hero else set()):
                self._store(checked)
            page = Page.objects.get(pk=existing["pk"]) if existing else Page()
            page.path = record.path
            page.title = record.title
            page.subtitle = record.subtitle
            page.status = Page.Status.DRAFT if record.draft else Page.Status.PUBLISHED
            page.body = record.body
            page.image.name = hero.storage_name if hero else ""
            page.seo_title = record.seo_title
            page.seo_description = record.seo_description
            page.extra = record.extra
            page.source_root = self.root
            page.source_path = source
            page.source_hash = digest
            page.save(imported=True)
            if found is not None or existing:
                landing.write(page, found or landing.ReadSections(), self._store)
            self._write_addresses(old_addresses)

    def _redirect_only(self, source, redirect_to, found, warnings):
        """A post or page whose old addresses sent readers elsewhere (``redirect_to``):
        those addresses (its own, its ``redirect_from``) answer with that redirect."""
        target = addresses.as_request_path(redirect_to)
        if redirect_to.startswith(("http://", "https://", "//")) or not target:
            self._report(
                source,
                "redirect",
                Action.SKIPPED,
                f"redirect_to {redirect_to[:80]} leaves the site; Folio's redirects stay "
                "on it, so it was not imported",
            )
            return
        warnings = list(warnings)
        origin = f"{source} (redirect_to)"
        # One hop: the target may be an old address too (and must not stop being one).
        onward = Redirect.objects.filter(old_path=target).values_list("new_path", flat=True)
        target = onward.first() or target
        mapped = [self._old_address(old, target, origin, warnings) for old, _ in found]
        mapped = [address for address in mapped if address]
        in_place = dict(
            Redirect.objects.filter(old_path__in=[a.old for a in mapped]).values_list(
                "old_path", "new_path"
            )
        )
        changed = [address for address in mapped if in_place.get(address.old) != address.new]
        action = Action.UNCHANGED if not changed else Action.CREATED
        self._report(source, "redirect", action, f"redirects to {target}", warnings)
        if changed and not self.dry_run:
            self._writing()
            with transaction.atomic():
                self._write_addresses(changed)

    def _claim_path(self, path, source, existing):
        """The row this file writes (``existing``, or with --force another site's page
        at its address), once the address is known to be this file's to take."""
        other = self.paths_seen.get(path)
        if other and other != source:
            raise ImportFileError(f"address {path} is also the address of {other}")
        self.paths_seen[path] = source
        owner = self.path_owners.get(path)
        if owner is None or owner[:2] == (self.root, source):
            return existing
        root, owner_source, pk = owner
        if not owner_source:
            raise ImportFileError(
                f"address {path} already belongs to another page (written in the admin)"
            )
        if root == self.root:
            raise ImportFileError(
                f"address {path} already belongs to another page (imported from {owner_source})"
            )
        if not self.options.force:
            raise ImportConflict(
                f"address {path} belongs to a page imported from another site ({owner_source} "
                f"in {root}); left as it is (use --force to replace it with this file)"
            )
        return Page.objects.filter(pk=pk).values(*_PAGE_COLUMNS).first()

    def _claim_slug(self, slug, source, existing):
        """The row this file writes (``existing``, or with --force another site's post
        at its slug), once the slug is known to be this file's to take."""
        other = self.slugs_seen.get(slug)
        if other and other != source:
            raise ImportFileError(f"slug {slug!r} is also produced by {other}")
        self.slugs_seen[slug] = source
        owner = self.slug_owners.get(slug)
        if owner is None or owner[:2] == (self.root, source):
            return existing
        root, path, pk = owner
        if not path:
            raise ImportFileError(
                f"slug {slug!r} already belongs to another post (written in the admin)"
            )
        if root == self.root:
            raise ImportFileError(
                f"slug {slug!r} already belongs to another post (imported from {path})"
            )
        if not self.options.force:
            raise ImportConflict(
                f"slug {slug!r} belongs to a post imported from another site ({path} in "
                f"{root}); left as it is (use --force to replace it with this file)"
            )
        # Taken over: from now on the post is this file's.
        return (
            Post.objects.filter(pk=pk)
            .values("pk", "slug", "source_path", "source_hash", "updated", "imported_at")
            .first()
        )


_PAGE_COLUMNS = ("pk", "path", "source_path", "source_hash", "updated", "imported_at")


_CONFLICT_MESSAGE = (
    "edited in the admin since the last import; left as it is (use --force to overwrite)"
)


def _complete_interrupted_run(since):
    """Bring up to date what derives from everything imported since ``since``, when
    an import that started then was stopped before its end: its files were committed
    one by one, but the search index, post links, page cache and renditions that its
    end would have refreshed were not, and a re-run finds those files unchanged."""
    posts = Post.objects.filter(imported_at__gte=since)
    post_ids = list(posts.values_list("pk", flat=True))
    authors = Author.objects.filter(imported_at__gte=since)
    pages = Page.objects.filter(imported_at__gte=since)
    tag_ids = Tag.objects.filter(posts__in=post_ids).values_list("pk", flat=True).distinct()
    changes.notify(
        post_ids=post_ids,
        author_ids=authors.values_list("pk", flat=True),
        tag_ids=list(tag_ids),
        page_ids=pages.values_list("pk", flat=True),
        site_settings=SiteSettings.objects.filter(imported_at__gte=since).exists(),
    )
    make_missing_renditions(posts)
    make_missing_renditions(authors)
    make_missing_renditions(pages)
    make_missing_renditions(Section.objects.filter(page__in=pages))
    make_missing_renditions(SectionItem.objects.filter(section__page__in=pages))
    make_missing_renditions(SiteSettings.objects.filter(imported_at__gte=since))


def _compress_with_lz4(on):
    """On PostgreSQL, compress this session's large values (bodies, their HTML,
    revisions, search documents) with lz4 (``on``) or the server's default again.

    lz4 is about four times faster to compress than the default pglz (2,000 posts'
    bodies and HTML: 0.21 s of the server's time against 0.78 s), for about a quarter
    more room; values of either kind are read alike. A server built without lz4 keeps
    its default.
    """
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if on:
                cursor.execute("SET default_toast_compression = 'lz4'")
            else:
                cursor.execute("RESET default_toast_compression")
    except DatabaseError as exc:
        logger.info("Import: could not change how large values are compressed (%s)", exc)


def _release_memory():
    """Give the memory this process freed back to the system (what the end of a run
    and the link check after it held), before the rendition processes start: its
    heap is otherwise kept for reuse, and counts in the peak of the whole import."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)  # glibc; elsewhere there is nothing to do
    except (OSError, AttributeError):
        pass


def _refresh_planner_statistics():
    """ANALYZE, after a bulk load changed the shape of the tables.

    Without statistics SQLite guesses that ``status = 'published'`` picks out a few rows,
    and reads every post through the status/date index instead of looking a handful up
    by primary key (a post page's links: 6 ms instead of 0.3 ms at 10,000 posts).
    PostgreSQL's autovacuum would get there, later. The same statement on both.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _is_url(text):
    try:
        return bool(urlsplit(text).scheme)
    except ValueError:
        return False


def _worker_settings():
    """The settings a worker process needs to prepare posts exactly as this one would."""
    names = ["TIME_ZONE", "MEDIA_URL", "FOLIO_IMAGE_MAX_BYTES", "FOLIO_IMAGE_MAX_PIXELS"]
    return {name: getattr(settings, name) for name in names}
