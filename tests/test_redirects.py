"""A published post's old address answers with a 301 to its new one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from blog.models import Post, Redirect
from tests.factories import make_post, post_form_data

pytestmark = pytest.mark.django_db


def rename(post, slug):
    post = Post.objects.get(pk=post.pk)  # loaded fresh, as the admin and importer do
    post.slug = slug
    post.save()
    return post


def test_changing_a_published_slug_in_the_admin_redirects_the_old_url(client, editor):
    post = make_post(slug="old-name")
    client.force_login(editor)
    url = reverse("admin:blog_post_change", args=[post.pk])
    assert client.post(url, post_form_data(post, slug="new-name")).status_code == 302

    response = client.get("/blog/old-name/?utm=x")
    assert response.status_code == 301
    assert response["Location"] == "/blog/new-name/?utm=x"
    assert client.get("/blog/new-name/").status_code == 200


def test_a_drafts_slug_change_leaves_no_redirect(client):
    post = make_post(slug="draft-name", status="draft")
    rename(post, "draft-renamed")
    assert not Redirect.objects.exists()
    assert client.get("/blog/draft-name/").status_code == 404


def test_chains_collapse_and_moving_back_makes_no_loop(client):
    post = make_post(slug="a")
    rename(post, "b")
    rename(post, "c")
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {
        "/blog/a/": "/blog/c/",
        "/blog/b/": "/blog/c/",
    }
    rename(post, "a")
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {
        "/blog/b/": "/blog/a/",
        "/blog/c/": "/blog/a/",
    }
    assert client.get("/blog/a/").status_code == 200
    assert client.get("/blog/c/")["Location"] == "/blog/a/"


def test_a_redirect_never_shadows_a_live_page(client):
    make_post(slug="taken")
    Redirect.objects.create(old_path="/blog/taken/", new_path="/blog/elsewhere/")
    assert client.get("/blog/taken/").status_code == 200


@pytest.mark.parametrize(
    ("old_path", "new_path", "field", "message"),
    [
        ("blog/x/", "/blog/y/", "old_path", "starting with one slash"),
        ("/blog/x/", "https://evil.example/", "new_path", "starting with one slash"),
        ("/blog/x/", "//evil.example/", "new_path", "starting with one slash"),
        ("/blog/x/", "/blog/x/", "new_path", "cannot redirect to itself"),
        ("/blog/x/", "/blog/a/", "new_path", "no chains"),
        ("/blog/z/", "/blog/y/", None, None),
    ],
)
def test_hand_made_redirects_are_validated(old_path, new_path, field, message):
    Redirect.objects.create(old_path="/blog/a/", new_path="/blog/b/")
    redirect = Redirect(old_path=old_path, new_path=new_path)
    if field is None:
        redirect.full_clean()
        return
    with pytest.raises(ValidationError) as error:
        redirect.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_editors_manage_redirects_in_the_admin(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:blog_redirect_add"), {"old_path": "/old/", "new_path": "/blog/"}
    )
    assert response.status_code == 302
    assert client.get("/old/")["Location"] == "/blog/"
