"""How a rendition is sized: fitted into a box, never enlarged, never cropped.

A rendition used to fill its box (imagekit's ``ResizeToFill``): a 5000x10 strip was
scaled up 90 times to cover a 1600x900 box (3 GB of pixels to decode one 258-byte
file), and a 288 px figure was blown up to 1600x900 and cut to 16:9. Here the output
is the source scaled down, aspect ratio kept, until it fits in the box ("contain") or
until it just covers it ("cover", for avatars cropped to a circle by CSS), and never
larger than the source in either dimension: what a rendition costs is bounded by
what the source costs, and the source is bounded by FOLIO_IMAGE_MAX_PIXELS.

:func:`fitted_size` is the one formula: the processor below uses it to make the
file, and pages use it (from the source size stored on the model) to name the file
and give ``<img>`` its real width and height, without opening anything.
"""

from django.conf import settings
from PIL import Image

FITS = ("contain", "cover")


def max_pixels() -> int:
    """The most pixels an image may have (FOLIO_IMAGE_MAX_PIXELS): checked before any
    image is decoded, by folio.images' check and before every resize."""
    return getattr(settings, "FOLIO_IMAGE_MAX_PIXELS", 40_000_000)


def fitted_size(source_size, box, fit="contain"):
    """The (width, height) of a ``source_size`` image fitted to ``box``, never larger."""
    width, height = source_size
    scales = (box[0] / width, box[1] / height)
    scale = min(1.0, min(scales) if fit == "contain" else max(scales))
    return max(1, round(width * scale)), max(1, round(height * scale))


class Fit:
    """A pilkit processor (imagekit's ``processors``): the source fitted to a box."""

    def __init__(self, width, height, fit="contain"):
        if fit not in FITS:
            raise ValueError(f"fit must be one of {FITS}, not {fit!r}")
        self.width = width
        self.height = height
        self.fit = fit

    def process(self, image):
        # Pillow opens lazily: nothing below the size check has decoded a pixel yet
        # (an image stored before a lower limit was set is refused here too).
        source_size = image.size
        if source_size[0] * source_size[1] > max_pixels():
            raise ValueError(
                f"{source_size[0]}x{source_size[1]} pixels is over the "
                f"{max_pixels():,}-pixel limit; no rendition made"
            )
        target = fitted_size(source_size, (self.width, self.height), self.fit)
        if target == source_size:
            return image
        if image.format == "JPEG":
            # Decode a JPEG at 1/2, 1/4 or 1/8 scale when that is still at least the
            # target: a 6000x4000 photo made into 640 px decodes 750x500 pixels.
            image.draft(image.mode, target)
        # reducing_gap: shrink by whole factors first (cheap box filter), then resample.
        return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
