"""Images uploaded from the editor: staff only, real images only, within the limits."""

import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories import image_file

pytestmark = pytest.mark.django_db

URL = reverse("markdownx_upload")
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def upload(client, file):
    return client.post(URL, {"image": file}, **AJAX)


def png_declaring(width, height):
    """A tiny PNG whose header claims width x height pixels: a decompression bomb's shape."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_the_markdownx_upload_address_is_ours():
    assert reverse("markdownx_upload") == URL == "/markdownx/upload/"


def test_anonymous_and_non_staff_are_refused(client, django_user_model):
    assert upload(client, image_file()).status_code == 403
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    response = upload(client, image_file())
    assert response.status_code == 403 and "Log in" in response.json()["error"]


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_a_valid_image_is_stored_under_a_dated_folder_with_a_generated_name(
    client, writer, media_root, fmt, extension
):
    client.force_login(writer)
    response = upload(client, image_file("My Holiday (1).jpeg", fmt=fmt))
    assert response.status_code == 200
    code = response.json()["image_code"]
    match = re.fullmatch(
        r"!\[Describe this image\]\(/media/markdownx/\d{4}/\d{2}/([0-9a-f]{32})\.(\w+)\)", code
    )
    assert match and match.group(2) == extension
    stored = next(media_root.rglob(f"{match.group(1)}.{extension}"))
    assert Image.open(stored).format == fmt


def test_a_gif_is_accepted(client, writer):
    client.force_login(writer)
    assert upload(client, image_file("anim.gif", fmt="GIF")).status_code == 200


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        (
            SimpleUploadedFile(
                "logo.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                content_type="image/svg+xml",
            ),
            "logo.svg: its contents are not a picture. Upload a JPEG, PNG, GIF or WebP image.",
        ),
        (
            SimpleUploadedFile("notes.jpg", b"just some text\n" * 20, content_type="image/jpeg"),
            "notes.jpg: its contents are not a picture",
        ),
        (image_file("photo.bmp", fmt="BMP"), "photo.bmp: BMP images are not accepted"),
        (
            SimpleUploadedFile("cut.png", image_file(fmt="PNG").read()[:60]),
            "cut.png: the picture is damaged or cut short",
        ),
    ],
    ids=["svg", "text-renamed-jpg", "bmp", "truncated"],
)
def test_files_that_are_not_allowed_images_are_refused(client, writer, media_root, file, reason):
    client.force_login(writer)
    response = upload(client, file)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert "Pillow" not in response.json()["error"]  # an editor does not know the library
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_an_oversized_file_is_refused(client, writer, settings):
    settings.FOLIO_IMAGE_MAX_BYTES = 1024
    client.force_login(writer)
    noise = Image.frombytes("RGB", (300, 300), bytes(range(256)) * 1055)
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    response = upload(client, big)
    assert response.status_code == 400
    assert response.json()["error"].startswith("big.png: ")
    assert "is over the 1.0\xa0KB limit" in response.json()["error"]


@pytest.mark.parametrize(
    "size",
    [(10_000, 10_000), (100_000, 100_000)],  # over our limit; over Pillow's own bomb limit
    ids=["over-our-pixel-limit", "over-pillows-bomb-limit"],
)
def test_a_decompression_bomb_is_refused(client, writer, size):
    client.force_login(writer)
    bomb = SimpleUploadedFile("bomb.png", png_declaring(*size), content_type="image/png")
    assert bomb.size < 200  # tiny on disk, enormous once decoded
    response = upload(client, bomb)
    assert response.status_code == 400
    assert "decompression bomb" in response.json()["error"]


def test_a_missing_file_is_named(client, writer):
    client.force_login(writer)
    response = client.post(URL, {}, **AJAX)
    assert response.status_code == 400 and "field 'image'" in response.json()["error"]


def gif_then(markup: bytes) -> bytes:
    """A valid GIF with markup appended (or hidden in a comment): an image/HTML polyglot."""
    return image_file(fmt="GIF").read() + markup


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (gif_then(b"<html><body><script>alert(1)</script></body></html>"), "trailing-html.gif"),
        (gif_then(b"<SCRIPT>alert(document.cookie)</SCRIPT>"), "trailing-script.gif"),
        (gif_then(b'<svg onload="alert(1)">'), "trailing-svg.gif"),
        (b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1);//<script>", "gifar.gif"),
        (image_file(fmt="PNG").read() + b"<?php system($_GET['c']); ?>", "shell.png"),
        (
            b"<!DOCTYPE html><html><body>hi</body></html>" + image_file(fmt="PNG").read(),
            "html-first.png",
        ),
    ],
    ids=["gif+html", "gif+script", "gif+svg", "gifar", "png+php", "html+png"],
)
def test_polyglots_are_refused_with_a_message(client, writer, media_root, data, name):
    client.force_login(writer)
    response = upload(client, SimpleUploadedFile(name, data, content_type="image/gif"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith(f"{name}: ")
    assert "polyglot" in error or "not a picture" in error or "damaged" in error
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_polyglot_gif_is_refused_because_of_its_markup(client, writer):
    """The GIF part is valid: the markup alone is the reason."""
    client.force_login(writer)
    data = gif_then(b"<script>alert(1)</script>")
    assert Image.open(io.BytesIO(data)).format == "GIF"
    response = upload(client, SimpleUploadedFile("p.gif", data, content_type="image/gif"))
    assert "'<script>' at byte" in response.json()["error"]
    assert "image/HTML polyglot" in response.json()["error"]


def test_an_html_file_named_png_is_refused(client, writer):
    client.force_login(writer)
    page = SimpleUploadedFile("page.png", b"<html><script>alert(1)</script></html>")
    response = upload(client, page)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "page.png: its contents are not a picture. Upload a JPEG, PNG, GIF or WebP image."
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_noisy_real_photos_are_not_mistaken_for_polyglots(client, writer, fmt):
    """Random pixels compress to arbitrary bytes; none of them may trip the markup check."""
    import random

    rng = random.Random(7)
    client.force_login(writer)
    for _ in range(20):
        noise = Image.frombytes("RGB", (256, 256), rng.randbytes(256 * 256 * 3))
        buffer = io.BytesIO()
        noise.save(buffer, fmt)
        file = SimpleUploadedFile(f"noise.{fmt.lower()}", buffer.getvalue())
        assert upload(client, file).status_code == 200


@pytest.mark.parametrize("model", ["blog/post", "blog/tag", "authors/author"])
def test_every_markdown_editor_knows_the_size_limit_and_the_preview_style(
    staff_client, settings, model
):
    """The bio and tag editors are the post editor: image button, styled preview, and
    the size limit checked in the browser before an upload (static/js/admin-editor.js)."""
    settings.FOLIO_IMAGE_MAX_BYTES = 1234
    html = staff_client.get(f"/admin/{model}/add/").content.decode()
    assert 'data-folio-image-max-bytes="1234"' in html
    assert 'data-folio-preview-css="/static/css/site.css"' in html
    assert 'src="/static/js/admin-editor.js"' in html
