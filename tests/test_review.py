"""Review before a live post changes (issue 19, item 3; blog/review.py): a writer's edit
of a live or scheduled post waits for an editor, and readers see nothing of it until
an editor approves it."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from blog import changes
from blog.models import Post, PostRevision, Redirect
from tests.factories import image_file, make_post, make_tag, post_form_data

pytestmark = pytest.mark.django_db


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def pending_url(post):
    return reverse("admin:blog_post_pending", args=[post.pk])


def public(client, post_or_slug):
    slug = getattr(post_or_slug, "slug", post_or_slug)
    return client.get(reverse("blog:post-detail", kwargs={"slug": slug}))


@pytest.fixture
def live(writer):
    return make_post(
        title="Night trains",
        slug="night-trains",
        body="Sleeper trains are back.",
        author=writer.author,
        tags=[make_tag("Rail")],
    )


@pytest.fixture
def heard():
    """The change notifications sent (what the page cache, search and links hear)."""
    sent = []

    def listener(sender, **kwargs):
        sent.append(kwargs)

    changes.content_changed.connect(listener)
    yield sent
    changes.content_changed.disconnect(listener)


def submit(client, post, **fields):
    """As a user in the admin: open the post's form and save what it shows, with these
    changes."""
    form = client.get(change_url(post)).context["adminform"].form
    data = post_form_data(Post.objects.get(pk=post.pk))
    for name in ("title", "subtitle", "slug", "excerpt", "body", "tags", "version"):
        data[name] = form[name].value()
    data["initial-extra"] = data["extra"]  # as the browser sends it (a callable default)
    data.update(fields)
    return client.post(change_url(post), data, follow=True)


# The writer --------------------------------------------------------------------------------


def test_a_writers_save_of_a_live_post_leaves_the_public_page_as_it_was(
    client, writer, live, heard
):
    """The regression: before review, this save was public at once."""
    assert "Sleeper trains are back." in public(client, live).content.decode()
    updated = Post.objects.get(pk=live.pk).updated
    client.force_login(writer)
    response = submit(client, live, title="Night trains, revised", body="Rewritten *entirely*.")
    client.logout()
    page = public(client, live).content.decode()
    assert "Sleeper trains are back." in page and "Rewritten" not in page

    assert "await an editor&#x27;s review" in response.content.decode()
    assert "Readers still see the post as it was" in response.content.decode()
    post = Post.objects.get(pk=live.pk)
    assert (post.title, post.body, post.updated) == ("Night trains", live.body, updated)
    # Nothing readers see changed, so nothing that derives from it is told.
    assert heard == []
    change = post.revisions.get(review="pending")
    assert (change.title, change.body, change.user) == (
        "Night trains, revised",
        "Rewritten *entirely*.",
        writer,
    )


def test_a_scheduled_post_counts_as_live(client, writer):
    post = make_post(author=writer.author, publish_at=timezone.now() + timedelta(days=2))
    assert post.is_scheduled
    client.force_login(writer)
    submit(client, post, body="Changed before it goes live.")
    assert Post.objects.get(pk=post.pk).body == post.body
    assert post.revisions.filter(review="pending").count() == 1


def test_a_writers_draft_is_edited_directly(client, writer):
    post = make_post(author=writer.author, status="draft")
    client.force_login(writer)
    response = submit(client, post, body="Straight in.")
    assert "was changed successfully" in response.content.decode()
    assert Post.objects.get(pk=post.pk).body == "Straight in."
    assert not post.revisions.exclude(review="").exists()


def test_an_editor_edits_a_live_post_directly(client, editor, live, heard):
    client.force_login(editor)
    submit(client, live, body="Fixed by the editor.")
    assert Post.objects.get(pk=live.pk).body == "Fixed by the editor."
    assert "Fixed by the editor." in public(client, live).content.decode()
    assert heard and live.pk in heard[0]["post_ids"]
    assert not live.revisions.exclude(review="").exists()


def test_a_pending_save_touches_no_slug_redirect_tag_or_image(client, writer, live):
    other = make_tag("Ferries")
    client.force_login(writer)
    data = post_form_data(live, slug="night-trains-revised", tags=[other.pk])
    data["image"] = image_file("hero.jpg")
    client.post(change_url(live), data)
    post = Post.objects.get(pk=live.pk)
    assert post.slug == "night-trains" and not post.image
    assert [t.name for t in post.tags.all()] == ["Rail"]
    assert not Redirect.objects.exists()
    assert public(client, "night-trains").status_code == 200
    assert public(client, "night-trains-revised").status_code == 404
    change = post.revisions.get(review="pending")
    assert change.slug == "night-trains-revised"
    assert change.tags == [{"id": other.pk, "name": "Ferries"}]
    assert change.image.startswith("posts/") and change.image.endswith(".jpg")
    assert post.image.storage.exists(change.image)  # stored, ready for the approval


def test_editing_again_continues_the_pending_change_not_the_live_post(client, writer, live):
    ferries = make_tag("Ferries")
    client.force_login(writer)
    submit(client, live, title="Second title", body="First rewrite.", tags=[ferries.pk])

    form = client.get(change_url(live)).context["adminform"].form
    assert form["title"].value() == "Second title"
    assert form["body"].value() == "First rewrite."
    assert form["tags"].value() == [ferries.pk]
    html = client.get(change_url(live)).content.decode()
    assert "You are editing your changes awaiting review" in html

    submit(client, live, body="Second rewrite.")
    changes_kept = list(live.revisions.exclude(review="").order_by("pk"))
    assert [c.review for c in changes_kept] == ["replaced", "pending"]
    latest = changes_kept[-1]
    assert (latest.title, latest.body) == ("Second title", "Second rewrite.")
    assert latest.tags == [{"id": ferries.pk, "name": "Ferries"}]
    assert Post.objects.get(pk=live.pk).title == "Night trains"


def test_a_second_tab_with_the_pending_change_open_is_refused(client, writer, live):
    client.force_login(writer)
    submit(client, live, body="From the first tab.")
    tab = client.get(change_url(live)).context["adminform"].form
    opened = {
        **post_form_data(live, body="From the second tab."),
        "version": tab["version"].value(),
    }
    submit(client, live, body="From the first tab, again.")

    response = client.post(change_url(live), opened)
    assert response.status_code == 200
    html = response.content.decode()
    assert "wanda saved changes to this post for review at" in html
    assert "your changes were not saved" in html
    assert live.revisions.get(review="pending").body == "From the first tab, again."


def test_the_stale_edit_refusal_still_works_against_an_editors_save(client, writer, editor, live):
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        client.force_login(writer)
        opened = post_form_data(Post.objects.get(pk=live.pk), body="The writer's words.")
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        client.force_login(editor)
        submit(client, live, body="The editor's words.")
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        client.force_login(writer)
        response = client.post(change_url(live), opened)
    assert response.status_code == 200
    assert "eddie saved this post at" in response.content.decode()
    assert not live.revisions.filter(review="pending").exists()


def test_a_writer_whose_change_was_rejected_meanwhile_is_told(client, writer, editor, live):
    client.force_login(writer)
    submit(client, live, body="First try.")
    form = client.get(change_url(live)).context["adminform"].form
    opened = {**post_form_data(live, body="Second try."), "version": form["version"].value()}
    change = live.revisions.get(review="pending")
    client.force_login(editor)
    client.post(pending_url(live), {"action": "reject", "revision": change.pk})

    client.force_login(writer)
    response = client.post(change_url(live), opened)
    assert "eddie rejected the changes awaiting review at" in response.content.decode()
    assert not live.revisions.filter(review="pending").exists()


# The editor ------------------------------------------------------------------------------


@pytest.fixture
def waiting(client, writer, live):
    """The writer's change to the live post, awaiting review."""
    client.force_login(writer)
    submit(client, live, title="Night trains return", body="Sleeper trains are back, café.")
    client.logout()
    return live.revisions.get(review="pending")


def test_editors_see_the_count_on_the_dashboard_and_the_post_list(client, editor, live, waiting):
    other = make_post(title="Untouched")
    client.force_login(editor)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Awaiting review" in index and "post has changes awaiting your review" in index
    assert "?review=pending" in index

    changelist = reverse("admin:blog_post_changelist")
    html = client.get(changelist).content.decode()
    assert "post has changes awaiting your review" in html
    assert f'href="{pending_url(live)}">changes awaiting review</a>' in html
    shown = client.get(changelist, {"review": "pending"}).context["cl"].result_list
    assert list(shown) == [Post.objects.get(pk=live.pk)]
    assert other not in shown


def test_a_writer_sees_their_own_count(client, writer, other_writer, waiting):
    client.force_login(other_writer)
    assert "Awaiting review" not in client.get(reverse("admin:index")).content.decode()
    client.force_login(writer)
    html = client.get(reverse("admin:index")).content.decode()
    assert "of your posts has changes awaiting an editor&#x27;s review." in html


def test_the_pending_page_shows_the_diff_against_the_live_post(client, editor, live, waiting):
    client.force_login(editor)
    response = client.get(pending_url(live))
    html = response.content.decode()
    assert "Changes awaiting review" in html
    fields = [change.name for change in response.context["diffs"]]
    assert fields == ["title", "body"]
    assert '<span class="diff-add">+Sleeper trains are back, café.</span>' in html
    assert '<span class="diff-del">-Sleeper trains are back.</span>' in html
    assert 'value="Approve the changes"' in html and 'value="Reject the changes"' in html


def test_approving_publishes_the_change(client, editor, writer, live, waiting, heard):
    client.force_login(editor)
    response = client.post(
        pending_url(live), {"action": "approve", "revision": waiting.pk}, follow=True
    )
    assert "Approved wanda&#x27;s changes. “Night trains return” is live with them." in (
        response.content.decode()
    )
    post = Post.objects.get(pk=live.pk)
    assert (post.title, post.status) == ("Night trains return", "published")
    assert "café" in post.body_html
    assert "Night trains return" in public(client, live).content.decode()
    assert heard and live.pk in heard[0]["post_ids"]
    waiting.refresh_from_db()
    assert (waiting.review, waiting.reviewed_by) == ("approved", editor)
    assert post.revisions.filter(review="").first().user == editor


def test_approving_moves_the_slug_sets_tags_and_images(client, writer, editor, live):
    ferries = make_tag("Ferries")
    client.force_login(writer)
    data = post_form_data(live, slug="night-trains-revised", tags=[ferries.pk])
    data["image"] = image_file("hero.jpg")
    client.post(change_url(live), data)
    change = live.revisions.get(review="pending")

    client.force_login(editor)
    client.post(pending_url(live), {"action": "approve", "revision": change.pk})
    post = Post.objects.get(pk=live.pk)
    assert post.slug == "night-trains-revised"
    assert [t.name for t in post.tags.all()] == ["Ferries"]
    assert post.image.name == change.image and post.image_width == 40
    assert public(client, "night-trains").status_code == 301


def test_rejecting_keeps_the_post_and_the_writers_text(client, editor, writer, live, waiting):
    client.force_login(editor)
    response = client.post(
        pending_url(live),
        {"action": "reject", "revision": waiting.pk, "note": "Keep the old title."},
        follow=True,
    )
    assert "The post has not changed; the changes are kept in its revisions." in (
        response.content.decode()
    )
    assert Post.objects.get(pk=live.pk).title == "Night trains"
    waiting.refresh_from_db()
    assert (waiting.review, waiting.review_note) == ("rejected", "Keep the old title.")
    assert waiting.body == "Sleeper trains are back, café."

    history = client.get(reverse("admin:blog_post_revisions", args=[live.pk])).content.decode()
    assert "Rejected</span> by eddie: “Keep the old title.”" in history
    client.force_login(writer)
    form = client.get(change_url(live))
    html = form.content.decode()
    assert "eddie rejected your changes" in html and "Keep the old title." in html
    assert form.context["adminform"].form["title"].value() == "Night trains"  # the live post


def test_a_change_replaced_since_the_editor_opened_it_is_not_approved(
    client, editor, writer, live, waiting
):
    client.force_login(writer)
    submit(client, live, body="A later version.")
    client.force_login(editor)
    response = client.post(
        pending_url(live), {"action": "approve", "revision": waiting.pk}, follow=True
    )
    assert "replaced or reviewed after you opened them; nothing was done" in (
        response.content.decode()
    )
    assert Post.objects.get(pk=live.pk).title == "Night trains"


def test_an_approval_whose_slug_was_taken_since_is_refused_with_a_reason(
    client, writer, editor, live
):
    client.force_login(writer)
    client.post(change_url(live), post_form_data(live, slug="wanted"))
    make_post(slug="wanted")
    change = live.revisions.get(review="pending")
    client.force_login(editor)
    response = client.post(
        pending_url(live), {"action": "approve", "revision": change.pk}, follow=True
    )
    assert "The slug “wanted” has been taken by another post" in response.content.decode()
    assert Post.objects.get(pk=live.pk).slug == "night-trains"
    assert PostRevision.objects.get(pk=change.pk).review == "pending"


# Who may --------------------------------------------------------------------------------


def test_a_writer_cannot_approve_or_reject_even_by_posting(client, writer, live, waiting):
    client.force_login(writer)
    page = client.get(pending_url(live)).content.decode()
    assert "Approve the changes" not in page and "An editor will approve or reject" in page
    for action in ("approve", "reject"):
        response = client.post(pending_url(live), {"action": action, "revision": waiting.pk})
        assert response.status_code == 403
    assert Post.objects.get(pk=live.pk).title == "Night trains"
    assert PostRevision.objects.get(pk=waiting.pk).review == "pending"


def test_another_writer_and_anonymous_never_reach_the_pending_page(
    client, other_writer, live, waiting
):
    client.force_login(other_writer)
    assert client.get(pending_url(live)).status_code == 404
    assert client.post(pending_url(live), {"action": "approve"}).status_code == 404
    client.logout()
    response = client.post(pending_url(live), {"action": "approve", "revision": waiting.pk})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Post.objects.get(pk=live.pk).title == "Night trains"


def test_the_review_is_decided_by_the_stored_status_not_the_form(client, writer, live):
    client.force_login(writer)
    client.post(change_url(live), post_form_data(live, status="draft", body="Sneaky."))
    post = Post.objects.get(pk=live.pk)
    assert (post.status, post.body) == ("published", live.body)


# E-mail ---------------------------------------------------------------------------------


def test_editors_are_emailed_when_the_setting_is_on(
    client, writer, editor, live, settings, django_capture_on_commit_callbacks
):
    editor.email = "eddie@example.com"
    editor.save()
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, live, body="Please look.")
    assert mail.outbox == []  # off by default

    settings.FOLIO_REVIEW_EMAILS = True
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, live, body="Please look again.")
    [message] = mail.outbox
    assert message.to == ["eddie@example.com"]
    assert message.subject == "Changes awaiting review: Night trains"
    assert f"http://testserver{pending_url(live)}" in message.body


def test_an_editor_opening_the_post_is_pointed_to_the_waiting_change(client, editor, live, waiting):
    client.force_login(editor)
    response = client.get(change_url(live))
    html = response.content.decode()
    assert "Changes awaiting review." in html and "wanda changed this live post" in html
    assert f'href="{pending_url(live)}"' in html
    assert response.context["adminform"].form["title"].value() == "Night trains"  # live


def test_the_history_compares_saves_with_saves_and_changes_with_their_post(
    client, editor, live, waiting
):
    client.force_login(editor)
    submit(client, live, body="The editor's own fix.")
    response = client.get(reverse("admin:blog_post_revisions", args=[live.pk]))
    rows = response.context["rows"]
    assert [(row.revision.review, row.changed, row.current) for row in rows] == [
        ("", ["Body"], True),  # not "Title, Body": the change awaiting review never was the post
        ("pending", ["Title", "Body"], False),
        ("", None, False),
    ]
    html = response.content.decode()
    assert 'class="state-badge state-badge--review">Awaiting review</span>' in html


def test_save_and_preview_shows_the_post_with_the_changes_never_cached(
    client, writer, editor, other_writer, live
):
    client.force_login(writer)
    data = post_form_data(live, title="Night trains return", body="## New\n\nCafé carriages.")
    response = client.post(change_url(live), {**data, "_preview": "1"})
    preview = reverse("admin:blog_post_pending_preview", args=[live.pk])
    assert response["Location"] == preview
    for user in (writer, editor):
        client.force_login(user)
        response = client.get(preview)
        html = response.content.decode()
        assert "Preview: changes awaiting review" in html
        assert "Night trains return" in html and "Café carriages." in html
        assert "Sleeper trains are back." not in html
        assert '<meta name="robots" content="noindex">' in html
        assert "no-store" in response["Cache-Control"]
    client.force_login(other_writer)
    assert client.get(preview).status_code == 404
    client.logout()
    assert "Night trains return" not in public(client, live).content.decode()


def test_saving_a_live_post_unchanged_sends_nothing_for_review(client, writer, live):
    client.force_login(writer)
    response = submit(client, live)
    assert "Nothing was changed, so nothing new awaits review." in response.content.decode()
    assert not live.revisions.exclude(review="").exists()


def test_a_post_made_a_draft_since_is_saved_directly_with_the_writers_change(
    client, writer, editor, live, waiting
):
    Post.objects.filter(pk=live.pk).update(status=Post.Status.DRAFT)
    client.force_login(writer)
    form = client.get(change_url(live)).context["adminform"].form
    assert form["title"].value() == "Night trains return"  # the change, to go on with
    submit(client, live, body="Finished as a draft.")
    post = Post.objects.get(pk=live.pk)
    assert (post.title, post.body) == ("Night trains return", "Finished as a draft.")
    assert live.revisions.get(pk=waiting.pk).review == "replaced"
    assert not live.revisions.filter(review="pending").exists()


def test_a_writers_restore_of_a_live_post_says_it_will_wait_for_review(client, writer, live):
    first = live.revisions.get()
    live.title = "Retitled"
    live.save()
    client.force_login(writer)
    url = reverse("admin:blog_post_revision_restore", args=[live.pk, first.pk])
    assert "the restore becomes your changes awaiting an editor" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == pending_url(live)
    assert Post.objects.get(pk=live.pk).title == "Retitled"
    assert live.revisions.get(review="pending").title == "Night trains"


def test_the_editor_is_warned_when_the_post_was_saved_after_the_change(
    client, editor, live, waiting
):
    client.force_login(editor)
    submit(client, live, subtitle="Added by the editor")
    html = client.get(pending_url(live)).content.decode()
    assert "The post was saved after these changes were made" in html
    assert "(by eddie," in html
    assert "what that save changed in them is replaced" in html


def test_a_mail_server_that_fails_leaves_the_writers_save_standing(
    client, writer, editor, live, settings, django_capture_on_commit_callbacks, caplog
):
    settings.FOLIO_REVIEW_EMAILS = True
    settings.EMAIL_BACKEND = "tests.test_review.BrokenMailBackend"
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, live, body="Please look.")
    assert "await an editor&#x27;s review" in response.content.decode()
    assert live.revisions.get(review="pending").body == "Please look."
    assert "Could not e-mail the editors" in caplog.text


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")
