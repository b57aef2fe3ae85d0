"""A contact-form section is a working form: CSRF, honeypot, rate limit, validation
per its form_fields, stored submissions, an optional e-mail, and a page cache that
never keeps a token or a visitor's answers."""

import pytest
from django.core import mail
from django.test import Client

from pages.contact import EXPIRED_MESSAGE, HONEYPOT
from pages.models import FormSubmission, Page, Section, SectionItem
from tests.factories import make_page
from tests.test_caching import is_cached, page_cache  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

FIELDS = [
    {"input_type": "text", "name": "name", "label": "Name", "is_required": True},
    {"input_type": "email", "name": "email", "label": "Email", "is_required": True},
    {"input_type": "select", "name": "topic", "label": "Topic", "options": ["Sales", "Support"]},
    {"input_type": "textarea", "name": "message", "label": "Message", "is_required": True},
    {"input_type": "checkbox", "name": "consent", "label": "I agree"},
]


@pytest.fixture
def form_section(db):
    page = make_page(path="/contact/", title="Contact", body="")
    section = Section.objects.create(
        page=page,
        type="section_form",
        data={"section_id": "write", "title": "Write to us", "form_id": "contact"},
        items_key="form_fields",
        items_at=3,
    )
    for order, field in enumerate(FIELDS):
        SectionItem.objects.create(section=section, order=order, data=field)
    return section


@pytest.fixture
def visitor():
    """A browser that sends CSRF tokens only when the page gave it one."""
    return Client(enforce_csrf_checks=True)


def token_for(visitor):
    response = visitor.get("/forms/token/")
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    return response.json()["token"]


GOOD = {
    "name": "Zoë Ørsted",
    "email": "zoe@example.com",
    "topic": "Support",
    "message": "Привет! 你好",
    "consent": "on",
}


def send(visitor, section, data, token=True):
    payload = dict(data)
    if token:
        payload["csrfmiddlewaretoken"] = token_for(visitor)
    return visitor.post(f"/forms/{section.pk}/", payload)


def test_a_good_submission_is_stored_and_thanked_for(form_section, visitor):
    response = send(visitor, form_section, GOOD)
    assert response.status_code == 303
    assert response["Location"] == f"/contact/?sent={form_section.pk}#write"
    submission = FormSubmission.objects.get()
    assert submission.fields == {
        "name": "Zoë Ørsted",
        "email": "zoe@example.com",
        "topic": "Support",
        "message": "Привет! 你好",
        "consent": True,
    }
    assert list(submission.fields) == ["name", "email", "topic", "message", "consent"]
    assert submission.labels["message"] == "Message"
    assert (submission.page, submission.section, submission.form_id) == (
        form_section.page,
        form_section,
        "contact",
    )
    assert submission.page_path == "/contact/" and not submission.notified
    thanks = visitor.get(response["Location"]).content.decode()
    assert "Thank you!" in thanks and "<form" not in thanks.split("Write to us")[1]
    assert mail.outbox == []  # no address to notify: stored only


def test_the_notification_goes_through_django_email(
    form_section, visitor, settings, django_capture_on_commit_callbacks
):
    settings.FOLIO_FORM_NOTIFY_EMAIL = ["team@example.com"]
    settings.SITE_TITLE = "Example Co"
    with django_capture_on_commit_callbacks(execute=True):
        send(visitor, form_section, GOOD)
    [message] = mail.outbox
    assert message.to == ["team@example.com"] and message.reply_to == ["zoe@example.com"]
    assert message.subject == "Example Co: contact on Contact"
    assert "Message: Привет! 你好" in message.body and "Name: Zoë Ørsted" in message.body
    assert FormSubmission.objects.get().notified


def test_a_failing_mail_server_loses_no_submission(
    form_section, visitor, settings, django_capture_on_commit_callbacks
):
    settings.FOLIO_FORM_NOTIFY_EMAIL = ["team@example.com"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        response = send(visitor, form_section, GOOD)
    assert response.status_code == 303
    submission = FormSubmission.objects.get()
    assert submission.fields["name"] == "Zoë Ørsted" and not submission.notified


def test_a_bad_submission_shows_the_errors_and_keeps_the_input(form_section, visitor):
    bad = {**GOOD, "email": "not-an-email", "message": "", "topic": "Nonsense"}
    response = send(visitor, form_section, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the fields marked below." in html
    assert "Enter a valid email address." in html
    assert "This field is required." in html
    assert "Select a valid choice." in html
    assert 'value="Zoë Ørsted"' in html and 'value="not-an-email"' in html
    assert 'aria-invalid="true"' in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert FormSubmission.objects.count() == 0


def test_the_honeypot_refuses_spam(form_section, visitor):
    response = send(visitor, form_section, {**GOOD, HONEYPOT: "http://spam.example"})
    assert response.status_code == 400
    assert FormSubmission.objects.count() == 0


def test_without_a_token_nothing_is_stored_and_the_form_comes_back_filled_in(form_section, visitor):
    response = send(visitor, form_section, GOOD, token=False)
    assert response.status_code == 403
    html = response.content.decode()
    assert EXPIRED_MESSAGE.replace("'", "&#x27;") in html
    assert 'value="Zoë Ørsted"' in html and "Привет! 你好" in html
    assert FormSubmission.objects.count() == 0
    # The page sent back holds a fresh token (and its cookie): sending again works.
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token
    again = visitor.post(f"/forms/{form_section.pk}/", {**GOOD, "csrfmiddlewaretoken": token})
    assert again.status_code == 303 and FormSubmission.objects.count() == 1


def test_too_many_submissions_from_one_address_are_refused(form_section, visitor, settings):
    settings.FOLIO_FORM_RATE = (2, 3600)
    for _ in range(2):
        assert send(visitor, form_section, GOOD).status_code == 303
    response = send(visitor, form_section, GOOD)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert FormSubmission.objects.count() == 2
    # Another address is not held back by this one.
    other = Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.7")
    assert send(other, form_section, GOOD).status_code == 303


def test_only_a_form_section_of_a_visible_page_takes_submissions(form_section, visitor):
    hero = Section.objects.create(page=form_section.page, type="section_hero")
    assert visitor.post(f"/forms/{hero.pk}/", GOOD).status_code == 404
    assert visitor.post("/forms/999999/", GOOD).status_code == 404
    Page.objects.filter(pk=form_section.page_id).update(status=Page.Status.DRAFT)
    assert send(visitor, form_section, GOOD).status_code == 404
    assert FormSubmission.objects.count() == 0


def test_a_get_of_the_endpoint_goes_to_the_form(form_section, visitor):
    response = visitor.get(f"/forms/{form_section.pk}/")
    assert response.status_code == 302 and response["Location"] == "/contact/#write"


def test_the_cached_page_holds_no_token_and_sets_no_cookie(
    page_cache,  # noqa: F811
    form_section,
    visitor,
):
    response = visitor.get("/contact/")
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in html
    assert "csrftoken" not in response.cookies
    assert is_cached(visitor, "/contact/")
    # The token comes from its own, never cached, address.
    token = token_for(visitor)
    assert token and token not in visitor.get("/contact/").content.decode()
    # A submission's answers never reach the cached page.
    send(visitor, form_section, {**GOOD, "message": ""})
    assert "Zoë" not in Client().get("/contact/").content.decode()
