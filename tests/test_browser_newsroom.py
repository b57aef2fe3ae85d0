"""Issue 19 in the browser: a writer and editors at work, each defect as they met it."""

import pytest

from tests.browsing import (
    BROWSER_TEST,
    browser_fixture,  # noqa: F401
    log_in,
    person,
    sync_api,
)
from tests.factories import image_file, make_author, make_post

pytestmark = BROWSER_TEST
expect = sync_api.expect

BODY = "First paragraph. Second sentence."


def drop_file(page, selector, name, data, mime):
    """Drop a file on an element, as a writer dragging it from their desktop does."""
    page.locator(selector).evaluate(
        """(node, [name, bytes, mime]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
            const options = { dataTransfer: transfer, bubbles: true, cancelable: true };
            node.dispatchEvent(new DragEvent("drop", options));
        }""",
        [name, list(data), mime],
    )


@pytest.fixture
def wanda(django_user_model):
    user = person(django_user_model, "wanda", "Writers")
    make_author(first_name="Wanda", last_name="Words", user=user)
    return user


def test_item1_a_refused_upload_never_changes_the_text(
    browser, live_server, wanda, settings, tmp_path
):
    post = make_post(title="Upload trouble", author=wanda.author, status="draft", body=BODY)
    page = log_in(browser, live_server, "wanda")
    uploads = []
    page.on("request", lambda r: uploads.append(r) if "/markdownx/upload/" in r.url else None)
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    body, message = page.locator("#id_body"), page.locator(".field-body .editor-message")

    # A text file renamed .png, with the cursor mid-sentence, twice: through "Add image…"
    # and by dropping it on the text.
    page.click("#id_body")
    page.eval_on_selector("#id_body", "el => el.setSelectionRange(16, 16)")
    fake = tmp_path / "notes.png"
    fake.write_text("just some text\n" * 20)
    for _attempt in range(2):
        page.set_input_files("#id_body-image", str(fake))
        expect(message).to_have_text(
            "Image not uploaded: notes.png: its contents are not a picture. "
            "Upload a JPEG, PNG, GIF or WebP image."
        )
        expect(message).to_have_attribute("role", "alert")
        expect(body).to_have_value(BODY)
    drop_file(page, "#id_body", "dropped.png", fake.read_bytes(), "image/png")
    expect(message).to_contain_text("dropped.png: its contents are not a picture")
    expect(body).to_have_value(BODY)
    assert len(uploads) == 3
    assert "Pillow" not in message.text_content()

    # Over the size limit: refused in the browser, before a byte is sent.
    settings.FOLIO_IMAGE_MAX_BYTES = 2_048
    page.reload()
    big = tmp_path / "huge.png"
    big.write_bytes(image_file(fmt="PNG", size=(400, 400)).read() + b"\0" * 4_000)
    page.set_input_files("#id_body-image", str(big))
    expect(message).to_contain_text("Image not uploaded: huge.png:")
    expect(message).to_contain_text("over the 2.0 KB limit")
    assert len(uploads) == 3
    expect(body).to_have_value(BODY)

    # Saved, the post holds only what the writer wrote.
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    post.refresh_from_db()
    assert post.body == BODY
    assert "Invalid response" not in post.body_html
    page.close()
