from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Tag
from tests.factories import image_file, make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


def test_home_and_blog_list_show_newest_published_posts_first(client):
    author = make_author(first_name="Maya", last_name="Lind")
    older = make_post(title="Older post", author=author, publish_at=timezone.now() - timedelta(3))
    newer = make_post(
        title="Newer post",
        subtitle="A subtitle",
        excerpt="The *excerpt*",
        publish_at=timezone.now(),
    )
    make_post(title="Secret draft", status=Post.Status.DRAFT)
    make_post(title="Future post", publish_at=timezone.now() + timedelta(days=1))
    for url in ["/", "/blog/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert list(response.context["posts"]) == [newer, older]
        html = response.content.decode()
        assert html.index("Newer post") < html.index("Older post")
        assert "A subtitle" in html and "<em>excerpt</em>" in html and "Maya Lind" in html
        assert "Secret draft" not in html and "Future post" not in html


def test_list_cards_show_the_thumbnail(client):
    make_post(title="Pictured", thumb_image=image_file("thumb.jpg", size=(1800, 1000)))
    html = client.get("/blog/").content.decode()
    assert 'src="/media/renditions/posts/' in html and "thumb" in html


def test_empty_blog_says_so(client):
    response = client.get("/blog/")
    assert response.status_code == 200
    assert "Nothing has been published yet" in response.content.decode()


@pytest.mark.parametrize(
    ("count", "query", "status", "shown"),
    [
        (10, "", 200, 10),
        (11, "?page=1", 200, 10),
        (11, "?page=2", 200, 1),
        (11, "?page=last", 200, 1),
        (11, "?page=3", 404, None),
        (11, "?page=0", 404, None),
        (11, "?page=abc", 404, None),
        (0, "?page=1", 200, 0),
        (0, "?page=2", 404, None),
    ],
)
def test_pagination_edges(client, count, query, status, shown):
    for _ in range(count):
        make_post()
    response = client.get("/blog/" + query)
    assert response.status_code == status
    if shown is not None:
        assert len(response.context["posts"]) == shown


def test_pagination_links(client):
    for _ in range(21):
        make_post()
    html = client.get("/blog/?page=2").content.decode()
    assert 'href="?page=1"' in html and 'href="?page=3"' in html and "Page 2 of 3" in html


def test_post_page_shows_everything_a_reader_needs(client):
    author = make_author(
        first_name="Maya", last_name="Lind", bio="Writes about *bread*.", photo=image_file()
    )
    tag = make_tag("Baking")
    before = make_post(title="Before", publish_at=timezone.now() - timedelta(days=10))
    post = make_post(
        title="Sourdough",
        slug="sourdough",
        subtitle="Slowly",
        author=author,
        body="## Starter\n\nFeed it daily.",
        image=image_file("hero.jpg"),
        publish_at=timezone.now() - timedelta(days=5),
        tags=[tag],
    )
    after = make_post(title="After", publish_at=timezone.now() - timedelta(days=1))
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert post.get_absolute_url() == "/blog/sourdough/"
    assert "<title>Sourdough · Folio</title>" in html
    assert 'id="starter"' in html and "Feed it daily." in html
    assert "Slowly" in html and "<em>bread</em>" in html
    assert 'alt="Photo of Maya Lind"' in html and "/media/renditions/posts/" in html
    assert f'href="{before.get_absolute_url()}"' in html
    assert f'href="{after.get_absolute_url()}"' in html
    assert f'href="{tag.get_absolute_url()}"' in html
    assert f'href="{author.get_absolute_url()}"' in html


@pytest.mark.parametrize("state", ["draft", "scheduled", "missing"])
def test_unpublished_and_missing_posts_are_404_in_the_site_design(client, state):
    if state == "draft":
        make_post(slug="hidden", status=Post.Status.DRAFT)
    elif state == "scheduled":
        make_post(slug="hidden", publish_at=timezone.now() + timedelta(hours=1))
    response = client.get("/blog/hidden/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This page could not be found" in html and 'class="site-header"' in html


def test_slugs_from_file_names_with_unusual_characters_resolve(client):
    post = make_post(slug="über_Post.2021")
    assert client.get(post.get_absolute_url()).status_code == 200


def test_author_page_lists_only_their_published_posts(client):
    author = make_author(first_name="Ansubha", last_name="Manandhar", bio="## About me")
    mine = make_post(title="Mine", author=author)
    make_post(title="My draft", author=author, status=Post.Status.DRAFT)
    make_post(title="Someone else's", author=make_author())
    response = client.get(reverse("authors:author-detail", kwargs={"slug": author.slug}))
    assert response.status_code == 200
    assert list(response.context["posts"]) == [mine]
    html = response.content.decode()
    assert "Ansubha Manandhar" in html and "About me" in html
    assert "My draft" not in html and "Someone else" not in html


def test_author_page_paginates_and_404s(client):
    author = make_author()
    for _ in range(12):
        make_post(author=author)
    assert len(client.get(author.get_absolute_url() + "?page=2").context["posts"]) == 2
    assert client.get(author.get_absolute_url() + "?page=3").status_code == 404
    assert client.get("/authors/nobody/").status_code == 404


def test_tag_and_category_pages_list_published_posts(client):
    tag = make_tag("Travel")
    category = make_tag("Travel", kind=Tag.Kind.CATEGORY)
    tagged = make_post(title="Tagged", tags=[tag])
    categorised = make_post(title="Categorised", tags=[category])
    make_post(title="Draft tagged", tags=[tag], status=Post.Status.DRAFT)
    response = client.get("/blog/tags/travel/")
    assert response.status_code == 200
    assert list(response.context["posts"]) == [tagged]
    assert list(client.get("/blog/categories/travel/").context["posts"]) == [categorised]
    assert client.get("/blog/tags/nothing/").status_code == 404


def _make_posts(n, author, tag):
    for _ in range(n):
        make_post(author=author, tags=[tag], thumb_image="posts/x.jpg")


@pytest.mark.parametrize("n", [1, 30])
@pytest.mark.parametrize("page", ["list", "detail", "author", "tag"])
def test_query_counts_do_not_grow_with_posts(
    client, django_assert_max_num_queries, n, page, site_settings_cached
):
    author = make_author()
    tag = make_tag()
    _make_posts(n, author, tag)
    url = {
        "list": "/blog/",
        "detail": Post.objects.first().get_absolute_url(),
        "author": author.get_absolute_url(),
        "tag": tag.get_absolute_url(),
    }[page]
    # list: count + page; detail: the post, and the cards it links to (neighbours and
    # related posts, by their stored ids; its tags are stored with them); author/tag:
    # object, count, page
    with django_assert_max_num_queries(2 if page == "detail" else 4):
        assert client.get(url).status_code == 200


def test_server_error_page_uses_the_site_design_and_links():
    from django.test import RequestFactory

    from config import urls
    from sitesettings.views import server_error

    assert urls.handler500 == "sitesettings.views.server_error"
    response = server_error(RequestFactory().get("/blog/broken/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html and 'class="site-header"' in html
    assert 'href="/blog/archive/"' in html and 'href="/blog/feed/"' in html
