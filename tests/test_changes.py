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


def test_admin_bulk_actions_are_reported_once_for_all_their_posts(staff_client, events):
    posts = [make_post(status=Post.Status.DRAFT) for _ in range(3)]
    pks = {post.pk for post in posts}
    changelist = reverse("admin:blog_post_changelist")
    events.clear()
    staff_client.post(changelist, {"action": "publish", "_selected_action": list(pks)})
    assert [event["post_ids"] for event in events] == [pks]
    events.clear()
    staff_client.post(
        changelist, {"action": "delete_selected", "_selected_action": list(pks), "post": "yes"}
    )
    assert [event["post_ids"] for event in events] == [pks]


def test_an_admin_save_of_a_post_and_its_tags_is_reported_once(staff_client, events):
    from tests.factories import post_form_data

    post, tag = make_post(), make_tag()
    events.clear()
    url = reverse("admin:blog_post_change", args=[post.pk])
    response = staff_client.post(url, post_form_data(post, title="Retitled", tags=[tag.pk]))
    assert response.status_code == 302
    assert len(events) == 1 and events[0]["post_ids"] == {post.pk}
    assert tag.pk in events[0]["tag_ids"]


def test_clearing_a_posts_tags_reports_the_tags(events):
    post, tag = make_post(), make_tag()
    post.tags.add(tag)
    events.clear()
    post.tags.clear()
    assert post.pk in _ids(events, "post_ids") and tag.pk in _ids(events, "tag_ids")


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


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_committed_as_it_went_reports_its_writes_even_when_it_stops(events):
    """The importer commits file by file inside one batch: an error (or Ctrl-C) halfway
    must not leave the committed posts out of the search index, links and caches."""
    from blog.changes import batch

    with pytest.raises(KeyboardInterrupt), batch():
        post = make_post()
        raise KeyboardInterrupt
    assert [event["post_ids"] for event in events] == [{post.pk}]
