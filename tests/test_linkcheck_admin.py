"""The link check in the admin: the Site health page, its dashboard notice, "Check
now", and the warning on saving a post or page with a broken link."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from blog.models import Post
from linkcheck import checking
from linkcheck.models import BrokenLink, CheckRun, Scope
from tests.factories import make_page, make_post, page_form_data, post_form_data

pytestmark = pytest.mark.django_db

HEALTH = "admin:linkcheck_brokenlink_changelist"
CHECK = "admin:linkcheck_check"


def warnings_of(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_the_page_lists_what_the_last_check_found_by_page(staff_client):
    post = make_post(
        title="Über uns", slug="uber", body="[Kontakt](/kontakt/) ![Bild](/media/x.png)"
    )
    checking.check_site("an import")
    response = staff_client.get(reverse(HEALTH))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Site health" in html
    assert reverse("admin:blog_post_change", args=[post.pk]) in html
    assert "Über uns" in html and "/blog/uber/" in html
    assert "“Kontakt”" in html and "/kontakt/" in html
    assert "No published page has this address" in html
    assert "No such upload" in html
    assert "by an import" in html
    assert "manage.py check_links --external" in html  # external links never checked yet


def test_opening_the_page_checks_nothing(staff_client, django_assert_max_num_queries):
    for n in range(20):
        make_post(slug=f"p{n}", body=f"[x](/blog/missing-{n}/)")
    checking.check_site("an import")
    staff_client.get(reverse(HEALTH))  # warm the session and site settings
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse(HEALTH))
    assert response.content.decode().count("/blog/missing-") == 20


def test_the_dashboard_links_to_it(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert reverse(HEALTH) in response.content.decode()  # in the app list, always
    make_post(body="[gone](/blog/gone/)")
    checking.check_site("an import")
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert "dashboard-notice" in html
    assert "link or image on the site does not answer" in html


def test_writers_see_it_without_others_drafts(client, writer, other_writer):
    from authors.models import Author

    mine = make_post(
        title="My draft",
        status=Post.Status.DRAFT,
        author=Author.objects.get(user=writer),
        body="[a](/blog/a/)",
    )
    make_post(
        title="Walt's secret draft",
        status=Post.Status.DRAFT,
        author=Author.objects.get(user=other_writer),
        body="[b](/blog/b/)",
    )
    make_post(title="A live post", body="[c](/blog/c/)")
    checking.check_site("an import")
    client.force_login(writer)
    html = client.get(reverse(HEALTH)).content.decode()
    assert "My draft" in html and "A live post" in html
    assert "secret" not in html
    assert mine.title in html
    assert client.post(reverse(CHECK)).status_code == 403  # checking is for editors


def test_staff_who_may_not_change_posts_are_kept_out(client, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse(HEALTH)).status_code == 403


def test_check_now_runs_the_internal_check(staff_client):
    make_post(title="Broken", body="[x](/blog/nowhere/)")
    assert staff_client.get(reverse(CHECK)).status_code == 405
    response = staff_client.post(reverse(CHECK), follow=True)
    assert response.redirect_chain[-1][0] == reverse(HEALTH)
    assert BrokenLink.objects.get().target == "/blog/nowhere/"
    assert CheckRun.objects.get(scope=Scope.INTERNAL).by == "editor, in the admin"
    assert "1 broken internal link in 1 post" in response.content.decode()


def test_saving_a_post_with_a_broken_link_warns_and_updates_the_report(staff_client):
    make_post(slug="there")
    post = make_post(title="Draft", body="Fine.")
    url = reverse("admin:blog_post_change", args=[post.pk])
    body = "[ok](/blog/there/) [Привет](/blog/привет/) ![pic](/media/none.png)"
    response = staff_client.post(url, post_form_data(post, body=body))
    assert response.status_code == 302
    levels = [message.level_tag for message in get_messages(response.wsgi_request)]
    assert levels == ["success", "warning"]  # after "was changed successfully"
    (warning,) = warnings_of(response)
    assert warning.startswith("This post has 2 links that do not answer:")
    assert "“Привет” → /blog/привет/ (no published post has this address)" in warning
    assert "/media/none.png (no such upload)" in warning
    assert BrokenLink.objects.filter(source_id=post.pk).count() == 2
    staff_client.get(reverse("admin:index"))  # the next page shows (and uses up) it
    post.refresh_from_db()
    response = staff_client.post(url, post_form_data(post, body="[ok](/blog/there/)"))
    assert warnings_of(response) == []
    assert not BrokenLink.objects.exists()


def test_a_writers_change_awaiting_review_is_checked_but_not_kept(client, writer):
    from authors.models import Author

    post = make_post(author=Author.objects.get(user=writer), body="Live.")
    client.force_login(writer)
    url = reverse("admin:blog_post_change", args=[post.pk])
    response = client.post(url, post_form_data(post, body="[new](/blog/new/)"))
    (warning,) = warnings_of(response)
    assert "/blog/new/" in warning
    assert not BrokenLink.objects.exists()  # readers still see the live post


def test_saving_a_page_warns_of_its_broken_links(staff_client):
    page = make_page(title="Über", path="/uber/")
    url = reverse("admin:pages_page_change", args=[page.pk])
    response = staff_client.post(url, page_form_data(page, body="[Impressum](/impressum/)"))
    assert response.status_code == 302
    (warning,) = warnings_of(response)
    assert warning.startswith("This page has a link that does not answer: “Impressum”")
