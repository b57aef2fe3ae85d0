from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from tests.factories import make_post, make_tag

pytestmark = pytest.mark.django_db


def test_long_posts_get_a_table_of_contents_of_their_h2_and_h3(client):
    body = "## One\n\ntext\n\n### One point five\n\ntext\n\n#### Too deep\n\n## Two\n\ntext"
    post = make_post(body=body)
    response = client.get(post.get_absolute_url())
    assert [h["id"] for h in response.context["toc"]] == ["one", "one-point-five", "two"]
    html = response.content.decode()
    assert '<a href="#one-point-five">One point five</a>' in html
    assert 'class="toc__item toc__item--h3"' in html and "Too deep</a>" not in html


def test_short_posts_have_no_table_of_contents(client):
    post = make_post(body="## One\n\ntext\n\n## Two\n\ntext")
    response = client.get(post.get_absolute_url())
    assert response.context["toc"] == []
    assert "On this page" not in response.content.decode()


def test_related_posts_share_tags_first_then_are_newest(client):
    python, django, web = make_tag("Python"), make_tag("Django"), make_tag("Web")
    now = timezone.now()
    post = make_post(title="This one", tags=[python, django, web], publish_at=now)
    one_tag_new = make_post(title="One tag, new", tags=[web], publish_at=now - timedelta(1))
    two_tags_old = make_post(
        title="Two tags, old", tags=[python, django], publish_at=now - timedelta(30)
    )
    untagged_newest = make_post(title="Untagged", publish_at=now - timedelta(hours=1))
    make_post(title="Untagged older", publish_at=now - timedelta(40))
    make_post(title="Draft sibling", tags=[python, django, web], status=Post.Status.DRAFT)
    make_post(title="Future sibling", tags=[python, django, web], publish_at=now + timedelta(1))

    response = client.get(post.get_absolute_url())
    assert response.context["related_posts"] == [two_tags_old, one_tag_new, untagged_newest]
    html = response.content.decode()
    assert "Keep reading" in html and "Draft sibling" not in html and "Future sibling" not in html


def test_a_lonely_post_has_no_related_posts(client):
    post = make_post()
    response = client.get(post.get_absolute_url())
    assert response.context["related_posts"] == []
    assert "Keep reading" not in response.content.decode()


def test_post_page_shows_reading_time_and_word_count(client):
    post = make_post(body="word " * 1200)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "5 min read" in html and "1,200 words" in html
