"""The pages as a reader's browser shows them: headless Chromium through Playwright.

Opens the home page, a post, a tag page and an author page at desktop and phone
widths; fails on console errors, broken images or sideways scrolling on the phone,
and takes full-page screenshots: into the test's temporary directory, or into
docs/screenshots/ with ``FOLIO_SCREENSHOTS=1`` (to refresh the ones the docs show).
Skipped, saying why, where Chromium or the playwright package is missing (``.ci/run``
installs Chromium when it can).
"""

import io
import os
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from tests.browsing import load_every_image
from tests.factories import make_author, make_post, make_tag

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WIDTHS = (1280, 390)

pytestmark = [
    pytest.mark.browser,
    # The live server needs a real transaction; serialized_rollback keeps the rows the
    # migrations created (the editor groups) for the tests that run afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
try:
    from playwright.sync_api import sync_playwright
except ImportError:
    pytest.skip(
        "the playwright package is missing (pip install -e .[test])", allow_module_level=True
    )


@pytest.fixture
def browser(monkeypatch):
    """Chromium for one test, started after the test's data exists and stopped before
    its teardown: Playwright's sync API runs an event loop in this thread, and Django's
    database connections must not be first opened (or flushed) inside it."""
    # Django refuses database calls from a thread with a running event loop unless
    # told the code is really synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    threads_before = set(threading.enumerate())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()
    # The live server answers each connection in a thread of its own, and on SQLite
    # those threads share the test's database connection. Chromium's kept-alive
    # connections end only now; let their threads finish before the database is
    # flushed and reloaded for the next test, or they race with it.
    deadline = time.monotonic() + 10
    while set(threading.enumerate()) - threads_before and time.monotonic() < deadline:
        time.sleep(0.05)


def picture_file(name, size, top, bottom):
    """A JPEG with a vertical gradient and a sun: something a screenshot can show."""
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        mix = y / size[1]
        draw.line(
            [(0, y), (size[0], y)],
            fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)),
        )
    radius = size[1] // 6
    draw.ellipse([size[0] * 0.65, radius, size[0] * 0.65 + 2 * radius, 3 * radius], "#f4e3a1")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def pages():
    author = make_author(
        first_name="Maya",
        last_name="Lindqvist",
        slug="maya",
        bio="Book designer turned web designer. Writes about **typography** and bread.",
        photo=picture_file("maya.jpg", (600, 600), (196, 120, 96), (90, 50, 60)),
    )
    baking = make_tag("Baking")
    colours = [((36, 90, 120), (230, 160, 110)), ((60, 110, 80), (200, 220, 170))]
    posts = [
        make_post(
            title=title,
            slug=slug,
            author=author,
            tags=[baking],
            subtitle="Notes from a year of flour, water and patience",
            excerpt="What fifty-two loaves taught me about ovens that lie.",
            body="\n\n".join(
                f"## Part {n}\n\n" + "Bread is mostly patience and a warm kitchen. " * 30
                for n in range(1, 5)
            )
            + "\n\n| Ingredient | Weight |\n|---|---|\n| Flour | 500 g |\n| Water | 340 g |",
            image=picture_file(f"{slug}.jpg", (1800, 1000), *colours[i % 2]),
        )
        for i, (title, slug) in enumerate(
            [
                ("A loaf a week: notes from a year of home baking", "a-loaf-a-week"),
                ("Starters, levains and other living things", "starters"),
                ("The oven thermometer that changed everything", "oven-thermometer"),
            ]
        )
    ]
    make_post(title="A post with no picture at all", author=author, tags=[baking])
    return {
        "home": "/",
        "post": posts[0].get_absolute_url(),
        "tag": baking.get_absolute_url(),
        "author": author.get_absolute_url(),
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_render_cleanly_in_a_real_browser(live_server, pages, browser, width, tmp_path):
    screenshots = SCREENSHOTS if os.environ.get("FOLIO_SCREENSHOTS") else tmp_path
    screenshots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        for name, path in pages.items():
            errors.clear()
            page.goto(live_server.url + path, wait_until="networkidle")
            # Lazy images below the fold would never load in a screenshot run.
            load_every_image(page)
            broken = page.evaluate(
                "[...document.images].filter(img => img.naturalWidth === 0)"
                ".map(img => img.currentSrc || img.src)"
            )
            assert broken == [], (name, width, broken)
            assert errors == [], (name, width, errors)
            assert page.evaluate("document.images.length") > 0, (name, width)
            if width < 600:
                scroll_width, inner_width = page.evaluate(
                    "[document.documentElement.scrollWidth, window.innerWidth]"
                )
                assert scroll_width <= inner_width, (name, scroll_width, inner_width)
            page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_images_whose_renditions_are_not_made_yet_are_shown_whole(
    live_server, pages, browser, width, tmp_path, media_root
):
    """As while an import's renditions are being made (issue 17): every picture is its
    stored original, loaded, at its own proportions; no broken image, no empty box."""
    import shutil

    shutil.rmtree(media_root / "renditions")
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for name, path in pages.items():
            page.goto(live_server.url + path, wait_until="networkidle")
            load_every_image(page)
            shown = page.evaluate(
                "[...document.images].filter(img => img.src.includes('/media/')).map(img => ["
                "img.currentSrc, img.naturalWidth, img.naturalHeight,"
                "img.getAttribute('width'), img.getAttribute('height'),"
                "img.getBoundingClientRect().width, img.getBoundingClientRect().height])"
            )
            assert shown, (name, width)
            for src, natural_w, natural_h, attr_w, attr_h, box_w, box_h in shown:
                assert "/renditions/" not in src, (name, src)
                assert (natural_w, natural_h) == (int(attr_w), int(attr_h)), (name, src)
                assert box_w > 0 and box_h > 0, (name, src, box_w, box_h)
            page.screenshot(path=tmp_path / f"originals-{name}-{width}.png", full_page=True)
    finally:
        page.close()


@pytest.fixture
def site_menus(pages):
    """Site settings as an import leaves them: a logo, a long header menu with a button,
    footer columns, a bottom row and social links, in several scripts."""
    from sitesettings.models import MenuItem, SiteSettings

    logo = Image.new("RGB", (480, 120), (51, 72, 196))
    ImageDraw.Draw(logo).ellipse([10, 10, 110, 110], "#fbfaf8")
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    settings = SiteSettings(title="Café Кофе", tagline="Essais, notes et récits", logo_alt="Café")
    settings.logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    settings.footer_text = "&copy; Café Кофе. Made with [Folio](https://example.org)."
    settings.save()
    post = pages["post"]
    links = [
        ("header", "", "Accueil", "/"),
        ("header", "", "Журнал", "/blog/"),
        ("header", "", "A loaf a week", post),
        ("header", "", "Fonctionnalités", "/features/"),
        ("header", "", "Archive", "/blog/archive/"),
        ("header", "", "S’inscrire", "https://app.example.org/"),
        ("footer", "Entreprise", "À propos", "/about/"),
        ("footer", "Entreprise", "Contact", "/contact/"),
        ("footer", "Elsewhere", "Newsletter", "https://newsletter.example.org/"),
        ("footer", "", "Privacy", "/privacy/"),
        ("social", "", "Mastodon", "https://mastodon.social/@cafe"),
        ("social", "", "GitHub", "https://github.com/cafe"),
    ]
    for order, (menu, column, label, url) in enumerate(links):
        MenuItem.objects.create(
            settings=settings,
            menu=menu,
            column=column,
            label=label,
            url=url,
            order=order,
            style="button" if label == "S’inscrire" else "link",
        )
    return pages


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sites_header_and_footer_menus_fit_desktop_and_phone(
    live_server, site_menus, browser, width, tmp_path
):
    screenshots = SCREENSHOTS if os.environ.get("FOLIO_SCREENSHOTS") else tmp_path
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(live_server.url + "/blog/archive/", wait_until="networkidle")
        assert page.evaluate("[...document.images].every(img => img.naturalWidth > 0)")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, scroll_width
        # Every menu link is on the screen, none cut off at its right edge.
        for selector in (".site-nav a", ".site-footer a"):
            boxes = [
                page.locator(selector).nth(n).bounding_box()
                for n in range(page.locator(selector).count())
            ]
            assert boxes and all(
                box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes
            )
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < (120 if width > 600 else 260), header
        logo = page.locator(".site-title img").bounding_box()
        assert 30 <= logo["height"] <= 48, logo
        page.screenshot(path=screenshots / f"site-menus-{width}.png", full_page=True)
    finally:
        page.close()
