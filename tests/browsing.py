"""What the admin's browser tests share: Debian's Chromium driven by Playwright, and
logging in as a member of one of the editorial groups.

The test modules declare ``pytestmark = BROWSER_TEST`` and take the ``browser`` fixture
(importing ``browser_fixture`` into the module).
"""

import os
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

CHROMIUM = Path("/usr/bin/chromium")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
)

BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt install chromium)"
    ),
    # serialized_rollback: the live server needs a real transaction, and the groups the
    # migrations created must survive it for the tests that run afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Playwright's sync API runs an event loop in this thread; the ORM calls made here
# between browser steps are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TIMEOUT_MS = 10_000
PASSWORD = "a-long-password"


# Function scope: the browser (and its event loop) must start after the test's
# database is set up, or serialized_rollback reloads the migrations' rows (the
# groups) into a connection this thread never uses once a test before it flushed them.
@pytest.fixture(name="browser")
def browser_fixture():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


def person(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(browser, live_server, username, **page_options):
    page = browser.new_page(**page_options)
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def load_every_image(page):
    """Make the page's lazy images load and wait until every image is complete.

    Polled through ``evaluate`` (run by the DevTools protocol): ``wait_for_function``
    evaluates a string inside the page, which the pages' CSP (no 'unsafe-eval') refuses.
    """
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })"
    )
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not page.evaluate("[...document.images].every(img => img.complete)"):
        assert time.monotonic() < deadline, f"images still loading after {TIMEOUT_MS} ms"
        page.wait_for_timeout(50)
