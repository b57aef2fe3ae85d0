"""CMS configuration files (blog/importing/dialects/cms.py): Decap, Forestry and Tina
each move where a dialect looks for posts and name its fields; a configuration that
cannot be read, or that points outside the site, is reported and the defaults apply."""

import pytest
from django.core.management import call_command

from blog.importing.dialects import cms
from blog.importing.paths import Site
from blog.models import Post, Redirect
from tests import node_sites
from tests.parity import answer, imported

pytestmark = pytest.mark.django_db

FORESTRY = """\
sections:
- type: heading
  label: Blog
- type: directory
  path: content/writing
  label: Writing
  create: documents
  match: "**/*.md"
  templates:
  - essay
- type: document
  path: content/about.md
  label: About
"""

FORESTRY_TEMPLATE = """\
label: Essay
fields:
- name: written
  type: datetime
  label: Written
- name: cover
  type: file
- name: topics
  type: tag_list
"""

TINA = """\
import { defineConfig } from "tinacms";

const branch = process.env.GITHUB_BRANCH || "main";

export default defineConfig({
  branch,
  clientId: process.env.NEXT_PUBLIC_TINA_CLIENT_ID,
  build: { outputFolder: "admin", publicFolder: "public" },
  schema: {
    collections: [
      {
        name: "post",
        label: "Posts",
        path: "src/content/journal",
        format: "mdx",
        fields: [
          { type: "string", name: "title", label: "Title", isTitle: true, required: true },
          { type: "datetime", name: "publishedAt", label: "Published" },
          { type: "image", name: "cover", label: "Cover" },
          { type: "string", name: "labels", list: true },
          { type: "rich-text", name: "body", isBody: true },
        ],
      },
    ],
  },
});
"""


def test_forestry_moves_a_gatsby_starters_posts_and_types_its_fields(tmp_path, client):
    root = tmp_path / "forestry"
    node_sites.write(root, "gatsby-config.js", node_sites.GATSBY_CONFIG)
    node_sites.write(root, ".forestry/settings.yml", FORESTRY)
    node_sites.write(root, ".forestry/front_matter/templates/essay.yml", FORESTRY_TEMPLATE)
    node_sites.write(
        root,
        "content/writing/on-walls/index.md",
        "---\ntitle: On walls\nwritten: 2019-04-05T10:00:00Z\ntopics: [stone]\n"
        "cover: ./wall.png\n---\nStones.\n",
    )
    node_sites.write(root, "content/writing/on-walls/wall.png", node_sites.png())
    imported(root)
    post = Post.objects.get(slug="on-walls")
    assert post.publish_at.isoformat() == "2019-04-05T10:00:00+00:00"
    assert [t.name for t in post.tags.all()] == ["stone"]
    assert post.image  # cover: a file field, beside the post
    assert answer(client, "/on-walls/") == (200, [post.get_absolute_url()])


def test_tina_moves_an_astro_collection_read_without_running_the_config(tmp_path, capsys, client):
    root = tmp_path / "tina"
    node_sites.write(root, "astro.config.mjs", "export default {}\n")
    node_sites.write(root, "tina/config.ts", TINA)
    node_sites.write(
        root,
        "src/content/journal/first.mdx",
        "---\ntitle: First\npublishedAt: 2024-02-03T04:05:06Z\nlabels: [tina]\n---\nHello.\n",
    )
    site = Site.at(root)
    assert site.relative(site.posts_dir) == "src/content/journal"
    found = site.dialect.cms
    assert found.kind == "Tina" and found.posts.fields == {
        "publishedAt": "date",
        "cover": "image",
        "labels": "list",
        "body": "body",
    }
    imported(root)
    post = Post.objects.get(slug="first")
    assert post.publish_at.isoformat() == "2024-02-03T04:05:06+00:00"
    assert [t.name for t in post.tags.all()] == ["tina"]
    assert answer(client, "/blog/first/") == (200, [])  # (Folio's own address for it)
    call_command("import_posts", str(root), "--inspect")
    assert "CMS: Tina (tina/config.ts)" in capsys.readouterr().out


def test_a_folder_outside_the_site_or_a_broken_file_is_reported(tmp_path):
    root = tmp_path / "bad"
    node_sites.write(
        root, "admin/config.yml", "collections:\n  - name: posts\n    folder: ../../etc\n"
    )
    found = cms.read(Site(root, root, root, root))
    assert found.collections == () and found.folder_for(root) is None
    assert found.problems == ("admin/config.yml: folder '../../etc' leaves the site; ignored",)
    node_sites.write(root, "admin/config.yml", "collections: [unclosed\n")
    broken = cms.read(Site(root, root, root, root))
    assert broken.kind == "Decap CMS" and broken.problems[0].startswith("admin/config.yml: ")


@pytest.mark.parametrize(
    ("setting", "address"),
    [
        ("trailingSlash: 'never'", "/blog/hello"),
        ("build: { format: 'file' }", "/blog/hello.html"),
        ("trailingSlash: 'always'", "/blog/hello/"),
    ],
)
def test_astro_addresses_follow_trailing_slash_and_build_format(tmp_path, client, setting, address):
    root = tmp_path / "astro"
    node_sites.write(root, "astro.config.mjs", f"export default defineConfig({{ {setting} }});\n")
    node_sites.write(
        root, "src/content/blog/hello.md", "---\ntitle: Hello\npubDate: 2020-01-01\n---\nHi.\n"
    )
    imported(root)
    post = Post.objects.get(slug="hello")
    status, hops = answer(client, address)
    assert status == 200 and hops in ([], [post.get_absolute_url()])
    if address != post.get_absolute_url():
        assert Redirect.objects.get(old_path=address).new_path == post.get_absolute_url()
