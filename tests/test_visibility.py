"""What readers see: only published posts, on every page, at a cost that does not grow."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.storage import default_storage

from blog.models import Post, Tag
from tests.factories import image_file, make_author, make_post, make_tag

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def page_urls(author, tag, category, post):
    return [
        "/",
        "/blog/",
        tag.get_absolute_url(),
        category.get_absolute_url(),
        author.get_absolute_url(),
        "/blog/2024/",
        "/blog/2024/06/",
        "/blog/archive/",
        post.get_absolute_url(),
        "/blog/feed/",
        "/blog/atom/",
        f"/blog/tags/{tag.slug}/feed/",
        f"/blog/categories/{category.slug}/feed/",
        f"/authors/{author.slug}/feed/",
        "/sitemap.xml",
    ]


def test_drafts_and_scheduled_posts_never_appear_anywhere(client, frozen):
    author = make_author(slug="maya")
    tag = make_tag("Travel")
    category = make_tag("Journeys", kind=Tag.Kind.CATEGORY)
    common = {"author": author, "tags": [tag, category]}
    live = make_post(title="Live post", slug="live", publish_at=NOW.replace(day=1), **common)
    make_post(title="Draft post", slug="draft-xyz", status=Post.Status.DRAFT, **common)
    make_post(
        title="Scheduled post", slug="scheduled-xyz", publish_at=NOW.replace(hour=13), **common
    )
    for url in page_urls(author, tag, category, live):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Live post" in text or "/blog/live/" in text or url == "/blog/archive/", url
        for hidden in ("Draft post", "draft-xyz", "Scheduled post", "scheduled-xyz"):
            assert hidden not in text, (url, hidden)
    archive = client.get("/blog/archive/")
    assert [row["count"] for row in archive.context["months"]] == [1]

    # Once its time comes, the scheduled post appears by itself.
    with time_machine.travel(NOW.replace(hour=14), tick=False):
        assert "Scheduled post" in client.get("/blog/2024/06/").content.decode()
        assert "Scheduled post" in client.get("/blog/feed/").content.decode()


def _add_posts(n, author, tags, picture):
    """n published posts, each with an author photo, hero and thumbnail, and four tags."""
    for i in range(n):
        make_post(
            author=author if i % 2 == 0 else make_author(photo=picture),
            tags=tags,
            image=picture,
            thumb_image=picture,
            publish_at=NOW.replace(day=1 + i % 14, minute=i),
        )


def _query_counts(client, urls, django_assert_max_num_queries):
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES, info=url) as captured:
            assert client.get(url).status_code == 200, url
        counts[url] = len(captured)
    return counts


# The most any page may take, whatever it shows: list pages a count and a page of
# posts (+ the tag or author; archives an existence check), the post page its post,
# tags and the cards it links to (+ the newest posts when few share a tag), the
# sitemap a count and a page per kind of post, author and tag, and one for pages.
MAX_QUERIES = 7


def test_query_counts_of_every_page_do_not_grow_with_posts_or_tags(
    client, frozen, django_assert_max_num_queries, site_settings_cached
):
    picture = default_storage.save("posts/shared.jpg", image_file("shared.jpg"))
    author = make_author(slug="maya", photo=picture)
    tags = [make_tag(f"Tag {i}") for i in range(3)]
    category = make_tag("Category", kind=Tag.Kind.CATEGORY)
    _add_posts(1, author, [*tags, category], picture)
    urls = page_urls(author, tags[0], category, Post.objects.get())
    with_one = _query_counts(client, urls, django_assert_max_num_queries)

    _add_posts(29, author, [*tags, category], picture)
    with_thirty = _query_counts(client, urls, django_assert_max_num_queries)
    assert with_thirty == with_one
    assert "<picture>" in client.get("/blog/").content.decode()
