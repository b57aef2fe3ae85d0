"""Checking and storing images referenced by imported content.

Each source file is checked once per run (a real raster image in an allowed
format, within the pixel limit, so decompression bombs are refused before they
are decoded; the pixels themselves are never decoded here) and stored once under a
name derived from its content, so the same file used by a hundred posts is one file
in media storage, and re-runs find it already there. Its renditions are made after
the run's files are in (folio.images.bulk_image_writes).
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify

# The one image check (imports, uploads, admin image fields) lives in folio.images.
from folio.images import ALLOWED_FORMATS, ImageProblem, max_bytes, verify_image_bytes

from .errors import ImportFileError
from .paths import Site

__all__ = ["ALLOWED_FORMATS", "CheckedImage", "ImageProblem", "check", "store"]


@dataclass(frozen=True)
class CheckedImage:
    source: str  # site-relative path
    storage_name: str  # where it is (or would be) stored in media storage
    digest: str  # SHA-256 of the bytes checked


def check(site: Site, source: str) -> CheckedImage:
    """Read and verify the image file at site-relative ``source``; ImageProblem (or
    ImportFileError, for the file itself) says why it cannot be used."""
    data = read(site, source)
    fmt = verify_image_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    stem = slugify(Path(source).stem)[:60] or "image"
    name = f"imported/{digest[:2]}/{stem}-{digest[:12]}.{ALLOWED_FORMATS[fmt]}"
    return CheckedImage(source=source, storage_name=name, digest=digest)


def read(site: Site, source: str) -> bytes:
    limit = max_bytes()
    return site.read_bytes(source, what="image", limit=limit, limit_name="FOLIO_IMAGE_MAX_BYTES")


def store(site: Site, image: CheckedImage) -> str:
    """Save to media storage unless an identical file is already there; its name."""
    if not default_storage.exists(image.storage_name):
        data = read(site, image.source)
        if hashlib.sha256(data).hexdigest() != image.digest:
            # Checked in a worker a moment ago; what is stored must be what was checked.
            raise ImportFileError(
                f"image {image.source} changed while it was imported; run the import again"
            )
        saved = default_storage.save(image.storage_name, ContentFile(data))
        if saved != image.storage_name:  # a concurrent import stored it first
            default_storage.delete(saved)
    return image.storage_name
