"""``import_posts SITE --inspect``: the layout, the folders and every key's fate; no writes."""

import pytest
from django.core.management import call_command

from blog.models import Post, Redirect

pytestmark = pytest.mark.django_db


def inspect(root, *args, capsys):
    call_command("import_posts", str(root), "--inspect", *args)
    return capsys.readouterr().out


def test_a_2019_site_is_described_key_by_key_and_nothing_is_written(site, capsys):
    (site.root / "src/pages/blog").rmdir()
    for name in ("a", "b"):
        site.write(
            f"src/pages/posts/{name}.md",
            f"---\ntitle: {name}\ndate: '2019-01-01'\nstackbit_url_path: posts/{name}\n"
            "img_path: https://cdn.example/x.jpg\nlayout: post\n---\nBody.\n",
        )
    site.write("src/pages/posts/index.md", "---\ntitle: Posts\ntemplate: blog\n---\n")
    site.write("src/pages/posts/broken.md", "---\ntitle: [unclosed\n---\n")
    site.write("_redirects", "/old /posts/a\n")
    site.write("site-metadata.json", "{}")
    out = inspect(site.root, capsys=capsys)
    assert "Layout: Stackbit, the 2019 themes: src/pages/posts/" in out
    assert "posts      src/pages/posts/ (4 markdown files)" in out
    assert "redirects  _redirects" in out and "config     site-metadata.json" in out
    assert "Files in the posts folder: 2 posts" in out
    assert "1 skipped: the blog's listing page (template: blog), not a post" in out
    assert "cannot be read: src/pages/posts/broken.md: front matter: YAML error" in out
    lines = {line.split()[0]: line for line in out.splitlines() if "→" in line}
    assert "2 → the old address" not in lines["title"]
    assert lines["stackbit_url_path"].endswith(
        "kept in extra; the old address, redirected to the post"
    )
    assert "the hero image, when it names an image of the site" in lines["img_path"]
    assert lines["layout"].endswith("2 → kept in extra")
    assert not Post.objects.exists() and not Redirect.objects.exists()


def test_an_unrecognised_layout_says_what_to_give(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    out = inspect(tmp_path, capsys=capsys)
    assert "Layout: not recognised: no src/pages/blog or src/pages/posts folder" in out
    assert "posts      not found" in out


def test_importing_a_folder_without_posts_says_where_it_looked(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no src/pages/blog, src/pages/posts or src/pages "):
        call_command("import_posts", str(tmp_path))
