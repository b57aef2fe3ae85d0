"""Images as each Stackbit generation names them, their alt text, and full URLs of the
site's own files (on its host, or on a copy of its repository elsewhere)."""

import pytest

from blog.importing import ImportOptions, import_site
from blog.models import Post

pytestmark = pytest.mark.django_db


def run(site, **options):
    return import_site(site.root, ImportOptions(**options))


def front(*lines):
    return "title: A post\ndate: '2019-05-01'\n" + "".join(f"{line}\n" for line in lines)


def imported(site, slug="p"):
    post = Post.objects.get(slug=slug)
    return post, post.image.name, post.thumb_image.name


@pytest.mark.parametrize(
    ("lines", "hero", "thumb"),
    [
        # The 2020 themes (Azimuth, Exto, Libris, Starter, Fresh).
        (["image: images/hero.jpg", "thumb_image: images/thumb.jpg"], "hero", "thumb"),
        # The 2019 themes: the post page's image, a generic one, the list's thumbnail.
        (
            ["content_img_path: images/hero.jpg", "thumb_img_path: images/thumb.jpg"],
            "hero",
            "thumb",
        ),  # noqa: E501
        (["img_path: /images/hero.jpg"], "hero", None),
        (["thumb_img_path: images/thumb.jpg"], None, "thumb"),
        # The first key that names a file of the site wins.
        (["content_img_path: images/hero.jpg", "img_path: images/thumb.jpg"], "hero", None),
    ],
)
def test_every_generations_image_keys_are_shown(site, lines, hero, thumb):
    site.image("hero.jpg", size=(400, 200))
    site.image("thumb.jpg", size=(300, 200), color=(1, 2, 3))
    site.post("p", front(*lines))
    run(site)
    _, image, thumb_image = imported(site)
    assert (hero in image) if hero else not image
    assert (thumb in thumb_image) if thumb else not thumb_image


def test_the_key_not_used_stays_in_extra_and_the_used_one_does_not(site):
    site.image("hero.jpg")
    site.post(
        "p", front("content_img_path: images/hero.jpg", "img_path: https://elsewhere.test/x.jpg")
    )
    run(site)
    post, image, _ = imported(site)
    assert image and "content_img_path" not in post.extra
    assert post.extra["img_path"] == "https://elsewhere.test/x.jpg"  # kept as it was


@pytest.mark.parametrize(
    ("lines", "alt_key"),
    [
        (["image: images/hero.jpg", "image_alt: Два кота на крыше"], "image_alt"),
        (["content_img_path: images/hero.jpg", "content_img_alt: Два кота на крыше"], None),
        (["img_path: images/hero.jpg", "img_alt: Два кота на крыше"], None),
    ],
)
def test_alt_text_comes_from_the_images_alt_key(site, client, lines, alt_key):
    site.image("hero.jpg", size=(400, 200))
    site.post("p", front(*lines, "thumb_image_alt: the card"))
    run(site)
    post, _, _ = imported(site)
    assert post.image_alt == "Два кота на крыше"
    assert not any(key.endswith("img_alt") or key == "image_alt" for key in post.extra)
    assert post.extra["thumb_image_alt"] == "the card"  # no thumbnail: kept, not lost
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="Два кота на крыше"' in html
    assert '<meta property="og:image:alt" content="Два кота на крыше">' in html


@pytest.mark.parametrize(
    "line", ["social_image: images/social.jpg", "social_image: {src: /images/social.jpg, alt: x}"]
)
def test_a_posts_social_image_is_its_card_image_when_it_has_no_other(site, line):
    site.image("social.jpg", size=(600, 315))
    site.post("p", front(line))
    run(site)
    post, image, thumb_image = imported(site)
    assert not image and "social" in thumb_image and "social_image" in post.extra


def test_alt_text_of_an_image_that_is_not_imported_stays_in_extra(site):
    site.post("p", front("image: images/missing.jpg", "image_alt: gone"))
    run(site)
    post, image, _ = imported(site)
    assert not image and not post.image_alt and post.extra["image_alt"] == "gone"


def test_a_posts_only_image_in_its_seo_block_becomes_its_card_image(site, client):
    site.image("social.jpg", size=(600, 315))
    site.post(
        "p",
        front(
            "seo:",
            "  title: A post",
            "  extra:",
            "    - {name: 'og:type', value: article, keyName: property}",
            "    - {name: 'og:image', value: images/social.jpg, keyName: property}",
        ),
    )
    run(site)
    post, image, thumb_image = imported(site)
    assert not image and "social" in thumb_image
    assert post.extra["seo"]["extra"][1]["value"] == "images/social.jpg"  # kept whole
    listing = client.get("/blog/").content.decode()
    assert "card__placeholder" not in listing
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<meta property="og:image" content="' in page and "social" in page


@pytest.mark.parametrize(
    "url",
    [
        "https://raw.githubusercontent.com/me/blog/master/static/images/hero.jpg",
        "https://cdn.jsdelivr.net/gh/me/blog@main/static/images/hero.jpg",
        "https://www.example.com/images/hero.jpg",  # the site's own host, www or not
        "https://example.com/images/hero.jpg",
    ],
)
def test_full_urls_of_the_sites_own_files_are_stored_locally(site, url):
    site.image("hero.jpg", size=(400, 200))
    site.post("p", front(f"img_path: '{url}'"), body=f"![inline]({url})\n")
    run(site, site_url="https://example.com")
    post, image, _ = imported(site)
    assert image.startswith("imported/")
    assert url not in post.body and "/media/imported/" in post.body


@pytest.mark.parametrize(
    "url",
    [
        "https://images.unsplash.com/photo-1234.jpg",
        "https://cdn.example.net/hero.jpg",  # a bare file name claims nothing
        "https://raw.githubusercontent.com/other/site/main/static/images/nothere.jpg",
    ],
)
def test_an_external_image_stays_external_as_it_was(site, url):
    site.image("hero.jpg")
    site.post("p", front(f"image: '{url}'"), body=f"![outside]({url})\n")
    result = run(site, site_url="https://example.com")
    post, image, _ = imported(site)
    assert not image and url in post.body
    assert post.extra["image"] == url  # kept as it was written
    report = next(r for r in result.reports if r.path == "src/pages/blog/p.md")
    assert not report.warnings  # nothing to warn about: it is not ours
