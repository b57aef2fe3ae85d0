"""TeX math in the browser: KaTeX, served by this site, typesets a post's formulas under
the Content-Security-Policy, on readers' pages and in the admin's live preview."""

import os
from pathlib import Path

import pytest

from tests.browsing import (
    BROWSER_TEST,
    TIMEOUT_MS,
    browser_fixture,  # noqa: F401
    log_in,
    person,
    sync_api,
)
from tests.factories import make_author, make_page, make_post
from tests.test_browser_editor import RECORD_VIOLATIONS, assert_no_csp_violations

pytestmark = BROWSER_TEST
expect = sync_api.expect
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}

MATH_POST = r"""The quadratic formula gives the roots of $ax^2 + bx + c = 0$:

$$
x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}
$$

Written for MathJax, Euler's identity \\(e^{i\pi} + 1 = 0\\) and, on its own line,

\[
\sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6}
\]

A wide one scrolls in its own box on a phone, never the page:

$$
\mathbf{A}\mathbf{x} = \begin{pmatrix}
  a_{11} & a_{12} & a_{13} & a_{14} & a_{15} \\ a_{21} & a_{22} & a_{23} & a_{24} & a_{25}
\end{pmatrix} \begin{pmatrix} x_1 \\ x_2 \\ x_3 \\ x_4 \\ x_5 \end{pmatrix}
= \lambda_1 x_1 + \lambda_2 x_2 + \lambda_3 x_3 + \lambda_4 x_4
$$

Text in math, in any script: $\text{скорость} = v_0 + at$, $\text{Größe}_{\text{café}}^2$.

Prices stay prices: tickets cost $5-$10, or $15 at the door, and `echo $HOME` is code.

A link in TeX is not followed: $\href{javascript:alert(1)}{\text{click}}$.
"""
FORMULAS = 8  # math spans above, the \href one included


def open_page(browser, url, **options):
    console, requests = [], []
    page = browser.new_page(**options)
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    return page, console, requests


def screenshots(page, name, tmp_path):
    """Full-page screenshots at desktop and phone widths: into docs/screenshots/ with
    FOLIO_SCREENSHOTS=1 (math-post-desktop.png and -phone.png, which docs/editors.md
    shows), else the test's own folder. Fails if the phone page scrolls sideways."""
    folder = SCREENSHOTS if os.environ.get("FOLIO_SCREENSHOTS") else tmp_path
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size['width']}px"
        page.screenshot(path=folder / f"{name}-{label}.png", full_page=True)


def test_a_post_with_math_is_typeset_by_katex_from_this_site(browser, live_server, tmp_path):
    post = make_post(
        title="Formulas, typeset", body=MATH_POST, author=make_author(first_name="Ada")
    )
    page, console, requests = open_page(browser, f"{live_server.url}{post.get_absolute_url()}")

    expect(page.locator(".prose .math.math--typeset")).to_have_count(FORMULAS)
    expect(page.locator(".prose .math-display .katex-display")).to_have_count(3)
    # Every formula is KaTeX's markup now, with MathML for screen readers.
    assert page.locator(".prose .math .katex-mathml math").count() >= FORMULAS - 1
    # \href under trust: false: the command shown, in KaTeX's error colour, never a link.
    assert page.locator(".prose .katex a, .prose a[href^='javascript']").count() == 0
    expect(page.locator(".prose .katex-html").last).to_contain_text("\\href")
    # Prices and code were never math.
    prose = page.locator(".prose").inner_text()
    assert "tickets cost $5-$10, or $15 at the door" in prose
    expect(page.locator(".prose code")).to_have_text("echo $HOME")
    # KaTeX's fonts came from this site and are in use.
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('1em KaTeX_Main')")
    assert any("/static/vendor/katex/fonts/" in url for url in requests)
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert_no_csp_violations(page, console)
    screenshots(page, "math-post", tmp_path)
    page.close()


def test_pages_without_math_load_no_script(browser, live_server):
    post = make_post(title="Plain", body="It costs $5 and $10.")
    page, console, requests = open_page(browser, f"{live_server.url}{post.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text("Plain")
    assert not [url for url in requests if url.endswith(".js") or "katex" in url]
    assert_no_csp_violations(page, console)
    page.close()


def test_a_standalone_page_with_math_is_typeset(browser, live_server):
    make_page(path="/formulas/", title="Formulas", body=r"\[ a^2 + b^2 = c^2 \]")
    page, console, _requests = open_page(browser, f"{live_server.url}/formulas/")
    expect(page.locator(".prose .math-display .katex-display")).to_have_count(1)
    assert_no_csp_violations(page, console)
    page.close()


def test_the_admin_preview_typesets_math_like_the_page(browser, live_server, django_user_model):
    person(django_user_model, "eddie", "Editors")
    post = make_post(title="Preview math", body="Before.")
    page = log_in(browser, live_server, "eddie")
    console = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    page.click("#id_body")
    page.keyboard.press("End")
    page.keyboard.type("\n\nInline $x_1^2$ and display:\n\n$$\\frac{a}{b}$$\n")
    preview = page.locator(".field-body .prose")  # inside the preview's shadow root
    expect(preview.locator(".math.math--typeset")).to_have_count(2)
    expect(preview.locator(".katex-display")).to_have_count(1)
    # The text itself still holds the TeX, as written.
    assert "$x_1^2$" in page.input_value("#id_body")
    assert_no_csp_violations(page, console)
    page.close()
