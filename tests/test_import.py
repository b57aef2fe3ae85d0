"""The importer: what it brings in, how it re-runs, and how it treats bad input."""

import datetime
import io
import os
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from authors.models import Author
from blog.importing import Action, ImportOptions, import_site
from blog.importing import importer as importer_module
from blog.models import Post, Tag
from tests.factories import make_post

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")

SEED_LIKE = """\
title: Virtual networking tips for a world of social distancing
subtitle: 'optional, a sentence'
date: '2021-03-19'
excerpt: >
  Folded YAML text, sometimes with trailing blank lines or\u00a0no-break spaces.


template: post
author: src/data/authors/ansubha-manandhar.yaml
image: images/chris montgomery (1).JPEG
thumb_image: images/thumb.jpg
tweet_id: '1373'
cmseditable: true
related_posts:
  - src/pages/blog/missing.md
"""

BODY = """\
Intro with **emphasis**.

## A heading

![](/images/Monica.jpg)
![leo](/images/iryna%20leo.jpeg)
![alt](https://www.example-site.com/images/ajeet.jpg "a title")
![remote](https://cdn.elsewhere.example/pic.jpg)
<img src="/images/Monica.jpg" alt="again">
![gone](/images/missing.png)
"""


def run(site, **options):
    return import_site(site.root, ImportOptions(**options))


def report_for(result, path):
    return next(r for r in result.reports if r.path == path)


@pytest.fixture
def seed_site(site):
    site.author("ansubha-manandhar")
    site.image("chris montgomery (1).JPEG")
    site.image("thumb.jpg", color=(1, 2, 3))
    site.image("Monica.jpg", color=(200, 1, 1))
    site.image("iryna leo.jpeg", color=(1, 200, 1))
    site.image("ajeet.jpg", color=(1, 1, 200))
    site.post("virtual-networking", SEED_LIKE, BODY)
    site.post("index", "title: Blog\ntemplate: blog\n", "")
    return site


def test_imports_a_post_with_everything_it_says(seed_site, settings):
    result = run(seed_site, site_url="https://www.example-site.com")
    assert not result.failed
    post = Post.objects.get()
    assert post.slug == "virtual-networking"
    assert post.get_absolute_url() == "/blog/virtual-networking/"
    assert post.title == "Virtual networking tips for a world of social distancing"
    assert post.subtitle == "optional, a sentence"
    assert post.publish_at == datetime.datetime(2021, 3, 19, tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert post.excerpt == (
        "Folded YAML text, sometimes with trailing blank lines or no-break spaces."
    )
    assert post.status == Post.Status.PUBLISHED and post in Post.objects.published()
    assert post.author.name == "Ansubha Manandhar"
    assert post.author.slug == "ansubha-manandhar"
    assert post.author.source_path == "src/data/authors/ansubha-manandhar.yaml"
    assert '<h2 id="hi">Hi</h2>' in post.author.bio_html
    assert post.image.name.startswith("imported/") and post.image.name.endswith(".jpg")
    assert post.thumb_image.name != post.image.name
    assert post.extra == {
        "template": "post",
        "tweet_id": "1373",
        "cmseditable": True,
        "related_posts": ["src/pages/blog/missing.md"],
    }
    assert post.source_path == "src/pages/blog/virtual-networking.md"
    assert post.imported_at == post.updated


def test_body_images_are_stored_once_and_links_rewritten(seed_site, media_root):
    result = run(seed_site, site_url="https://www.example-site.com")
    post = Post.objects.get()
    assert "/images/Monica.jpg" not in post.body
    assert "iryna%20leo" not in post.body
    assert "www.example-site.com" not in post.body
    assert "https://cdn.elsewhere.example/pic.jpg" in post.body  # external: left alone
    assert post.body.count("/media/imported/") == 4  # Monica twice, leo, ajeet
    assert 'title="a title"' not in post.body and '"a title"' in post.body
    # Resized renditions (media/renditions/, made on save) are not imported files.
    stored = sorted(
        p.name for p in media_root.rglob("*") if p.is_file() and "renditions" not in p.parts
    )
    assert len(stored) == 5  # hero, thumb, Monica, leo, ajeet: Monica stored once
    assert all((media_root / name).exists() for name in [post.image.name, post.thumb_image.name])
    warnings = report_for(result, post.source_path).warnings
    assert any("missing.png" in w and "does not exist" in w for w in warnings)
    assert "<img" in post.body_html and "/media/imported/" in post.body_html


def test_full_urls_on_the_site_are_not_rewritten_without_site_url(seed_site):
    run(seed_site)
    assert "https://www.example-site.com/images/ajeet.jpg" in Post.objects.get().body


def test_files_that_are_not_posts_are_reported_as_skipped(seed_site):
    seed_site.post("about", "title: About\ntemplate: page\n", "hi")
    seed_site.write("src/pages/blog/notes.txt", "not markdown")
    result = run(seed_site)
    assert report_for(result, "src/pages/blog/index.md").action == Action.SKIPPED
    assert "listing page" in report_for(result, "src/pages/blog/index.md").detail
    assert "template 'page'" in report_for(result, "src/pages/blog/about.md").detail
    assert report_for(result, "src/pages/blog/notes.txt").detail == "not a markdown file"
    assert Post.objects.count() == 1


def test_posts_without_template_are_posts(site):
    site.post("no-template", "title: Cousin\ndate: 2022-04-17T08:07:40.104Z\n")
    run(site)
    post = Post.objects.get()
    assert post.publish_at == datetime.datetime(2022, 4, 17, 8, 7, 40, 104000, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("'2021-03-19'", datetime.datetime(2021, 3, 19, tzinfo=PARIS)),
        ("2021-03-19", datetime.datetime(2021, 3, 19, tzinfo=PARIS)),
        ("'2021-06-23T17:31:26Z'", datetime.datetime(2021, 6, 23, 17, 31, 26, tzinfo=datetime.UTC)),
        (
            "2022-04-17T08:07:40.104Z",
            datetime.datetime(2022, 4, 17, 8, 7, 40, 104000, datetime.UTC),
        ),
        (
            "'2021-06-23T17:31:26+02:00'",
            datetime.datetime(2021, 6, 23, 15, 31, 26, tzinfo=datetime.UTC),
        ),
        ("'2021-06-23 09:00'", datetime.datetime(2021, 6, 23, 9, 0, tzinfo=PARIS)),
    ],
)
def test_date_forms(site, settings, written, expected):
    settings.TIME_ZONE = "Europe/Paris"
    site.post("p", f"title: T\ndate: {written}\n")
    run(site)
    assert Post.objects.get().publish_at == expected


def test_authors_by_json_path_bare_slug_and_unreferenced(site):
    site.author(
        "person-zzo3kkbp7",
        {"first_name": "Jo", "last_name": "Ng", "bio": "", "type": "person"},
        fmt="json",
    )
    site.author(
        "tony-sull", "first_name: Tony\nlast_name: Sull\nphoto: images/tony.jpg\ntwitter: '@t'\n"
    )
    site.author("lonely", "first_name: Lone\nlast_name: Writer\n")
    site.image("tony.jpg")
    site.post("a", "title: A\ndate: '2021-01-01'\nauthor: src/data/authors/person-zzo3kkbp7.json\n")
    site.post("b", "title: B\ndate: '2021-01-01'\nauthor: tony-sull\n")
    run(site)
    assert Post.objects.get(slug="a").author.name == "Jo Ng"
    tony = Post.objects.get(slug="b").author
    assert tony.name == "Tony Sull" and tony.photo.name.startswith("imported/")
    assert tony.extra == {"twitter": "@t"}
    assert Author.objects.filter(slug="lonely").exists()
    assert Author.objects.get(slug="person-zzo3kkbp7").extra == {"type": "person"}


def test_draft_and_unpublished_flags(site):
    site.post("d1", "title: D1\ndate: '2021-01-01'\ndraft: true\n")
    site.post("d2", "title: D2\ndate: '2021-01-01'\npublished: false\n")
    site.post("live", "title: L\ndate: '2021-01-01'\npublished: true\n")
    run(site)
    assert set(Post.objects.drafts().values_list("slug", flat=True)) == {"d1", "d2"}
    assert list(Post.objects.published().values_list("slug", flat=True)) == ["live"]


def test_tags_and_categories_from_strings_and_files(site):
    site.write(
        "src/data/tags/js.yaml", 'id: JS\ntitle: JavaScript\ndescription: "<!-- x -->\\n\\n*JS*"\n'
    )
    site.write("src/data/categories/js.yaml", "id: JS\ntitle: JavaScript\n")
    site.write("src/data/tags/broken.yaml", "title: [unclosed\n")
    site.post(
        "tagged",
        "title: T\ndate: '2021-01-01'\ntags:\n  - Python\n  - src/data/tags/js.yaml\n"
        "  - src/data/tags/broken.yaml\ncategories:\n  - src/data/categories/js.yaml\n  - News\n",
    )
    result = run(site)
    post = Post.objects.get()
    assert sorted((t.kind, t.name) for t in post.tags.all()) == [
        ("category", "JavaScript"),
        ("category", "News"),
        ("tag", "JavaScript"),
        ("tag", "Python"),
        ("tag", "broken"),
    ]
    js = Tag.objects.get(kind="tag", slug="js")
    assert "<em>JS</em>" in js.description_html and "<!--" not in js.description_html
    assert any("YAML error" in w for r in result.reports for w in r.warnings)


def test_second_run_reports_unchanged_and_writes_nothing(seed_site, media_root):
    run(seed_site, site_url="https://www.example-site.com")
    before = {p: p.stat().st_mtime_ns for p in media_root.rglob("*") if p.is_file()}
    with CaptureQueriesContext(connection) as queries:
        result = run(seed_site, site_url="https://www.example-site.com")
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    counts = result.counts()
    assert counts["unchanged"] == 2 and counts["created"] == counts["updated"] == 0
    assert before == {p: p.stat().st_mtime_ns for p in media_root.rglob("*") if p.is_file()}


def test_a_changed_file_updates_its_post(site):
    site.post("p", "title: First\ndate: '2021-01-01'\n")
    run(site)
    pk = Post.objects.get().pk
    site.post("p", "title: Second\ndate: '2021-01-01'\ntags: [New]\n")
    result = run(site)
    assert report_for(result, "src/pages/blog/p.md").action == Action.UPDATED
    post = Post.objects.get()
    assert (post.pk, post.title) == (pk, "Second")
    assert [t.name for t in post.tags.all()] == ["New"]


def test_admin_edits_are_not_overwritten_unless_forced(site):
    site.post("p", "title: From file\ndate: '2021-01-01'\n")
    run(site)
    post = Post.objects.get()
    post.title = "Edited by an editor"
    post.save()
    site.post("p", "title: File changed\ndate: '2021-01-01'\n")
    result = run(site)
    report = report_for(result, "src/pages/blog/p.md")
    assert report.action == Action.CONFLICT and "--force" in report.detail
    assert Post.objects.get().title == "Edited by an editor"
    result = run(site, force=True)
    assert report_for(result, "src/pages/blog/p.md").action == Action.UPDATED
    assert Post.objects.get().title == "File changed"


def test_dry_run_reports_what_a_real_run_does_and_writes_nothing(seed_site, media_root):
    seed_site.post("broken", raw="no front matter")
    dry = run(seed_site, dry_run=True)
    assert Post.objects.count() == Author.objects.count() == Tag.objects.count() == 0
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
    real = run(seed_site)
    assert [(r.path, r.action) for r in dry.reports] == [(r.path, r.action) for r in real.reports]
    assert dry.counts()["created"] == 2 and dry.counts()["error"] == 1


BAD_FILES = [
    ("missing front matter", "Just text\n", "missing front matter"),
    ("no closing line", "---\ntitle: x\n", "no closing '---'"),
    ("yaml syntax", "---\ntitle: x\ndate: [unclosed\n---\n", "YAML error at line"),
    (
        "python tag",
        "---\ntitle: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\n",
        "tags are never executed",
    ),
    (
        "title list",
        "---\ntitle: [a, b]\ndate: '2021-01-01'\n---\n",
        "title must be text, not a list",
    ),
    ("title missing", "---\ndate: '2021-01-01'\n---\n", "title is missing"),
    ("date wrong type", "---\ntitle: x\ndate: [2021]\n---\n", "date must be a date"),
    (
        "impossible quoted date",
        "---\ntitle: x\ndate: '2021-02-30'\n---\n",
        "'2021-02-30' is not a valid date",
    ),
    ("impossible yaml date", "---\ntitle: x\ndate: 2021-02-30\n---\n", "invalid value"),
    ("date missing", "---\ntitle: x\n---\n", "date is missing"),
    ("empty", "", "the file is empty"),
    ("front matter a list", "---\n- a\n- b\n---\n", "front matter must be a mapping"),
    (
        "missing author",
        "---\ntitle: x\ndate: '2021-01-01'\nauthor: src/data/authors/nobody.yaml\n---\n",
        "does not exist",
    ),
    (
        "author escapes root",
        "---\ntitle: x\ndate: '2021-01-01'\nauthor: ../../../../../../etc/passwd\n---\n",
        "outside the site root",
    ),
    (
        "absolute author",
        "---\ntitle: x\ndate: '2021-01-01'\nauthor: /etc/passwd\n---\n",
        "is absolute",
    ),
    (
        "bare author missing",
        "---\ntitle: x\ndate: '2021-01-01'\nauthor: ghost\n---\n",
        "no ghost.yaml or ghost.json",
    ),
]


@pytest.mark.parametrize(("case", "content", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_files_get_a_clear_error_and_others_still_import(site, case, content, message):
    site.post("good", "title: Good\ndate: '2021-01-01'\n")
    site.post("bad", raw=content)
    result = run(site)
    report = report_for(result, "src/pages/blog/bad.md")
    assert report.action == Action.ERROR
    assert message in report.detail
    assert list(Post.objects.values_list("slug", flat=True)) == ["good"]
    assert not os.path.exists("/tmp/pwned")


def test_binary_and_non_utf8_files(site):
    site.post("binary", raw=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    site.post("latin1", raw="---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    result = run(site)
    assert "binary file" in report_for(result, "src/pages/blog/binary.md").detail
    assert "not UTF-8" in report_for(result, "src/pages/blog/latin1.md").detail


def test_yaml_alias_bomb_fails_fast(site):
    bomb = "---\ntitle: &a [x, x, x, x, x, x, x, x, x, x]\n"
    names = ["a"] + [f"l{i}" for i in range(1, 9)]
    for previous, name in zip(names, names[1:], strict=False):
        bomb += f"{name}: &{name} [" + ", ".join(f"*{previous}" for _ in range(10)) + "]\n"
    bomb += "date: '2021-01-01'\nbomb: *l8\n---\n"
    site.post("bomb", raw=bomb)
    started = time.perf_counter()
    result = run(site)
    assert time.perf_counter() - started < 5
    report = report_for(result, "src/pages/blog/bomb.md")
    assert report.action == Action.ERROR and "expands to more than" in report.detail


def test_malformed_author_file_is_reported_for_the_author_and_its_posts(site):
    site.author("bad", "first_name: [unclosed\n")
    site.post("p", "title: x\ndate: '2021-01-01'\nauthor: src/data/authors/bad.yaml\n")
    result = run(site)
    author_report = report_for(result, "src/data/authors/bad.yaml")
    assert author_report.action == Action.ERROR and author_report.detail.startswith(
        "YAML error at line 2"
    )
    post_report = report_for(result, "src/pages/blog/p.md")
    assert "author file src/data/authors/bad.yaml" in post_report.detail
    assert not Post.objects.exists()


def test_symlinks_out_of_the_root_are_never_read(site, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("first_name: Secret\n")
    os.symlink(secret, site.root / "src/data/authors/linked.yaml")
    outside_post = tmp_path / "outside.md"
    outside_post.write_text("---\ntitle: Outside\ndate: '2021-01-01'\n---\n")
    os.symlink(outside_post, site.root / "src/pages/blog/linked-post.md")
    os.symlink(secret, site.root / "static/images/linked.jpg")
    site.post("p", "title: x\ndate: '2021-01-01'\nauthor: linked\nimage: images/linked.jpg\n")
    result = run(site)
    assert "outside the site root" in report_for(result, "src/data/authors/linked.yaml").detail
    assert "outside the site root" in report_for(result, "src/pages/blog/linked-post.md").detail
    assert not Author.objects.filter(first_name="Secret").exists()
    assert not Post.objects.exists()


def test_a_folder_resolved_once_still_refuses_what_leads_out_of_the_root(site, tmp_path):
    from blog.importing.errors import ImportFileError
    from blog.importing.paths import Site

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "тайна.md").write_text("secret")
    os.symlink(outside, site.root / "src/pages/blog/linked")
    os.symlink(outside / "тайна.md", site.root / "src/pages/blog/linked-file.md")
    site.post("пост", "title: x\ndate: '2021-01-01'\n")
    checked = Site.at(site.root)
    for _ in range(2):  # the second time from the folders it has resolved
        assert checked.read_bytes("src/pages/blog/пост.md").startswith(b"---")
        for name in ("linked/тайна.md", "linked-file.md", "linked/../../../../outside/тайна.md"):
            with pytest.raises(ImportFileError, match="outside the site root|does not exist"):
                checked.read_bytes(f"src/pages/blog/{name}")
        with pytest.raises(ImportFileError, match="does not exist"):
            checked.read_bytes("src/pages/blog/nowhere.md")


def test_image_problems_are_warnings_and_the_post_imports(site, settings):
    settings.FOLIO_IMAGE_MAX_PIXELS = 10_000
    site.write("static/images/fake.jpg", b"this is text, not a jpeg")
    site.image("huge.png", size=(200, 100), fmt="PNG")  # 20,000 px > the 10,000 limit
    site.write("static/images/vector.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    site.post(
        "p",
        "title: x\ndate: '2021-01-01'\nimage: images/fake.jpg\nthumb_image: images/huge.png\n",
        "![v](/images/vector.svg)\n![m](/images/nothere.jpg)\n",
    )
    result = run(site)
    post = Post.objects.get()
    assert not post.image and not post.thumb_image
    warnings = " | ".join(report_for(result, "src/pages/blog/p.md").warnings)
    assert "images/fake.jpg" in warnings and "its contents are not a picture" in warnings
    assert "decompression bomb" in warnings
    assert "vector.svg" in warnings
    assert "nothere.jpg" in warnings and "does not exist" in warnings


def test_decompression_bomb_png_is_refused_without_decoding(site):
    # A valid PNG header declaring 100,000 x 100,000 pixels.
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    import struct
    import zlib

    data[16:24] = struct.pack(">II", 100_000, 100_000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    site.write("static/images/bomb.png", bytes(data))
    site.post("p", "title: x\ndate: '2021-01-01'\nimage: images/bomb.png\n")
    result = run(site)
    assert Post.objects.get().image.name == ""
    assert any(
        "decompression bomb" in w for w in report_for(result, "src/pages/blog/p.md").warnings
    )


def test_very_large_posts_import_quickly_and_oversized_ones_are_refused(site, settings):
    paragraph = "Lorem ipsum **dolor** sit amet, [link](https://example.com). " * 20 + "\n\n"
    big_body = ("## Section\n\n" + paragraph * 10) * 200  # about 2.6 MB
    site.post("big", "title: Big\ndate: '2021-01-01'\n", big_body)
    settings.FOLIO_IMPORT_MAX_FILE_BYTES = 4 * 1024 * 1024
    started = time.perf_counter()
    run(site)
    assert time.perf_counter() - started < 10
    assert Post.objects.get().word_count > 250_000
    settings.FOLIO_IMPORT_MAX_FILE_BYTES = 1024 * 1024
    site.post("big", "title: Bigger\ndate: '2021-01-01'\n", big_body)
    result = run(site)
    report = report_for(result, "src/pages/blog/big.md")
    assert report.action == Action.ERROR and "byte limit" in report.detail
    assert Post.objects.get().title == "Big"  # the stored post is untouched


def test_two_files_with_the_same_slug(site):
    site.post("same", "title: One\ndate: '2021-01-01'\n")
    site.post("same", "title: Two\ndate: '2021-01-01'\n", suffix=".markdown")
    result = run(site)
    # Files are read in name order: same.markdown claims the slug first.
    report = report_for(result, "src/pages/blog/same.md")
    assert report.action == Action.ERROR
    assert report.detail == "slug 'same' is also produced by src/pages/blog/same.markdown"
    assert Post.objects.get().title == "Two"


def test_slug_of_a_post_written_in_the_admin_is_not_taken_over(site):
    make_post(slug="mine", title="Admin post")
    site.post("mine", "title: Imported\ndate: '2021-01-01'\n")
    result = run(site)
    assert "written in the admin" in report_for(result, "src/pages/blog/mine.md").detail
    assert Post.objects.get(slug="mine").title == "Admin post"


def test_a_database_failure_leaves_no_half_written_post(site, monkeypatch):
    site.post("a", "title: A\ndate: '2021-01-01'\ntags: [x]\n")
    site.post("b", "title: B\ndate: '2021-01-01'\n")
    original = importer_module._Importer._tag_pk

    def failing(self, ref):
        if ref.name == "x":
            raise DatabaseError("disk full")
        return original(self, ref)

    monkeypatch.setattr(importer_module._Importer, "_tag_pk", failing)
    result = run(site)
    assert "database refused it: disk full" in report_for(result, "src/pages/blog/a.md").detail
    assert list(Post.objects.values_list("slug", flat=True)) == ["b"]


def test_command_output_summary_and_exit_status(seed_site):
    seed_site.post("bad", raw="---\ntitle: x\ndate: [\n---\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_posts", str(seed_site.root), stdout=out, stderr=err)
    assert "src/pages/blog/bad.md: front matter: YAML error at line" in err.getvalue()
    assert "skipped  src/pages/blog/index.md" in out.getvalue()
    assert "warning  src/pages/blog/virtual-networking.md" in out.getvalue()
    assert "2 created" in out.getvalue() and "1 error" in out.getvalue()
    assert Post.objects.filter(slug="virtual-networking").exists()


def test_command_dry_run_and_clean_rerun(seed_site):
    out = io.StringIO()
    call_command("import_posts", str(seed_site.root), "--dry-run", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("Dry run, nothing written: 2 created")
    assert not Post.objects.exists()
    call_command("import_posts", str(seed_site.root), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_posts", str(seed_site.root), stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_command_refuses_a_missing_root_or_folder(tmp_path, site):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_posts", str(tmp_path / "nope"))
    with pytest.raises(CommandError, match="--posts-dir content/posts: no such folder"):
        call_command("import_posts", str(site.root), "--posts-dir", "content/posts")
    with pytest.raises(CommandError, match="outside the site root"):
        call_command("import_posts", str(site.root), "--posts-dir", "../..")


def test_custom_folders(site):
    site.write("content/posts/x.md", "---\ntitle: X\ndate: '2021-01-01'\nauthor: me\n---\n")
    site.write("people/me.yaml", "name: Mia Example\n")
    call_command(
        "import_posts",
        str(site.root),
        "--posts-dir",
        "content/posts",
        "--authors-dir",
        "people",
        stdout=io.StringIO(),
    )
    assert Post.objects.get().author.name == "Mia Example"


def test_worker_processes_prepare_posts_exactly_like_the_main_process(site, settings):
    settings.TIME_ZONE = "Asia/Tokyo"  # must reach the workers
    settings.FOLIO_IMAGE_MAX_PIXELS = 1000
    site.image("big.jpg", size=(100, 100))  # over the lowered limit
    site.image("small.jpg", size=(20, 20))
    for n in range(40):
        site.post(
            f"p{n:02d}",
            f"title: Post {n}\ndate: '2021-01-{n % 28 + 1:02d}'\ntags: [t{n % 3}]\n"
            "image: images/big.jpg\nthumb_image: images/small.jpg\n",
            f"## Part {n}\n\n![x](/images/small.jpg)\n\n```python\nx = {n}\n```\n",
        )
    site.post("bad", raw="---\ntitle: [1]\n---\n")
    site.post("index", "title: Blog\ntemplate: blog\n", "")
    parallel = run(site, workers=2)
    rows = list(Post.objects.order_by("slug").values_list("slug", "publish_at", "body_html"))
    Post.objects.all().delete()
    serial = run(site, workers=1)
    assert [(r.path, r.action, r.detail, r.warnings) for r in parallel.reports] == [
        (r.path, r.action, r.detail, r.warnings) for r in serial.reports
    ]
    assert rows == list(
        Post.objects.order_by("slug").values_list("slug", "publish_at", "body_html")
    )
    post = Post.objects.get(slug="p05")
    assert post.publish_at == datetime.datetime(2021, 1, 6, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert not post.image and post.thumb_image
    assert any("pixel limit" in w for w in report_for(parallel, "src/pages/blog/p05.md").warnings)
    assert '<span class="n">x</span>' in post.body_html
    assert parallel.counts()["created"] == 40 and parallel.counts()["error"] == 1


def test_malformed_urls_in_paths_and_bodies_are_warnings_not_crashes(site):
    """Found by bench/fuzz_import.py: urlsplit raises on an unclosed IPv6 host."""
    site.author("bad", "name: Bad Photo\nphoto: 'http://[oops/x.jpg'\n")
    site.post(
        "ipv6",
        "title: IPv6\ndate: 2021-03-19\nauthor: bad\nimage: 'http://[::1/x.jpg'\n",
        body="![x](http://[broken/x.png)\n",
    )
    result = import_site(site.root)
    report = report_for(result, "src/pages/blog/ipv6.md")
    assert report.action == Action.CREATED
    assert any("is not a valid URL" in warning for warning in report.warnings)
    assert report_for(result, "src/data/authors/bad.yaml").action == Action.CREATED


def test_a_permalink_elsewhere_keeps_answering_with_a_redirect(site, client):
    site.post("new-name", "title: Moved\ndate: '2021-01-01'\npermalink: '/blog/old-name'\n")
    run(site)
    response = client.get("/blog/old-name/")
    assert response.status_code == 301 and response["Location"] == "/blog/new-name/"
    assert Post.objects.get().extra["permalink"] == "/blog/old-name"


def test_every_rendition_of_every_imported_image_exists(site, media_root):
    for n in range(4):
        site.image(f"pic{n}.jpg", size=(900, 500), color=(40 * n, 90, 160))
    for n in range(12):
        site.post(
            f"p{n}",
            f"title: P{n}\ndate: '2021-01-01'\nimage: images/pic{n % 4}.jpg\n"
            f"thumb_image: images/pic{(n + 1) % 4}.jpg\n",
        )
    run(site)
    for post in Post.objects.all():
        for renditions in (post.hero, post.thumb):
            for width, suffix in renditions.renditions.specs:
                url = renditions.url(width, suffix)
                assert (media_root / url.removeprefix("/media/")).is_file(), url


def test_after_an_import_ordinary_saves_make_their_renditions_again(site, media_root):
    from tests.factories import image_file

    site.post("p", "title: P\ndate: '2021-01-01'\n")
    run(site)
    post = make_post(image=image_file("later.jpg", size=(1900, 1000)))
    assert (media_root / post.hero_1600.name).is_file()
    assert (media_root / post.hero_640_webp.name).is_file()


def _planner_post_count():
    """How many posts the database's statistics say there are (None: never analyzed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return None  # no ANALYZE ever ran
            # (The statistics of an index over every row: partial ones count fewer.)
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'blog_post_status_date_idx'")
            row = cursor.fetchone()
            return int(row[0].split()[0]) if row else None
        # (PostgreSQL keeps reltuples across the test transactions: no "before" check.)
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'blog_post'")
        return int(cursor.fetchone()[0])


def test_an_import_that_writes_leaves_the_planner_statistics_of_the_new_tables(site):
    # Without them SQLite reads every post to find a page's few linked posts by key.
    for n in range(3):
        site.post(f"p{n}", f"title: P{n}\ndate: '2021-01-0{n + 1}'\n")
    make_post()
    if connection.vendor == "sqlite":
        run(site, dry_run=True)
        assert _planner_post_count() is None
    run(site)
    assert _planner_post_count() == 4


@pytest.mark.django_db(transaction=True)
def test_command_says_when_the_page_cache_missed_the_import(seed_site, settings, monkeypatch):
    from folio import pagecache

    settings.FOLIO_PAGE_CACHE = True

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(pagecache.cache, "set_many", unreachable)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_posts", str(seed_site.root), stdout=out, stderr=err)
        assert pagecache.writes_waiting()  # the app servers catch up later
    finally:
        pagecache._pending.update(trusted=True, next_check=0.0)
    assert "2 created" in out.getvalue()  # the import itself is complete
    assert "The page cache did not answer at the end of the import" in err.getvalue()
    assert Post.objects.filter(slug="virtual-networking").exists()


def test_posts_written_in_bulk_hold_what_a_save_would_have_written(site):
    """New posts are inserted in batches, not saved one by one: each still gets its
    revision (with its tags), its stored sizes, its search document and its links."""
    from blog.models import PostRevision
    from search.backends import get_backend
    from search.indexing import document_for

    site.author("ann", "first_name: Анна\nlast_name: 山田\n")
    site.image("pic.jpg", size=(300, 200))
    site.write("src/data/tags/zebra.yaml", "id: zebra\ntitle: Zèbre\n")
    for n in range(importer_module.WRITE_BATCH + 3):  # more than one batch
        site.post(
            f"p{n:03d}",
            f"title: Пост {n} 日本語\ndate: '2021-01-{n % 28 + 1:02d}'\n"
            f"author: src/data/authors/ann.yaml\n"
            f"tags: [src/data/tags/zebra.yaml, Ёлка, 猫{n % 2}]\n"
            "image: images/pic.jpg\n",
            f"Тело поста {n}, café $x^2$.\n",
        )
    result = run(site)
    assert not result.failed
    posts = Post.objects.select_related("author").prefetch_related("tags", "revisions")
    assert posts.count() == importer_module.WRITE_BATCH + 3
    index = get_backend()
    for post in posts:
        (revision,) = post.revisions.all()
        # As PostRevision.record() keeps a saved post, tags in the tag list's order.
        kept = PostRevision.of(post, tags=[{"id": t.pk, "name": str(t)} for t in post.tags.all()])
        for name in (*PostRevision.COPIED, *PostRevision.IMAGES, "tags", "complete"):
            assert getattr(revision, name) == getattr(kept, name), name
        assert (post.image_width, post.image_height) == (300, 200)
        assert post.has_math and post.word_count > 0
        assert post.imported_at == post.updated
        assert post.links["tags"] and (post.links["previous"] or post.links["next"])
        document = document_for(post)
        assert index.indexed_names(post.pk) == (document.author, document.tags)
    assert Post.objects.filter(tags__name="Zèbre").count() == posts.count()


@pytest.mark.postgres
def test_on_postgresql_the_import_compresses_with_lz4_and_leaves_the_default_after(site):
    """Bodies and their HTML compressed with lz4 (four times faster than pglz) while
    the import writes, and the session's default back as it was after."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's compression of large values")
    with connection.cursor() as cursor:
        cursor.execute("SHOW default_toast_compression")
        before = cursor.fetchone()[0]
    long_body = "Длинный текст, 長い文章, café. " * 400  # large enough to be compressed
    site.post("long", "title: Long\ndate: '2021-01-01'\n", long_body)
    assert not run(site).failed
    with connection.cursor() as cursor:
        cursor.execute("SHOW default_toast_compression")
        assert cursor.fetchone()[0] == before
        cursor.execute("SELECT pg_column_compression(body) FROM blog_post")
        assert cursor.fetchone()[0] == "lz4"
    assert Post.objects.get().body.startswith("Длинный текст")
