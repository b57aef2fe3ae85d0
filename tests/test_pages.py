"""Pages: their model, their address, the page view, the editors' admin, and the
sitemap, search and page cache that include them."""

from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from blog.models import Redirect
from pages.models import Page, PageRevision
from tests.factories import make_page, make_post, page_form_data, section_rows
from tests.test_caching import commit, is_cached, page_cache  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/pages/page/"


def change_url(page):
    return reverse("admin:pages_page_change", args=[page.pk])


# The model and its address ------------------------------------------------------------


def test_a_page_renders_its_markdown_on_save_and_keeps_a_revision():
    page = make_page(title="About", path="/about/", body="Hello *there*.")
    assert page.body_html == "<p>Hello <em>there</em>.</p>\n"
    revision = page.revisions.get()
    assert (revision.title, revision.path, revision.body) == ("About", "/about/", "Hello *there*.")
    page.body = "Changed."
    page.save()
    assert page.revisions.count() == 2


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/about/", "/about/"),
        ("/legal/terms/", "/legal/terms/"),
        ("/über-uns/", "/%C3%BCber-uns/"),
        ("/о-нас/", "/%D0%BE-%D0%BD%D0%B0%D1%81/"),
        ("/会社/概要/", "/%E4%BC%9A%E7%A4%BE/%E6%A6%82%E8%A6%81/"),
    ],
)
def test_a_page_is_served_at_its_own_path(client, path, url):
    page = make_page(title="The page", path=path, body="Words of the page.")
    assert page.get_absolute_url() == url
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"] == page
    html = response.content.decode()
    assert '<h1 class="post__title">The page</h1>' in html and "Words of the page." in html


def test_an_address_without_its_slash_redirects_to_it(client):
    make_page(path="/legal/terms/")
    response = client.get("/legal/terms")
    assert response.status_code == 301 and response["Location"] == "/legal/terms/"
    # Folio's own routes keep their slash redirects too.
    assert client.get("/blog")["Location"] == "/blog/"


def test_drafts_and_scheduled_pages_are_not_served(client):
    make_page(path="/draft/", status=Page.Status.DRAFT)
    make_page(path="/later/", publish_at=timezone.now() + timedelta(days=1))
    assert client.get("/draft/").status_code == 404
    assert client.get("/later/").status_code == 404
    assert client.get("/nowhere/").status_code == 404


def test_a_scheduled_page_appears_at_its_time(client):
    make_page(path="/launch/", publish_at=timezone.now() + timedelta(hours=1))
    assert client.get("/launch/").status_code == 404
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert client.get("/launch/").status_code == 200


def test_a_page_never_shadows_folios_own_routes(client):
    post = make_post(slug="hello", title="The real post")
    # Written around the checks (as an import of an old site may hold them).
    make_page(path="/blog/hello/", title="Impostor")
    make_page(path="/search/", title="Impostor")
    make_page(path="/static/x/", title="Impostor")
    make_page(path="/media/x/", title="Impostor")
    make_page(path="/admin/", title="Impostor")
    assert "The real post" in client.get(post.get_absolute_url()).content.decode()
    assert "Impostor" not in client.get("/search/").content.decode()
    for url in ("/static/x/", "/media/x/"):
        assert client.get(url).status_code == 404
    assert client.get("/admin/").status_code == 302  # the admin's login, not the page


def test_the_page_view_costs_one_query(client, django_assert_num_queries, site_settings_cached):
    make_page(path="/about/", body="A body. " * 200)
    with django_assert_num_queries(1):
        assert client.get("/about/").status_code == 200


def test_a_page_shows_its_seo_title_and_description_in_meta_tags(client):
    make_page(
        path="/pricing/",
        title="Pricing",
        seo_title="Plans and prices",
        seo_description="What each plan costs.",
    )
    html = client.get("/pricing/").content.decode()
    assert "<title>Plans and prices · " in html
    assert '<meta name="description" content="What each plan costs.">' in html
    assert '<meta property="og:title" content="Plans and prices">' in html
    assert '<link rel="canonical" href="http://testserver/pricing/">' in html


# Sitemap and search -----------------------------------------------------------------


def test_the_sitemap_lists_published_pages_only(client):
    make_page(path="/about/")
    make_page(path="/draft/", status=Page.Status.DRAFT)
    make_page(path="/later/", publish_at=timezone.now() + timedelta(days=1))
    make_page(path="/search/")  # Folio's own address: never served, never listed
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/about/</loc>" in xml
    for path in ("/draft/", "/later/", "/search/"):
        assert f"<loc>http://testserver{path}</loc>" not in xml


def test_search_finds_published_pages_beside_posts(client):
    make_post(title="Teapots of the world", body="About teapots.")
    make_page(path="/teapots/", title="Our teapot museum", body="Visit the teapot rooms.")
    make_page(path="/secret/", title="Teapot plans", status=Page.Status.DRAFT)
    make_page(path="/soon/", title="Teapot sale", publish_at=timezone.now() + timedelta(days=1))
    hits = client.get("/search/", {"q": "teapot"}).context["hits"]
    found = {(hit.page or hit.post).title for hit in hits}
    assert found == {"Teapots of the world", "Our teapot museum"}
    html = client.get("/search/", {"q": "museum"}).content.decode()
    assert 'href="/teapots/"' in html


def test_search_follows_a_page_when_it_is_edited_and_deleted(client):
    page = make_page(path="/faq/", title="Questions", body="Nothing special.")
    assert not client.get("/search/", {"q": "walrus"}).context["hits"]
    page.body = "Ask the walrus."
    page.save()
    assert [hit.page for hit in client.get("/search/", {"q": "walrus"}).context["hits"]] == [page]
    page.delete()
    assert not client.get("/search/", {"q": "walrus"}).context["hits"]


def test_rebuilding_the_search_index_includes_pages(client):
    from search.indexing import rebuild

    make_page(path="/faq/", title="Questions", body="Ask the walrus.")
    make_post(title="A post", body="A walrus too.")
    assert rebuild() == 2
    assert len(client.get("/search/", {"q": "walrus"}).context["hits"]) == 2


# The page cache ---------------------------------------------------------------------


def test_saving_a_page_refreshes_its_cached_page_and_no_other(page_cache, client, commit):  # noqa: F811
    about = make_page(path="/about/", title="About", body="First words.")
    terms = make_page(path="/legal/terms/", title="Terms")
    for url in ("/about/", "/legal/terms/", "/"):
        client.get(url)
    assert is_cached(client, "/about/")
    with commit():
        about.body = "Second words."
        about.save()
    assert "Second words." in client.get("/about/").content.decode()
    # Another page shows nothing of it and stays cached; a list page changes with any
    # write (the sitemap lists pages).
    assert is_cached(client, terms.get_absolute_url())
    assert not is_cached(client, "/")


def test_unpublishing_a_page_takes_it_out_of_the_cache(page_cache, client, commit):  # noqa: F811
    about = make_page(path="/about/")
    client.get("/about/")
    with commit():
        about.status = Page.Status.DRAFT
        about.save()
    assert client.get("/about/").status_code == 404


def test_a_scheduled_page_reaches_the_cached_sitemap_at_its_time(page_cache, client, commit):  # noqa: F811
    with commit():
        make_page(path="/launch/", publish_at=timezone.now() + timedelta(hours=1))
    assert "/launch/" not in client.get("/sitemap.xml").content.decode()
    assert is_cached(client, "/sitemap.xml")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert "http://testserver/launch/" in client.get("/sitemap.xml").content.decode()


# The admin: roles, stale edits, revisions, moves --------------------------------------


def test_an_editor_creates_and_publishes_a_page(client, editor):
    client.force_login(editor)
    now = timezone.localtime()
    response = client.post(
        reverse("admin:pages_page_add"),
        {
            "title": "Contact",
            "subtitle": "",
            "path": "contact",  # normalised to /contact/
            "status": "published",
            "publish_at_0": now.strftime("%Y-%m-%d"),
            "publish_at_1": (now - timedelta(minutes=1)).strftime("%H:%M:%S"),
            "body": "Write to us.",
            "seo_title": "",
            "seo_description": "",
            "extra": "{}",
            "version": "",
            **section_rows(Page()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = Page.objects.get()
    assert page.path == "/contact/" and page.is_published
    assert page.revisions.get().user == editor
    assert client.get("/contact/").status_code == 200


def test_an_address_folio_answers_itself_is_refused_in_the_admin(client, editor):
    page = make_page(path="/about/")
    client.force_login(editor)
    for taken in ("/search/", "/blog/", "/static/css/", "/admin/x/"):
        response = client.post(change_url(page), page_form_data(page, path=taken))
        assert response.status_code == 200, taken
        assert "choose another address" in response.content.decode(), taken
    other = make_page(path="/taken/")
    response = client.post(change_url(page), page_form_data(page, path=other.path))
    assert "Another page already has this address" in response.content.decode()
    assert Page.objects.get(pk=page.pk).path == "/about/"


def test_a_writer_drafts_pages_but_cannot_publish_or_touch_live_ones(client, writer):
    live = make_page(path="/about/", title="Live page")
    draft = make_page(path="/draft/", title="Draft page", status=Page.Status.DRAFT)
    client.force_login(writer)
    listing = client.get(CHANGELIST).content.decode()
    assert "Draft page" in listing and "Live page" not in listing
    assert client.get(change_url(live)).status_code in (302, 403, 404)
    response = client.post(change_url(draft), page_form_data(draft, status="published"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Page.Status.DRAFT  # status is read-only for writers
    # Their preview of the draft shows it; readers get a 404.
    assert "Preview: this page is draft" in client.get("/draft/").content.decode()
    client.logout()
    assert client.get("/draft/").status_code == 404


def test_a_stale_page_form_is_refused_then_saves_on_purpose(client, editor, admin_user):
    with time_machine.travel("2026-01-01 10:00Z"):
        page = make_page(path="/about/", body="First")
    opened = page_form_data(Page.objects.get(pk=page.pk), body="Mine")
    client.force_login(admin_user)
    with time_machine.travel("2026-01-01 10:05Z"):
        theirs = page_form_data(Page.objects.get(pk=page.pk), body="Theirs")
        assert client.post(change_url(page), theirs).status_code == 302
    client.force_login(editor)
    with time_machine.travel("2026-01-01 10:07Z"):
        response = client.post(change_url(page), opened)
    html = response.content.decode()
    assert response.status_code == 200
    assert "saved this page at" in html and "your changes were not saved" in html
    assert Page.objects.get(pk=page.pk).body == "Theirs"
    version = response.context["adminform"].form["version"].value()
    assert client.post(change_url(page), {**opened, "version": version}).status_code == 302
    assert Page.objects.get(pk=page.pk).body == "Mine"


def test_moving_a_live_page_leaves_a_redirect_and_a_draft_does_not(client, editor):
    live = make_page(path="/about/")
    draft = make_page(path="/plans/", status=Page.Status.DRAFT)
    client.force_login(editor)
    assert client.post(change_url(live), page_form_data(live, path="/about-us/")).status_code == 302
    assert client.post(change_url(draft), page_form_data(draft, path="/ideas/")).status_code == 302
    client.logout()
    response = client.get("/about/")
    assert response.status_code == 301 and response["Location"] == "/about-us/"
    assert not Redirect.objects.filter(old_path="/plans/").exists()


def test_moving_a_page_with_a_unicode_address_redirects_from_the_old_one(client):
    page = make_page(path="/über-uns/")
    page.path = "/wir/"
    page.save()
    response = client.get("/%C3%BCber-uns/")
    assert response.status_code == 301 and response["Location"] == "/wir/"


def test_page_revisions_are_listed_compared_and_restored(client, editor):
    page = make_page(path="/about/", title="About", body="Old words.", seo_title="Old SEO")
    first = page.revisions.get()
    page.title, page.body, page.seo_title = "About us", "New words.", "New SEO"
    page.save()
    client.force_login(editor)
    listing = client.get(reverse("admin:pages_page_revisions", args=[page.pk]))
    assert listing.status_code == 200
    assert "Title, Body, SEO title" in listing.content.decode()
    diff = client.get(reverse("admin:pages_page_revision", args=[page.pk, first.pk]))
    assert "Differences from the page as it is now" in diff.content.decode()
    restore = reverse("admin:pages_page_revision_restore", args=[page.pk, first.pk])
    assert "title, subtitle, body, hero image" in client.get(restore).content.decode()
    response = client.post(restore)
    assert response.status_code == 302 and response["Location"] == change_url(page)
    page.refresh_from_db()
    assert (page.title, page.body, page.seo_title) == ("About", "Old words.", "Old SEO")
    assert page.path == "/about/" and page.is_published
    assert PageRevision.objects.filter(page=page).count() == 3


def test_the_page_editor_uses_the_markdown_editor_and_offers_preview(client, editor):
    page = make_page(path="/about/", status=Page.Status.DRAFT)
    client.force_login(editor)
    html = client.get(change_url(page)).content.decode()
    assert "data-folio-preview-css" in html and "Save and preview" in html
    assert reverse("admin:pages_page_revisions", args=[page.pk]) in html
    response = client.post(change_url(page), {**page_form_data(page), "_preview": "1"})
    assert response.status_code == 302 and response["Location"] == "/about/"
    assert "Preview: this page is draft" in client.get("/about/").content.decode()


def test_editors_publish_pages_in_bulk(client, editor):
    pages = [make_page(status=Page.Status.DRAFT) for _ in range(2)]
    client.force_login(editor)
    response = client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [page.pk for page in pages]},
        follow=True,
    )
    assert "2 pages published." in response.content.decode()
    assert all(page.is_published for page in Page.objects.all())


def test_a_non_ascii_address_is_kept_readable_and_encoded_in_links(client):
    page = make_page(path="/о-нас/")
    assert page.get_absolute_url() == "/" + quote("о-нас") + "/"


def test_a_page_at_the_root_is_the_home_page_and_the_posts_stay_at_blog(client):
    # A Stackbit site's home is its landing page (src/pages/index.md): it stays the home.
    post = make_post(title="Newest post")
    assert "Newest post" in client.get("/").content.decode()  # no home page: the posts
    home = make_page(path="/", title="Welcome to the workshop", body="Hello.")
    assert home.get_absolute_url() == "/" and home.is_served
    html = client.get("/").content.decode()
    assert "Welcome to the workshop" in html and "Newest post" not in html
    assert post.get_absolute_url() in client.get("/blog/").content.decode()
    home.status = Page.Status.DRAFT
    home.save()
    assert "Newest post" in client.get("/").content.decode()
