"""Responsive renditions of uploaded images, through django-imagekit.

A model declares ``hero = Renditions("image", widths=(640, 1024, 1600), ratio=(16, 9))``:
that adds one imagekit ``ImageSpecField`` per width and format (the source's own
format and WebP), generated once when the source is saved (the Optimistic strategy,
see ``IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY``) and never checked for on a request,
so a list of thirty cards costs no query and no file-system call per image.

Whether the source is a usable image is decided on save, by :func:`image_size`, and
stored in the model's ``<source>_width``/``<source>_height`` fields: a missing or
broken file leaves them empty, and pages then show no image instead of a broken one.
"""

import io
import logging
import posixpath
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import get_image_dimensions
from django.core.files.storage import FileSystemStorage
from django.db.models.signals import post_save
from django.template.defaultfilters import filesizeformat
from imagekit.cachefiles.strategies import Optimistic
from imagekit.models import ImageSpecField
from imagekit.specs.sourcegroups import signal_router
from imagekit.utils import get_storage
from PIL import Image, UnidentifiedImageError
from pilkit.processors import ResizeToFill

from folio import REMEMBERED

logger = logging.getLogger(__name__)

FORMATS = {"": None, "webp": "WEBP"}  # suffix -> format; None keeps the source's format

# -- The one check every image passes: imports, editor uploads, admin image fields --

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Markup that makes a file a polyglot: a valid image that a browser (or a careless
# server) could also read as HTML or script. Tag names are matched only when followed by
# a delimiter, so compressed pixels (random bytes) match by chance about once in 10^10
# positions; tests/test_uploads.py checks noisy photos pass.
_MARKUP = re.compile(
    rb"<(?:script|html|body|iframe|svg|object|embed|meta|!doctype)[\s/>]|<\?php|javascript:",
    re.IGNORECASE,
)


class ImageProblem(Exception):
    pass


def max_pixels() -> int:
    return getattr(settings, "FOLIO_IMAGE_MAX_PIXELS", 40_000_000)


def max_bytes() -> int:
    return getattr(settings, "FOLIO_IMAGE_MAX_BYTES", 20 * 1024 * 1024)


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
                if image.format not in ALLOWED_FORMATS:
                    raise ImageProblem(
                        f"{image.format} images are not accepted (JPEG, PNG, GIF, WebP only)"
                    )
                image.verify()
                if marker := _MARKUP.search(data):
                    raise ImageProblem(
                        f"the file also holds markup ({marker.group(0).decode('latin-1')!r} "
                        f"at byte {marker.start()}): an image/HTML polyglot"
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


def validate_image(field_file):
    """Model-field validator: a newly uploaded file must pass :func:`check_image_file`.

    Files already stored (an unchanged field on an edited object) were checked when
    they came in, and are not read again.
    """
    if getattr(field_file, "_committed", True):
        return
    try:
        check_image_file(field_file)
    except ImageProblem as problem:
        raise ValidationError(f"This image cannot be used: {problem}.") from None


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


def rendition_name(spec):
    """Where imagekit stores a rendition (its namer, IMAGEKIT_SPEC_CACHEFILE_NAMER).

    imagekit's default namer hashes a pickle of the whole spec, and imagekit names
    every rendition of a source on every save of its model (12 per post), which made
    that hashing the largest cost of a bulk import. Source names are unique in media
    storage (imported images even carry their content hash), so the source's path plus
    what the spec does names a rendition just as well, for nothing.
    """
    resize = spec.processors[0]
    quality = spec.options.get("quality", "")
    return rendition_path(spec.source.name, resize.width, resize.height, spec.format, quality)


def rendition_path(source_name, width, height, image_format, quality):
    """``renditions/<source without extension>/<w>x<h>q<quality>.<ext>``: the one naming
    rule, shared by imagekit (which writes the files) and pages (which link to them
    without going through imagekit's per-file objects)."""
    stem, extension = posixpath.splitext(source_name)
    if image_format:
        extension = "." + image_format.lower()
    size = f"{width}x{height}q{quality}"
    return posixpath.join(settings.IMAGEKIT_CACHEFILE_DIR, stem, size + extension.lower())


def media_url(name):
    """The URL of a file in media storage (imagekit's, which is Django's default).

    Local storage's URLs are fixed -- ``MEDIA_URL`` and the quoted path -- so they are
    remembered per worker: a page shows up to forty. Any other ``url()`` is asked every
    time, since object storage may sign its URLs with an expiry.
    """
    storage = get_storage()
    if type(storage).url is FileSystemStorage.url:
        return _local_url(storage, storage.base_url, name)
    return storage.url(name)


@lru_cache(maxsize=REMEMBERED)
def _local_url(storage, base_url, name):
    # base_url in the key: the storage reads MEDIA_URL again when that setting changes.
    return storage.url(name)


class RenditionsGeneratedOnSave(Optimistic):
    """Imagekit's Optimistic strategy, except that a source that cannot be read is
    logged and skipped: a missing image must never make a save, or an import, fail."""

    def on_source_saved(self, file):
        _generate(file)


def _generate(file):
    """Make one rendition; False (logged) if it could not be made."""
    try:
        file.generate()
    except Exception as error:  # Pillow raises many types for bad input; OSError a full disk.
        logger.warning("No rendition %s: %s", file.name, error)
        return False
    return True


def _generate_all(files, failed):
    # One source's renditions read it through one shared file object: one thread each.
    for file in files:
        if not _generate(file):
            failed.append(file.name)  # (list.append is atomic: threads share it)


@lru_cache
def _declared_renditions(model):
    return [value for value in vars(model).values() if isinstance(value, Renditions)]


class _BulkWrites:
    def __init__(self, workers):
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="renditions")
        self.made = set()  # (widths, ratio, source name) handed to a thread
        self.sizes = {}  # storage name -> (width, height)
        self.failed = []  # names of renditions that could not be made

    def saved(self, sender, instance, raw=False, **kwargs):
        """post_save, in place of imagekit's: each new source's renditions, once."""
        if raw:
            return
        for renditions in _declared_renditions(sender):
            source = getattr(instance, renditions.source)
            key = (renditions.widths, renditions.ratio, source.name)
            if not source or key in self.made:
                continue
            self.made.add(key)
            files = [
                getattr(instance, renditions.spec_name(width, suffix))
                for width, suffix in renditions.specs
            ]
            self.executor.submit(_generate_all, files, self.failed)


_bulk = ContextVar("folio_bulk_image_writes", default=None)
# How imagekit registers its model signal handlers (imagekit.specs.sourcegroups); its
# post_init receiver is disconnected for good (folio/apps.py).
IMAGEKIT_RECEIVERS = "ik_spec_field_receivers"


@contextmanager
def bulk_image_writes(workers=2):
    """For a bulk writer (the importer) that saves many objects sharing few images.

    Inside the block each stored image's size is read once, and the renditions of each
    distinct source are handed to threads once (Pillow releases the GIL while it
    resizes and encodes, so writing goes on). imagekit's own post_save handler, which
    names every rendition of every image field on every save (12 per post) only to find
    nothing new to do, is set aside meanwhile. The block ends when every rendition
    is made; it gives an object whose ``failed`` then lists the renditions that could
    not be (a full disk, say).
    """
    if _bulk.get() is not None:
        yield _bulk.get()
        return
    bulk = _BulkWrites(workers)
    token = _bulk.set(bulk)
    post_save.disconnect(dispatch_uid=IMAGEKIT_RECEIVERS)
    post_save.connect(bulk.saved, dispatch_uid="folio-bulk-renditions", weak=False)
    try:
        yield bulk
    finally:
        post_save.disconnect(dispatch_uid="folio-bulk-renditions")
        post_save.connect(signal_router.post_save_receiver, dispatch_uid=IMAGEKIT_RECEIVERS)
        _bulk.reset(token)
        bulk.executor.shutdown(wait=True)


def make_missing_renditions(instances):
    """Inside :func:`bulk_image_writes`: make whatever renditions of these objects'
    images do not exist yet (after an interrupted import), in the block's threads."""
    bulk = _bulk.get()
    for instance in instances:
        bulk.saved(type(instance), instance)


class Renditions:
    """Declares the renditions of one image field; on an instance, a :class:`RenditionSet`."""

    def __init__(self, source, *, widths, ratio, quality=82):
        self.source = source
        self.widths = tuple(sorted(widths))
        self.ratio = ratio
        self.quality = quality
        # (width, suffix): WebP in every width, for srcset (every current browser reads
        # it); the source's own format once, at the largest width, for what cannot:
        # browsers without WebP (the <img> fallback) and social cards.
        self.specs = [*((width, "webp") for width in self.widths), (self.widths[-1], "")]

    def height(self, width):
        return round(width * self.ratio[1] / self.ratio[0])

    def spec_name(self, width, suffix):
        return f"{self.name}_{width}" + (f"_{suffix}" if suffix else "")

    def contribute_to_class(self, cls, name):
        self.name = name
        for width, suffix in self.specs:
            fmt = FORMATS[suffix]
            spec = ImageSpecField(
                source=self.source,
                processors=[ResizeToFill(width, self.height(width))],
                format=fmt,
                # WebP's default effort (method 4) is 4x slower to encode than
                # method 2 for a few percent smaller files.
                options={"quality": self.quality, **({"method": 2} if fmt else {})},
            )
            cls.add_to_class(self.spec_name(width, suffix), spec)
        setattr(cls, name, self)

    def __get__(self, instance, owner=None):
        return self if instance is None else RenditionSet(self, instance)


class RenditionSet:
    """The renditions of one image on one object; false when there is no usable image."""

    def __init__(self, renditions, instance):
        self.renditions = renditions
        self.instance = instance

    def __bool__(self):
        source = self.renditions.source
        return bool(getattr(self.instance, source)) and bool(
            getattr(self.instance, f"{source}_width")
        )

    def url(self, width, suffix=""):
        # The name imagekit gave the file when it made it (rendition_name), computed
        # directly: going through the spec field builds a generator per URL, and a page
        # shows up to forty of them.
        renditions = self.renditions
        source = getattr(self.instance, renditions.source)
        name = rendition_path(
            source.name, width, renditions.height(width), FORMATS[suffix], renditions.quality
        )
        return media_url(name)

    def srcset(self):
        """Every width, in WebP."""
        return ", ".join(f"{self.url(w, 'webp')} {w}w" for w in self.renditions.widths)

    @property
    def largest_url(self):
        """The largest width in the source's format: for browsers without WebP, and
        for social cards."""
        return self.url(self.width)

    @property
    def width(self):
        return self.renditions.widths[-1]

    @property
    def height(self):
        return self.renditions.height(self.width)
