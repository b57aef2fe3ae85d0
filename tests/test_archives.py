from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from blog.models import Post
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def at(year, month, day=10):
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(at(2024, 6, 15), tick=False):
        yield


def test_year_and_month_archives_list_that_period_only(client, frozen):
    march = make_post(title="March post", publish_at=at(2021, 3, 5))
    april = make_post(title="April post", publish_at=at(2021, 4, 1))
    make_post(title="Other year", publish_at=at(2022, 3, 5))
    make_post(title="March draft", publish_at=at(2021, 3, 6), status=Post.Status.DRAFT)

    year = client.get("/blog/2021/")
    assert year.status_code == 200
    assert list(year.context["posts"]) == [april, march]
    assert '<h1 class="page-header__title">2021</h1>' in year.content.decode()

    month = client.get("/blog/2021/03/")
    assert month.status_code == 200
    assert list(month.context["posts"]) == [march]
    html = month.content.decode()
    assert "March 2021" in html and "March draft" not in html
    assert reverse("blog:archive-month", kwargs={"year": 2021, "month": 3}) == "/blog/2021/03/"


@pytest.mark.parametrize("url", ["/blog/2019/", "/blog/2021/05/", "/blog/2024/07/"])
def test_empty_periods_are_404(client, frozen, url):
    make_post(publish_at=at(2021, 3, 5))
    # Scheduled for July 2024, which has not come yet.
    make_post(publish_at=at(2024, 7, 1))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/blog/2021/13/", "/blog/2021/3/", "/blog/21/"])
def test_malformed_dates_are_not_archives(client, frozen, url):
    make_post(publish_at=at(2021, 3, 5))
    assert client.get(url).status_code == 404


def test_slugs_still_resolve_next_to_archives(client, frozen):
    post = make_post(slug="hello-2021", publish_at=at(2021, 3, 5))
    digits = make_post(slug="12345", publish_at=at(2021, 3, 5))
    assert client.get("/blog/hello-2021/").context["post"] == post
    assert client.get("/blog/12345/").context["post"] == digits


def test_archive_index_counts_posts_per_month_in_one_query(
    client, frozen, django_assert_num_queries, site_settings_cached
):
    for day in (1, 2, 3):
        make_post(publish_at=at(2021, 3, day))
    make_post(publish_at=at(2021, 4, 1))
    make_post(publish_at=at(2023, 12, 24))
    make_post(publish_at=at(2021, 3, 9), status=Post.Status.DRAFT)
    make_post(publish_at=at(2024, 8, 1))  # scheduled
    with django_assert_num_queries(1):
        response = client.get("/blog/archive/")
    assert response.status_code == 200
    months = [
        (row["month"].year, row["month"].month, row["count"]) for row in response.context["months"]
    ]
    assert months == [(2023, 12, 1), (2021, 4, 1), (2021, 3, 3)]
    html = response.content.decode()
    assert 'href="/blog/2021/03/"' in html and "3 posts" in html
    assert 'href="/blog/2023/"' in html and "2024" not in html.split("<main")[1].split("</main>")[0]


def test_archive_index_without_posts(client):
    response = client.get("/blog/archive/")
    assert response.status_code == 200
    assert "Nothing has been published yet" in response.content.decode()
