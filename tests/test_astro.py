"""The Astro dialect, end to end on a small site with its hard cases
(tests/node_sites.py): a ``base``, a ``[...slug].astro`` route in its own folder, a slug
given by front matter, MDX with imports, exports and components, a draft, a hero image
written relative to the post. Every old address answers, no JSX or import reaches a
page as HTML, images are stored and rewritten, and a re-run writes nothing."""

import re
from html import unescape

import pytest
from django.core.management import call_command

from blog.importing import ImportOptions, import_site
from blog.importing.paths import Site
from blog.models import Post, Redirect
from pages.models import Page
from sitesettings.models import SiteSettings
from tests import node_sites
from tests.parity import answer, broken_addresses, imported, warnings_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "astro"
    return root, node_sites.astro_site(root)


def test_every_old_address_answers_with_and_without_the_base(site, client):
    root, old_addresses = site
    imported(root)
    broken = broken_addresses(client, old_addresses)
    assert not broken, broken
    post = Post.objects.get(slug="first-post")
    assert client.get("/notes/posts/first-post/")["Location"] == post.get_absolute_url()


def test_the_id_is_the_slug_else_the_lower_cased_path(site):
    root, _ = site
    imported(root)
    moved = Post.objects.get(slug="moved-here")
    assert moved.title == "Слово о переезде"
    assert Redirect.objects.get(old_path="/posts/moved/here/").new_path == moved.get_absolute_url()
    nested = Post.objects.get(slug="travel-notes-nested-entry")
    assert Redirect.objects.filter(old_path="/notes/posts/travel-notes/nested-entry/").exists()
    assert nested.publish_at.date().isoformat() == "2023-03-04"
    assert not Post.objects.filter(slug="override").exists()


def test_mdx_imports_and_components_never_reach_the_page_as_html(site, client):
    root, _ = site
    result = imported(root)
    post = Post.objects.get(slug="using-mdx")
    assert "import HeaderLink" not in post.body and "export const" not in post.body
    assert "Chart," not in post.body  # (the rest of a statement over several lines)
    assert "import keep from 'code';\n<Kept />" in post.body  # code stays as written
    html = client.get(post.get_absolute_url()).content.decode()
    outside_code = re.sub(r"(?s)<(pre|code)\b.*?</\1>", "", html)
    assert "<YouTube" not in outside_code and "<HeaderLink" not in outside_code
    assert "import " not in unescape(outside_code).split("Why MDX?")[1]
    assert '<code>&lt;YouTube id="dQw4w9WgXcQ" /&gt;</code>' in html
    assert "<code>{year}</code>" in html
    reported = warnings_of(result, "src/content/blog/using-mdx.mdx")
    assert any(w.startswith("line 8: MDX import removed: import HeaderLink") for w in reported)
    assert any(w.startswith("line 9: MDX import removed: import {") for w in reported)
    assert any(w.startswith("line 13: MDX export removed") for w in reported)
    assert "line 17: JSX component <HeaderLink> cannot be shown; kept as text" in reported
    assert "line 19: JSX component <YouTube> cannot be shown; kept as text" in reported
    for path in [p.get_absolute_url() for p in Post.objects.filter(status="published")] + [
        "/about/",
        "/",
        "/feed/",
    ]:
        text = re.sub(r"(?s)<(pre|code)\b.*?</\1>", "", client.get(path).content.decode())
        assert not re.search(r"<[A-Z]\w*[\s/>]", text), path
        assert not re.search(r"(?m)^\s*(import|export) ", unescape(text)), path


def test_images_relative_to_the_post_and_in_public_are_stored_and_rewritten(site, client):
    root, _ = site
    imported(root)
    first = Post.objects.get(slug="first-post")
    mdx = Post.objects.get(slug="using-mdx")
    assert first.image and mdx.image and first.image.name == mdx.image.name  # ~/ and ../../
    assert f"![Hero again]({first.image.url})" in first.body
    assert "../../assets" not in first.body and "](/images/logo.png)" not in first.body
    logo = re.search(r"!\[Logo\]\(([^)]+)\)", first.body).group(1)
    assert logo.startswith("/media/") or "imported/" in logo
    assert client.get("/images/logo.png")["Location"] == logo
    assert client.get("/notes/images/logo.png")["Location"] == logo


def test_drafts_dates_tags_pages_and_settings(site, client):
    root, _ = site
    imported(root)
    for slug in node_sites.ASTRO_DRAFTS:
        assert Post.objects.get(slug=slug).status == Post.Status.DRAFT
        assert client.get(Post.objects.get(slug=slug).get_absolute_url()).status_code == 404
    assert not Redirect.objects.filter(old_path__contains="draft-post").exists()
    first = Post.objects.get(slug="first-post")
    assert first.publish_at.date().isoformat() == "2022-07-08"  # 'Jul 08 2022'
    assert first.excerpt == "Lorem ipsum dolor sit amet"
    assert {t.name for t in first.tags.all()} == {"astro", "café"}
    mdx = Post.objects.get(slug="using-mdx")
    assert mdx.publish_at.isoformat() == "2022-06-01T07:00:00+00:00"
    assert mdx.extra["updatedDate"] == "2022-06-02"
    assert set(Page.objects.values_list("path", flat=True)) == {"/about/"}
    settings = SiteSettings.objects.get()
    assert (settings.title, settings.tagline) == (
        "Carnet d’Astro",
        "Notes écrites à la main — 手書き",
    )
    assert settings.base_url == "https://example.com/notes"


def test_a_re_run_writes_nothing(site):
    root, _ = site
    imported(root)
    redirects = Redirect.objects.count()
    again = imported(root)
    assert {r.action.value for r in again.reports} <= {"unchanged", "skipped"}, [
        (r.path, r.action) for r in again.reports if r.action not in ("unchanged", "skipped")
    ]
    assert Redirect.objects.count() == redirects
    assert Post.objects.count() == 5


def test_inspect_shows_the_route_the_base_and_what_could_not_be_read(site, capsys):
    root, _ = site
    node_sites.write(
        root,
        "src/consts.ts",
        node_sites.CONSTS.replace("'Carnet d’Astro'", "process.env.TITLE"),
    )
    call_command("import_posts", str(root), "--inspect")
    out = capsys.readouterr().out
    assert "Dialect: astro (detected: astro.config.mjs)" in out
    assert "route          src/pages/posts/[...slug].astro → /posts/<id>/" in out
    assert "base           /notes  (old addresses answer with and without it)" in out
    assert "SITE_TITLE `process.env.TITLE` is not a literal; could not be read" in out
    assert "the id: the post's address and slug" in out
    assert not Post.objects.exists()


def test_an_astro_site_with_a_package_json_only_and_a_slug_route(tmp_path, client):
    root = tmp_path / "plain"
    node_sites.write(root, "package.json", '{"devDependencies": {"astro": "4.0.0"}}')
    node_sites.write(root, "src/pages/[slug].astro", "---\n---\n")
    node_sites.write(
        root, "src/content/blog/Hello World.md", "---\ntitle: Hi\npubDate: 2020-01-01\n---\nHi.\n"
    )
    result = imported(root)
    assert result.reports
    post = Post.objects.get(slug="hello-world")
    assert answer(client, "/hello-world/") == (200, [post.get_absolute_url()])


def test_a_post_without_pub_date_is_that_files_error(site):
    root, _ = site
    node_sites.write(root, "src/content/blog/undated.md", "---\ntitle: When?\n---\nText.\n")
    result = import_site(root, ImportOptions())
    errors = {r.path: r.detail for r in result.reports if r.action == "error"}
    assert "pubDate is missing" in errors["src/content/blog/undated.md"]
    assert Post.objects.filter(slug="first-post").exists()


def test_the_content_config_loader_base_moves_the_collection(tmp_path):
    root = tmp_path / "loader"
    node_sites.write(root, "astro.config.ts", "export default defineConfig({})\n")
    node_sites.write(
        root,
        "src/content.config.ts",
        "const authors = defineCollection({ loader: glob({ base: './src/data/authors', "
        "pattern: '**/*.json' }) });\n"
        "const blog = defineCollection({ loader: glob({ base: './src/writing/blog', "
        "pattern: '**/*.{md,mdx}' }), schema: z.object({}) });\n",
    )
    node_sites.write(root, "src/data/authors/a.json", "{}")
    node_sites.write(root, "src/writing/blog/x.md", "---\ntitle: X\npubDate: 2020-01-01\n---\nX.\n")
    site = Site.at(root)
    assert site.relative(site.posts_dir) == "src/writing/blog"
    imported(root)
    assert Post.objects.filter(slug="x").exists()
