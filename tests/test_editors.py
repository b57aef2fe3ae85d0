"""The two editorial roles in the admin, the staff preview and the stale-form refusal."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from authors.models import Author
from blog.models import Post
from tests.factories import make_author, make_post, make_tag, post_form_data
from tests.html_safety import crawl

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:blog_post_changelist")


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


@pytest.fixture
def posts(writer, other_writer):
    """One draft and one live post for each writer, and one by an author with no login."""
    return {
        "mine_draft": make_post(title="My draft", author=writer.author, status="draft"),
        "mine_live": make_post(title="My live post", author=writer.author),
        "theirs_draft": make_post(title="Their draft", author=other_writer.author, status="draft"),
        "theirs_live": make_post(title="Their live post", author=other_writer.author),
        "guest": make_post(title="Guest post", author=make_author(), status="draft"),
    }


# Writers ------------------------------------------------------------------------------


def test_writer_changelist_lists_only_their_own_posts(client, writer, posts):
    client.force_login(writer)
    html = client.get(CHANGELIST).content.decode()
    assert "My draft" in html and "My live post" in html
    assert "Their draft" not in html and "Their live post" not in html and "Guest" not in html


def test_writer_cannot_open_or_save_someone_elses_post(client, writer, posts):
    client.force_login(writer)
    theirs = posts["theirs_draft"]
    response = client.get(change_url(theirs))
    assert response.status_code == 302  # the admin's "doesn't exist" redirect, nothing shown
    response = client.post(change_url(theirs), post_form_data(theirs, title="Hijacked"))
    assert response.status_code == 302
    assert Post.objects.get(pk=theirs.pk).title == "Their draft"
    revisions = reverse("admin:blog_post_revisions", args=[theirs.pk])
    assert client.get(revisions).status_code == 404


def test_writer_cannot_publish_their_draft(client, writer, posts):
    client.force_login(writer)
    mine = posts["mine_draft"]
    html = client.get(change_url(mine)).content.decode()
    assert 'name="status"' not in html  # shown read-only
    response = client.post(change_url(mine), post_form_data(mine, status="published"))
    assert response.status_code == 302
    assert Post.objects.get(pk=mine.pk).status == Post.Status.DRAFT

    html = client.get(CHANGELIST).content.decode()
    assert 'value="publish"' not in html and 'value="unpublish"' not in html
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [mine.pk]})
    assert Post.objects.get(pk=mine.pk).status == Post.Status.DRAFT


def test_writer_edits_their_own_post(client, writer, posts):
    client.force_login(writer)
    mine = posts["mine_draft"]
    response = client.post(change_url(mine), post_form_data(mine, body="New *words*"))
    assert response.status_code == 302
    assert "<em>words</em>" in Post.objects.get(pk=mine.pk).body_html


def test_writers_new_post_is_a_draft_by_their_own_author(client, writer, other_writer):
    client.force_login(writer)
    data = post_form_data(make_post(), slug="fresh", title="Fresh", status="published")
    data["author"] = other_writer.author.pk  # ignored: the field is read-only for writers
    response = client.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 302
    post = Post.objects.get(slug="fresh")
    assert post.author == writer.author and post.status == Post.Status.DRAFT


def test_writer_without_an_author_gets_one_on_their_first_post(client, django_user_model):
    from tests.conftest import _member

    user = _member(django_user_model, "newbie", "Writers")
    user.first_name, user.last_name = "Nora", "Newbie"
    user.save()
    client.force_login(user)
    data = post_form_data(make_post(), slug="first", title="First")
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    author = Author.objects.get(user=user)
    assert author.name == "Nora Newbie" and author.slug == "nora-newbie"
    assert Post.objects.get(slug="first").author == author


# Editors ------------------------------------------------------------------------------


def test_editor_sees_changes_and_publishes_every_post(client, editor, posts):
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    for post in posts.values():
        assert post.title in html
    theirs = posts["theirs_draft"]
    response = client.post(change_url(theirs), post_form_data(theirs, status="published"))
    assert response.status_code == 302
    assert Post.objects.get(pk=theirs.pk).status == Post.Status.PUBLISHED

    guest = posts["guest"]
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [guest.pk]})
    assert Post.objects.get(pk=guest.pk).status == Post.Status.PUBLISHED


@pytest.mark.parametrize("model", ["authors_author", "blog_tag", "blog_redirect"])
def test_editor_manages_authors_tags_and_redirects_but_writer_does_not(
    client, editor, writer, model
):
    url = reverse(f"admin:{model}_add")
    client.force_login(editor)
    assert client.get(url).status_code == 200
    client.force_login(writer)
    assert client.get(url).status_code == 403


def test_editor_can_delete_a_post_and_writer_cannot(client, editor, writer, posts):
    mine = posts["mine_draft"]
    delete_url = reverse("admin:blog_post_delete", args=[mine.pk])
    client.force_login(writer)
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.force_login(editor)
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Post.objects.filter(pk=mine.pk).exists()


def test_superuser_keeps_everything(staff_client, posts):
    html = staff_client.get(CHANGELIST).content.decode()
    assert all(post.title in html for post in posts.values())
    assert 'value="publish"' in html


# Staff preview ------------------------------------------------------------------------


def test_preview_of_a_draft_has_a_banner_noindex_and_no_store(client, writer, posts):
    client.force_login(writer)
    response = client.get(posts["mine_draft"].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: this post is draft" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_preview_of_a_scheduled_post_says_when_it_goes_live(client, editor):
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        post = make_post(publish_at=timezone.now() + timedelta(days=2))
        client.force_login(editor)
        response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert "Preview: this post is scheduled" in html and "3 March 2026" in html
    assert "no-store" in response["Cache-Control"]


def test_live_post_has_no_preview_banner_and_is_indexable(client, editor, posts):
    client.force_login(editor)
    response = client.get(posts["mine_live"].get_absolute_url())
    html = response.content.decode()
    assert "Preview:" not in html and "noindex" not in html
    # Whatever a logged-in user sees stays private (folio.pagecache); readers' copy is public.
    assert "private" in response["Cache-Control"]
    client.logout()
    assert "public" in client.get(posts["mine_live"].get_absolute_url())["Cache-Control"]


def test_unpublished_posts_404_for_anonymous_and_other_writers(client, writer, posts):
    for post in (posts["theirs_draft"], posts["guest"]):
        assert client.get(post.get_absolute_url()).status_code == 404
    client.force_login(writer)
    for post in (posts["theirs_draft"], posts["guest"]):
        assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get(posts["theirs_live"].get_absolute_url()).status_code == 200


def test_unpublished_posts_never_appear_on_public_lists_even_for_editors(client, editor, posts):
    client.force_login(editor)
    html = client.get(reverse("blog:post-list")).content.decode()
    assert "My draft" not in html and "My live post" in html


def test_save_and_preview_opens_the_preview(client, writer, posts):
    client.force_login(writer)
    mine = posts["mine_draft"]
    response = client.post(change_url(mine), {**post_form_data(mine), "_preview": "1"})
    assert response.status_code == 302 and response["Location"] == mine.get_absolute_url()
    assert "Save and preview" in client.get(change_url(mine)).content.decode()


# Concurrent edits ---------------------------------------------------------------------


def test_a_stale_form_is_refused_with_a_message_then_saves_on_purpose(client, editor, writer):
    with time_machine.travel("2026-01-01 10:00Z"):
        post = make_post(title="Shared", author=writer.author, status="draft")
    opened = post_form_data(Post.objects.get(pk=post.pk), body="Writer's words")
    client.force_login(editor)
    with time_machine.travel("2026-01-01 10:05Z"):
        editors_save = post_form_data(Post.objects.get(pk=post.pk), body="Editor's words")
        assert client.post(change_url(post), editors_save).status_code == 302

    client.force_login(writer)
    with time_machine.travel("2026-01-01 10:07Z"):
        response = client.post(change_url(post), opened)
    assert response.status_code == 200
    html = response.content.decode()
    assert "eddie saved this post at" in html and "your changes were not saved" in html
    assert "Writer&#x27;s words" in html  # the writer's text is still in the form
    assert Post.objects.get(pk=post.pk).body == "Editor's words"

    # The form now carries the new version: saving again is a deliberate overwrite.
    version = response.context["adminform"].form["version"].value()
    response = client.post(change_url(post), {**opened, "version": version})
    assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).body == "Writer's words"


# Another writer's draft, every way in ---------------------------------------------------


def test_a_writer_never_reaches_another_writers_draft_anywhere(client, writer, other_writer):
    secret = make_post(
        title="Secret plans",
        body="SECRET-BODY-7c1f",
        author=other_writer.author,
        status="draft",
        tags=[make_tag("Shared")],
    )
    revision = secret.revisions.first()
    client.force_login(writer)
    admin_pages = [
        change_url(secret),
        reverse("admin:blog_post_history", args=[secret.pk]),
        reverse("admin:blog_post_delete", args=[secret.pk]),
        reverse("admin:blog_post_revisions", args=[secret.pk]),
        reverse("admin:blog_post_revision", args=[secret.pk, revision.pk]),
        f"{CHANGELIST}?q=Secret",
        f"{CHANGELIST}?state=draft",
    ]
    for url in admin_pages:
        response = client.get(url, follow=True)
        assert b"SECRET-BODY" not in response.content and b"Secret plans" not in response.content
    restore = reverse("admin:blog_post_revision_restore", args=[secret.pk, revision.pk])
    assert client.post(restore).status_code == 404
    delete = client.post(reverse("admin:blog_post_delete", args=[secret.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Post.objects.get(pk=secret.pk).title == "Secret plans"

    # The preview address and every public page the writer can reach.
    assert client.get(secret.get_absolute_url()).status_code == 404
    for url, response in crawl(client).items():
        assert b"SECRET-BODY" not in response.content, url
        assert b"Secret plans" not in response.content, url


# What a writer can learn about posts they may not edit: nothing --------------------------


def view_on_site_url(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.fixture
def hidden(other_writer):
    """Another writer's unpublished posts: a draft and a scheduled post.

    Their ids are numbers no page shows otherwise, so that responses can be compared
    with the id written out.
    """
    return {
        "draft": make_post(
            pk=424201,
            title="Their draft",
            slug="their-draft",
            author=other_writer.author,
            status="draft",
        ),
        "scheduled": make_post(
            pk=424202,
            title="Their scheduled post",
            slug="their-scheduled-post",
            author=other_writer.author,
            publish_at=timezone.now() + timedelta(days=3),
        ),
    }


def test_view_on_site_answers_only_for_posts_the_user_may_edit(client, writer, editor, hidden):
    mine = make_post(slug="my-draft", author=writer.author, status="draft")
    theirs_live = make_post(slug="their-live-post", author=hidden["draft"].author)
    client.force_login(writer)
    response = client.get(view_on_site_url(mine))
    assert response.status_code == 302 and response["Location"].endswith("/blog/my-draft/")

    content_type = ContentType.objects.get_for_model(Post).pk
    for post in (*hidden.values(), theirs_live):
        response = _same_answer(client, "admin:view_on_site", [content_type, ID], post)
        assert response.status_code == 404, post.slug
        assert post.slug.encode() not in response.content
    # Objects of a model the writer has no admin for, and content types of no model.
    assert client.get(view_on_site_url(hidden["draft"].author)).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[999999, 1])).status_code == 404
    # Tags are the writer's to pick, and their pages are public.
    tag = make_tag("Shared")
    assert client.get(view_on_site_url(tag))["Location"].endswith(tag.get_absolute_url())

    client.force_login(editor)
    response = client.get(view_on_site_url(hidden["draft"]))
    assert response.status_code == 302 and response["Location"].endswith("/blog/their-draft/")


ID = object()  # where the post's id goes among a route's arguments
MISSING = 535301  # no post has this id


def _same_answer(client, route, args, theirs, method="get"):
    """The response to another writer's post, and to a post id that does not exist,
    with the id written out the same way: they must be identical."""

    def url(pk):
        return reverse(route, args=[pk if arg is ID else arg for arg in args])

    send = getattr(client, method)
    data = {"post": "yes"} if method == "post" else None
    for_theirs = send(url(theirs.pk), data, follow=True)
    for_missing = send(url(MISSING), data, follow=True)
    assert for_theirs.status_code == for_missing.status_code
    assert for_theirs.redirect_chain == [
        (location.replace(str(MISSING), str(theirs.pk)), status)
        for location, status in for_missing.redirect_chain
    ]
    assert _page(for_theirs, str(theirs.pk)) == _page(for_missing, str(MISSING))
    assert _headers(for_theirs) == _headers(for_missing)
    return for_theirs


def _page(response, written):
    """A response's text with ``written`` (an id, a slug) and its CSRF token masked."""
    text = response.content.decode().replace(written, "<masked>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "<csrf>", text)


def _headers(response):
    """The headers that could tell two answers apart (not their length or clock time)."""
    return {
        name: value
        for name, value in response.headers.items()
        if name not in {"Content-Length", "Expires", "Date"}
    }


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", ["change", "history", "delete", "revisions"])
def test_another_writers_post_answers_like_a_missing_one(client, writer, hidden, page, method):
    client.force_login(writer)
    for post in hidden.values():
        response = _same_answer(client, f"admin:blog_post_{page}", [ID], post, method)
        assert post.title.encode() not in response.content


def test_another_writers_post_answers_like_a_missing_one_in_revisions_and_preview(
    client, writer, hidden
):
    client.force_login(writer)
    for post in hidden.values():
        revision = post.revisions.first().pk
        _same_answer(client, "admin:blog_post_revision", [ID, revision], post)
        _same_answer(client, "admin:blog_post_revision_restore", [ID, revision], post, "post")
        # The preview address: the same 404 as an address no post ever had.
        preview = client.get(post.get_absolute_url())
        nowhere = client.get(reverse("blog:post-detail", kwargs={"slug": "no-such-post"}))
        assert preview.status_code == nowhere.status_code == 404
        assert _page(preview, post.slug) == _page(nowhere, "no-such-post")
        assert _headers(preview) == _headers(nowhere)


def test_a_taken_slug_is_refused_in_the_same_words_whoever_holds_it(client, writer, hidden):
    make_post(title="My own draft", slug="my-own-draft", author=writer.author, status="draft")
    make_post(title="Their live post", slug="their-live-post", author=hidden["draft"].author)
    client.force_login(writer)
    errors = {}
    for slug in ("my-own-draft", "their-live-post", "their-draft", "their-scheduled-post"):
        data = post_form_data(make_post(), slug=slug, title="Mine now")
        response = client.post(reverse("admin:blog_post_add"), data)
        assert response.status_code == 200
        errors[slug] = response.context["adminform"].form.errors["slug"]
        html = response.content.decode()
        assert "Their" not in html and "already exists" not in html
    assert all(
        found == ["This slug is not available; choose another."] for found in errors.values()
    )

    # Moving one's own post onto a hidden post's slug: the same words.
    mine = Post.objects.get(slug="my-own-draft")
    response = client.post(change_url(mine), post_form_data(mine, slug="their-draft"))
    assert response.context["adminform"].form.errors["slug"] == errors["their-draft"]


def test_a_writers_author_filter_offers_only_themselves(client, writer, editor, posts):
    client.force_login(writer)
    filters = client.get(CHANGELIST).context["cl"].filter_specs
    author_filter = next(spec for spec in filters if spec.title == "author")
    assert [name for _, name in author_filter.lookup_choices] == ["Wanda Writer"]
    assert "Walt" not in client.get(CHANGELIST).content.decode()

    client.force_login(editor)
    filters = client.get(CHANGELIST).context["cl"].filter_specs
    author_filter = next(spec for spec in filters if spec.title == "author")
    assert len(author_filter.lookup_choices) == 3  # Wanda, Walt and the guest author


def test_tag_post_counts_leave_out_posts_a_writer_may_not_see(client, writer, editor, hidden):
    tag = make_tag("Shared")
    make_post(author=hidden["draft"].author, tags=[tag])  # live
    make_post(author=writer.author, status="draft", tags=[tag])  # the writer's own draft
    for post in hidden.values():
        post.tags.set([tag])

    def count(user):
        client.force_login(user)
        response = client.get(reverse("admin:blog_tag_changelist"))
        return response.context["cl"].result_list.get(pk=tag.pk).post_total

    assert count(writer) == 2
    assert count(editor) == 4
    # The autocomplete that fills the post form's tags says nothing about posts either.
    client.force_login(writer)
    params = {"app_label": "blog", "model_name": "post", "field_name": "tags", "term": "Sha"}
    found = client.get(reverse("admin:autocomplete"), params).json()
    assert found["results"] == [{"id": str(tag.pk), "text": "Shared"}]


# Issue 19, item 6 ---------------------------------------------------------------------


def test_bulk_publishing_a_draft_publishes_it_now_unless_it_is_scheduled(client, editor):
    started = make_post(status="draft", publish_at=timezone.now() - timedelta(days=30))
    future = timezone.now() + timedelta(days=3)
    scheduled = make_post(status="draft", publish_at=future)
    client.force_login(editor)
    before = timezone.now()
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [started.pk, scheduled.pk]})
    started.refresh_from_db()
    scheduled.refresh_from_db()
    assert started.status == scheduled.status == "published"
    assert before <= started.publish_at <= timezone.now()
    assert scheduled.publish_at == future


@pytest.mark.parametrize("has_author", [True, False])
def test_a_writers_add_form_shows_the_author_it_will_save(
    client, django_user_model, writer, has_author
):
    if not has_author:
        writer = django_user_model.objects.create_user("newbie", first_name="Nina", last_name="New")
        writer.is_staff = True
        writer.save()
        from django.contrib.auth.models import Group

        writer.groups.add(Group.objects.get(name="Writers"))
    client.force_login(writer)
    html = client.get(reverse("admin:blog_post_add")).content.decode()
    shown = re.search(r'field-author.*?<div class="readonly">(.*?)</div>', html, re.S).group(1)
    assert shown.strip() == ("Wanda Writer" if has_author else "Nina New")
    assert Author.objects.filter(first_name="Nina").exists() is False  # made on save only


def test_a_forbidden_admin_page_is_in_the_admins_design(client, writer):
    client.force_login(writer)
    response = client.get(reverse("admin:blog_redirect_changelist"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="site-name"' in html and "You may not open this page" in html
    assert 'rel="icon"' in html


def test_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content if icon.streaming else [icon.content])[:4] == (
        b"\x00\x00\x01\x00"
    )


def test_a_writers_author_filter_has_no_empty_choice(client, writer, editor, posts):
    client.force_login(writer)
    assert "author__isnull" not in client.get(CHANGELIST).content.decode()
    client.force_login(editor)
    assert "author__isnull" in client.get(CHANGELIST).content.decode()
