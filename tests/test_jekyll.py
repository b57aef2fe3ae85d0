"""The Jekyll dialect, end to end on a small site with its hard cases
(tests/jekyll_sites.py): every old address answers, Liquid never shows raw, images are
stored and rewritten, drafts stay hidden, and a re-run writes nothing."""

import re
from html import unescape

import pytest
from django.core.management import call_command

from authors.models import Author
from blog.importing import ImportOptions, import_site
from blog.models import Post, Redirect
from pages.models import Page
from sitesettings.models import SiteSettings
from tests import jekyll_sites
from tests.parity import answer, broken_addresses, imported, warnings_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "jekyll"
    return root, jekyll_sites.site(root)


def test_every_old_address_answers_with_and_without_the_baseurl(site, client):
    root, old_addresses = site
    imported(root)
    broken = broken_addresses(client, old_addresses)
    assert not broken, broken


@pytest.mark.parametrize("style", ["date", "pretty", "ordinal", "none", "/:year/:month/:title/"])
def test_each_permalink_style_keeps_the_posts_addresses(style, tmp_path, client):
    root = tmp_path / "site"
    old_addresses = jekyll_sites.site(root, permalink=style)
    imported(root)
    post = Post.objects.get(slug="late-night")
    late = old_addresses[0]
    assert Redirect.objects.get(old_path=late).new_path == post.get_absolute_url()
    assert answer(client, late) == (200, [post.get_absolute_url()])


def test_the_date_part_of_an_address_is_the_sites_time_zone(site):
    root, _ = site
    imported(root)
    post = Post.objects.get(slug="late-night")
    # 23:30 at -05:00 on the 14th is 05:30 on the 15th in Berlin, the site's zone.
    assert post.publish_at.isoformat() == "2021-03-15T04:30:00+00:00"
    assert Redirect.objects.filter(old_path="/notes/2021/03/15/late-night.html").exists()
    assert not Redirect.objects.filter(old_path__contains="/2021/03/14/").exists()
    # A time without an offset is the site's: 08:00 in Berlin in June is 06:00 UTC.
    cafe = Post.objects.get(slug="café-crème")
    assert cafe.publish_at.isoformat() == "2020-06-01T06:00:00+00:00"


def test_liquid_is_converted_and_never_shown_raw(site, client):
    root, _ = site
    result = imported(root)
    post = Post.objects.get(slug="late-night")
    cafe = Post.objects.get(slug="café-crème")
    html = client.get(post.get_absolute_url()).content.decode()
    body = post.body
    assert "```python\ndef hello():" in body  # highlight → a fenced block
    assert '"{{ not a variable }}"' in body  # (code, kept as written)
    assert "{{ page.title }} and {% if x %}" in body  # raw → unwrapped, not converted
    assert f"]({cafe.get_absolute_url()})" in body  # post_url
    assert f"]({Post.objects.get(slug='html-post').get_absolute_url()})" in body  # link
    assert "](/about/)" in body and "on Café Jekyll, and" in body
    assert "[Video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in body
    assert "[Video](https://vimeo.com/76979871)" in body
    assert "A note to myself" not in body
    assert "[home](/)" in body
    # Liquid in front matter too (an excerpt is shown on lists and in feeds).
    assert cafe.excerpt == "Coffee on Café Jekyll,"
    assert "excerpt: line 1: Liquid tag {% assign %} cannot be converted; left out" in (
        warnings_of(result, "travel/_posts/2020-06-01-café-crème.md")
    )
    # The unknown tag stays visible as text (escaped, never run) and is reported.
    assert '<code>{% assign secret = "never run" %}</code>' in unescape(html)
    reported = warnings_of(result, "_posts/2021-03-14-late-night.md")
    assert any(
        re.match(r"line 3\d: Liquid tag \{% assign %\} cannot be converted", w) for w in reported
    ), reported
    # No template syntax outside code on any served page.
    pages = [p.get_absolute_url() for p in Post.objects.filter(status="published")]
    pages += [page.path for page in Page.objects.all()] + ["/", "/feed/"]
    for path in pages:
        text = client.get(path).content.decode()
        outside_code = re.sub(r"(?s)<(pre|code)\b.*?</\1>", "", text)
        assert "{%" not in unescape(outside_code) and "{{" not in unescape(outside_code), path


def test_images_are_stored_and_their_links_rewritten(site, client):
    root, _ = site
    imported(root)
    post = Post.objects.get(slug="late-night")
    assert post.image and post.image_alt == "A blue photo"
    assert "/assets/img/photo.png" not in post.body and "{{" not in post.body.split("```")[0]
    stored = post.image.url
    assert post.body.count(f"]({stored})") == 5  # markdown, relative_url, link, 2 includes
    assert f"![A figure]({stored})" in post.body
    assert client.get("/assets/img/photo.png")["Location"] == stored
    assert Author.objects.get(slug="ana").photo


def test_drafts_excerpts_authors_categories_and_settings(site, client):
    root, _ = site
    result = imported(root)
    statuses = dict(Post.objects.values_list("slug", "status"))
    for slug in jekyll_sites.DRAFT_SLUGS:
        assert statuses[slug] == Post.Status.DRAFT
        assert client.get(f"/blog/{slug}/").status_code == 404
    assert "notes" not in statuses  # _posts/notes.md: not named with a date
    assert "gone" not in statuses  # redirect_to: its address redirects, nothing to read
    cafe_url = Post.objects.get(slug="café-crème").get_absolute_url()
    assert Redirect.objects.get(old_path="/2017/05/05/gone.html").new_path == cafe_url
    skipped = {r.path: r.detail for r in result.reports if r.action == "skipped"}
    assert "not named YYYY-MM-DD-title.md" in skipped["_posts/notes.md"]
    assert "listing page" in skipped["index.html"]
    late = Post.objects.get(slug="late-night")
    assert late.excerpt == "The opening, before the fold."
    assert late.author.first_name == "Ana" and late.author.bio == "Writes at night."
    assert {(t.kind, t.name) for t in late.tags.all()} == {
        ("tag", "liquid"),
        ("tag", "travel"),
        ("category", "Notes"),
    }
    cafe = Post.objects.get(slug="café-crème")
    assert {t.name for t in cafe.tags.all()} == {"travel"}  # the folder above _posts
    assert cafe.author.first_name == "Sam"  # the site's author
    assert Post.objects.get(slug="html-post").author.last_name == "Roe"
    assert "<em>HTML</em>" in Post.objects.get(slug="html-post").body_html
    assert set(Page.objects.values_list("path", flat=True)) == {"/about/", "/contact-me/", "/docs/"}
    settings = SiteSettings.objects.get()
    assert (settings.title, settings.tagline) == ("Café Jekyll", "Notes from the road")
    assert settings.base_url == "https://example.org/journal"
    menu = settings.menu_items.get(menu="header")
    assert menu.page.path == "/about/"


def test_a_re_run_writes_nothing_and_a_dry_run_lists_the_url_map(site):
    root, _ = site
    dry = imported(root, dry_run=True)
    assert not Post.objects.exists() and not Redirect.objects.exists()
    olds = {address.old for address in dry.addresses}
    assert {"/journal/notes/2021/03/15/late-night.html", "/reach-us/"} <= olds
    imported(root)
    redirects = Redirect.objects.count()
    again = imported(root)
    assert {r.action.value for r in again.reports} <= {"unchanged", "skipped"}, [
        (r.path, r.action) for r in again.reports if r.action not in ("unchanged", "skipped")
    ]
    assert Redirect.objects.count() == redirects


def test_inspect_names_the_dialect_and_its_mapping(site, capsys):
    root, _ = site
    call_command("import_posts", str(root), "--inspect")
    out = capsys.readouterr().out
    assert "Dialect: jekyll (detected: _config.yml and _posts/, _drafts/, travel/_posts/)" in out
    assert "permalink  date → /:categories/:year/:month/:day/:title:output_ext" in out
    assert "timezone   Europe/Berlin" in out and "baseurl    /journal" in out
    lines = {line.split()[0]: line for line in out.splitlines() if "→" in line}
    assert "a key of _data/authors.yml" in lines["author"]
    assert "each is an old address" in lines["redirect_from"]
    assert not Post.objects.exists()


def test_the_dialect_can_be_forced(site, capsys):
    root, _ = site
    call_command("import_posts", str(root), "--inspect", "--dialect", "stackbit")
    assert "Dialect: stackbit (--dialect stackbit)" in capsys.readouterr().out


def test_worker_processes_prepare_jekyll_posts_as_this_process_does(site):
    root, _ = site
    imported(root, workers=2)
    post = Post.objects.get(slug="late-night")
    assert f"]({Post.objects.get(slug='café-crème').get_absolute_url()})" in post.body
    assert Redirect.objects.filter(old_path="/journal/notes/2021/03/15/late-night.html").exists()


def test_a_bad_file_is_that_files_error_line(site):
    root, _ = site
    jekyll_sites.write(root, "_posts/2021-01-01-broken.md", "---\ntitle: [unclosed\n---\n")
    jekyll_sites.write(root, "_posts/2021-02-30-no-such-day.md", "---\ntitle: x\n---\n")
    result = import_site(root, ImportOptions())
    errors = {r.path: r.detail for r in result.reports if r.action == "error"}
    assert set(errors) == {"_posts/2021-01-01-broken.md", "_posts/2021-02-30-no-such-day.md"}
    assert "is not a date" in errors["_posts/2021-02-30-no-such-day.md"]
    assert Post.objects.filter(slug="late-night").exists()


def test_a_post_edited_in_the_admin_is_a_conflict_when_its_file_changes(site):
    root, _ = site
    imported(root)
    post = Post.objects.get(slug="café-crème")
    post.title = "Edited in the admin"
    post.save()
    path = root / "travel/_posts/2020-06-01-café-crème.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    result = import_site(root, ImportOptions())
    actions = {r.path: r.action.value for r in result.reports}
    assert actions["travel/_posts/2020-06-01-café-crème.md"] == "conflict"
    assert Post.objects.get(slug="café-crème").title == "Edited in the admin"
