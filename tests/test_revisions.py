"""Every save of a post keeps a revision; the admin diffs and restores them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, PostRevision
from tests.factories import image_file, make_author, make_post, make_tag, post_form_data

pytestmark = pytest.mark.django_db


def test_every_save_keeps_a_revision_with_its_user_when_known(client, editor):
    post = make_post(title="First", body="One")
    assert [(r.title, r.user) for r in post.revisions.all()] == [("First", None)]

    client.force_login(editor)
    url = reverse("admin:blog_post_change", args=[post.pk])
    client.post(url, post_form_data(post, title="Second", body="Two"))
    client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "unpublish", "_selected_action": [post.pk]},
    )
    latest, admin_save, first = post.revisions.order_by("-pk")
    assert (admin_save.title, admin_save.body, admin_save.user) == ("Second", "Two", editor)
    assert (latest.status, latest.user) == (Post.Status.DRAFT, editor)
    assert first.body == "One"


def test_revision_page_shows_an_escaped_unified_diff(client, editor):
    post = make_post(body="keep\n<b>old</b> line")
    old = post.revisions.get()
    post.body = "keep\nnew line"
    post.save()
    client.force_login(editor)
    html = client.get(reverse("admin:blog_post_revision", args=[post.pk, old.pk])).content.decode()
    assert '<span class="diff-del">-&lt;b&gt;old&lt;/b&gt; line</span>' in html
    assert '<span class="diff-add">+new line</span>' in html
    assert "<b>old</b>" not in html

    listing = client.get(reverse("admin:blog_post_revisions", args=[post.pk])).content.decode()
    assert listing.count(f'href="/admin/blog/post/{post.pk}/revisions/') == 2


def test_restoring_a_revision_saves_it_as_a_new_revision(client, editor):
    post = make_post(title="Original", body="Original body")
    original = post.revisions.get()
    post.title, post.body = "Rewritten", "Rewritten body"
    post.save()

    client.force_login(editor)
    url = reverse("admin:blog_post_revision_restore", args=[post.pk, original.pk])
    confirmation = client.get(url)  # what would change; nothing changes yet
    assert confirmation.status_code == 200
    assert [c.name for c in confirmation.context["plan"].content] == ["title", "body"]
    assert Post.objects.get(pk=post.pk).title == "Rewritten"
    response = client.post(url)
    assert response["Location"] == reverse("admin:blog_post_change", args=[post.pk])
    post.refresh_from_db()
    assert (post.title, post.body) == ("Original", "Original body")
    assert "Original body" in post.body_html
    assert post.revisions.count() == 3
    assert post.revisions.order_by("-pk").first().user == editor


def test_writer_restoring_cannot_change_the_status(client, writer):
    post = make_post(author=writer.author, status="published")
    published = post.revisions.get()
    post.status = Post.Status.DRAFT
    post.save()
    client.force_login(writer)
    client.post(reverse("admin:blog_post_revision_restore", args=[post.pk, published.pk]))
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT


def test_revisions_go_with_their_post():
    post = make_post()
    post.delete()
    assert not PostRevision.objects.exists()


# Restoring keeps the post's status and date unless the editor chooses (issue 19, item 2)


def restore_url(post, revision):
    return reverse("admin:blog_post_revision_restore", args=[post.pk, revision.pk])


@pytest.fixture
def live_post_with_a_draft_past():
    """Written as a draft, then published and edited: its first revision is a draft."""
    with time_machine.travel(datetime(2026, 1, 2, 10, 0, 7, tzinfo=UTC), tick=False):
        post = make_post(title="Draft title", body="Draft body", status="draft")
    draft = post.revisions.get()
    post.status, post.publish_at = Post.Status.PUBLISHED, timezone.now() - timedelta(hours=1)
    post.title, post.body = "Live title", "Live body"
    post.save()
    return post, draft


def test_restoring_a_draft_revision_keeps_a_live_post_live(
    client, editor, live_post_with_a_draft_past
):
    post, draft = live_post_with_a_draft_past
    client.force_login(editor)
    response = client.post(restore_url(post, draft), follow=True)
    post.refresh_from_db()
    assert (post.title, post.body, post.status) == ("Draft title", "Draft body", "published")
    assert client.get(post.get_absolute_url()).status_code == 200
    message = str(next(iter(response.context["messages"])))
    assert message == (
        "Restored the revision saved 2 January 2026, 10:00:07 UTC by an unknown user. "
        "The post is live; its status and publish date did not change."
    )
    assert ".." not in message


def test_the_confirmation_offers_the_status_unticked_and_warns_it_unpublishes(
    client, editor, live_post_with_a_draft_past
):
    post, draft = live_post_with_a_draft_past
    client.force_login(editor)
    response = client.get(restore_url(post, draft))
    plan = response.context["plan"]
    assert [(c.name, c.old, c.new) for c in plan.publishing][0] == ("status", "Published", "Draft")
    html = response.content.decode()
    assert re.search(r'<input type="checkbox" name="publishing" value="status">', html)
    assert "checked" not in html.split('class="restore-publishing"')[1].split("</fieldset>")[0]
    assert "This takes the post off the site" in html


def test_an_editor_may_choose_to_restore_the_status_too(
    client, editor, live_post_with_a_draft_past
):
    post, draft = live_post_with_a_draft_past
    client.force_login(editor)
    response = client.post(restore_url(post, draft), {"publishing": ["status"]}, follow=True)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert "with its status. The post is draft; its publish date did not change." in str(
        next(iter(response.context["messages"]))
    )


def test_a_writer_is_offered_no_status_and_cannot_sneak_one_in(client, writer):
    post = make_post(author=writer.author, status="draft", title="Old")
    draft = post.revisions.get()
    post.status, post.title = Post.Status.PUBLISHED, "New"
    post.save()
    client.force_login(writer)
    assert client.get(restore_url(post, draft)).context["plan"].publishing == []
    client.post(restore_url(post, draft), {"publishing": ["status", "publish_at"]})
    post.refresh_from_db()
    # The post is live: the restore is the writer's change awaiting review (docs/editors.md),
    # with the post's status, not the revision's.
    assert (post.title, post.status) == ("New", "published")
    change = post.revisions.get(review="pending")
    assert (change.title, change.status, change.user) == ("Old", "published", writer)


def test_restoring_brings_back_tags_and_images(client, editor):
    python, django = make_tag("Python"), make_tag("Django")
    post = make_post(tags=[python], image=image_file("hero.jpg"))
    first = post.revisions.get()
    assert first.tags == [{"id": python.pk, "name": "Python"}]
    hero = post.image.name
    client.force_login(editor)
    data = post_form_data(post, tags=[django.pk], subtitle="Now with a subtitle")
    data["image-clear"] = "on"
    client.post(reverse("admin:blog_post_change", args=[post.pk]), data)
    post.refresh_from_db()
    assert (list(post.tags.all()), post.image.name) == ([django], "")

    client.post(restore_url(post, first))
    post.refresh_from_db()
    assert (list(post.tags.all()), post.image.name, post.subtitle) == ([python], hero, "")


# The history names every change, who made it and when (issue 19, item 4)


def test_a_revision_records_every_field_an_editor_can_change(client, editor):
    tag = make_tag("Python")
    post = make_post(status="draft")
    client.force_login(editor)
    other = make_author(first_name="Olga", last_name="Other")
    when = timezone.now().replace(microsecond=0) - timedelta(days=3)
    client.post(
        reverse("admin:blog_post_change", args=[post.pk]),
        post_form_data(
            post,
            slug="moved",
            subtitle="A subtitle",
            author=other.pk,
            tags=[tag.pk],
            status="published",
            publish_at_0=when.strftime("%Y-%m-%d"),
            publish_at_1=when.strftime("%H:%M:%S"),
            extra='{"layout": "wide"}',
        ),
    )
    revision = post.revisions.first()
    assert revision.complete
    assert (revision.slug, revision.subtitle, revision.author, revision.status) == (
        "moved",
        "A subtitle",
        other,
        "published",
    )
    assert (revision.publish_at, revision.tags, revision.extra) == (
        when,
        [{"id": tag.pk, "name": "Python"}],
        {"layout": "wide"},
    )
    assert revision.user == editor


def test_imported_posts_revisions_hold_their_tags(site):
    from blog.importing import ImportOptions, import_site

    site.post("p", "title: First\ndate: '2021-01-01'\ntags: [Old]\n")  # a new post
    import_site(site.root, ImportOptions())
    site.post("p", "title: Second\ndate: '2021-01-01'\ntags: [New]\n")  # an update
    import_site(site.root, ImportOptions())
    revisions = Post.objects.get().revisions.all()
    assert [[tag["name"] for tag in r.tags] for r in revisions] == [["New"], ["Old"]]


def test_the_diff_shows_status_and_every_other_field(client, editor):
    post = make_post(status="draft", slug="before")
    draft = post.revisions.get()
    post.status, post.slug = Post.Status.PUBLISHED, "after"
    post.save()
    client.force_login(editor)
    response = client.get(reverse("admin:blog_post_revision", args=[post.pk, draft.pk]))
    assert [(c.label, c.old, c.new) for c in response.context["diffs"]] == [
        ("Slug", "before", "after"),
        ("Status", "Draft", "Published"),
    ]
    html = response.content.decode()
    assert '<section class="revision-change" data-field="status">' in html


def test_the_history_lists_seconds_who_what_changed_and_public_revisions(client, editor):
    moment = datetime(2026, 3, 4, 9, 15, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False) as clock:
        post = make_post(status="draft", title="One", publish_at=moment - timedelta(days=1))
        clock.shift(1)
        post.title, post.edited_by = "Two", editor
        post.save()
        clock.shift(1)
        post.status = Post.Status.PUBLISHED
        post.save()
        client.force_login(editor)
        response = client.get(reverse("admin:blog_post_revisions", args=[post.pk]))
    html = response.content.decode()
    for second in ("09:15:00", "09:15:01", "09:15:02"):
        assert f"4 March 2026, {second} UTC" in html
    rows = response.context["rows"]
    assert [(r.changed, r.public, r.revision.user) for r in rows] == [
        (["Status"], True, editor),
        (["Title"], False, editor),
        (None, False, None),
    ]
    assert html.count("state-badge--public") == 2  # the legend and the live revision
    assert "eddie" in html


def test_revisions_kept_before_every_field_was_recorded_still_show(client, editor):
    post = make_post(title="Now", slug="now")
    old = PostRevision.objects.create(post=post, title="Then", body=post.body, status="draft")
    client.force_login(editor)
    response = client.get(reverse("admin:blog_post_revision", args=[post.pk, old.pk]))
    assert [c.label for c in response.context["diffs"]] == ["Title", "Status"]
    assert "holds the title, excerpt, body and status only" in response.content.decode()
