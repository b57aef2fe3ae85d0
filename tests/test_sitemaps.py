import re
from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from tests.factories import make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


def locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return response.content.decode(), re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_sitemap_lists_pages_published_posts_and_their_authors_and_tags(client):
    author = make_author(slug="maya")
    tag = make_tag("Travel")
    post = make_post(slug="trip", author=author, tags=[tag])
    xml, locs = locations(client)
    assert locs == [
        "http://testserver/",
        "http://testserver/blog/",
        "http://testserver/blog/archive/",
        "http://testserver/blog/trip/",
        "http://testserver/authors/maya/",
        "http://testserver/blog/tags/travel/",
    ]
    assert f"<lastmod>{post.updated.date().isoformat()}</lastmod>" in xml


def test_sitemap_leaves_out_drafts_scheduled_posts_and_whoever_has_only_those(client):
    lonely_author = make_author(slug="drafty")
    lonely_tag = make_tag("Someday")
    make_post(slug="draft", author=lonely_author, tags=[lonely_tag], status=Post.Status.DRAFT)
    make_post(
        slug="later", author=lonely_author, tags=[lonely_tag],
        publish_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    _, locs = locations(client)
    assert not [loc for loc in locs if "draft" in loc or "later" in loc or "someday" in loc]


def test_sitemap_query_count_does_not_grow(
    client, django_assert_max_num_queries, site_settings_cached
):
    tags = [make_tag(f"Tag {i}") for i in range(10)]
    for i in range(30):
        make_post(author=make_author(), tags=tags[: i % 10 + 1])
    # A count and a page of items for each of posts, authors and tags; pages in one.
    with django_assert_max_num_queries(7):
        _, locs = locations(client)
    assert len(locs) == 3 + 30 + 30 + 10


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "User-agent: *" in response.content.decode()
