"""Every save of a post keeps a revision; the admin diffs and restores them."""

import pytest
from django.urls import reverse

from blog.models import Post, PostRevision
from tests.factories import make_post, post_form_data

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
    assert client.get(url).status_code == 405  # restoring changes data: POST only
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
