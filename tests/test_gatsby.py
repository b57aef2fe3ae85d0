"""The Gatsby starter blog dialect, end to end on a small site (tests/node_sites.py)
whose Decap CMS configuration moves the posts to content/articles and names the date
field ``published_on``: posts in folders with their images beside them, siteMetadata
read without running gatsby-config.js, every old address answering, drafts hidden,
and a re-run writing nothing. Stackbit's Gatsby themes stay Stackbit's."""

import pytest
from django.core.management import call_command

from blog.importing.paths import Site
from blog.models import Post, Redirect
from sitesettings.models import SiteSettings
from tests import node_sites
from tests.parity import answer, broken_addresses, imported

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "gatsby"
    return root, node_sites.gatsby_site(root)


def test_every_old_address_answers(site, client):
    root, old_addresses = site
    imported(root)
    broken = broken_addresses(client, old_addresses)
    assert not broken, broken
    hello = Post.objects.get(slug="hello-world")
    assert Redirect.objects.get(old_path="/hello-world/").new_path == hello.get_absolute_url()


def test_the_cms_config_moves_the_content_folder_and_names_the_fields(site):
    root, _ = site
    imported(root)
    hello = Post.objects.get(slug="hello-world")
    assert hello.publish_at.isoformat() == "2015-05-01T22:12:03.284000+00:00"  # published_on
    assert {t.name for t in hello.tags.all()} == {"gatsby", "ünïcode"}  # keywords: a list
    assert hello.excerpt == "Hello World"
    assert Post.objects.count() == 3  # all from content/articles, none from content/blog


def test_images_beside_the_post_are_stored_and_rewritten(site, client):
    root, _ = site
    imported(root)
    hello = Post.objects.get(slug="hello-world")
    second = Post.objects.get(slug="my-second-post")
    assert "./salty_egg.jpg" not in hello.body and "](beach.png)" not in second.body
    assert "![Chinese Salty Egg](/media/imported/" in hello.body
    assert "![Beach](/media/imported/" in second.body
    html = client.get(hello.get_absolute_url()).content.decode()
    assert '<img alt="Chinese Salty Egg"' in html or 'alt="Chinese Salty Egg"' in html


def test_drafts_authors_and_site_metadata(site, client):
    root, _ = site
    imported(root)
    draft = Post.objects.get(slug="unpublished")
    assert draft.status == Post.Status.DRAFT
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert not Redirect.objects.filter(old_path="/unpublished/").exists()
    author = Post.objects.get(slug="hello-world").author
    assert (author.first_name, author.last_name) == ("Kyle", "Mathews")
    assert author.bio.startswith("who lives and works")
    assert author.website == "https://twitter.com/kylemathews"
    settings = SiteSettings.objects.get()
    assert settings.title == "Gatsby Starter Blög"
    assert settings.tagline == "A starter blog demonstrating what Gatsby can do."
    assert settings.base_url == "https://gatsbystarterblogsource.gatsbyjs.io"


def test_a_re_run_writes_nothing(site):
    root, _ = site
    imported(root)
    redirects = Redirect.objects.count()
    again = imported(root)
    assert {r.action.value for r in again.reports} <= {"unchanged", "skipped"}, [
        (r.path, r.action) for r in again.reports if r.action not in ("unchanged", "skipped")
    ]
    assert Redirect.objects.count() == redirects


def test_inspect_shows_the_cms_and_the_metadata(site, capsys):
    root, _ = site
    call_command("import_posts", str(root), "--inspect")
    out = capsys.readouterr().out
    assert "Dialect: gatsby (detected: gatsby-config.js and content/articles/" in out
    assert "CMS: Decap CMS (static/admin/config.yml)" in out
    assert "articles: content/articles/ — fields published_on (date)" in out
    assert "author      Kyle Mathews" in out
    published = next(line for line in out.splitlines() if line.strip().startswith("published_on"))
    assert "the publish date, when the post has no date (a date field of Decap CMS)" in published


def test_without_a_cms_the_posts_are_in_content_blog(tmp_path, client):
    root = tmp_path / "plain"
    node_sites.write(root, "gatsby-config.js", node_sites.GATSBY_CONFIG)
    node_sites.write(
        root,
        "content/blog/new-beginnings/index.md",
        '---\ntitle: New Beginnings\ndate: "2015-05-28T22:40:32.169Z"\n---\nFar far away.\n',
    )
    imported(root)
    post = Post.objects.get(slug="new-beginnings")
    assert answer(client, "/new-beginnings/") == (200, [post.get_absolute_url()])


def test_a_stackbit_gatsby_theme_is_not_taken_for_the_starter(tmp_path):
    root = tmp_path / "stackbit"
    node_sites.write(root, "gatsby-config.js", node_sites.GATSBY_CONFIG)
    node_sites.write(root, "content/blog/x/index.md", "---\ntitle: X\ndate: 2020-01-01\n---\n")
    node_sites.write(root, "src/pages/blog/post.md", "---\ntitle: P\ntemplate: post\n---\n")
    assert Site.at(root).dialect.name == "stackbit"
    node_sites.write(root, "site-metadata.json", "{}")
    (root / "src/pages/blog/post.md").unlink()
    (root / "src/pages/blog").rmdir()
    assert Site.at(root).dialect.name == "stackbit"


def test_an_unreadable_gatsby_config_is_reported_not_run(site, capsys):
    root, _ = site
    node_sites.write(
        root,
        "gatsby-config.js",
        "const meta = require('./meta');\nmodule.exports = { siteMetadata: meta, plugins: [] }\n",
    )
    call_command("import_posts", str(root), "--inspect")
    out = capsys.readouterr().out
    assert "siteMetadata `meta` is not a literal; could not be read" in out
