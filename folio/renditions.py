"""Renditions: what each image field's resized copies are, where they are stored,
and what pages say about them -- computed from the model's stored source size, so a
page opens no file and asks imagekit for nothing.

A model declares ``hero = Renditions("image", widths=(640, 1024, 1600), ratio=(16, 9))``:
that adds one imagekit ``ImageSpecField`` per width and format (the source's own
format and WebP), each fitting the image to a box of that width and ratio without
enlarging it (folio.resizing). They are made when the source is saved (folio.images).
"""

import posixpath
from functools import cached_property, lru_cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from imagekit.models import ImageSpecField
from imagekit.utils import get_storage

from folio import REMEMBERED
from folio.resizing import Fit, fitted_size

FORMATS = {"": None, "webp": "WEBP"}  # suffix -> format; None keeps the source's format


def rendition_name(spec):
    """Where imagekit stores a rendition (its namer, IMAGEKIT_SPEC_CACHEFILE_NAMER).

    imagekit's default namer hashes a pickle of the whole spec, and imagekit names
    every rendition of a source on every save of its model (12 per post), which made
    that hashing the largest cost of a bulk import. Source names are unique in media
    storage (imported images even carry their content hash), so the source's path plus
    what the spec does names a rendition just as well, for nothing.

    The size in the name is the rendition's real size, computed from the source size
    stored on the model: two boxes that give the same output (a small figure, which
    is never enlarged) name one file.
    """
    fit = spec.processors[0]
    box = (fit.width, fit.height)
    size = source_size(spec.source.instance, spec.source.field.name)
    width, height = fitted_size(size, box, fit.fit) if size else box
    quality = spec.options.get("quality", "")
    return rendition_path(spec.source.name, width, height, spec.format, quality)


def source_size(instance, source):
    """The stored (width, height) of ``instance``'s image field ``source``, or None."""
    width, height = getattr(instance, f"{source}_width"), getattr(instance, f"{source}_height")
    return (width, height) if width and height else None


def repeats_original(source_size, box, fit, image_format):
    """Whether a rendition would be the stored original over again -- the source's own
    format, at its size (a 1200 px photo in the 1600 px box) -- and so is not made:
    pages show the original in its place."""
    return image_format is None and fitted_size(source_size, box, fit) == tuple(source_size)


def kept_as_is(source_name):
    """Whether an image is shown as stored, with no renditions: GIFs, which are
    animated more often than not, and which a rendition would freeze on their first
    frame (Pillow makes one frame). They are small-palette images, usually small."""
    return source_name.lower().endswith(".gif")


def rendition_path(source_name, width, height, image_format, quality):
    """``renditions/<source without extension>/<w>x<h>q<quality>.<ext>``: the one naming
    rule, shared by imagekit (which writes the files) and pages (which link to them
    without going through imagekit's per-file objects). ``width`` and ``height`` are
    the rendition's own (:func:`folio.resizing.fitted_size`)."""
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


_present = set()  # (storage location, name) of renditions seen in storage


def rendition_exists(name):
    """Whether media storage holds the rendition ``name``.

    Asked of storage until the answer is yes, then remembered per worker: renditions
    are written once and never change, so after the first page that shows an image its
    renditions cost nothing; one that is missing is looked for again by the next page.
    """
    storage = get_storage()
    key = (getattr(storage, "location", type(storage).__name__), name)
    if key in _present:
        return True
    if not storage.exists(name):
        return False
    if len(_present) >= REMEMBERED:
        _present.clear()
    _present.add(key)
    return True


class Renditions:
    """Declares the renditions of one image field; on an instance, a :class:`RenditionSet`.

    Each width names a box ``width`` wide, of the given ``ratio``; the image is fitted
    to it (folio.resizing: ``contain`` shows all of it, ``cover`` fills the box for CSS
    to crop, as avatars are) and never enlarged.
    """

    def __init__(self, source, *, widths, ratio, fit="contain", quality=82):
        self.source = source
        self.widths = tuple(sorted(widths))
        self.ratio = ratio
        self.fit = fit
        self.quality = quality
        # (width, suffix): WebP in every width, for srcset (every current browser reads
        # it); the source's own format once, at the largest width, for what cannot:
        # browsers without WebP (the <img> fallback) and social cards.
        self.specs = [*((width, "webp") for width in self.widths), (self.widths[-1], "")]

    def box(self, width):
        return width, round(width * self.ratio[1] / self.ratio[0])

    def fitted(self, source_size, width):
        """The real (width, height) of the rendition for box ``width``."""
        return fitted_size(source_size, self.box(width), self.fit)

    def is_original(self, source_size, width, suffix):
        return repeats_original(source_size, self.box(width), self.fit, FORMATS[suffix])

    def made(self, source_size):
        """The (width, suffix) of the renditions made for a source of this size: one per
        distinct file (boxes that give the same size name one), none that would be the
        original over again."""
        distinct = {}
        for width, suffix in self.specs:
            if not self.is_original(source_size, width, suffix):
                distinct.setdefault((self.fitted(source_size, width), suffix), (width, suffix))
        return list(distinct.values())

    def spec_name(self, width, suffix):
        return f"{self.name}_{width}" + (f"_{suffix}" if suffix else "")

    def contribute_to_class(self, cls, name):
        self.name = name
        for width, suffix in self.specs:
            fmt = FORMATS[suffix]
            spec = ImageSpecField(
                source=self.source,
                processors=[Fit(*self.box(width), self.fit)],
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
    """The renditions of one image on one object; false when there is no usable image.

    Sizes come from the source size stored on the model, so a page opens no file.
    A GIF (:func:`kept_as_is`) is its own only rendition; so is any image whose
    renditions are not all in storage (not made yet, or lost to a full disk): the
    stored original at its own size, never a broken image (:attr:`shown_as_is`).
    """

    def __init__(self, renditions, instance):
        self.renditions = renditions
        self.instance = instance

    def __bool__(self):
        return bool(getattr(self.instance, self.renditions.source)) and bool(self._source_size)

    @property
    def _source_size(self):
        return source_size(self.instance, self.renditions.source)

    @property
    def _source_name(self):
        return getattr(self.instance, self.renditions.source).name

    @cached_property
    def shown_as_is(self):
        """Whether pages show the stored original rather than renditions: a GIF, or an
        image some of whose renditions are not in storage."""
        if kept_as_is(self._source_name):
            return True
        return not all(rendition_exists(name) for name in self._rendition_names())

    def _rendition_names(self):
        return {
            self._rendition_name(width, suffix)
            for width, suffix in self.renditions.made(self._source_size)
        }

    def _rendition_name(self, width, suffix):
        renditions = self.renditions
        size = renditions.fitted(self._source_size, width)
        return rendition_path(self._source_name, *size, FORMATS[suffix], renditions.quality)

    def size(self, width):
        """The real (width, height) of the rendition made for box ``width``; the
        original's own while it is shown as it is."""
        if self.shown_as_is:
            return self._source_size
        return self.renditions.fitted(self._source_size, width)

    def url(self, width, suffix=""):
        # The name imagekit gave the file when it made it (rendition_name), computed
        # directly: going through the spec field builds a generator per URL, and a page
        # shows up to forty of them.
        if self.shown_as_is or self.renditions.is_original(self._source_size, width, suffix):
            return media_url(self._source_name)
        return media_url(self._rendition_name(width, suffix))

    def srcset(self):
        """Every distinct rendition, in WebP, with its real width; "" for an image shown
        as it is."""
        if self.shown_as_is:
            return ""
        seen = {}
        for width in self.renditions.widths:
            seen.setdefault(self.size(width)[0], width)
        return ", ".join(f"{self.url(box, 'webp')} {real}w" for real, box in seen.items())

    @property
    def largest_url(self):
        """The largest width in the source's format: for browsers without WebP, and
        for social cards."""
        return self.url(self.renditions.widths[-1])

    @property
    def width(self):
        return self.size(self.renditions.widths[-1])[0]

    @property
    def height(self):
        return self.size(self.renditions.widths[-1])[1]
