"""Every write path reports to blog.changes.content_changed."""

import pytest
from django.urls import reverse

from blog.changes import content_changed
from blog.models import Post
from tests.factories import make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    content_changed.connect(listener)
    yield received
    content_changed.disconnect(listener)


def _ids(events, key):
    return set().union(*(e[key] for e in events)) if events else set()


def test_post_create_update_delete_are_reported(events):
    post = make_post()
    assert post.pk in _ids(events, "post_ids")
    events.clear()
    post.title = "Changed"
    post.save()
    assert post.pk in _ids(events, "post_ids")
    events.clear()
    pk = post.pk
    post.delete()
    assert pk in _ids(events, "post_ids")


def test_tagging_is_reported_from_both_sides(events):
    post, tag = make_post(), make_tag()
    events.clear()
    post.tags.add(tag)
    assert post.pk in _ids(events, "post_ids") and tag.pk in _ids(events, "tag_ids")
    events.clear()
    tag.posts.remove(post)
    assert post.pk in _ids(events, "post_ids") and tag.pk in _ids(events, "tag_ids")


def test_author_and_tag_edits_are_reported(events):
    author, tag = make_author(), make_tag()
    assert author.pk in _ids(events, "author_ids") and tag.pk in _ids(events, "tag_ids")


def test_admin_bulk_publish_is_reported(staff_client, events):
    post = make_post(status=Post.Status.DRAFT)
    events.clear()
    staff_client.post(
        reverse("admin:blog_post_changelist"), {"action": "publish", "_selected_action": [post.pk]}
    )
    assert post.pk in _ids(events, "post_ids")


def test_a_batch_sends_one_merged_notification_at_its_end(events):
    from blog.changes import batch

    with batch():
        post = make_post()
        tag = make_tag()
        post.tags.add(tag)
        assert events == []
    assert len(events) == 1
    assert events[0]["post_ids"] == {post.pk} and events[0]["tag_ids"] == {tag.pk}


def test_a_failed_batch_sends_nothing(events):
    from blog.changes import batch

    with pytest.raises(RuntimeError), batch():
        make_post()
        raise RuntimeError("rolled back")
    assert events == []
