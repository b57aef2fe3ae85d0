import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.test import override_settings
from PIL import Image

from blog.models import Post
from folio import images
from tests.factories import image_file, make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


def open_rendition(cachefile):
    with default_storage.open(cachefile.name) as f:
        image = Image.open(f)
        image.load()
        return image


def test_renditions_are_generated_on_save_in_webp_at_three_widths_and_the_source_format():
    post = make_post(image=image_file("hero.png", size=(2000, 1000), fmt="PNG"))
    for width in (640, 1024, 1600):
        webp = open_rendition(getattr(post, f"hero_{width}_webp"))
        assert webp.format == "WEBP" and webp.size == (width, width * 9 // 16)
    # The fallback for browsers without WebP, and for social cards: the largest width.
    original = open_rendition(post.hero_1600)
    assert original.format == "PNG" and original.size == (1600, 900)
    assert not hasattr(post, "hero_640")
    author = make_author(photo=image_file("me.jpg", size=(500, 400)))
    assert open_rendition(author.portrait_384).size == (384, 384)
    assert open_rendition(author.portrait_96_webp).format == "WEBP"


def test_pages_serve_picture_markup_with_srcset_sizes_dimensions_and_lazy_loading(client):
    author = make_author(photo=image_file("me.jpg"))
    make_post(title="First", author=author, image=image_file("one.jpg"))
    make_post(title="Second", author=author, thumb_image=image_file("two.jpg"))
    html = client.get("/").content.decode()
    pictures = re.findall(r"<picture>.*?</picture>", html, re.S)
    assert len(pictures) == 2
    first, second = pictures
    assert '<source type="image/webp" srcset="' in first
    assert re.search(r'srcset="[^"]+ 640w, [^"]+ 1024w, [^"]+ 1600w"', first)
    assert 'sizes="' in first and 'width="1600" height="900"' in first
    fallback = re.search(r'<img src="([^"]+)"', first)[1]
    assert fallback.endswith("/1600x900q82.jpg")
    assert default_storage.exists(fallback.removeprefix("/media/"))
    # The featured card is what a reader sees first: it loads eagerly, the rest lazily.
    assert 'loading="eager"' in first and 'fetchpriority="high"' in first
    assert 'loading="lazy"' in second
    webp_urls = re.findall(
        r"(\S+) \d+w", re.search(r'type="image/webp" srcset="([^"]+)"', second)[1]
    )
    assert all(default_storage.exists(url.removeprefix("/media/")) for url in webp_urls)


def _broken_post(kind):
    if kind == "missing":
        name = "posts/gone.jpg"
    else:
        name = default_storage.save("posts/not-an-image.jpg", ContentFile(b"plain text"))
    author = make_author(slug=f"author-{kind}", photo=name)
    tag = make_tag(f"Tag {kind}")
    return make_post(slug=f"post-{kind}", image=name, thumb_image=name, author=author, tags=[tag])


@pytest.mark.parametrize("kind", ["missing", "not an image"])
def test_missing_or_broken_images_degrade_to_no_image_on_every_page(client, kind):
    post = _broken_post(kind)
    make_post(title="Neighbour", tags=list(post.tags.all()))  # related + previous/next
    assert post.image_width is None and post.author.photo_width is None
    urls = [
        "/",
        "/blog/",
        post.get_absolute_url(),
        post.author.get_absolute_url(),
        post.tags.get().get_absolute_url(),
        f"/blog/{post.publish_at.year}/",
        "/blog/archive/",
        "/blog/feed/",
        "/blog/atom/",
        "/sitemap.xml",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<picture>" not in html and "/media/renditions/" not in html, url


def test_replacing_a_broken_image_brings_the_picture_back(client):
    post = _broken_post("missing")
    post.image = image_file("fixed.jpg")
    post.save()
    post.refresh_from_db()
    assert (post.image_width, post.image_height) == (40, 30)
    assert "<picture>" in client.get(post.get_absolute_url()).content.decode()


def test_saving_with_update_fields_keeps_image_sizes_in_step():
    post = make_post()
    post.image = default_storage.save("posts/later.jpg", image_file("later.jpg"))
    post.save(update_fields=["image"])
    assert Post.objects.get(pk=post.pk).image_width == 40


@pytest.mark.django_db
def test_renditions_are_named_by_source_and_size_and_exist_after_save():
    post = make_post(image=image_file("hero shot.jpg", size=(800, 450)))
    stem = post.image.name.rsplit(".", 1)[0]
    assert post.hero_1600.name == f"renditions/{stem}/1600x900q82.jpg"
    assert post.hero_640_webp.name == f"renditions/{stem}/640x360q82.webp"
    assert default_storage.exists(post.hero_1600.name)
    assert default_storage.exists(post.hero_640_webp.name)


def test_pages_link_every_rendition_where_imagekit_wrote_it():
    # Pages compute rendition URLs without imagekit's per-file objects; they must
    # name exactly the files imagekit made, for every width and format, odd names too.
    post = make_post(image=image_file("Hero (1) ÉTÉ.JPEG", size=(900, 500)))
    author = make_author(photo=image_file("me.png", size=(300, 300), fmt="PNG"))
    for renditions, model in ((post.hero, post), (author.portrait, author)):
        for width, suffix in renditions.renditions.specs:
            spec_file = getattr(model, renditions.renditions.spec_name(width, suffix))
            assert renditions.url(width, suffix) == spec_file.url
            assert default_storage.exists(spec_file.name)


def test_saving_the_same_post_twice_keeps_its_image():
    post = make_post(image=image_file("twice.jpg", size=(900, 500)))
    post.title = "Saved again"
    post.save()
    post.save()
    assert Post.objects.get(pk=post.pk).image_width == 900


def test_an_image_swapped_on_the_same_object_gets_its_own_size():
    post = make_post(image=image_file("first.jpg", size=(900, 500)))
    post.image.name = default_storage.save("posts/second.jpg", image_file("s.jpg", size=(640, 480)))
    post.save()
    assert (post.image_width, post.image_height) == (640, 480)


def test_local_media_urls_are_remembered_and_follow_media_url(monkeypatch):
    post = make_post(image=image_file("local.jpg", size=(900, 500)))
    asked = []
    storage_url = FileSystemStorage.url
    monkeypatch.setattr(FileSystemStorage, "url", lambda *a: asked.append(a) or storage_url(*a))
    first = post.hero.largest_url
    assert first == post.hero.largest_url and len(asked) == 1
    monkeypatch.undo()
    assert post.hero.largest_url.startswith("/media/renditions/")
    with override_settings(MEDIA_URL="https://media.example.org/"):
        assert post.hero.largest_url.startswith("https://media.example.org/renditions/")
    assert post.hero.largest_url.startswith("/media/renditions/")


class SigningStorage(FileSystemStorage):
    """Object storage that signs its URLs: every call gives a fresh signature."""

    signed = 0

    def url(self, name):
        SigningStorage.signed += 1
        return f"https://bucket.example.org/{name}?signature={SigningStorage.signed}"


def test_urls_of_storage_that_signs_them_are_asked_for_every_time(monkeypatch, tmp_path):
    post = make_post(image=image_file("signed.jpg", size=(900, 500)))
    storage = SigningStorage(location=tmp_path)
    monkeypatch.setattr(images, "get_storage", lambda: storage)
    # Not local storage's own url(): a subclass may answer differently each time.
    first, second = post.hero.largest_url, post.hero.largest_url
    assert first.startswith("https://bucket.example.org/renditions/") and first != second


def test_imagekit_records_nothing_on_load_and_a_loaded_post_still_gets_new_renditions():
    # folio/apps.py disconnects imagekit's post_init receiver (it recorded hashes that
    # never matched); what a save of a loaded object generates must not change.
    from django.db.models.signals import post_init

    assert not post_init.has_listeners(Post)
    post = Post.objects.get(pk=make_post(image=image_file("one.jpg", size=(900, 500))).pk)
    post.image = image_file("two.jpg", size=(1000, 600))
    post.save()
    post = Post.objects.get(pk=post.pk)
    assert "two" in post.image.name and default_storage.exists(post.hero_1600.name)
    assert default_storage.exists(post.hero_640_webp.name)


def test_making_renditions_in_threads_never_silences_the_processs_stderr():
    # pilkit's quiet() swapped fd 2 for /dev/null and back around each save: two
    # threads interleaving (enter, enter, exit, exit) left it on /dev/null for good.
    import os

    import pilkit.utils

    before = os.fstat(2)
    first, second = pilkit.utils.quiet(), pilkit.utils.quiet()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    after = os.fstat(2)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
