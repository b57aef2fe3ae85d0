import errno
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from blog.importing import ImportOptions, import_site
from blog.models import Post
from folio import images, renditions
from folio.resizing import Fit
from folio.storage import AtomicFileSystemStorage
from tests.factories import image_file, make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


def open_rendition(cachefile):
    with default_storage.open(cachefile.name) as f:
        image = Image.open(f)
        image.load()
        return image


def test_renditions_are_generated_on_save_in_webp_at_three_widths_and_the_source_format():
    # Fitted into 16:9 boxes 640, 1024 and 1600 wide: a 2:1 image keeps its 2:1.
    post = make_post(image=image_file("hero.png", size=(2000, 1000), fmt="PNG"))
    for width in (640, 1024, 1600):
        webp = open_rendition(getattr(post, f"hero_{width}_webp"))
        assert webp.format == "WEBP" and webp.size == (width, width // 2)
    # The fallback for browsers without WebP, and for social cards: the largest width.
    original = open_rendition(post.hero_1600)
    assert original.format == "PNG" and original.size == (1600, 800)
    assert not hasattr(post, "hero_640")
    # Portraits cover their square box (CSS crops them to a circle): 5:4 stays 5:4.
    author = make_author(photo=image_file("me.jpg", size=(500, 400)))
    assert open_rendition(author.portrait_192_webp).size == (240, 192)
    assert open_rendition(author.portrait_384).size == (480, 384)
    assert open_rendition(author.portrait_96_webp).format == "WEBP"


def test_pages_serve_picture_markup_with_srcset_sizes_dimensions_and_lazy_loading(client):
    author = make_author(photo=image_file("me.jpg"))
    make_post(title="First", author=author, image=image_file("one.jpg", size=(3200, 1800)))
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
    # Named by their real size: the 1024 and 1600 boxes both give the source's own
    # 800x450 (never enlarged), which is one file.
    post = make_post(image=image_file("hero shot.jpg", size=(1200, 675)))
    stem = post.image.name.rsplit(".", 1)[0]
    assert post.hero_1600.name == f"renditions/{stem}/1200x675q82.jpg"
    assert post.hero_1024_webp.name == f"renditions/{stem}/1024x576q82.webp"
    assert post.hero_640_webp.name == f"renditions/{stem}/640x360q82.webp"
    assert default_storage.exists(post.hero_1600_webp.name)
    assert default_storage.exists(post.hero_640_webp.name)
    # The 1600 px box of a 1200 px photo, in its own format, would be the photo over
    # again: not made, and pages show the original in its place (issue 17).
    assert not default_storage.exists(post.hero_1600.name)
    assert post.hero.largest_url == post.image.url
    assert post.hero.url(1600, "webp").endswith("/1200x675q82.webp")


def test_a_rendition_the_size_of_another_or_of_the_source_is_made_once(media_root):
    small = make_post(image=image_file("small.jpg", size=(800, 450)))
    made = sorted(p.name for p in (media_root / "renditions").rglob("*") if p.is_file())
    # 640 and 800 in WebP; 1024 and 1600 both give 800x450 (one file); no JPEG copy.
    assert made == ["640x360q82.webp", "800x450q82.webp"]
    assert small.hero.srcset().endswith("/800x450q82.webp 800w")
    declared = small.hero.renditions
    assert declared.made((800, 450)) == [(640, "webp"), (1024, "webp")]
    assert declared.made((3000, 2000)) == [
        (640, "webp"),
        (1024, "webp"),
        (1600, "webp"),
        (1600, ""),
    ]


def test_pages_link_every_rendition_where_imagekit_wrote_it():
    # Pages compute rendition URLs without imagekit's per-file objects; they must
    # name exactly the files imagekit made, for every width and format, odd names too.
    post = make_post(image=image_file("Hero (1) ÉTÉ.JPEG", size=(2000, 1000)))
    author = make_author(photo=image_file("Фото.png", size=(500, 500), fmt="PNG"))
    for rendition_set, model in ((post.hero, post), (author.portrait, author)):
        declared = rendition_set.renditions
        for width, suffix in declared.specs:
            spec_file = getattr(model, declared.spec_name(width, suffix))
            assert rendition_set.url(width, suffix) == spec_file.url
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
    post = make_post(image=image_file("local.jpg", size=(1900, 1000)))
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


def test_urls_of_storage_that_signs_them_are_asked_for_every_time(monkeypatch, media_root):
    post = make_post(image=image_file("signed.jpg", size=(1900, 1000)))
    storage = SigningStorage(location=media_root)  # where the renditions were made
    monkeypatch.setattr(renditions, "get_storage", lambda: storage)
    # Not local storage's own url(): a subclass may answer differently each time.
    first, second = post.hero.largest_url, post.hero.largest_url
    assert first.startswith("https://bucket.example.org/renditions/") and first != second


def test_imagekit_records_nothing_on_load_and_a_loaded_post_still_gets_new_renditions():
    # folio/apps.py disconnects imagekit's post_init receiver (it recorded hashes that
    # never matched); what a save of a loaded object generates must not change.
    from django.db.models.signals import post_init

    assert not post_init.has_listeners(Post)
    post = Post.objects.get(pk=make_post(image=image_file("one.jpg", size=(900, 500))).pk)
    post.image = image_file("two.jpg", size=(2000, 1200))
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


# -- Image sizes (issue 18, item 5; issue 14, item 6) --


def png_bytes(size, fmt="PNG", paint=None):
    image = Image.new("RGB", size, (20, 120, 200))
    if paint:
        paint(image)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def rendition_sizes(model, rendition_set):
    """The sizes of the files made (a rendition that would repeat the original is not)."""
    declared = rendition_set.renditions
    return {
        open_rendition(getattr(model, declared.spec_name(width, suffix))).size
        for width, suffix in declared.made(rendition_set._source_size)
    }


@pytest.mark.parametrize("size", [(5000, 10), (10, 5000), (10799, 10), (421, 20)])
def test_images_more_than_twenty_times_wider_than_tall_are_refused_before_decoding(size):
    # A 5000x10 strip upscaled to fill 1600x900 took 3.3 GB to make its renditions.
    with pytest.raises(images.ImageProblem, match=rf"{size[0]}x{size[1]} pixels is too thin"):
        images.verify_image_bytes(png_bytes(size))


def test_images_up_to_twenty_to_one_are_accepted():
    assert images.verify_image_bytes(png_bytes((400, 20))) == "PNG"
    assert images.verify_image_bytes(png_bytes((20, 400))) == "PNG"


def test_a_thin_hero_image_is_a_form_error_and_nothing_is_stored():
    post = make_post()
    post.image = SimpleUploadedFile("banner.png", png_bytes((5000, 10)))
    with pytest.raises(ValidationError, match="5000x10 pixels is too thin"):
        post.full_clean()


def test_a_thin_image_in_an_import_is_a_warning_naming_the_file(site):
    site.write("static/images/strip.png", png_bytes((10799, 10)))
    site.post("thin", "title: Thin\ndate: '2021-01-01'\nimage: images/strip.png\n")
    result = import_site(site.root, ImportOptions())
    (report,) = result.reports
    assert report.action == "created" and not result.problems
    assert any(
        "images/strip.png" in w and "10799x10 pixels is too thin" in w for w in report.warnings
    )
    assert not Post.objects.get(slug="thin").image


def test_no_rendition_is_larger_than_its_source_in_either_dimension():
    # Wide (19:1), tall, small and large sources, in both fits (hero: contain,
    # portrait: cover): every rendition within the source, aspect ratio kept.
    for size in [(1900, 100), (100, 1900), (288, 200), (3000, 2000), (50, 50)]:
        post = make_post(image=image_file("source.png", size=size, fmt="PNG"))
        author = make_author(photo=image_file("me.png", size=size, fmt="PNG"))
        for model, rendition_set in ((post, post.hero), (author, author.portrait)):
            for width, height in rendition_sizes(model, rendition_set):
                assert width <= size[0] and height <= size[1], (size, width, height)
                assert abs(width / height - size[0] / size[1]) < 0.05 * size[0] / size[1] + 0.05


def test_a_small_figure_is_shown_whole_at_its_own_size(client):
    # A 288 px scientific figure was enlarged to 1600x900 and cut to 16:9.
    def two_halves(image):
        image.paste((255, 0, 0), (0, 0, 144, 200))
        image.paste((0, 0, 255), (144, 0, 288, 200))

    post = make_post(
        image=SimpleUploadedFile("figure.png", png_bytes((288, 200), paint=two_halves))
    )
    (size,) = rendition_sizes(post, post.hero)
    assert size == (288, 200)
    made = open_rendition(post.hero_1600_webp).convert("RGB")
    red, blue = made.getpixel((2, 100)), made.getpixel((285, 100))  # (WebP: lossy)
    assert red[0] > 240 and max(red[1:]) < 16 and blue[2] > 240 and max(blue[:2]) < 16
    html = client.get(post.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S)[0]
    srcset = re.search(r'srcset="([^"]+)"', picture)[1]
    assert re.fullmatch(r"\S+/288x200q82\.webp 288w", srcset)
    assert 'width="288" height="200"' in picture
    # Each slot capped at the image's own width: a browser draws a srcset image at its
    # slot's width, which enlarged the figure to the column's 1112 px.
    sizes = re.search(r'sizes="([^"]+)"', picture)[1]
    assert sizes == "(min-width: 72rem) min(69.5rem, 288px), min(calc(100vw - 2.5rem), 288px)"


def test_srcset_lists_each_real_width_once_and_no_wider_than_the_source(client):
    post = make_post(image=image_file("mid.jpg", size=(900, 500)))
    srcset = post.hero.srcset()
    assert [entry.rsplit(" ", 1)[1] for entry in srcset.split(", ")] == ["640w", "900w"]
    assert (post.hero.width, post.hero.height) == (900, 500)
    for url in re.findall(r"(\S+) \d+w", srcset):
        with default_storage.open(url.removeprefix("/media/")) as f:
            assert Image.open(f).size[0] <= 900


def test_a_resize_never_decodes_an_image_over_the_pixel_limit(settings):
    # An image stored before a lower limit (or put in media by hand) is refused by
    # the resize itself, before a pixel is decoded; the save goes on without it.
    settings.FOLIO_IMAGE_MAX_PIXELS = 1000
    image = Image.open(io.BytesIO(png_bytes((100, 50))))
    with pytest.raises(ValueError, match="over the 1,000-pixel limit"):
        Fit(640, 360).process(image)
    assert image.tile  # still waiting to be decoded: nothing was


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    image = Image.open(io.BytesIO(png_bytes((4000, 3000), fmt="JPEG")))
    result = Fit(640, 360).process(image)
    assert result.size == (480, 360)
    # draft() made the decoder produce 1/8 scale (500x375), not 4000x3000.
    assert image.size == (500, 375)


def test_a_source_already_within_its_box_is_not_resampled():
    image = Image.open(io.BytesIO(png_bytes((288, 200))))
    assert Fit(640, 360).process(image) is image


def animated_gif():
    frames = [Image.new("RGB", (60, 40), color) for color in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def test_an_animated_gif_is_shown_as_it_is_animation_and_all(client):
    post = make_post(image=SimpleUploadedFile("spinner.gif", animated_gif()))
    html = client.get(post.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S)[0]
    assert "image/webp" not in picture and 'width="60" height="40"' in picture
    src = re.search(r'<img src="([^"]+)"', picture)[1]
    assert src == post.image.url
    with default_storage.open(post.image.name) as f:
        assert Image.open(f).n_frames == 3
    assert not default_storage.exists(post.hero_1600.name)  # no still copy made


def _upload_author_photo(client, photo):
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
    ("name", "fmt", "stored"),
    [("x.pdf", "PNG", ".png"), ("me.png", "JPEG", ".jpg"), ("a.jpeg", "JPEG", ".jpg")],
)
def test_an_uploaded_image_is_stored_under_the_extension_of_its_format(
    staff_client, name, fmt, stored
):
    # x.pdf holding a PNG was stored as .pdf and served as application/pdf.
    response, author = _upload_author_photo(staff_client, image_file(name, fmt=fmt))
    assert response.status_code == 302
    assert author.photo.name.endswith(stored)
    with default_storage.open(author.photo.name) as f:
        assert Image.open(f).format == fmt


def test_a_thin_photo_is_refused_in_the_admin_with_the_reason(staff_client):
    response, author = _upload_author_photo(
        staff_client, SimpleUploadedFile("strip.png", png_bytes((5000, 10)))
    )
    assert response.status_code == 200
    assert "5000x10 pixels is too thin" in response.content.decode()
    assert not author.photo


def test_make_renditions_makes_what_is_missing_and_nothing_for_gifs():
    # After an upgrade renamed them, or a write failed: one command brings them back.
    from django.core.management import call_command

    post = make_post(image=image_file("wide.jpg", size=(2000, 800)))
    author = make_author(photo=image_file("me.jpg", size=(300, 200)))
    gif = make_post(image=SimpleUploadedFile("spinner.gif", animated_gif()))
    names = [post.hero_640_webp.name, post.hero_1600.name, author.portrait_96_webp.name]
    for name in names:
        default_storage.delete(name)
    call_command("make_renditions", verbosity=0)
    assert all(default_storage.exists(name) for name in names)
    assert not default_storage.exists(gif.hero_1600.name)


@pytest.fixture
def full_disk(monkeypatch):
    """A media disk with no room left: every file the storage writes fails."""

    def no_room(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AtomicFileSystemStorage, "_save", no_room)


def test_a_full_disk_refuses_an_admin_upload_with_a_form_error_and_keeps_the_rest(
    staff_client, full_disk
):
    response, author = _upload_author_photo(staff_client, image_file("me.png"))
    assert response.status_code == 200  # the form again, not a server error
    html = response.content.decode()
    assert "could not be stored: No space left on device" in html
    assert 'name="first_name" value="A"' in html
    assert not author.photo  # no row names a file that was never written


def test_a_full_disk_refuses_a_post_hero_image_and_nothing_is_saved(staff_client, full_disk):
    author = make_author()
    response = staff_client.post(
        reverse("admin:blog_post_add"),
        {
            "title": "With a hero",
            "slug": "with-a-hero",
            "author": author.pk,
            "status": "published",
            "publish_at_0": "2026-01-02",
            "publish_at_1": "10:00:00",
            "body": "Typed in the browser",
            "excerpt": "",
            "extra": "{}",
            "image": image_file("hero.jpg", size=(800, 400)),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be stored" in html and "Typed in the browser" in html
    assert not Post.objects.filter(slug="with-a-hero").exists()


def test_a_full_disk_refuses_an_editor_upload_with_a_message(client, writer, full_disk):
    client.force_login(writer)
    response = client.post(
        reverse("markdownx_upload"),
        {"image": image_file("drop.png")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 507
    assert response.json()["error"].startswith("drop.png: the server could not store it")


def test_an_image_whose_renditions_are_missing_is_shown_as_stored_never_broken(client):
    # A full disk while they were made, or an upgrade before make_renditions: the page
    # shows the original at its own size until they exist, then the renditions.
    from django.core.management import call_command

    post = make_post(image=image_file("wide.jpg", size=(2000, 800)))
    default_storage.delete(post.hero_1024_webp.name)
    html = client.get(post.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S)[0]
    assert "<source" not in picture and "/renditions/" not in picture
    assert f'src="{post.image.url}" width="2000" height="800"' in picture
    assert 'property="og:image" content="http://testserver' + post.image.url in html

    call_command("make_renditions", verbosity=0)
    fresh = Post.objects.get(pk=post.pk)
    assert not fresh.hero.shown_as_is
    assert fresh.hero.largest_url.startswith("/media/renditions/")


def test_markup_is_found_in_any_case_and_named_as_written():
    # Searched in lower-cased bytes (issue 17: 20 times faster), reported as written.
    data = png_bytes((40, 30)) + b"\x00url(JaVaScRiPt:alert(1)) <ScRiPt>"
    start, text = images.find_markup(data)
    assert text == b"JaVaScRiPt:" and data[start:].startswith(b"JaVaScRiPt:")
    assert images.find_markup(png_bytes((40, 30)) + b"<Svg/onload=x>")[1] == b"<Svg/"
    assert images.find_markup(png_bytes((40, 30)) + "<p>Été, Лето, 夏</p>".encode()) is None
    with pytest.raises(images.ImageProblem, match=r"'<SCRIPT>' at byte \d+\): an image/HTML"):
        images.verify_image_bytes(png_bytes((40, 30)) + b"<SCRIPT>x</SCRIPT>")


# -- Renditions after an import (issue 17) --


def _media_images(html):
    """(src, width, height) of every <img> of media storage on a page, and og:image."""
    found = []
    for tag in re.findall(r"<img\b[^>]*>", html):
        src = re.search(r'src="([^"]+)"', tag)[1]
        if "/media/" in src:
            width, height = re.search(r'width="(\d+)"', tag), re.search(r'height="(\d+)"', tag)
            found.append((src, width and int(width[1]), height and int(height[1])))
    return found


def _shown_as_stored(client, path):
    """Every image of the page at ``path`` is a stored original, with its own size
    (never a broken image, never an empty box); the page's og:image too."""
    html = client.get(path).content.decode()
    assert "/renditions/" not in html and 'srcset="' not in html.split("</head>")[1], path
    shown = _media_images(html)
    assert shown, path
    for src, width, height in shown:
        with default_storage.open(src.split("/media/", 1)[1].replace("%20", " ")) as f:
            assert Image.open(f).size == (width, height), (path, src)
    og = re.search(r'property="og:image" content="([^"]+)"', html)
    if og:
        assert default_storage.exists(og[1].split("/media/", 1)[1]), (path, og[1])
    return html


def _renditions_site(site):
    from tests.landing import write_landing

    write_landing(site)  # a landing page whose sections have images
    site.image("été.jpg", size=(2400, 1600))
    site.image("фото.jpg", size=(1200, 800))
    site.author("maya", "first_name: Maya\nlast_name: Writer\nphoto: images/фото.jpg\n")
    site.post(
        "summer",
        "title: Été\ndate: '2021-03-19'\nauthor: src/data/authors/maya.yaml\n"
        "image: images/été.jpg\nthumb_image: images/été.jpg\n",
    )


def test_an_import_shows_the_originals_until_its_renditions_exist(site, client):
    """Pages read while an import makes its renditions -- post, list card, author,
    page sections, og:image -- show each stored original at its intrinsic size."""
    _renditions_site(site)
    seen = {}

    def content_done(result):
        assert not default_storage.exists("renditions")
        post = Post.objects.get(slug="summer")
        for path in (post.get_absolute_url(), "/blog/", post.author.get_absolute_url()):
            seen[path] = _shown_as_stored(client, path)
        seen["landing"] = _shown_as_stored(client, "/landing/")

    result = import_site(site.root, ImportOptions(workers=1), content_done=content_done)
    assert not result.failed and len(seen) == 4
    assert result.renditions.images == 5 and result.renditions.made > 0
    post = Post.objects.get(slug="summer")
    assert not post.hero.shown_as_is
    html = client.get(post.get_absolute_url()).content.decode()  # not the cached page
    assert post.hero.largest_url in html and "/renditions/" in html


def test_an_unchanged_reimport_makes_no_renditions_and_a_dry_run_writes_none(site, media_root):
    _renditions_site(site)
    dry = import_site(site.root, ImportOptions(dry_run=True))
    assert dry.renditions is None and not media_root.exists()
    first = import_site(site.root, ImportOptions(workers=1))
    assert first.renditions.made > 0
    again = import_site(site.root, ImportOptions(workers=1))
    assert (again.renditions.images, again.renditions.made) == (0, 0)


def test_an_import_stopped_while_making_renditions_is_completed_by_the_next(
    site, monkeypatch, media_root
):
    from blog.models import ImportRun

    _renditions_site(site)
    with monkeypatch.context() as patch:
        patch.setattr(images._BulkWrites, "make", lambda *args: (_ for _ in ()).throw(SystemExit))
        with pytest.raises(SystemExit):  # as a SIGKILL: nothing after it runs
            import_site(site.root, ImportOptions(workers=1))
    assert ImportRun.objects.count() == 1 and not (media_root / "renditions").exists()
    post = Post.objects.get(slug="summer")
    assert post.hero.shown_as_is and post.hero.largest_url == post.image.url

    result = import_site(site.root, ImportOptions(workers=1))
    assert {report.action.value for report in result.reports} == {"unchanged"}
    assert result.renditions.made > 0 and not ImportRun.objects.exists()
    assert not Post.objects.get(slug="summer").hero.shown_as_is


def test_renditions_are_made_by_worker_processes_and_a_bad_source_stops_none(site, media_root):
    # Enough distinct images for the process pool; each worker writes where this
    # process's settings say (tests move MEDIA_ROOT).
    for n in range(images.PARALLEL_IMAGES + 2):
        site.image(f"photo-{n}.jpg", size=(1700, 1000), color=(n * 10, 90, 160))
        site.post(f"p{n}", f"title: Фото {n}\ndate: '2021-03-19'\nimage: images/photo-{n}.jpg\n")
    original_make = images._BulkWrites.make

    def spoil_one_then_make(bulk, workers=None, progress=None):
        # A source lost from storage after it was stored (a full disk, a hand).
        job = next(iter(bulk.jobs.values()))
        default_storage.delete(job.name)
        default_storage.save(job.name, ContentFile(b"\xff\xd8 not a jpeg any more"))
        return original_make(bulk, 2, progress)

    here = []  # the images this process resized: it is one of the two
    original_one = images._make

    def made_here(job):
        here.append(job.name)
        return original_one(job)

    images._BulkWrites.make = spoil_one_then_make
    images._make = made_here
    try:
        result = import_site(site.root, ImportOptions())
    finally:
        images._BulkWrites.make = original_make
        images._make = original_one
    made = result.renditions
    assert made.images == images.PARALLEL_IMAGES + 2
    assert 0 < len(here) < made.images  # shared between this process and the worker
    assert len(made.failed) == 4 and made.made == 4 * (images.PARALLEL_IMAGES + 1)
    assert "could not be made" in result.problems[0] and "make_renditions" in result.problems[0]
    written = {p.parent.name for p in (media_root / "renditions").rglob("*.webp")}
    assert len(written) == images.PARALLEL_IMAGES + 1


def test_an_image_changed_between_its_check_and_its_storing_is_not_stored(site, media_root):
    from blog.importing import images as imported
    from blog.importing.errors import ImportFileError
    from blog.importing.paths import Site

    site.image("été.jpg", size=(300, 200))
    site.post("p", "title: P\ndate: '2021-03-19'\n")
    root = Site.at(site.root, None, None, None)
    checked = imported.check(root, "static/images/été.jpg")
    site.image("été.jpg", size=(300, 200), color=(250, 0, 0))  # swapped meanwhile
    with pytest.raises(ImportFileError, match="été.jpg changed while it was imported"):
        imported.store(root, checked)
    assert not default_storage.exists(checked.storage_name)


def test_the_images_of_a_worker_that_died_are_made_in_this_process(media_root):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    post = make_post(image=image_file("ß.jpg", size=(2000, 1000)))
    for name in post.hero._rendition_names():
        default_storage.delete(name)
    died = Future()
    died.set_exception(BrokenProcessPool("a worker was killed"))
    job = images.make_job(Post.hero, post)
    assert images._outcome(died, [job]) == [(4, [])]
    assert not Post.objects.get(pk=post.pk).hero.shown_as_is


@pytest.mark.parametrize("size", [(2399, 1601), (4001, 2999), (1601, 901), (333, 2000)])
def test_the_renditions_of_an_import_have_the_size_in_their_names_never_larger(
    site, media_root, size
):
    # JPEGs are decoded at a reduced scale (draft); each rendition is still exactly
    # the size its name and the pages give it, and never larger than its source.
    site.image("große.jpg", size=size)
    site.post("p", "title: P\ndate: '2021-03-19'\nimage: images/große.jpg\n")
    made = import_site(site.root, ImportOptions(workers=1)).renditions
    files = list((media_root / "renditions").rglob("*.*"))
    assert made.made == len(files) > 0 and not made.failed
    for path in files:
        width, height = map(int, re.match(r"(\d+)x(\d+)q", path.name).groups())
        assert Image.open(path).size == (width, height), path.name
        assert width <= size[0] and height <= size[1], path.name
    post = Post.objects.get(slug="p")
    assert not post.hero.shown_as_is


def test_import_posts_stopped_while_resizing_says_what_is_kept(site, monkeypatch):
    from django.core.management import CommandError, call_command

    from blog.models import ImportRun

    site.image("été.jpg", size=(1800, 1000))
    site.post("p", "title: P\ndate: '2021-03-19'\nimage: images/été.jpg\n")
    monkeypatch.setattr(
        images._BulkWrites, "make", lambda *args: (_ for _ in ()).throw(KeyboardInterrupt)
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="Stopped while resizing images. Everything"):
        call_command("import_posts", str(site.root), stdout=out)
    assert "1 created" in out.getvalue()  # the import's own result came first
    assert Post.objects.filter(slug="p").exists() and ImportRun.objects.exists()


def test_import_posts_workers_option_sets_the_resizing_processes(site, monkeypatch):
    from django.core.management import call_command

    asked = []
    original = images._BulkWrites.make
    monkeypatch.setattr(
        images._BulkWrites,
        "make",
        lambda bulk, workers, progress: asked.append(workers) or original(bulk, workers, progress),
    )
    site.image("one.jpg", size=(700, 400))
    site.post("p", "title: P\ndate: '2021-03-19'\nimage: images/one.jpg\n")
    call_command("import_posts", str(site.root), "--workers", "1", stdout=io.StringIO())
    assert asked == [1]
