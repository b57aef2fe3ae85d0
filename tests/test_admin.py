import re
from datetime import UTC

import pytest
from django.urls import reverse

from blog.models import Post
from tests.factories import make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["blog_post", "blog_tag", "authors_author"])
def test_changelist_add_and_change_pages_render(staff_client, model):
    obj = {"blog_post": make_post, "blog_tag": make_tag, "authors_author": make_author}[model]()
    assert staff_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:{model}_add")).status_code == 200
    response = staff_client.get(reverse(f"admin:{model}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_post_form_uses_the_markdownx_editor_and_links_to_the_site(staff_client):
    post = make_post()
    html = staff_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert "markdownx-editor" in html and "markdownx-preview" in html
    assert "View on site" in html


def test_changelist_filters_and_search(staff_client):
    make_post(title="Live one")
    make_post(title="Draft one", status=Post.Status.DRAFT)
    url = reverse("admin:blog_post_changelist")
    html = staff_client.get(url + "?state=draft").content.decode()
    assert "Draft one" in html and "Live one" not in html
    html = staff_client.get(url + "?q=Live").content.decode()
    assert "Live one" in html and "Draft one" not in html


def test_bulk_publish_and_unpublish(staff_client):
    drafts = [make_post(status=Post.Status.DRAFT) for _ in range(2)]
    url = reverse("admin:blog_post_changelist")
    ids = [p.pk for p in drafts]
    staff_client.post(url, {"action": "publish", "_selected_action": ids})
    assert Post.objects.filter(pk__in=ids, status=Post.Status.PUBLISHED).count() == 2
    staff_client.post(url, {"action": "unpublish", "_selected_action": ids[:1]})
    assert Post.objects.get(pk=ids[0]).status == Post.Status.DRAFT


def test_adding_a_post_renders_its_markdown(staff_client):
    author = make_author()
    response = staff_client.post(
        reverse("admin:blog_post_add"),
        {
            "title": "Written in the admin",
            "slug": "written-in-the-admin",
            "author": author.pk,
            "status": "published",
            "publish_at_0": "2026-01-02",
            "publish_at_1": "10:00:00",
            "body": "Some **bold** words",
            "excerpt": "",
            "extra": "{}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get(slug="written-in-the-admin")
    assert "<strong>bold</strong>" in post.body_html


def test_markdownx_preview_uses_the_sanitizing_pipeline(staff_client):
    response = staff_client.post(
        reverse("markdownx_markdownify"), {"content": "## Hi\n\n<script>alert(1)</script>"}
    )
    assert response.status_code == 200
    assert '<h2 id="hi">Hi</h2>' in response.content.decode()
    assert "script" not in response.content.decode()


def test_imported_posts_keep_their_file_name_slugs(staff_client):
    written = make_post()
    imported = make_post(slug="My_Old File", source_path="src/pages/blog/My_Old File.md")
    prepopulate = 'data-prepopulated-fields="[{&quot;id&quot;: &quot;#id_slug&quot;'
    url = "admin:blog_post_change"
    assert prepopulate in staff_client.get(reverse(url, args=[written.pk])).content.decode()
    assert prepopulate not in staff_client.get(reverse(url, args=[imported.pk])).content.decode()


def test_the_post_forms_autocompletes_list_tags_and_authors_in_order(staff_client):
    # Made in reverse order: the answer must follow the models' ordering, not the table.
    for name in ("Zebra", "Mango", "Apple"):
        make_tag(name)
        make_author(first_name=name, last_name="")
    make_tag("Banana", kind="category")

    def texts(field):
        params = {"app_label": "blog", "model_name": "post", "field_name": field, "term": ""}
        found = staff_client.get(reverse("admin:autocomplete"), params).json()["results"]
        return [result["text"] for result in found]

    assert texts("tags") == ["Banana (category)", "Apple", "Mango", "Zebra"]
    assert texts("author") == ["Apple", "Mango", "Zebra"]


def test_the_slug_help_text_shows_its_placeholder(staff_client):
    html = staff_client.get(reverse("admin:blog_post_add")).content.decode()
    help_div = re.search(r'id="id_slug_helptext">\s*<div>(.*?)</div>', html).group(1)
    assert help_div == "The post's address: /blog/&lt;slug&gt;/."


def test_no_help_text_holds_markup_a_browser_would_swallow():
    # Django's forms print help texts unescaped: a "<placeholder>" vanishes as a tag.
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.get_fields():
            text = str(getattr(field, "help_text", ""))
            assert not re.search(r"<[a-z]", text), f"{model.__name__}.{field.name}: {text}"


def test_the_admin_is_headed_by_the_sites_own_name(staff_client):
    from sitesettings.models import SiteSettings

    settings = SiteSettings.defaults()
    settings.title = "Café Écrit"
    settings.save()
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert "Café Écrit · Admin</a>" in html and "Django administration" not in html
    assert "<title>Site administration | Café Écrit admin</title>" in html


def test_a_date_sent_back_as_shown_keeps_its_stored_fraction_of_a_second(staff_client, monkeypatch):
    """The admin shows whole seconds; an imported date may hold milliseconds. Saving
    without touching the date must not move the post (a recomputation of every
    neighbour's links) nor change what the export writes."""
    from datetime import datetime

    from blog import links
    from pages.models import Page
    from tests.factories import make_page, page_form_data, post_form_data

    imported = datetime(2022, 9, 3, 21, 22, 24, 665000, tzinfo=UTC)
    post = make_post(title="Привет", publish_at=imported)
    page = make_page(title="Страница", publish_at=imported)

    def moved(*args, **kwargs):
        raise AssertionError("the post was taken to have moved")

    monkeypatch.setattr(links, "refresh", moved)
    url = reverse("admin:blog_post_change", args=[post.pk])
    response = staff_client.post(url, post_form_data(post, body="Новый текст."))
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.body, post.publish_at) == ("Новый текст.", imported)

    url = reverse("admin:pages_page_change", args=[page.pk])
    response = staff_client.post(url, page_form_data(page, body="Новый текст."))
    assert response.status_code == 302
    assert Page.objects.get(pk=page.pk).publish_at == imported

    # A date the editor changes is taken as sent, to the second.
    monkeypatch.undo()
    post.refresh_from_db()
    later = post_form_data(post, publish_at_1="21:22:25")
    staff_client.post(reverse("admin:blog_post_change", args=[post.pk]), later)
    post.refresh_from_db()
    assert post.publish_at == imported.replace(second=25, microsecond=0)
