"""Checking and storing images referenced by imported content.

Each source file is checked once per run (a real raster image in an allowed
format, within the pixel limit, so decompression bombs are refused before they
are decoded) and stored once under a name derived from its content, so the same
file used by a hundred posts is one file in media storage, and re-runs find it
already there.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


@dataclass(frozen=True)
class CheckedImage:
    path: Path  # the file, resolved inside the site
    source: str  # site-relative path
    storage_name: str  # where it is (or would be) stored in media storage


class ImageProblem(Exception):
    pass


def max_pixels() -> int:
    return getattr(settings, "FOLIO_IMAGE_MAX_PIXELS", 40_000_000)


def max_bytes() -> int:
    return getattr(settings, "FOLIO_IMAGE_MAX_BYTES", 20 * 1024 * 1024)


def check(path: Path, source: str) -> CheckedImage:
    """Read and verify an image file; ImageProblem says why it cannot be used."""
    size = path.stat().st_size
    if size > max_bytes():
        raise ImageProblem(f"{size:,} bytes is over the {max_bytes():,}-byte limit")
    data = path.read_bytes()
    fmt = verify_image_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    stem = slugify(Path(source).stem)[:60] or "image"
    name = f"imported/{digest[:2]}/{stem}-{digest[:12]}.{ALLOWED_FORMATS[fmt]}"
    return CheckedImage(path=path, source=source, storage_name=name)


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
                return image.format
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageProblem(f"refused as a decompression bomb: {exc}") from None
    except UnidentifiedImageError:
        raise ImageProblem("not an image Pillow can read") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(f"broken image: {exc}") from None


def store(image: CheckedImage) -> str:
    """Save to media storage unless an identical file is already there; its name."""
    if not default_storage.exists(image.storage_name):
        saved = default_storage.save(image.storage_name, ContentFile(image.path.read_bytes()))
        if saved != image.storage_name:  # a concurrent import stored it first
            default_storage.delete(saved)
    return image.storage_name
