"""A landing page in the browser: its contact form end to end, on a page served from
the page cache (so the form's token comes from its own endpoint), and what an editor
then reads in the admin."""

import pytest
from django.db import connections

from blog.importing import ImportOptions, import_site
from pages.models import FormSubmission
from tests.browsing import (
    BROWSER_TEST,
    TIMEOUT_MS,
    browser_fixture,  # noqa: F401
    log_in,
    person,
    sync_api,
)
from tests.factories import make_post
from tests.landing import write_landing

pytestmark = BROWSER_TEST
expect = sync_api.expect


@pytest.fixture
def landing(site, settings):
    settings.FOLIO_PAGE_CACHE = True  # as in production: the page holds no token
    write_landing(site)
    make_post(title="A post shown on the landing page", slug="shown")
    result = import_site(site.root, ImportOptions())
    assert not result.failed
    yield "/landing/"
    # Playwright's sync API runs this test in greenlets, each with its own database
    # connection: close them all, or the test database cannot be dropped at the end.
    connections.close_all()


def visit(browser, live_server, path):
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
    page.goto(f"{live_server.url}{path}")
    return page


def fill_form(page, **values):
    form = page.locator("form.contact__form")
    for label, value in values.items():
        form.get_by_label(label).fill(value)
    return form


def test_a_visitor_sends_the_contact_form_and_an_editor_reads_it(
    browser, live_server, landing, django_user_model, tmp_path
):
    page = visit(browser, live_server, landing)
    page.reload()  # the second visit is answered from the page cache
    # Every picture, for a full-page screenshot (lazy ones load only when scrolled to).
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_load_state("networkidle")
    for width in (1280, 390):  # desktop and phone: nothing scrolls sideways
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the landing page scrolls sideways by {overflow}px at {width}px"
        page.screenshot(path=tmp_path / f"landing-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    # The token arrives from its own endpoint once the page opens.
    token = page.locator("form.contact__form input[name=csrfmiddlewaretoken]")
    expect(token).not_to_have_value("")
    form = fill_form(page, Name="Zoë Ørsted", Email="zoe@example.com", Message="Привет! 你好")
    form.get_by_label("Topic").select_option("Support")
    form.get_by_label("I agree").check()
    form.get_by_role("button", name="Send it").click()
    expect(page.get_by_role("status").filter(has_text="Thank you!")).to_be_visible()
    submission = FormSubmission.objects.get()
    assert submission.fields["message"] == "Привет! 你好" and submission.fields["consent"] is True

    person(django_user_model, "eddie", "Editors")
    admin = log_in(browser, live_server, "eddie")
    admin.goto(f"{live_server.url}/admin/pages/formsubmission/")
    expect(admin.get_by_text("Zoë Ørsted · zoe@example.com · Support")).to_be_visible()
    admin.locator("#result_list tbody a").first.click()
    expect(admin.get_by_text("Привет! 你好")).to_be_visible()


def test_a_bad_submission_shows_its_errors_with_what_was_typed(browser, live_server, landing):
    page = visit(browser, live_server, landing)
    form = fill_form(page, Name="", Email="not-an-email", Message="Keep this text")
    form.get_by_role("button", name="Send it").click()
    expect(page.get_by_text("Please correct the fields marked below.")).to_be_visible()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    form = page.locator("form.contact__form")
    expect(form.get_by_label("Email")).to_have_value("not-an-email")
    expect(form.get_by_label("Message")).to_have_value("Keep this text")
    # Corrected, it goes through.
    fill_form(page, Name="Zoë", Email="zoe@example.com")
    form.get_by_role("button", name="Send it").click()
    expect(page.get_by_role("status").filter(has_text="Thank you!")).to_be_visible()
    assert FormSubmission.objects.get().fields["message"] == "Keep this text"


def test_a_bot_that_fills_the_honeypot_is_refused(browser, live_server, landing):
    page = visit(browser, live_server, landing)
    # People never see the field; a bot fills every input it finds.
    expect(page.locator("input[name=website_url_confirm]")).not_to_be_in_viewport()
    fill_form(page, Name="Bot", Email="bot@example.com", Message="Buy now")
    page.locator("input[name=website_url_confirm]").evaluate("(node) => node.value = 'x'")
    page.locator("form.contact__form").get_by_role("button", name="Send it").click()
    expect(page.get_by_text("This form was not accepted.")).to_be_visible()
    assert FormSubmission.objects.count() == 0
