import json
import re

import pytest

from tests.factories import image_file, make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode().split("</head>")[0]


def meta(head, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', head)
    return match and match.group(1)


def test_post_page_has_title_description_canonical_social_cards_and_json_ld(client):
    author = make_author(first_name="Maya", last_name="Lind")
    post = make_post(
        title="Bread & butter",
        slug="bread",
        subtitle="Slowly",
        excerpt="All about *crumb* & crust.",
        author=author,
        image=image_file("hero.jpg", size=(800, 450)),
    )
    head = head_of(client, "/blog/bread/?utm_source=x")
    assert "<title>Bread &amp; butter · Folio</title>" in head
    assert meta(head, "name", "description") == "All about crumb &amp; crust."
    assert '<link rel="canonical" href="http://testserver/blog/bread/">' in head
    assert meta(head, "property", "og:type") == "article"
    assert meta(head, "property", "og:title") == "Bread &amp; butter"
    assert meta(head, "name", "twitter:card") == "summary_large_image"
    image_url = meta(head, "property", "og:image")
    # An 800x450 hero is never enlarged to 1600x900, nor copied at its own size: the
    # card is the original itself.
    assert image_url == "http://testserver" + post.image.url
    assert meta(head, "property", "og:image:width") == "800"
    assert meta(head, "property", "og:image:height") == "450"
    assert not post.hero_1600.storage.exists(post.hero_1600.name)
    assert meta(head, "name", "twitter:image") == image_url

    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S).group(1)
    )
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Bread & butter"
    assert data["datePublished"] == post.publish_at.isoformat()
    assert data["dateModified"] == post.updated.isoformat()
    assert data["author"] == {
        "@type": "Person",
        "name": "Maya Lind",
        "url": "http://testserver" + author.get_absolute_url(),
    }
    assert data["image"] == image_url


def test_json_ld_cannot_be_broken_out_of_by_a_title(client):
    post = make_post(title='</script><script>alert("x")</script>', slug="evil")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(block)["headline"] == post.title


def test_description_falls_back_to_the_subtitle_then_the_site(client):
    make_post(slug="sub", subtitle="Just a subtitle", body="", excerpt="")
    head = head_of(client, "/blog/sub/")
    assert meta(head, "name", "description") == "Just a subtitle"
    assert meta(head, "name", "twitter:card") == "summary"
    assert meta(head, "property", "og:image") is None


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "<title>Folio</title>"),
        ("/blog/", "<title>Blog · Folio</title>"),
        ("/blog/?page=2", "<title>Blog, page 2 · Folio</title>"),
        ("/blog/archive/", "<title>Archive · Folio</title>"),
        ("/blog/tags/travel/", "<title>Travel · Folio</title>"),
        ("/authors/maya/", "<title>Maya Writer · Folio</title>"),
    ],
)
def test_every_page_has_a_title_description_and_canonical_url(client, url, title):
    author = make_author(first_name="Maya", slug="maya")
    tag = make_tag("Travel")
    for _ in range(11):
        make_post(author=author, tags=[tag])
    head = head_of(client, url + ("&" if "?" in url else "?") + "utm_campaign=z")
    assert title in head
    assert meta(head, "name", "description")
    path, _, query = url.partition("?")
    canonical = "http://testserver" + path + ("?page=2" if query == "page=2" else "")
    assert f'<link rel="canonical" href="{canonical}">' in head
    assert meta(head, "property", "og:url") == canonical
    assert meta(head, "property", "og:title")


def test_author_page_shares_the_photo(client):
    make_author(first_name="Maya", slug="maya", photo=image_file("maya.jpg", size=(600, 600)))
    head = head_of(client, "/authors/maya/")
    assert meta(head, "property", "og:type") == "profile"
    assert meta(head, "property", "og:image").startswith("http://testserver/media/renditions/")
