"""The Eleventy dialect, end to end on a small eleventy-base-blog-like site with its
hard cases (tests/eleventy_sites.py): every old address answers, Liquid and Nunjucks
never show raw, images are stored and rewritten, drafts stay hidden, and a re-run
writes nothing."""

import re
from html import unescape

import pytest
from django.core.management import call_command

from authors.models import Author
from blog.importing import ImportOptions, import_site
from blog.models import Post, Redirect
from pages.models import Page
from sitesettings.models import SiteSettings
from tests import eleventy_sites
from tests.jekyll_sites import write
from tests.parity import broken_addresses, imported, warnings_of

pytestmark = pytest.mark.django_db

LATE = "src/posts/2021-03-14-late-night.md"


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "eleventy"
    return root, eleventy_sites.site(root)


def test_every_old_address_answers_with_and_without_the_path_prefix(site, client):
    root, old_addresses = site
    imported(root)
    broken = broken_addresses(client, old_addresses)
    assert not broken, broken


def test_addresses_are_computed_as_eleventy_did(site):
    root, _ = site
    imported(root)
    redirects = dict(Redirect.objects.values_list("old_path", "new_path"))
    late = Post.objects.get(slug="late-night").get_absolute_url()
    # A permalink template: its date in the site's zone (Berlin), its fileSlug
    # without the file name's date.
    assert redirects["/2021/03/15/late-night/"] == late
    assert not any("/2021/03/14/" in old for old in redirects)
    # {{ title | slugify }}: transliterated, as Eleventy's slugify does.
    assert redirects["/cafe-creme/"] == Post.objects.get(slug="café-crème").get_absolute_url()
    # Its place: the file name, date prefix and all.
    new_year = Post.objects.get(slug="new-year")
    assert redirects["/posts/2019-12-31-new-year/"] == new_year.get_absolute_url()
    assert redirects["/journal/notes/first-note/"] == (
        Post.objects.get(slug="first-note").get_absolute_url()
    )
    # The tag pages tags.njk paginated: each tag of a published post, to Folio's.
    assert redirects["/tags/travel/"] == "/blog/tags/travel/"
    assert redirects["/journal/tags/coffee/"] == "/blog/tags/coffee/"
    # Pages: index.md is its folder, contact/contact.md is /contact/.
    assert set(Page.objects.values_list("path", flat=True)) == {
        "/about/",
        "/projects/",
        "/contact/",
    }


def test_dates_are_read_as_eleventy_reads_them(site):
    root, _ = site
    imported(root)
    assert Post.objects.get(slug="late-night").publish_at.isoformat() == "2021-03-15T04:30:00+00:00"
    # Without an offset, and from a file name: UTC, as Eleventy reads them.
    assert Post.objects.get(slug="café-crème").publish_at.isoformat() == "2020-06-01T00:00:00+00:00"
    assert Post.objects.get(slug="new-year").publish_at.isoformat() == "2019-12-31T00:00:00+00:00"
    assert Post.objects.get(slug="first-note").publish_at.isoformat() == "2022-01-02T10:00:00+00:00"


def test_liquid_and_nunjucks_are_converted_and_never_shown_raw(site, client):
    root, _ = site
    result = imported(root)
    post = Post.objects.get(slug="late-night")
    body = post.body
    assert "The opening, on Café Eleventy." in body  # {{ metadata.title }}
    assert '```js\nconst greeting = "{{ not a variable }}";\n```' in body  # highlight "js"
    assert "{{ page.title }} and {% if x %}" in body  # raw: unwrapped, as written
    assert "A note to myself" not in body  # {# comment #}
    assert "Read [about](/about/)." in body  # the url filter
    assert post.excerpt == "A night walk, Café Eleventy."  # (front matter is converted too)
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<code>{% youtube "dQw4w9WgXcQ" %}</code>' in unescape(html)
    assert warnings_of(result, LATE) == [
        "line 27: Nunjucks tag or shortcode {% youtube %} cannot be converted; kept as text"
    ]
    pages = [p.get_absolute_url() for p in Post.objects.filter(status="published")]
    pages += [page.path for page in Page.objects.all()] + ["/", "/blog/feed/"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        # (unescaped first: the feed carries its HTML escaped)
        text = unescape(unescape(response.content.decode()))
        outside_code = re.sub(r"(?s)<(pre|code)\b.*?</\1>", "", text)
        for syntax in ("{%", "{{", "{#"):
            assert syntax not in outside_code, (path, syntax)
    assert "About Café Eleventy." in Page.objects.get(path="/about/").body


def test_images_are_stored_and_their_links_rewritten(site, client):
    root, _ = site
    imported(root)
    post = Post.objects.get(slug="late-night")
    assert post.image and post.image_alt == "A blue photo"
    stored = post.image.url
    assert "/img/photo.png" not in post.body and "./src/img" not in post.body
    assert f"![The view]({stored})" in post.body
    assert f"![An eleventy image]({stored})" in post.body  # the image shortcode
    assert client.get("/img/photo.png")["Location"] == stored
    assert client.get("/journal/img/photo.png")["Location"] == stored


def test_drafts_tags_authors_and_settings(site, client):
    root, _ = site
    result = imported(root)
    statuses = dict(Post.objects.values_list("slug", "status"))
    for slug in eleventy_sites.DRAFT_SLUGS:
        assert statuses[slug] == Post.Status.DRAFT
        assert client.get(f"/blog/{slug}/").status_code == 404
        assert not Redirect.objects.filter(old_path__contains=slug).exists()
    assert set(statuses) == {
        "late-night", "café-crème", "new-year", "first-note", *eleventy_sites.DRAFT_SLUGS
    }  # fmt: skip
    # The collection tags (posts, post, all) are not tags; the directory data's are
    # what made these posts.
    late = Post.objects.get(slug="late-night")
    assert {t.name for t in late.tags.all()} == {"travel"}
    assert {t.name for t in Post.objects.get(slug="café-crème").tags.all()} == {"coffee"}
    assert not Post.objects.get(slug="first-note").tags.exists()
    assert late.extra["layout"] == "layouts/post.njk"  # from posts.11tydata.js
    assert Post.objects.get(slug="first-note").extra["layout"] == "layouts/note.njk"
    cafe = Post.objects.get(slug="café-crème")
    assert cafe.excerpt == "Coffee in Lisbon."
    assert (late.author.first_name, late.author.last_name) == ("Zoé", "Martin")
    assert late.author.website == "https://example.net/about/"
    assert Post.objects.get(slug="first-note").author.first_name == "Ivan"
    skipped = {r.path: r.detail for r in result.reports if r.action == "skipped"}
    assert "permalink: false" in skipped["src/secret.md"]
    assert "src/index.njk" not in {r.path for r in result.reports}
    assert "src/scratch/notes-to-self.md" not in {r.path for r in result.reports}  # ignored
    settings = SiteSettings.objects.get()
    assert (settings.title, settings.tagline) == ("Café Eleventy", "Notes written with Eleventy")
    assert settings.base_url == "https://example.net/journal"
    assert Author.objects.filter(first_name="Zoé").count() == 1


def test_a_re_run_writes_nothing_and_a_dry_run_lists_the_url_map(site):
    root, _ = site
    dry = imported(root, dry_run=True)
    assert not Post.objects.exists() and not Redirect.objects.exists()
    olds = {address.old for address in dry.addresses}
    assert {"/journal/2021/03/15/late-night/", "/cafe-creme/"} <= olds
    imported(root)
    redirects = Redirect.objects.count()
    again = imported(root)
    assert {r.action.value for r in again.reports} <= {"unchanged", "skipped"}, [
        (r.path, r.action) for r in again.reports if r.action not in ("unchanged", "skipped")
    ]
    assert Redirect.objects.count() == redirects


def test_inspect_names_the_dialect_the_input_directory_and_what_was_not_read(site, capsys):
    root, _ = site
    call_command("import_posts", str(root), "--inspect")
    out = capsys.readouterr().out
    assert "Dialect: eleventy (detected: eleventy.config.js)" in out
    assert "input      src/" in out and "timezone   Europe/Berlin" in out
    assert "pathPrefix /journal" in out
    assert "src/_data/metadata.js: buildTime is computed by JavaScript; not read" in out
    assert "eleventyComputed.ogTitle is computed by JavaScript; not read" in out
    assert "Files in the posts folder: 7 posts" in out
    assert not Post.objects.exists()


def test_detected_by_package_json_alone_with_the_default_input(tmp_path):
    root = tmp_path / "plain"
    write(root, "package.json", '{"dependencies": {"@11ty/eleventy": "3.0.0"}}')
    write(root, "posts/posts.json", '{"tags": "posts"}')
    write(root, "posts/hello.md", "---\ntitle: Hello\ndate: 2020-01-01\n---\nHi.\n")
    write(root, "index.md", "---\ntitle: Home page\n---\nWelcome.\n")
    imported(root)
    post = Post.objects.get(slug="hello")
    assert Redirect.objects.get(old_path="/posts/hello/").new_path == post.get_absolute_url()
    assert Page.objects.get(path="/").title == "Home page"


def test_a_config_that_is_not_literal_is_reported_and_the_defaults_used(tmp_path, capsys):
    root = tmp_path / "computed"
    write(
        root,
        ".eleventy.js",
        "module.exports = (c) => ({ dir: { input: process.env.INPUT || 'src' } });\n",
    )
    write(root, "blog/first.md", "---\ntitle: First\n---\nText.\n")
    call_command("import_posts", str(root), "--inspect")
    out = capsys.readouterr().out
    assert "problem    .eleventy.js: dir.input is not a literal; using ." in out
    assert "Files in the posts folder: 1 posts" in out


def test_a_bad_file_is_that_files_error(site):
    root, _ = site
    write(root, "src/posts/broken.md", "---\ntitle: [unclosed\n---\n")
    write(root, "src/posts/bad-date.md", "---\ntitle: x\ndate: next tuesday\n---\n")
    result = import_site(root, ImportOptions())
    errors = {r.path: r.detail for r in result.reports if r.action == "error"}
    assert set(errors) == {"src/posts/broken.md", "src/posts/bad-date.md"}
    assert "is not a date Eleventy reads" in errors["src/posts/bad-date.md"]
    assert Post.objects.filter(slug="late-night").exists()


def test_worker_processes_prepare_eleventy_posts_as_this_process_does(site):
    root, _ = site
    imported(root, workers=2)
    assert Redirect.objects.filter(old_path="/journal/2021/03/15/late-night/").exists()
    assert "The opening, on Café Eleventy." in Post.objects.get(slug="late-night").body
