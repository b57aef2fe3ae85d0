"""The editor workflow end to end, in headless Chromium (Debian's, driven by Playwright)."""

import re

import pytest

from blog.models import Post
from tests.browsing import (
    BROWSER_TEST,
    TIMEOUT_MS,
    browser_fixture,  # noqa: F401
    log_in,
    person,
    sync_api,
)
from tests.factories import image_file, make_author, make_post, make_tag

pytestmark = BROWSER_TEST


def test_writer_drafts_with_preview_and_image_then_editor_publishes(
    browser, live_server, django_user_model, tmp_path
):
    writer = person(django_user_model, "wanda", "Writers")
    make_author(first_name="Wanda", last_name="Words", user=writer)
    person(django_user_model, "eddie", "Editors")
    expect = sync_api.expect

    # A writer starts a post: the slug follows the title, the preview follows the text.
    page = log_in(browser, live_server, "wanda")
    page.goto(f"{live_server.url}/admin/blog/post/add/")
    page.locator("#id_title").press_sequentially("Written in Chromium")
    expect(page.locator("#id_slug")).to_have_value("written-in-chromium")
    page.click("#id_body")
    page.keyboard.type("## Hello from the browser\n\nFour words of *body*\n\n")
    preview = page.locator(".field-body .prose")  # inside the preview's shadow root
    expect(preview.locator("h2")).to_have_text("Hello from the browser")
    expect(preview.locator("em")).to_have_text("body")
    # The preview is styled by the public stylesheet: its serif body face, not the admin's.
    font = preview.evaluate("node => getComputedStyle(node).fontFamily")
    assert "Charter" in font
    expect(page.locator(".field-body .editor-word-count")).to_have_text("8 words")

    # An image through the widget's file input: uploaded, inserted, alt text selected.
    picture = tmp_path / "red.png"
    picture.write_bytes(image_file(fmt="PNG").read())
    page.set_input_files("#id_body-image", str(picture))
    expect(page.locator("#id_body")).to_have_value(
        re.compile(r"!\[Describe this image\]\(/media/markdownx/\d{4}/\d{2}/[0-9a-f]{32}\.png\)")
    )
    selected = page.eval_on_selector(
        "#id_body", "el => el.value.slice(el.selectionStart, el.selectionEnd)"
    )
    assert selected == "Describe this image"
    expect(page.locator(".field-body .editor-message")).to_contain_text("Describe it for readers")
    page.keyboard.type("A red rectangle")
    expect(preview.locator('img[alt="A red rectangle"]')).to_have_count(1)

    # Leaving with unsaved changes asks first.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with pytest.raises(sync_api.Error, match="ERR_ABORTED"):  # the writer chose to stay
        page.goto(f"{live_server.url}/admin/")
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/admin/blog/post/add/$"))

    # "Save and preview": a draft, shown only to its writer, with a banner.
    page.click("input[name=_preview]")
    page.wait_for_url(f"{live_server.url}/blog/written-in-chromium/")
    expect(page.locator(".preview-banner")).to_contain_text("Preview: this post is draft")
    expect(page.locator(".prose h2")).to_have_text("Hello from the browser")
    image = page.locator('.prose img[alt="A red rectangle"]')
    assert image.evaluate("img => img.complete && img.naturalWidth") == 40
    page.close()
    post = Post.objects.get(slug="written-in-chromium")
    assert (post.status, post.author.user, post.word_count) == ("draft", writer, 8)

    reader = browser.new_page()
    assert reader.goto(f"{live_server.url}/blog/written-in-chromium/").status == 404

    # An editor publishes it from the list.
    page = log_in(browser, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/blog/post/?state=draft")
    page.locator("tr", has_text="Written in Chromium").locator("input.action-select").check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 post published")
    page.close()

    reader.goto(f"{live_server.url}/blog/")
    expect(reader.locator(".card__title")).to_contain_text(["Written in Chromium"])
    reader.close()


# Records every Content-Security-Policy violation, before any page script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def assert_no_csp_violations(page, console):
    violations = page.evaluate("window.__cspViolations")
    reported = [text for text in console if "Content Security Policy" in text]
    assert violations == [] and reported == [], (violations, reported)


def test_the_admin_and_the_editor_work_under_the_content_security_policy(
    browser, live_server, django_user_model
):
    django_user_model.objects.create_superuser("boss", password="a-long-password")
    tag = make_tag("Security")
    post = make_post(title="Under policy", author=make_author(first_name="Cee"), tags=[tag])
    console = []
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "a-long-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    response = page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # markdownx's live preview (a POST from its script) and Folio's editor script.
    page.click("#id_body")
    page.keyboard.press("End")
    page.keyboard.type("\n\n## Previewed heading\n")
    preview = page.locator(".field-body .prose")
    sync_api.expect(preview.locator("h2#previewed-heading")).to_have_text("Previewed heading")
    # The preview pane is styled by site.css inside its shadow root (no inline <style>).
    assert "Charter" in preview.evaluate("node => getComputedStyle(node).fontFamily")
    # The admin's own scripts: tag autocomplete (select2), the collapsible fieldset,
    # the date shortcuts; then a save.
    page.locator(".field-tags .select2-selection").click()
    sync_api.expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("fieldset.collapse summary").first.click()
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()
    page.click("input[name=_continue]")
    sync_api.expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert_no_csp_violations(page, console)

    for path in ["/admin/", "/admin/blog/post/", "/admin/blog/post/add/", "/admin/blog/tag/add/"]:
        page.goto(f"{live_server.url}{path}")
        assert_no_csp_violations(page, console)
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    sync_api.expect(page.locator("h1")).to_have_text("Under policy")
    assert_no_csp_violations(page, console)
    page.close()
