"""The Site health page in headless Chromium: an editor finds it from the dashboard,
reads the broken links at desktop and phone widths (no sideways scrolling), runs a
check, and fixes a post from it."""

from linkcheck import checking
from tests.browsing import (
    BROWSER_TEST,
    browser_fixture,  # noqa: F401
    log_in,
    person,
    sync_api,
)
from tests.factories import make_post

pytestmark = BROWSER_TEST


def test_an_editor_finds_reads_and_rechecks_the_broken_links(
    browser, live_server, django_user_model
):
    person(django_user_model, "eddie", "Editors")
    long_target = "/blog/" + "a-very-long-address-that-has-no-post-behind-it-" * 3
    post = make_post(
        title="Über die Reise nach Ålesund",
        slug="reise",
        body=f"[Привет](/blog/привет/) and [a long one]({long_target}) ![Karte](/media/karte.png)",
    )
    checking.check_site("an import")
    expect = sync_api.expect

    for width, height in ((1280, 900), (390, 844)):
        page = log_in(browser, live_server, "eddie", viewport={"width": width, "height": height})
        notice = page.locator(".dashboard-notice")
        expect(notice).to_contain_text("3 links and images on the site do not answer")
        notice.get_by_role("link", name="Show them").click()
        expect(page.locator("h1")).to_have_text("Site health")
        source = page.locator(".health-source")
        expect(source.locator(".health-title")).to_have_text(post.title)
        expect(source.locator("tbody tr")).to_have_count(3)
        expect(source).to_contain_text("/blog/привет/")
        expect(source).to_contain_text("No such upload")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways at {width} px"
        page.close()

    # Fixed in the editor, the links are gone after "Check now".
    post.body = "Nothing broken any more."
    post.save()
    page = log_in(browser, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/linkcheck/brokenlink/")
    page.get_by_role("button", name="Check links within the site now").click()
    expect(page.locator(".messagelist")).to_contain_text("No broken internal links")
    expect(page.locator(".health-card--good")).to_contain_text("All answer")
    expect(page.locator(".health-source")).to_have_count(0)
