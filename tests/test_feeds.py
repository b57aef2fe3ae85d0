from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from blog.models import Post, Tag
from tests.factories import image_file, make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return response, feed


@pytest.mark.parametrize(("url", "version"), [("/blog/feed/", "rss20"), ("/blog/atom/", "atom10")])
def test_site_feeds_carry_full_content_with_absolute_urls(client, url, version):
    author = make_author(first_name="Maya", last_name="Lind")
    tag = make_tag("Baking")
    post = make_post(
        title="Sourdough <basics>",
        slug="sourdough",
        author=author,
        tags=[tag],
        excerpt="Short *summary*.",
        body=(
            "Intro.\n\n![crumb](/images/crumb%20shot.jpg)\n\n"
            "[relative](other/)\n\n[note](#starter)\n\n[out](https://example.org/x)\n\n"
            "## Starter\n\nFeed it."
        ),
        image=image_file("hero.jpg"),
    )
    response, feed = parse(client, url)
    assert feed.version == version
    assert feed.feed.title == "Folio"
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == "Sourdough <basics>"
    assert entry.link == "http://testserver/blog/sourdough/"
    assert entry.author == "Maya Lind"
    assert [t.term for t in entry.tags] == ["Baking"]
    assert entry.published_parsed[:6] == post.publish_at.utctimetuple()[:6]
    if version == "atom10":  # RSS items have no updated date
        assert entry.updated_parsed[:6] == post.updated.utctimetuple()[:6]
    content = entry.content[0].value
    assert "Feed it." in content  # the whole post, not the excerpt
    assert 'src="http://testserver/images/crumb%20shot.jpg"' in content
    assert f'src="http://testserver{post.image.url}"' in content
    assert 'href="http://testserver/blog/sourdough/other/"' in content
    assert 'href="http://testserver/blog/sourdough/#starter"' in content
    assert 'href="https://example.org/x"' in content
    assert "<em>summary</em>" in entry.summary


def test_feeds_list_only_published_posts_newest_first_and_at_most_twenty(client):
    posts = [make_post(publish_at=timezone.now() - timedelta(hours=n)) for n in range(1, 23)]
    make_post(title="A draft", status=Post.Status.DRAFT)
    make_post(title="Scheduled", publish_at=timezone.now() + timedelta(minutes=5))
    for url in ["/blog/feed/", "/blog/atom/"]:
        _, feed = parse(client, url)
        assert [e.title for e in feed.entries] == [p.title for p in posts[:20]]


def test_tag_category_and_author_feeds(client):
    author = make_author(slug="maya")
    tag = make_tag("Travel")
    category = make_tag("Travel", kind=Tag.Kind.CATEGORY)
    tagged = make_post(title="Tagged", tags=[tag], author=author)
    categorised = make_post(title="Categorised", tags=[category])
    make_post(title="Draft", tags=[tag, category], author=author, status=Post.Status.DRAFT)
    make_post(title="Future", tags=[tag], author=author, publish_at=timezone.now() + timedelta(1))

    _, feed = parse(client, "/blog/tags/travel/feed/")
    assert [e.title for e in feed.entries] == ["Tagged"]
    assert feed.feed.title == "Travel · Folio"
    _, feed = parse(client, "/blog/categories/travel/feed/")
    assert [e.title for e in feed.entries] == [categorised.title]
    _, feed = parse(client, "/authors/maya/feed/")
    assert [e.title for e in feed.entries] == [tagged.title]
    assert feed.feed.link == "http://testserver/authors/maya/"


@pytest.mark.parametrize("url", ["/blog/tags/nope/feed/", "/authors/nobody/feed/"])
def test_feeds_of_unknown_tags_and_authors_are_404(client, url):
    assert client.get(url).status_code == 404


def test_feed_without_posts_is_valid(client):
    _, feed = parse(client, "/blog/atom/")
    assert feed.entries == []


@pytest.mark.parametrize("n", [1, 30])
def test_feed_queries_do_not_grow_with_posts(
    client, django_assert_max_num_queries, n, site_settings_cached
):
    author = make_author(slug="maya")
    tags = [make_tag(f"Tag {i}") for i in range(3)]
    for _ in range(n):
        make_post(author=author, tags=tags)
    for url, queries in [
        ("/blog/feed/", 2),  # posts with authors, their tags
        ("/blog/atom/", 2),
        ("/blog/tags/tag-0/feed/", 3),  # + the tag
        ("/authors/maya/feed/", 3),  # + the author
    ]:
        with django_assert_max_num_queries(queries):
            assert client.get(url).status_code == 200


def test_pages_link_their_feeds_in_the_head(client):
    author = make_author(slug="maya")
    tag = make_tag("Travel")
    post = make_post(author=author, tags=[tag])
    for url in ["/", "/blog/archive/", post.get_absolute_url()]:
        head = client.get(url).content.decode().split("</head>")[0]
        assert '<link rel="alternate" type="application/rss+xml"' in head
        assert 'href="/blog/feed/"' in head and 'href="/blog/atom/"' in head
    head = client.get("/blog/tags/travel/").content.decode().split("</head>")[0]
    assert 'href="/blog/tags/travel/feed/"' in head
    head = client.get("/authors/maya/").content.decode().split("</head>")[0]
    assert 'href="/authors/maya/feed/"' in head
