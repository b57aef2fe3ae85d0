"""Importing a Hugo site (tests/hugo_site.py) through the one pipeline: every old
address answers, no shortcode shows raw, images are stored and rewritten, drafts stay
hidden, and a re-run changes nothing."""

import re
from urllib.parse import quote

import pytest
from django.core.management import call_command

from blog.importing import ImportOptions, import_site
from blog.models import Post, Redirect, Tag
from pages.models import Page
from sitesettings.models import MenuItem, SiteSettings
from tests import html_safety, hugo_site
from tests.parity import answer, broken_addresses

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    root = tmp_path / "site"
    old = hugo_site.write(root)
    result = import_site(root, ImportOptions())
    assert not result.failed, [(r.path, r.detail) for r in result.reports if r.action == "error"]
    return root, old, result


def test_the_site_is_detected_as_hugo_and_each_file_has_its_report(imported):
    root, _, result = imported
    actions = {report.path: report.action.value for report in result.reports}
    assert actions["content/posts/shortcodes.md"] == "created"
    assert actions["content/posts/trip/index.md"] == "created"
    assert actions["content/posts/parts/index.md"] == "skipped"
    assert actions["content/_index.md"] == "skipped"
    assert actions["content/docs/_index.md"] == "created"
    assert Page.objects.filter(path__in=["/about/", "/docs/", "/docs/install/"]).count() == 3


def test_every_old_address_answers_with_and_without_the_base_path(imported, client):
    _, old, _ = imported
    broken = broken_addresses(client, old)
    assert not broken, broken


def test_date_urls_are_on_the_sites_clock_and_publish_dates_are_exact(imported):
    post = Post.objects.get(slug="shortcodes")
    assert post.publish_at.isoformat() == "2022-01-01T04:00:00+00:00"
    old = "/2021/12/31/shortcodes-all-of-them/"  # :slug is the urlized title, on LA's clock
    assert Redirect.objects.get(old_path=old).new_path == "/blog/shortcodes/"
    assert not Redirect.objects.filter(old_path__startswith="/2022/01/01/").exists()


def test_no_shortcode_shows_raw_and_the_unknown_one_is_reported(imported, client):
    _, _, result = imported
    report = next(r for r in result.reports if r.path == "content/posts/shortcodes.md")
    assert any("line 26" in w and "'notice'" in w for w in report.warnings), report.warnings
    for url in ["/blog/shortcodes/", "/blog/voyage-été/", "/about/", "/docs/"]:
        html = client.get(quote(url)).content.decode()
        assert not html_safety.problems(html)
        outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
        assert not re.search(r"\{\{\s*(&lt;|<|%)|(&gt;|>|%)\s*\}\}", outside_code), url
    html = client.get("/blog/shortcodes/").content.decode()
    assert "<code>{{&lt; notice warning &gt;}}</code>" in html
    for href in [
        "https://www.youtube.com/watch?v=w7Ft2ymGmfc",
        "https://vimeo.com/146022717",
        "https://gist.github.com/spf13/7896402",
        "https://x.com/SanDiegoZoo/status/1453110110599868418",
        quote("/blog/voyage-été/"),
        "/about/",
    ]:
        assert f'href="{href}"' in html, href
    assert 'class="language-go"' in html
    assert "/docs/install/" in client.get("/about/").content.decode()


def test_bundle_images_are_stored_and_rewritten(imported, client):
    post = Post.objects.get(slug="voyage-été")
    assert post.image.name.endswith(".png")
    stored = re.findall(r'src="([^"]+)"', post.body_html)
    assert len(stored) == 2 and all(src.startswith("/media/") for src in stored), stored
    wide = Post.objects.get(slug="shortcodes")
    assert re.search(r'<img src="/media/[^"]+" alt="A wide picture"', wide.body_html)
    assert wide.excerpt == "The part before the fold."


def test_drafts_scheduled_and_expired_posts_stay_hidden(imported, client):
    assert Post.objects.get(slug="unfinished").status == Post.Status.DRAFT
    gone = Post.objects.get(slug="gone")  # expiryDate 2021: taken down then, as Hugo did
    assert gone.state == "expired" and gone.expire_at.year == 2021
    later = Post.objects.get(slug="later")
    assert later.status == Post.Status.PUBLISHED and later.publish_at.year == 2099
    for slug in ["unfinished", "gone", "later"]:
        assert client.get(f"/blog/{slug}/").status_code == 404
    listed = client.get("/blog/").content.decode()
    assert "Unfinished" not in listed and "Later" not in listed and "Gone" not in listed
    assert not Post.objects.filter(slug="parts").exists()


def test_tags_authors_settings_and_menus(imported):
    post = Post.objects.get(slug="shortcodes")
    assert sorted(post.tags.values_list("kind", "name")) == [
        ("category", "News"),
        ("tag", "Café"),
        ("tag", "Go Lang"),
    ]
    assert str(post.author) == "Ana Lima"
    assert Tag.objects.filter(name="Café").count() == 1
    settings = SiteSettings.objects.get()
    assert (settings.title, settings.tagline) == ("Field Notes", "Notes from the field")
    header = MenuItem.objects.filter(menu=MenuItem.Menu.HEADER).order_by("order")
    assert [item.label for item in header] == ["Posts", "About", "Installing"]
    assert header[1].page.path == "/about/" and header[2].page.path == "/docs/install/"


def test_a_second_run_changes_nothing(imported, client):
    root, old, _ = imported
    counts = (Post.objects.count(), Page.objects.count(), Redirect.objects.count())
    again = import_site(root, ImportOptions())
    assert {r.action.value for r in again.reports} <= {"unchanged", "skipped"}, [
        (r.path, r.action.value)
        for r in again.reports
        if r.action.value not in {"unchanged", "skipped"}
    ]
    assert (Post.objects.count(), Page.objects.count(), Redirect.objects.count()) == counts
    assert all(answer(client, path)[0] == 200 for path in old)


def test_inspect_names_hugo_and_its_rules(tmp_path):
    root = tmp_path / "site"
    hugo_site.write(root)
    from io import StringIO

    out = StringIO()
    call_command("import_posts", str(root), "--inspect", stdout=out)
    text = out.getvalue()
    assert "Hugo" in text and "timeZone     America/Los_Angeles" in text
    assert "permalinks   posts = /:year/:month/:day/:slug/" in text
