"""Uploaded and imported images: the one check they pass, their sizes, and the
making of their renditions through django-imagekit.

The renditions a model declares (folio.renditions) are generated once when the source
is saved (the Optimistic strategy, see ``IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY``) and
never checked for on a request, so a list of thirty cards costs no query and no
file-system call per image. A bulk writer (the importer) sets that aside: inside
:func:`bulk_image_writes` each distinct source is noted once, and made afterwards on
one process per core; until then pages show the stored original
(``RenditionSet.shown_as_is``).

Whether the source is a usable image is decided on save, by :func:`image_size`, and
stored in the model's ``<source>_width``/``<source>_height`` fields: a missing or
broken file leaves them empty, and pages then show no image instead of a broken one.
"""

import io
import logging
import multiprocessing
import os
import posixpath
import re
import warnings
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache

import django
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import get_image_dimensions
from django.db.models.signals import post_save
from django.template.defaultfilters import filesizeformat
from django.test.utils import override_settings
from imagekit.cachefiles.strategies import Optimistic
from imagekit.specs.sourcegroups import signal_router
from PIL import Image, UnidentifiedImageError

from folio import pagecache
from folio.renditions import Renditions, kept_as_is, repeats_original, source_size
from folio.resizing import max_pixels

logger = logging.getLogger(__name__)

# -- The one check every image passes: imports, editor uploads, admin image fields --

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Markup that makes a file a polyglot: a valid image that a browser (or a careless
# server) could also read as HTML or script. Tag names are matched only when followed by
# a delimiter, so compressed pixels (random bytes) match by chance about once in 10^10
# positions; tests/test_uploads.py checks noisy photos pass. Matched in lower-cased
# bytes, without IGNORECASE: a pattern that starts with one literal byte is searched
# for 20 times faster (0.5 ms instead of 10 for a 1 MB photo; issue 17).
_MARKUP_TAGS = re.compile(
    rb"<(?:script|html|body|iframe|svg|object|embed|meta|!doctype)[\s/>]|<\?php"
)
_MARKUP_SCHEME = b"javascript:"


def find_markup(data: bytes) -> tuple[int, bytes] | None:
    """(offset, text) of the first markup in ``data`` that makes it a polyglot, or None."""
    lowered = data.lower()
    found = []
    if tag := _MARKUP_TAGS.search(lowered):
        found.append((tag.start(), tag.end()))
    if (scheme := lowered.find(_MARKUP_SCHEME)) >= 0:
        found.append((scheme, scheme + len(_MARKUP_SCHEME)))
    if not found:
        return None
    start, end = min(found)
    return start, data[start:end]


class ImageProblem(Exception):
    pass


def max_bytes() -> int:
    return getattr(settings, "FOLIO_IMAGE_MAX_BYTES", 20 * 1024 * 1024)


def max_aspect() -> int:
    """How many times wider than tall (or taller than wide) an image may be."""
    return getattr(settings, "FOLIO_IMAGE_MAX_ASPECT", 20)


def verify_image_bytes(data: bytes) -> str:
    """The Pillow format of real raster image bytes, or ImageProblem.

    The declared dimensions are checked before any pixel is decoded, so a tiny file
    claiming billions of pixels (a decompression bomb) is refused cheaply.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels():
                    raise ImageProblem(
                        f"{width}x{height} pixels is over the {max_pixels():,}-pixel limit "
                        "(possible decompression bomb)"
                    )
                if max(width, height) > max_aspect() * min(width, height):
                    raise ImageProblem(
                        f"{width}x{height} pixels is too thin: an image may be at most "
                        f"{max_aspect()} times wider than tall, or taller than wide"
                    )
                if image.format not in ALLOWED_FORMATS:
                    raise ImageProblem(
                        f"{image.format} images are not accepted (JPEG, PNG, GIF, WebP only)"
                    )
                image.verify()
                if marker := find_markup(data):
                    raise ImageProblem(
                        f"the file also holds markup ({marker[1].decode('latin-1')!r} "
                        f"at byte {marker[0]}): an image/HTML polyglot"
                    )
                return image.format
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageProblem(f"refused as a decompression bomb: {exc}") from None
    except UnidentifiedImageError:
        raise ImageProblem("its contents are not a picture") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(f"the picture is damaged or cut short ({exc})") from None


def check_image_file(file) -> tuple[str, bytes]:
    """(Pillow format, bytes) of an image file within the byte limit that passes
    :func:`verify_image_bytes`; ImageProblem says why not. ``file`` is any Django File."""
    if file.size > max_bytes():
        raise ImageProblem(
            f"{filesizeformat(file.size)} is over the {filesizeformat(max_bytes())} limit"
        )
    file.seek(0)
    data = file.read()
    file.seek(0)
    return verify_image_bytes(data), data


def stored_name(name: str, image_format: str) -> str:
    """``name`` with the extension of the format its bytes are in, whatever the
    uploader called it (``x.pdf`` holding a PNG is stored as ``x.png``): storage and
    web servers choose the Content-Type from the extension."""
    return f"{posixpath.splitext(name)[0]}.{ALLOWED_FORMATS[image_format]}"


def validate_image(field_file):
    """Model-field validator: a newly uploaded file must pass :func:`check_image_file`,
    and is then stored under the extension of its real format (:func:`stored_name`).

    Every image field (hero, thumbnail, author photo) declares it and the admin runs
    it before saving, so this is where an uploader's file name is corrected; the file
    is named from this field file's ``name`` when the model is saved. Files already
    stored (an unchanged field on an edited object) were checked when they came in,
    and are not read again.
    """
    if getattr(field_file, "_committed", True):
        return
    try:
        image_format, _ = check_image_file(field_file)
    except ImageProblem as problem:
        raise ValidationError(f"This image cannot be used: {problem}.") from None
    field_file.name = stored_name(field_file.name, image_format)


def image_size(field_file) -> tuple[int | None, int | None]:
    """(width, height) of an image file, or (None, None) if it is missing or not an image."""
    if not field_file:
        return None, None
    bulk = _bulk.get()
    if bulk is not None and getattr(field_file, "_committed", True):
        # Inside bulk_image_writes() stored files do not change: read each one once.
        if field_file.name not in bulk.sizes:
            bulk.sizes[field_file.name] = _read_size(field_file)
        return bulk.sizes[field_file.name]
    return _read_size(field_file)


def _read_size(field_file):
    try:
        if field_file.closed:
            # Stored: read what the storage holds under the field's name now (an earlier
            # save may have left the object holding another, closed, file).
            with field_file.storage.open(field_file.name, "rb") as stored:
                width, height = get_image_dimensions(stored)
        else:
            # A fresh upload: read in place, and left open for the storage to save.
            width, height = get_image_dimensions(field_file)
    except (OSError, ValueError) as error:
        logger.warning("Image %s cannot be read: %s", field_file.name, error)
        return None, None
    return (width, height) if width and height else (None, None)


class RenditionsGeneratedOnSave(Optimistic):
    """Imagekit's Optimistic strategy, except that a source that cannot be read is
    logged and skipped: a missing image must never make a save, or an import, fail."""

    def on_source_saved(self, file):
        spec = file.generator
        if kept_as_is(spec.source.name):
            return
        fit, size = spec.processors[0], source_size(spec.source.instance, spec.source.field.name)
        if size and repeats_original(size, (fit.width, fit.height), fit.fit, spec.format):
            return
        _generate(file)


def _generate(file, force=False):
    """Make one rendition; False (logged) if it could not be made."""
    try:
        file.generate(force=force)
    except Exception as error:  # Pillow raises many types for bad input; OSError a full disk.
        logger.warning("No rendition %s: %s", file.name, error)
        return False
    return True


@lru_cache
def _declared_renditions(model):
    return [value for value in vars(model).values() if isinstance(value, Renditions)]


@dataclass(frozen=True)
class RenditionJob:
    """The renditions of one stored image: all a worker process needs to make them,
    without the database (the source's name and stored size name every rendition)."""

    model: str  # "blog.post"
    source: str  # the image field, "image"
    name: str  # its storage name
    size: tuple[int, int]
    specs: tuple[str, ...]  # the spec fields of the files to make, one per distinct file

    def files(self):
        model = apps.get_model(self.model)
        source = self.source
        width, height = self.size
        instance = model(
            **{source: self.name, f"{source}_width": width, f"{source}_height": height}
        )
        return [getattr(instance, spec) for spec in self.specs]


def make_job(renditions, instance):
    """The :class:`RenditionJob` of ``instance``'s image declared by ``renditions``,
    or None when it has none to make (no usable image, a GIF)."""
    source = getattr(instance, renditions.source)
    size = source_size(instance, renditions.source)
    if not source or not size or kept_as_is(source.name):
        return None
    specs = tuple(renditions.spec_name(width, suffix) for width, suffix in renditions.made(size))
    if not specs:
        return None
    return RenditionJob(instance._meta.label_lower, renditions.source, source.name, size, specs)


def _make(job):
    """(renditions made, names of those that could not be) for one source image.

    Only what storage lacks is made -- asked of storage, not of imagekit's cached state,
    which says a file exists long after it was lost or failed to write -- so a job can
    be run again after any interruption and makes only what is missing."""
    made, failed = 0, []
    for file in job.files():
        if file.storage.exists(file.name):
            continue
        if _generate(file, force=True):
            made += 1
        else:
            failed.append(file.name)
    return made, failed


def _outcome(future, batch):
    """A worker's outcomes, or, if the worker died (killed for memory, say), the batch
    made in this process: one lost worker must not lose the others' images."""
    try:
        return future.result()
    except Exception as exc:
        logger.warning("Renditions: a worker failed (%r); making its images here instead", exc)
        return [_make(job) for job in batch]


def _make_in_worker(overrides, jobs):
    # A worker does not see settings overridden in the parent (tests do that).
    with override_settings(**overrides):
        return [_make(job) for job in jobs]


@dataclass
class RenditionsMade:
    images: int = 0  # source images whose renditions were looked at
    made: int = 0  # files written
    failed: list = field(default_factory=list)  # names of renditions that could not be


class _BulkWrites:
    def __init__(self):
        self.jobs = {}  # (widths, ratio, source name) -> RenditionJob, in save order
        self.sizes = {}  # storage name -> (width, height)

    def saved(self, sender, instance, raw=False, **kwargs):
        """post_save, in place of imagekit's: each new source's renditions, noted once."""
        if raw:
            return
        for renditions in _declared_renditions(sender):
            source = getattr(instance, renditions.source)
            key = (renditions.widths, renditions.ratio, source.name)
            if source and key not in self.jobs and (job := make_job(renditions, instance)):
                self.jobs[key] = job

    def make(self, workers=None, progress=None) -> RenditionsMade:
        """Make the renditions of every image noted, on ``workers`` processes (one per
        core by default: this one and ``workers - 1`` others); ``progress(done, total)``
        after each batch of images."""
        jobs = list(self.jobs.values())
        self.jobs.clear()
        result = RenditionsMade(images=len(jobs))
        workers = min(workers or os.cpu_count() or 1, len(jobs))
        pool = None
        if workers <= 1 or len(jobs) < PARALLEL_IMAGES:
            outcomes = ([_make(job)] for job in jobs)
        else:
            # forkserver: workers never inherit this process's database connections
            # (they need none) or its threads. This process is one of the ``workers``:
            # each other one loads Django anew (~80 MB), and this one would only wait.
            context = multiprocessing.get_context("forkserver")
            pool = ProcessPoolExecutor(workers - 1, mp_context=context, initializer=django.setup)
            # Small batches: little to send per task, and the last ones end together.
            size = max(1, min(IMAGES_PER_TASK, len(jobs) // (4 * workers)))
            batches = deque(jobs[i : i + size] for i in range(0, len(jobs), size))
            outcomes = _shared_with(pool, batches, workers - 1)
        done = 0
        try:
            for batch in outcomes:
                for made, failed in batch:
                    result.made += made
                    result.failed += failed
                    done += 1
                if progress:
                    progress(done, len(jobs))
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
            if result.made:
                # Pages cached meanwhile show the originals: render them anew, with these.
                pagecache.invalidate_everything()
        return result


def _shared_with(pool, batches, others):
    """The outcomes of ``batches``, made by ``pool``'s ``others`` processes and this one:
    each keeps two batches queued, this process takes the next one itself whenever none
    of theirs has finished."""
    overrides = {name: getattr(settings, name) for name in WORKER_SETTINGS}
    queued = {}
    while batches or queued:
        while batches and len(queued) < 2 * others:
            batch = batches.popleft()
            queued[pool.submit(_make_in_worker, overrides, batch)] = batch
        finished = [future for future in queued if future.done()]
        for future in finished:
            yield _outcome(future, queued.pop(future))
        if finished:
            continue
        if batches:
            yield [_make(job) for job in batches.popleft()]
        else:
            wait(queued, return_when=FIRST_COMPLETED)


# Fewer images than this are resized in this process: starting workers costs more.
PARALLEL_IMAGES = 16
IMAGES_PER_TASK = 8
# The settings a worker needs to write renditions where this process would.
WORKER_SETTINGS = ("MEDIA_ROOT", "MEDIA_URL", "FOLIO_IMAGE_MAX_PIXELS")

_bulk = ContextVar("folio_bulk_image_writes", default=None)
# How imagekit registers its model signal handlers (imagekit.specs.sourcegroups); its
# post_init receiver is disconnected for good (folio/apps.py).
IMAGEKIT_RECEIVERS = "ik_spec_field_receivers"


@contextmanager
def bulk_image_writes():
    """For a bulk writer (the importer) that saves many objects sharing few images.

    Inside the block each stored image's size is read once, and each distinct source
    is noted for its renditions, which are not made there: the writer stores the
    originals (pages show them, :attr:`folio.renditions.RenditionSet.shown_as_is`) and
    then calls ``make()`` on what the block gives, which makes them on every core.
    imagekit's own post_save handler, which names every rendition of every image field
    on every save (12 per post) only to find nothing new to do, is set aside meanwhile.
    """
    if _bulk.get() is not None:
        yield _bulk.get()
        return
    bulk = _BulkWrites()
    token = _bulk.set(bulk)
    post_save.disconnect(dispatch_uid=IMAGEKIT_RECEIVERS)
    post_save.connect(bulk.saved, dispatch_uid="folio-bulk-renditions", weak=False)
    try:
        yield bulk
    finally:
        post_save.disconnect(dispatch_uid="folio-bulk-renditions")
        post_save.connect(signal_router.post_save_receiver, dispatch_uid=IMAGEKIT_RECEIVERS)
        _bulk.reset(token)


def make_missing_renditions(queryset):
    """Inside :func:`bulk_image_writes`: note the images of a queryset's objects, whose
    missing renditions (after an interrupted import) the block's ``make()`` makes. Only
    the image fields and their stored sizes (which name the renditions) are loaded."""
    bulk = _bulk.get()
    fields = {
        f"{renditions.source}{suffix}"
        for renditions in _declared_renditions(queryset.model)
        for suffix in ("", "_width", "_height")
    }
    for instance in queryset.only("pk", *fields).iterator():
        bulk.saved(type(instance), instance)
