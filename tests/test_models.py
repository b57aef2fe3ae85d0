from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from blog.models import Post
from tests.factories import make_author, make_post

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("status", "offset", "visible", "state"),
    [
        (Post.Status.PUBLISHED, timedelta(days=-1), True, "live"),
        (Post.Status.PUBLISHED, timedelta(0), True, "live"),
        (Post.Status.PUBLISHED, timedelta(seconds=1), False, "scheduled"),
        (Post.Status.PUBLISHED, timedelta(days=30), False, "scheduled"),
        (Post.Status.DRAFT, timedelta(days=-1), False, "draft"),
        (Post.Status.DRAFT, timedelta(days=30), False, "draft"),
    ],
)
def test_published_rule_across_past_and_future(status, offset, visible, state):
    post = make_post(status=status, publish_at=NOW + offset)
    assert (post in Post.objects.published()) is visible
    assert post.state == state


def test_scheduled_post_appears_when_its_time_comes_without_a_job():
    with time_machine.travel(NOW, tick=False):
        post = make_post(publish_at=NOW + timedelta(hours=2))
        assert not Post.objects.published().filter(pk=post.pk).exists()
        assert Post.objects.scheduled().filter(pk=post.pk).exists()
    with time_machine.travel(NOW + timedelta(hours=2, seconds=1), tick=False):
        assert Post.objects.published().filter(pk=post.pk).exists()
        assert not Post.objects.scheduled().filter(pk=post.pk).exists()


def test_save_renders_markdown_into_stored_html():
    post = make_post(body="Hello **world**\n\n## Section one", excerpt="Short *intro*")
    assert "<strong>world</strong>" in post.body_html
    assert '<h2 id="section-one">Section one</h2>' in post.body_html
    assert post.excerpt_html == "<p>Short <em>intro</em></p>\n"
    assert post.word_count == 4


def test_missing_excerpt_falls_back_to_the_opening_of_the_body():
    post = make_post(body="word " * 100, excerpt="")
    assert post.excerpt_html.startswith("<p>word word")
    assert "…" in post.excerpt_html


def test_update_fields_save_still_refreshes_rendered_html():
    post = make_post(body="old")
    post.body = "new *text*"
    post.save(update_fields=["body"])
    post.refresh_from_db()
    assert "<em>text</em>" in post.body_html


def test_author_names_are_stripped_and_bio_rendered():
    author = make_author(first_name="Ansubha ", last_name=" Manandhar", bio="## Hi\n\n- one")
    author.refresh_from_db()
    assert author.name == "Ansubha Manandhar"
    assert '<h2 id="hi">Hi</h2>' in author.bio_html
    assert "<li>one</li>" in author.bio_html


def test_deleting_an_author_keeps_their_posts():
    author = make_author()
    post = make_post(author=author)
    author.delete()
    post.refresh_from_db()
    assert post.author is None


def test_reading_time_is_at_least_a_minute():
    assert make_post(body="few words").reading_minutes == 1
    assert make_post(body="word " * 2300).reading_minutes == 10


def test_an_unpublish_date_takes_a_post_down_and_editors_see_it_as_expired():
    now = datetime.now(UTC)
    gone = make_post(expire_at=now - timedelta(seconds=1))
    going = make_post(expire_at=now + timedelta(days=1))
    assert set(Post.objects.published()) == {going}
    assert gone.state == "expired" and not gone.is_published
    assert going.state == "live" and going.is_published
    assert set(Post.objects.expired()) == {gone}
