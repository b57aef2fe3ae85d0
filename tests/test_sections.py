"""Landing pages made of sections: imported from front matter, every key kept, each
kind rendered by its own template, an unknown type rendered generically and reported."""

import io
import re

import pytest
from django.core.management import call_command

from blog.importing import Action, ImportOptions, import_site
from blog.models import Redirect
from pages.models import Page, Section, SectionItem
from tests.factories import make_page, make_post
from tests.landing import LANDING, write_landing, written_sections
from tests.test_caching import commit, is_cached, page_cache  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def landing_site(site):
    write_landing(site)
    return site


def run(site, **options):
    return import_site(site.root, ImportOptions(**options))


def page_report(result):
    return next(report for report in result.reports if report.path == "src/pages/landing.md")


def html_of(client, path="/landing/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def section_html(html, section_type):
    """The markup of the first section of this type."""
    match = re.search(
        rf'<section [^>]*data-section-type="{section_type}">(.*?)</section>', html, re.S
    )
    assert match, f"no {section_type} section"
    return match.group(1)


# -- Import: nothing dropped --------------------------------------------------------


def test_every_key_of_every_section_comes_back_as_written(landing_site):
    run(landing_site)
    page = Page.objects.get(path="/landing/")
    sections = list(page.sections.prefetch_related("items"))
    assert [section.as_dict() for section in sections] == written_sections()
    # Key order too: an export writes them back in the order they were written.
    for section, written in zip(sections, written_sections(), strict=True):
        assert list(section.as_dict()) == list(written)
    assert "sections" not in page.extra and page.extra["template"] == "advanced"


def test_sections_are_split_into_kinds_and_items(landing_site):
    run(landing_site)
    sections = list(Page.objects.get(path="/landing/").sections.all())
    kinds = [section.kind.name for section in sections]
    assert kinds == [
        "hero",
        *("content", "features", "cta", "posts", "pricing", "faq", "reviews", "form"),
        "generic",
    ]
    grid = sections[2]
    assert grid.items_key == "grid_items" and grid.items.count() == 3
    assert "grid_items" not in grid.data
    assert sections[8].items.count() == 6  # the broken form field is kept too


def test_a_bad_section_is_a_warning_naming_the_file_the_section_and_the_field(site):
    write_landing(
        site,
        front_matter=(
            "title: Bad bits\ntemplate: landing\nsections:\n"
            "  - type: section_hero\n    title: [not, text]\n    image: images/missing.jpg\n"
            "  - just text\n"
            "  - type: section_faq\n    faq_items: 3\n"
            "  - type: section_form\n    form_fields:\n"
            "      - {name: email, input_type: email}\n      - {name: email, input_type: text}\n"
            "      - {name: 'bad name', input_type: text}\n      - {name: x, input_type: color}\n"
            "  - type: section_cta\n    actions:\n      - label: No url\n"
        ),
    )
    result = run(site)
    report = page_report(result)
    assert report.action == Action.CREATED, report.detail
    warnings = "\n".join(report.warnings)
    assert "sections[0].title: expected text, got list; not shown" in warnings
    assert "sections[0].image images/missing.jpg" in warnings or (
        "sections[0].image" in warnings and "missing.jpg" in warnings
    )
    assert "sections[1] is not a mapping (str)" in warnings
    assert "sections[2].faq_items: expected a list, got int" in warnings
    assert "sections[3].form_fields[1].name 'email' is used twice" in warnings
    assert "sections[3].form_fields[2].name 'bad name' is not a field name" in warnings
    assert "sections[3].form_fields[3].input_type 'color' is unknown; shown as text" in warnings
    assert "sections[4].actions[0]: needs a label and a url; not shown" in warnings
    page = Page.objects.get(path="/landing/")
    # The entry that is no mapping is kept in extra; the others are sections.
    assert page.extra["sections_not_imported"] == [{"index": 1, "value": "just text"}]
    assert page.sections.count() == 4
    assert html_of_ok(page)


def html_of_ok(page):
    from django.test import Client

    return Client().get(page.get_absolute_url()).status_code == 200


def test_an_unknown_type_is_imported_rendered_generically_and_reported(landing_site, client):
    out = io.StringIO()
    call_command("import_posts", str(landing_site.root), stdout=out, stderr=io.StringIO())
    printed = out.getvalue()
    assert (
        "src/pages/landing.md: sections[9]: type 'section_video' is not one Folio knows; "
        "shown with the generic layout"
    ) in printed
    html = section_html(html_of(client), "section_video")
    assert "Watch the film" in html and "Two minutes long." in html
    assert '<a href="https://video.example.com/1" rel="noopener noreferrer">elsewhere</a>' in html
    assert 'href="https://video.example.com/1">Watch</a>' in html
    assert "<picture>" in html  # its image, through the image pipeline


def test_a_dry_run_reports_the_sections_and_writes_nothing(landing_site):
    result = run(landing_site, dry_run=True)
    report = page_report(result)
    assert report.action == Action.CREATED
    assert any("section_video" in warning for warning in report.warnings)
    assert not Section.objects.exists() and not Page.objects.exists()


def test_a_full_url_of_the_sites_own_image_is_stored_like_a_path(site):
    site.image("team.jpg", size=(300, 200))
    write_landing(
        site,
        front_matter=(
            "title: Team\ntemplate: landing\nsections:\n  - type: team_section\n"
            "    team:\n      - name: Ann\n"
            "        photo: https://www.example-site.com/images/team.jpg\n"
        ),
    )
    run(site, site_url="https://www.example-site.com")
    item = SectionItem.objects.get()
    assert item.image.name.startswith("imported/") and item.picture
    assert item.data["photo"] == "https://www.example-site.com/images/team.jpg"  # as written


def test_reimporting_is_idempotent_and_keeps_the_sections_ids(landing_site):
    run(landing_site)
    ids = list(Section.objects.values_list("pk", flat=True))
    items = list(SectionItem.objects.order_by("pk").values_list("data", flat=True))
    second = run(landing_site)
    assert page_report(second).action == Action.UNCHANGED
    forced = run(landing_site, force=True)
    assert page_report(forced).action == Action.UPDATED
    # A contact form posts to its section's id: the ids stay.
    assert list(Section.objects.values_list("pk", flat=True)) == ids
    assert list(SectionItem.objects.order_by("pk").values_list("data", flat=True)) == items


def test_a_changed_file_replaces_the_sections_and_removes_those_gone(landing_site):
    run(landing_site)
    shorter = LANDING.split("  - type: content_section")[0]
    write_landing(landing_site, front_matter=shorter)
    result = run(landing_site)
    assert page_report(result).action == Action.UPDATED
    page = Page.objects.get(path="/landing/")
    assert [section.type for section in page.sections.all()] == ["section_hero"]


def test_a_section_edited_in_the_admin_is_not_overwritten_without_force(
    landing_site, client, editor
):
    run(landing_site)
    hero = Section.objects.get(type="section_hero")
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/section/{hero.pk}/change/",
        hero_form(hero, data_title="Edited in the admin"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    write_landing(landing_site, front_matter=LANDING.replace("Everything in one", "Changed"))
    result = run(landing_site)
    assert page_report(result).action == Action.CONFLICT
    hero.refresh_from_db()
    assert hero.data["title"] == "Edited in the admin"
    run(landing_site, force=True)
    hero.refresh_from_db()
    assert hero.data["title"] == "Changed place"


def hero_form(section, **changes):
    from pages.section_forms import actions_text

    data = section.data
    form = {
        "page": str(section.page_id),
        "type": section.type,
        "order": str(section.order),
        "data_section_id": data.get("section_id", ""),
        "data_title": data.get("title", ""),
        "data_subtitle": data.get("subtitle", ""),
        "data_content": data.get("content", ""),
        "data_actions": actions_text(data.get("actions")),
        "data_image_alt": data.get("image_alt", ""),
        "data_background": data.get("background", ""),
    }
    form.update(changes)
    return form


# -- Rendering: a template per kind -------------------------------------------------


@pytest.fixture
def landing(landing_site):
    make_post(title="A post on the landing page", slug="one")
    make_post(title="Another post", slug="two")
    make_post(title="An older post that does not fit", slug="three")
    run(landing_site)
    return Page.objects.get(path="/landing/")


def test_the_hero_shows_its_title_as_the_page_heading_content_image_and_buttons(landing, client):
    html = section_html(html_of(client), "section_hero")
    assert '<h1 class="hero__title">Everything in one place</h1>' in html
    assert "Один сайт — 一つのサイト" in html
    assert "Markdown <strong>text</strong> in the hero." in html
    assert 'alt="A hero picture"' in html and 'fetchpriority="high"' in html
    # /signup is written as Folio serves it; a new window when asked; javascript: never.
    assert '<a class="button" href="/signup/" target="_blank" rel="noopener">Try it</a>' in html
    assert 'href="/legal/terms/">Read more</a>' in html
    assert "javascript" not in html and "Sneaky" not in html


def test_a_button_follows_the_url_map_to_where_its_page_moved(landing, client):
    Redirect.objects.create(old_path="/legal/terms/", new_path="/terms-of-service/")
    hero = landing.sections.get(type="section_hero")
    hero.save()  # links are resolved on save
    html = section_html(html_of(client), "section_hero")
    assert 'href="/terms-of-service/">Read more</a>' in html


def test_the_content_section_keeps_an_external_image_where_it_is(landing, client):
    html = section_html(html_of(client), "content_section")
    assert "Our story" in html and "A paragraph of <em>content</em>." in html
    assert '<img src="https://cdn.elsewhere.example/pic.jpg"' in html
    assert "split--image-left" in html


def test_the_grid_shows_every_item_with_its_image_and_buttons(landing, client):
    html = section_html(html_of(client), "section_grid")
    assert html.count('class="feature"') == 2  # the stray string item is kept, not shown
    assert "Really <strong>fast</strong>." in html and "Ünïcödé and 中文." in html
    assert "<picture>" in html and 'href="/blog/hello/">Learn more</a>' in html
    assert "section--gray" in html_of(client)


def test_the_call_to_action(landing, client):
    html = section_html(html_of(client), "section_cta")
    assert "Ready when you are" in html and "Join today." in html
    assert 'href="https://app.example.com/signup">Sign up</a>' in html


def test_the_posts_section_lists_the_latest_published_posts_as_cards(landing, client):
    make_post(title="A draft", slug="draft", status="draft")
    html = section_html(html_of(client), "section_posts")
    assert html.count('class="card"') == 2  # posts_number: 2
    assert "An older post that does not fit" not in html and "A draft" not in html


def test_the_pricing_plans_with_their_details_and_the_highlighted_one(landing, client):
    html = section_html(html_of(client), "section_pricing")
    assert "$5/month" in html and "$49/month" in html
    assert "<li>One site</li>" in html and "<li>Phone support</li>" in html
    assert html.count("plan--highlight") == 1 and "Most popular" in html


def test_the_faq_as_questions_that_open(landing, client):
    html = section_html(html_of(client), "section_faq")
    assert '<summary class="faq__question">Is it free?</summary>' in html
    assert "No, but it is <strong>cheap</strong>." in html and "Ответ." in html


def test_the_reviews_with_their_authors_and_photos(landing, client):
    html = section_html(html_of(client), "section_reviews")
    assert "Lovely product." in html and "Jane Roe" in html and "<picture>" in html
    assert "山田 花子" in html and "Gardener" in html and "素晴らしい。" in html


def test_the_form_section_is_a_form_posting_to_its_own_endpoint(landing, client):
    form = landing.sections.get(type="section_form")
    html = section_html(html_of(client), "section_form")
    assert f'action="/forms/{form.pk}/"' in html and 'method="post"' in html
    for name in ("name", "email", "topic", "message", "consent"):
        assert f'name="{name}"' in html
    assert "not a name!" not in html  # a field without a usable name is left out
    assert '<option value="Sales">Sales</option>' in html and "Send it" in html
    assert 'name="website_url_confirm"' in html  # the honeypot
    # A cached page holds no token: the form gets one when the page opens.
    assert 'name="csrfmiddlewaretoken" value=""' in html


def test_markdown_is_rendered_on_save_never_per_request(landing, client, monkeypatch):
    import folio.rendering

    def refuse(text):
        raise AssertionError("markdown rendered during a request")

    monkeypatch.setattr(folio.rendering, "render_markdown", refuse)
    monkeypatch.setattr("pages.models.render_markdown", refuse)
    assert "Markdown <strong>text</strong>" in html_of(client)


def test_section_text_is_escaped(client):
    page = make_page(path="/x/", body="")
    Section.objects.create(
        page=page,
        type="section_hero",
        data={"title": "<script>alert(1)</script>", "content": "<img src=x onerror=alert(1)>"},
    )
    html = html_of(client, "/x/")
    assert "<script>alert(1)" not in html and "onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_landing_page_costs_a_fixed_number_of_queries(
    landing, client, django_assert_num_queries, site_settings_cached
):
    # The page (and whether it has sections), its sections, their items, the posts.
    with django_assert_num_queries(4):
        html_of(client)
    for n in range(5):
        make_post(title=f"More {n}", slug=f"more-{n}")
    Section.objects.create(page=landing, type="section_faq", order=99)
    with django_assert_num_queries(4):
        html_of(client)


def test_a_landing_page_is_found_by_what_its_sections_say(landing, client):
    html = client.get("/search/", {"q": "cheap"}).content.decode()
    assert landing.get_absolute_url() in html
    html = client.get("/search/", {"q": "Lovely product"}).content.decode()
    assert landing.get_absolute_url() in html


def test_a_page_without_sections_still_costs_one_query(
    client, django_assert_num_queries, site_settings_cached
):
    make_page(path="/plain/")
    with django_assert_num_queries(1):
        html_of(client, "/plain/")


def test_editing_a_section_or_an_item_refreshes_its_cached_page_and_no_other(
    page_cache,  # noqa: F811
    client,
    commit,  # noqa: F811
):
    page = make_page(path="/faq/", title="FAQ", body="")
    make_page(path="/other/", title="Other")
    with commit():
        faq = Section.objects.create(page=page, type="section_faq", data={"title": "Asked"})
        item = SectionItem.objects.create(section=faq, data={"question": "Why?", "answer": "So."})
    for url in ("/faq/", "/other/"):
        client.get(url)
    assert is_cached(client, "/faq/") and is_cached(client, "/other/")
    with commit():
        item.data["answer"] = "Because."
        item.save()
    assert "Because." in html_of(client, "/faq/")
    assert is_cached(client, "/other/")
    with commit():
        faq.delete()
    assert "Asked" not in html_of(client, "/faq/")


def test_a_landing_page_listing_posts_changes_with_the_posts(page_cache, client, commit):  # noqa: F811
    page = make_page(path="/home/", body="")
    with commit():
        Section.objects.create(page=page, type="section_posts", data={"title": "Latest"})
    assert "A brand new post" not in html_of(client, "/home/")
    assert is_cached(client, "/home/")
    with commit():
        make_post(title="A brand new post", slug="brand-new")
    assert "A brand new post" in html_of(client, "/home/")


ODD_VALUES = [None, 0, 7.5, True, [], {}, ["a", 1], {"nested": [1, {"x": None}]}, "", "ü 中"]


@pytest.mark.parametrize(
    "kind",
    ["hero", "content", "features", "cta", "posts", "pricing", "faq", "reviews", "form", "generic"],
)
def test_any_value_under_any_key_renders(kind, client):
    """Front matter is written by hand: a list where text belongs, a number for a
    title, a mapping for buttons. Every kind still renders, and shows what it can."""
    from pages.sections import KINDS, MARKDOWN_KEYS

    spec = KINDS[kind]
    keys = {field.key for field in (*spec.fields, *spec.item_fields)}
    keys |= {*MARKDOWN_KEYS, "image", "avatar", "options", "posts_number", "background"}
    page = make_page(path=f"/odd-{kind}/", body="")
    for n, value in enumerate(ODD_VALUES):
        section = Section.objects.create(
            page=page, order=n, type=spec.types[0], data={key: value for key in keys}
        )
        SectionItem.objects.create(section=section, data={key: value for key in keys})
        SectionItem.objects.create(section=section, data={"__value__": value})
    response = client.get(f"/odd-{kind}/")
    assert response.status_code == 200
    assert "ü 中" in response.content.decode() or kind in {"posts", "form"}


@pytest.mark.parametrize("value", ODD_VALUES)
def test_a_form_field_with_odd_values_still_makes_an_input(value, client):
    page = make_page(path="/odd-form/", body="")
    section = Section.objects.create(page=page, type="section_form")
    keys = ("label", "input_type", "is_required", "options", "default_value", "placeholder")
    for input_type in ("text", "select", "checkbox", "email"):
        SectionItem.objects.create(
            section=section,
            data={
                "name": f"f_{input_type}",
                **{key: value for key in keys},
                "input_type": input_type,
            },
        )
    SectionItem.objects.create(section=section, data={"name": "odd", "input_type": value})
    html = client.get("/odd-form/").content.decode()
    assert 'name="f_select"' in html and 'name="odd"' in html
