"""Regressions found in review: each was a 500, a leak or a hole before its fix."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Redirect
from tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/blog/0000/", "/blog/0000/01/", "/blog/9999/", "/blog/0001/"])
def test_archive_years_out_of_range_are_404_not_500(client, settings, path):
    settings.TIME_ZONE = "America/New_York"
    make_post()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path", ["/blog/x%00/", "/authors/x%00/", "/blog/tags/x%00/", "/nothing%00/here/"]
)
def test_a_nul_in_a_url_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_renaming_a_scheduled_post_does_not_reveal_its_new_address(client):
    post = make_post(slug="before", publish_at=timezone.now() + timedelta(days=1))
    post = Post.objects.get(pk=post.pk)
    post.slug = "secret-new-name"
    post.save()
    assert not Redirect.objects.exists()
    assert client.get("/blog/before/").status_code == 404


def test_renaming_a_live_post_still_redirects(client):
    post = Post.objects.get(pk=make_post(slug="old").pk)
    post.slug = "new"
    post.save()
    assert client.get("/blog/old/")["Location"] == "/blog/new/"


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/"])
def test_redirects_cannot_leave_the_site(path):
    with pytest.raises(ValidationError):
        Redirect(old_path="/blog/a/", new_path=path).full_clean()


def test_writers_cannot_reschedule_posts(client, django_user_model):
    from django.contrib.auth.models import Group

    from authors.models import Author

    writer = django_user_model.objects.create_user("w", password="pw", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writers"))
    author = Author.objects.create(first_name="W", slug="w", user=writer)
    post = make_post(author=author, status=Post.Status.DRAFT)
    client.force_login(writer)
    html = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert 'name="publish_at_0"' not in html and 'name="status"' not in html


def test_pages_with_unknown_query_parameters_are_not_stored(client, settings):
    from django.core.cache import cache
    from django.test import RequestFactory

    from folio import pagecache

    def stored(path):
        return cache.get(pagecache._page_key(RequestFactory().get(path))) is not None

    settings.FOLIO_PAGE_CACHE = True
    make_post()
    assert client.get("/?junk=1").status_code == 200
    assert client.get("/?page=1").status_code == 200
    assert not stored("/?junk=1")
    assert stored("/?page=1")


def _bomb_png():
    import io
    import struct
    import zlib

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = struct.pack(">II", 100_000, 100_000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _image_bytes(fmt, size=(8, 8)):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buffer, fmt)
    return buffer.getvalue()


def _upload_author_photo(client, photo):
    """(response, author) of changing an author's photo through the admin form."""
    from authors.models import Author

    author = Author.objects.create(first_name="A", slug="a")
    form = {"first_name": "A", "last_name": "", "slug": "a", "bio": "", "website": ""}
    response = client.post(
        reverse("admin:authors_author_change", args=[author.pk]),
        {**form, "extra": "{}", "photo": photo},
    )
    author.refresh_from_db()
    return response, author


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # Django's own form check already refuses these two (its wording)...
        ("bomb.png", _bomb_png(), "Upload a valid image"),
        ("page.jpg", b"<html><script>alert(1)</script></html>", "Upload a valid image"),
        # ...these are real images that only the shared check refuses.
        ("pic.bmp", _image_bytes("BMP"), "BMP images are not accepted"),
        ("poly.gif", _image_bytes("GIF") + b"<script>alert(1)</script>", "polyglot"),
    ],
    ids=["bomb", "html", "bmp", "polyglot"],
)
def test_admin_image_fields_refuse_what_imports_and_uploads_refuse(
    staff_client, name, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response, author = _upload_author_photo(staff_client, SimpleUploadedFile(name, content))
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    assert not author.photo


def test_a_real_photo_is_accepted_in_the_admin(staff_client):
    from tests.factories import image_file

    response, author = _upload_author_photo(staff_client, image_file("me.png", fmt="PNG"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert author.photo.name.startswith("authors/me")
