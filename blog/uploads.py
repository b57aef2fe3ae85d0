"""Images uploaded from the markdown editor (drag and drop, paste, "Add image").

Checked exactly as imported images are (blog.importing.images: a real JPEG, PNG, GIF
or WebP within FOLIO_IMAGE_MAX_BYTES and FOLIO_IMAGE_MAX_PIXELS, decompression bombs
refused before decoding), whatever the file's name or declared type says; then stored
under a dated folder with a generated name, so nothing the uploader chose reaches the
file system.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from folio.images import ALLOWED_FORMATS, ImageProblem, check_image_file

ALT_PLACEHOLDER = "Describe this image"


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message names the file and says why."""


@dataclass(frozen=True)
class StoredImage:
    url: str

    @property
    def markdown(self) -> str:
        return f"![{ALT_PLACEHOLDER}]({self.url})"


def store_image(upload) -> StoredImage:
    """Check an upload and store it as MARKDOWNX_MEDIA_PATH (dated) + <uuid>.<ext>."""
    name = upload.name or "The file"
    try:
        image_format, data = check_image_file(upload)
    except ImageProblem as problem:
        raise ImageRejected(f"{name}: {problem}. Upload a JPEG, PNG, GIF or WebP image.") from None
    folder = timezone.now().strftime(settings.MARKDOWNX_MEDIA_PATH).rstrip("/")
    path = f"{folder}/{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"
    stored = default_storage.save(path, ContentFile(data))
    return StoredImage(url=default_storage.url(stored))
