"""Images uploaded from the markdown editor (drag and drop, paste, "Add image").

Every upload is opened with Pillow and refused unless it is a real JPEG, PNG, GIF or
WebP within the byte and pixel limits in settings; whatever its name or declared
content type says. Accepted files are stored under a dated folder with a generated
name, so nothing the uploader chose reaches the file system.
"""

import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from PIL import Image

# Pillow format name -> the extension we store it under.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
ALT_PLACEHOLDER = "Describe this image"


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message says why, for the editor."""


@dataclass(frozen=True)
class StoredImage:
    url: str
    width: int
    height: int

    @property
    def markdown(self) -> str:
        return f"![{ALT_PLACEHOLDER}]({self.url})"


def validate_image(upload) -> tuple[str, int, int]:
    """Check an uploaded file; return its (Pillow format, width, height) or raise."""
    name = upload.name or "the file"
    max_bytes = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    if upload.size > max_bytes:
        raise ImageRejected(
            f"{name} is {filesizeformat(upload.size)}; the limit is {filesizeformat(max_bytes)}."
        )
    max_pixels = settings.FOLIO_UPLOAD_MAX_PIXELS
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns (rather than raises) between 1x and 2x its own limit; ours is
            # the one that counts, and it is checked below from the header alone.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format, (width, height) = image.format, image.size
                if image_format not in ALLOWED_FORMATS:
                    raise ImageRejected(
                        f"{name} is a {image_format} image; upload JPEG, PNG, GIF or WebP."
                    )
                if width * height > max_pixels:
                    raise _too_many_pixels(name, width, height, max_pixels)
                image.verify()  # reads the data through: catches truncated or corrupt files
    except Image.DecompressionBombError as error:
        raise ImageRejected(
            f"{name} declares too many pixels to open safely (a decompression bomb?): {error}"
        ) from None
    except ImageRejected:
        raise
    except Exception:  # Pillow raises many kinds of error for a file it cannot read
        raise ImageRejected(
            f"{name} is not an image Folio can read; upload JPEG, PNG, GIF or WebP."
        ) from None
    finally:
        upload.seek(0)
    return image_format, width, height


def _too_many_pixels(name, width, height, max_pixels):
    return ImageRejected(
        f"{name} is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); the limit "
        f"is {max_pixels / 1e6:.0f} megapixels. Scale it down before uploading "
        "(files declaring huge sizes are refused as possible decompression bombs)."
    )


def store_image(upload) -> StoredImage:
    """Validate and store an upload as MARKDOWNX_MEDIA_PATH (dated) + <uuid>.<ext>."""
    image_format, width, height = validate_image(upload)
    folder = timezone.now().strftime(settings.MARKDOWNX_MEDIA_PATH)
    path = f"{folder.rstrip('/')}/{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"
    stored = default_storage.save(path, ContentFile(upload.read()))
    return StoredImage(url=default_storage.url(stored), width=width, height=height)
