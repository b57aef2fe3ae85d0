"""Editing sections in the admin: a form per type, validated field by field, every key
it does not edit kept; and what contact forms received, listed read-only."""

import pytest
from django.urls import reverse

from pages.models import FormSubmission, Page, Section, SectionItem
from pages.section_forms import actions_text
from tests.factories import make_page, page_form_data

pytestmark = pytest.mark.django_db


def change_url(section):
    return reverse("admin:pages_section_change", args=[section.pk])


@pytest.fixture
def pricing(db):
    page = make_page(path="/pricing/", title="Pricing", body="")
    section = Section.objects.create(
        page=page,
        type="section_pricing",
        data={
            "section_id": "plans",
            "type": "section_pricing",
            "title": "Plans",
            "theme_colour": "teal",
            "actions": [{"label": "Compare", "url": "/compare", "new_window": True}],
        },
        items_key="pricing_plans",
        items_at=3,
    )
    SectionItem.objects.create(
        section=section,
        order=0,
        data={"title": "Basic", "price": "$5", "details": ["One", "Two"], "badge_icon": "star"},
    )
    return section


def section_form(section, **changes):
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
    items = list(section.items.all())
    form.update(
        {
            "items-TOTAL_FORMS": str(len(items)),
            "items-INITIAL_FORMS": str(len(items)),
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
        }
    )
    for index, item in enumerate(items):
        prefix = f"items-{index}-"
        form[prefix + "id"] = str(item.pk)
        form[prefix + "section"] = str(section.pk)
        form[prefix + "order"] = str(item.order)
        for key in ("title", "subtitle", "price"):
            form[prefix + f"data_{key}"] = item.data.get(key, "")
        details = item.data.get("details", "")
        form[prefix + "data_details"] = "\n".join(details) if isinstance(details, list) else details
        form[prefix + "data_highlight"] = "on" if item.data.get("highlight") else ""
        form[prefix + "data_actions"] = actions_text(item.data.get("actions"))
    form.update(changes)
    return form


def test_the_page_editor_lists_its_sections_with_a_link_to_each(client, editor, pricing):
    client.force_login(editor)
    html = client.get(reverse("admin:pages_page_change", args=[pricing.page_id])).content.decode()
    assert "Sections (a landing page; open one to edit its content)" in html
    assert "Pricing · 1 plan" in html
    assert change_url(pricing) in html


def test_a_section_opens_in_a_form_of_its_type_with_its_items(client, editor, pricing):
    client.force_login(editor)
    html = client.get(change_url(pricing)).content.decode()
    for label in ("Anchor", "Title", "Buttons", "Plans", "Price", "What it includes"):
        assert label in html
    assert "Compare | /compare" in html  # buttons as lines, not JSON
    assert 'value="$5"' in html and "One\nTwo" in html
    assert "theme_colour" in html  # the keys the form does not edit are shown, kept


def test_editing_a_section_changes_only_what_was_edited(client, editor, pricing):
    client.force_login(editor)
    before = Page.objects.get(pk=pricing.page_id).updated
    response = client.post(
        change_url(pricing),
        section_form(
            pricing,
            data_title="Our plans",
            data_actions="Compare | /compare | primary\nAsk us | mailto:hi@example.com",
            **{"items-0-data_price": "€6", "items-0-data_details": "One\nTwo\nThree"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("admin:pages_page_change", args=[pricing.page_id])
    pricing.refresh_from_db()
    assert pricing.as_dict() == {
        "section_id": "plans",
        "type": "section_pricing",
        "title": "Our plans",
        "pricing_plans": [
            {
                "title": "Basic",
                "price": "€6",
                "details": ["One", "Two", "Three"],
                "badge_icon": "star",
            }
        ],
        "theme_colour": "teal",
        "actions": [
            {"label": "Compare", "url": "/compare", "new_window": True, "style": "primary"},
            {"label": "Ask us", "url": "mailto:hi@example.com"},
        ],
    }
    assert pricing.rendered["actions"][0] == {
        "label": "Compare",
        "href": "/compare/",
        "primary": True,
        "new_window": True,
    }
    # An edit of a section is an edit of its page (a re-import leaves it alone).
    assert Page.objects.get(pk=pricing.page_id).updated > before
    assert "€6" in client.get("/pricing/").content.decode()


def test_a_bad_button_line_is_shown_as_an_error_and_nothing_is_saved(client, editor, pricing):
    client.force_login(editor)
    response = client.post(
        change_url(pricing),
        section_form(pricing, data_title="Changed", data_actions="Just a label\nX | javascript:1"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Line 1: write a label and an address, separated by |." in html
    assert "Line 2: &#x27;javascript:1&#x27; is not an address a button can go to" in html
    pricing.refresh_from_db()
    assert pricing.data["title"] == "Plans"


def test_a_form_field_needs_a_usable_unique_name(client, editor):
    page = make_page(path="/contact/", body="")
    section = Section.objects.create(page=page, type="section_form", items_key="form_fields")
    client.force_login(editor)
    base = {
        "page": str(page.pk),
        "type": "section_form",
        "order": "0",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-order": "0",
        "items-0-data_label": "E-mail",
        "items-0-data_name": "e mail",
        "items-0-data_input_type": "email",
        "items-1-order": "1",
        "items-1-data_label": "Message",
        "items-1-data_name": "message",
        "items-1-data_input_type": "textarea",
    }
    response = client.post(change_url(section), base)
    assert response.status_code == 200
    assert "Give the field a name of letters, digits" in response.content.decode()
    assert not section.items.exists()
    response = client.post(change_url(section), {**base, "items-0-data_name": "message"})
    assert "Two fields of this form are named &#x27;message&#x27;." in response.content.decode()
    response = client.post(change_url(section), {**base, "items-0-data_name": "email"})
    assert response.status_code == 302
    assert [item.data["name"] for item in section.items.all()] == ["email", "message"]
    section.refresh_from_db()
    assert section.as_dict()["form_fields"][0] == {
        "label": "E-mail",
        "name": "email",
        "input_type": "email",
    }


def test_sections_are_edited_inline_with_their_page(client, editor, pricing):
    client.force_login(editor)
    page = pricing.page
    data = page_form_data(page)
    data["sections-0-data_title"] = "Renamed in the page editor"
    data["sections-0-order"] = "5"
    response = client.post(reverse("admin:pages_page_change", args=[page.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    pricing.refresh_from_db()
    assert pricing.data["title"] == "Renamed in the page editor" and pricing.order == 5
    assert pricing.data["theme_colour"] == "teal"


def test_a_writer_cannot_change_the_sections_of_a_published_page(client, writer, pricing):
    client.force_login(writer)
    assert client.get(change_url(pricing)).status_code in (302, 403, 404)
    response = client.post(change_url(pricing), section_form(pricing, data_title="Mine"))
    assert response.status_code in (302, 403, 404)
    pricing.refresh_from_db()
    assert pricing.data["title"] == "Plans"


def test_submissions_are_listed_read_only_with_filters(client, editor, pricing):
    FormSubmission.objects.create(
        page=pricing.page,
        form_id="contact",
        page_title="Pricing",
        page_path="/pricing/",
        fields={"name": "Zoë", "message": "Hello there"},
        labels={"name": "Name", "message": "Message"},
    )
    client.force_login(editor)
    changelist = reverse("admin:pages_formsubmission_changelist")
    html = client.get(changelist).content.decode()
    assert "Zoë · Hello there" in html and "contact" in html
    assert "By form" in html or "form</h3>" in html
    submission = FormSubmission.objects.get()
    detail = client.get(reverse("admin:pages_formsubmission_change", args=[submission.pk]))
    assert "Hello there" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:pages_formsubmission_add")).status_code == 403


def test_an_uploaded_image_replaces_the_written_one_in_the_sections_data(client, editor):
    from tests.factories import image_file

    page = make_page(path="/hero/", body="")
    hero = Section.objects.create(
        page=page, type="section_hero", data={"title": "Hi", "image": "images/old.jpg"}
    )
    client.force_login(editor)
    form = {
        "page": str(page.pk),
        "type": "section_hero",
        "order": "0",
        "data_title": "Hi",
        "image": image_file("new.jpg"),
    }
    response = client.post(change_url(hero), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    hero.refresh_from_db()
    assert hero.image.name.startswith("sections/") and hero.data["image"] == hero.image.name
    assert "<picture>" in client.get("/hero/").content.decode()
    response = client.post(change_url(hero), {**form, "image": "", "image-clear": "on"})
    hero.refresh_from_db()
    assert not hero.image and "image" not in hero.data and hero.data["title"] == "Hi"


def test_a_section_with_odd_values_opens_and_saves_unchanged(client, editor):
    page = make_page(path="/odd/", body="")
    odd = {
        "type": "section_faq",
        "title": ["not", "text"],
        "subtitle": 42,
        "actions": {"label": "a mapping"},
        "background": True,
        "faq_items_note": None,
    }
    section = Section.objects.create(page=page, type="section_faq", data=odd, items_key="faq_items")
    SectionItem.objects.create(section=section, data={"question": {"q": 1}, "answer": 3})
    client.force_login(editor)
    html = client.get(change_url(section)).content.decode()
    assert "faq_items_note" in html
    item = section.items.get()
    form = {
        "page": str(page.pk),
        "type": "section_faq",
        "order": "0",
        "data_title": "",
        "data_subtitle": "42",
        "data_background": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-id": str(item.pk),
        "items-0-section": str(section.pk),
        "items-0-order": "0",
        "items-0-data_question": "",
        "items-0-data_answer": "3",
    }
    response = client.post(change_url(section), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    section.refresh_from_db()
    assert section.data == odd  # nothing the editor did not change is rewritten
    assert section.items.get().data == {"question": {"q": 1}, "answer": 3}
