"""Issue 19 in the browser: a writer and editors at work, each defect as they met it."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from blog.models import Post
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
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


def screenshots(page, name, tmp_path):
    """Full-page screenshots at desktop and phone widths: into docs/screenshots/ with
    FOLIO_SCREENSHOTS=1 (the ones docs/editors.md shows), else the test's own folder.
    Fails if the phone page scrolls sideways."""
    folder = SCREENSHOTS if os.environ.get("FOLIO_SCREENSHOTS") else tmp_path
    for width, height in ((1280, 900), (PHONE["width"], PHONE["height"])):
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


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


@pytest.fixture
def eddie(django_user_model):
    return person(django_user_model, "eddie", "Editors")


@pytest.fixture
def live_post_with_history(wanda, eddie):
    """Drafted by the writer, then published and retitled by the editor: a live post
    whose first revision is a draft."""
    post = make_post(
        title="Night trains",
        body="Sleeper trains are back.\n\nA draft paragraph.",
        author=wanda.author,
        status="draft",
    )
    post.revisions.update(user=wanda)  # as if saved in the admin
    post.status, post.publish_at = Post.Status.PUBLISHED, timezone.now() - timedelta(minutes=5)
    post.title = "Night trains are back"
    post.body = "Sleeper trains are back across Europe.\n\nA finished paragraph."
    post.slug = "night-trains-are-back"
    post.edited_by = eddie
    post.save()
    return post


def test_item2_an_editor_restores_an_old_draft_without_unpublishing(
    browser, live_server, live_post_with_history, tmp_path
):
    post = live_post_with_history
    page = log_in(browser, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    page.click("text=Revisions")
    page.locator("#revision-list tbody tr").last.locator("a").click()  # the first draft
    page.click("text=Restore this revision…")

    # The confirmation shows what will change; the status stays unless ticked.
    expect(page.locator("h1")).to_contain_text("Restore a revision")
    expect(page.locator('.revision-change[data-field="title"] .revision-new dd')).to_have_text(
        "Night trains"
    )
    expect(page.locator('.revision-change[data-field="body"] .diff-add')).to_contain_text(
        ["A draft paragraph."]
    )
    status = page.locator('input[name=publishing][value="status"]')
    expect(status).not_to_be_checked()
    expect(page.locator(".restore-publishing")).to_contain_text("takes the post off the site")
    screenshots(page, "restore-confirmation", tmp_path)

    page.click("input[value=Restore]")
    message = page.locator(".messagelist")
    expect(message).to_contain_text("Restored the revision saved")
    expect(message).to_contain_text("The post is live; its status and publish date did not change.")
    assert ".." not in message.text_content()
    expect(page.locator("#id_title")).to_have_value("Night trains")
    page.close()

    reader = browser.new_page()
    assert reader.goto(f"{live_server.url}/blog/night-trains-are-back/").status == 200
    expect(reader.locator("h1")).to_have_text("Night trains")
    reader.close()


def test_item4_an_editor_reads_who_changed_what_and_when(
    browser, live_server, live_post_with_history, tmp_path
):
    post = live_post_with_history
    page = log_in(browser, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/revisions/")
    rows = page.locator("#revision-list tbody tr")
    expect(rows).to_have_count(2)
    # Newest first: who, to the second, what changed, and which one readers saw.
    newest, first = rows.nth(0), rows.nth(1)
    expect(newest.locator(".revision-who")).to_have_text("eddie")
    expect(first.locator(".revision-who")).to_have_text("wanda")
    expect(newest.locator(".revision-what")).to_have_text("Title, Slug, Status, Publish date, Body")
    expect(newest.locator(".state-badge--public")).to_have_text("Public")
    expect(first.locator(".state-badge--public")).to_have_count(0)
    assert newest.locator("time").text_content().count(":") == 2  # hours:minutes:seconds
    screenshots(page, "revision-history", tmp_path)

    # The first revision against now: the status change is there with the rest.
    first.locator("a").click()
    status = page.locator('.revision-change[data-field="status"]')
    expect(status.locator(".revision-old dd")).to_have_text("Draft")
    expect(status.locator(".revision-new dd")).to_have_text("Published")
    expect(page.locator('.revision-change[data-field="slug"]')).to_be_visible()
    screenshots(page, "revision-diff", tmp_path)
    page.close()


def test_items5_and_6_the_smaller_things_as_a_writer(browser, live_server, wanda, eddie):
    make_post(title="Someone else's", author=make_author(first_name="Olga"), status="draft")
    make_post(title="Mine", author=wanda.author, status="draft")
    page = log_in(browser, live_server, "wanda")
    # The admin's pages carry the site's icon, and /favicon.ico answers.
    assert page.locator('link[rel="icon"]').count() == 1
    assert page.request.get(f"{live_server.url}/favicon.ico").status == 200

    # The add form names the author the post will be saved as, and its slug's help
    # shows the address with its placeholder (item 5).
    page.goto(f"{live_server.url}/admin/blog/post/add/")
    expect(page.locator("#id_slug_helptext")).to_have_text("The post's address: /blog/<slug>/.")
    expect(page.locator(".field-author_shown .readonly")).to_have_text("Wanda Words")

    # The post list's author filter offers only the writer.
    page.goto(f"{live_server.url}/admin/blog/post/")
    authors = page.locator("#changelist-filter details", has_text="By author").locator("li")
    expect(authors).to_have_text(["All", "Wanda Words"])

    # A page for editors only: refused in the admin's design, with a way back.
    response = page.goto(f"{live_server.url}/admin/blog/redirect/")
    assert response.status == 403
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.locator("h1")).to_have_text("You may not open this page")
    page.click("text=Back to the admin")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.close()


def test_item6_the_smaller_things_as_an_editor(browser, live_server, eddie):
    started = make_post(
        title="Started a month ago",
        status="draft",
        publish_at=timezone.now() - timedelta(days=30),
    )
    author = make_author(first_name="Bea", last_name="Bio")
    page = log_in(browser, live_server, "eddie")

    # Bulk-publishing a draft publishes it now: first on the home page.
    page.goto(f"{live_server.url}/admin/blog/post/?state=draft")
    page.locator("tr", has_text="Started a month ago").locator("input.action-select").check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 post published")
    started.refresh_from_db()
    assert timezone.now() - started.publish_at < timedelta(minutes=1)
    reader = browser.new_page()
    reader.goto(f"{live_server.url}/")
    expect(reader.locator(".card__title").first).to_have_text("Started a month ago")
    reader.close()

    # The bio editor is the post editor: image button and the site-styled preview.
    page.goto(f"{live_server.url}/admin/authors/author/{author.pk}/change/")
    expect(page.locator(".field-bio .editor-image-button")).to_have_text("Add image…")
    page.click("#id_bio")
    page.keyboard.type("Writes about *trains*.")
    preview = page.locator(".field-bio .prose")
    expect(preview.locator("em")).to_have_text("trains")
    assert "Charter" in preview.evaluate("node => getComputedStyle(node).fontFamily")
    page.close()


def test_item3_a_writers_change_to_a_live_post_waits_for_an_editor(
    browser, live_server, live_post_with_history, tmp_path
):
    post = live_post_with_history
    public_url = f"{live_server.url}/blog/night-trains-are-back/"

    # The writer edits the live post: saved for review, the public page unchanged.
    page = log_in(browser, live_server, "wanda")
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    expect(page.locator(".review-notice")).to_contain_text("Your changes will go to an editor")
    page.fill("#id_title", "Night trains are back, and busy")
    page.fill(
        "#id_body",
        "Sleeper trains are back across Europe.\n\nBookings doubled this winter.\n\n"
        "A finished paragraph.",
    )
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text(
        "are saved and await an editor's review. Readers still see the post as it was"
    )
    expect(page.locator(".review-notice")).to_contain_text(
        "You are editing your changes awaiting review"
    )
    expect(page.locator("#id_title")).to_have_value("Night trains are back, and busy")
    screenshots(page, "review-writer", tmp_path)
    reader = browser.new_page()
    reader.goto(public_url)
    expect(reader.locator("h1")).to_have_text("Night trains are back")
    expect(reader.locator("article")).not_to_contain_text("Bookings doubled")
    # The writer's own preview shows the changes, marked as such.
    page.get_by_role("link", name="Preview them").click()
    expect(page.locator(".preview-banner")).to_contain_text("Preview: changes awaiting review")
    expect(page.locator("h1")).to_have_text("Night trains are back, and busy")
    expect(page.locator("article")).to_contain_text("Bookings doubled this winter.")
    screenshots(page, "review-preview", tmp_path)
    page.close()

    # The editor sees the count on the dashboard and the post list, and opens the diff.
    page = log_in(browser, live_server, "eddie")
    notice = page.locator(".dashboard-notice")
    expect(notice).to_contain_text("Awaiting review")
    expect(notice.locator(".review-count")).to_have_text("1")
    screenshots(page, "review-dashboard", tmp_path)
    notice.locator("a").click()
    expect(page.locator(".review-queue")).to_contain_text("1 post has changes awaiting your review")
    badge = page.locator("#result_list a.state-badge--review")
    expect(badge).to_have_text("changes awaiting review")
    screenshots(page, "review-post-list", tmp_path)
    badge.click()

    expect(page.locator("h1")).to_contain_text("Changes awaiting review")
    title = page.locator('.revision-change[data-field="title"]')
    expect(title.locator(".revision-old dd")).to_have_text("Night trains are back")
    expect(title.locator(".revision-new dd")).to_have_text("Night trains are back, and busy")
    expect(page.locator('.revision-change[data-field="body"] .diff-add')).to_have_text(
        ["+Bookings doubled this winter.", "+"]
    )
    screenshots(page, "review-pending", tmp_path)

    page.click("input[value='Approve the changes']")
    expect(page.locator(".messagelist")).to_contain_text(
        "Approved wanda's changes. “Night trains are back, and busy” is live with them."
    )
    reader.goto(public_url)
    expect(reader.locator("h1")).to_have_text("Night trains are back, and busy")
    expect(reader.locator("article")).to_contain_text("Bookings doubled this winter.")
    page.close()

    # Another change, which the editor rejects: the post stays, the text stays in history.
    page = log_in(browser, live_server, "wanda")
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    page.fill("#id_title", "Night trains: a rant")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("await an editor's review")
    page.close()

    page = log_in(browser, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/pending/")
    page.fill("#review-note", "Keep the calmer title.")
    page.click("input[value='Reject the changes']")
    expect(page.locator(".messagelist")).to_contain_text("The post has not changed")
    page.locator(".object-tools").get_by_role("link", name="Revisions").click()
    rejected = page.locator("#revision-list tr.revision-review--rejected")
    expect(rejected.locator(".revision-who")).to_have_text("wanda")
    expect(rejected.locator(".revision-status")).to_contain_text(
        "Rejected by eddie: “Keep the calmer title.”"
    )
    screenshots(page, "review-history", tmp_path)
    rejected.locator("a").click()
    expect(page.locator('.revision-change[data-field="title"] .revision-old dd')).to_have_text(
        "Night trains: a rant"
    )
    page.close()
    reader.goto(public_url)
    expect(reader.locator("h1")).to_have_text("Night trains are back, and busy")
    reader.close()

    # The writer is told, on the post's page.
    page = log_in(browser, live_server, "wanda")
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    expect(page.locator(".review-notice--rejected")).to_contain_text("eddie rejected your changes")
    expect(page.locator(".review-notice--rejected")).to_contain_text("Keep the calmer title.")
    page.close()
