"""Exporting a site (blog/exporting): the round trip is lossless.

For sample_site/ and every dialect's test site: unedited content comes back as the
bytes it was imported from; import -> export -> import is a fixed point (the second
import finds everything unchanged); an edit in Folio rewrites only what changed, and
importing the export into a fresh database gives the edited site.
"""

import errno
import io
import json
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.urls import resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authors.models import Author
from blog import exporting
from blog.exporting import (
    AS_IMPORTED,
    LEFT_OUT,
    NEW,
    REWRITTEN,
    Folder,
    ZipOutput,
    export_site,
    jobs,
)
from blog.importing import Action, ImportOptions, frontmatter, import_site, sources
from blog.models import Post, Redirect, SiteExport, SourceFile, Tag
from pages.models import Page
from sitesettings.models import MenuItem, SiteSettings
from tests import eleventy_sites, hugo_site, jekyll_sites, node_sites, stackbit_sites
from tests.parity import imported

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "sample_site"

SITES = {
    "stackbit-2020": stackbit_sites.site_2020,
    "stackbit-2019": stackbit_sites.site_2019,
    "jekyll": jekyll_sites.site,
    "hugo": hugo_site.write,
    "eleventy": eleventy_sites.site,
    "astro": node_sites.astro_site,
    "gatsby": node_sites.gatsby_site,
}


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _kept_paths():
    return set(SourceFile.objects.values_list("path", flat=True))


def _snapshot():
    """What a reader of the site sees, per object (ids and import stamps aside)."""
    posts = {
        p.slug: (
            p.title,
            p.subtitle,
            p.publish_at,
            p.expire_at,
            p.status,
            p.excerpt,
            p.body.strip(),
            p.author.slug if p.author else None,
            sorted((t.kind, t.slug, t.name) for t in p.tags.all()),
            bool(p.image),
            p.image_alt,
            p.extra,
            p.get_absolute_url(),
        )
        for p in Post.objects.select_related("author")
    }
    pages = {
        p.path: (
            p.title,
            p.status,
            p.body.strip(),
            p.seo_title,
            p.seo_description,
            [s.as_dict() for s in p.sections.order_by("order")],
        )
        for p in Page.objects.all()
    }
    authors = {
        a.slug: (a.first_name, a.last_name, a.bio.strip(), a.website, bool(a.photo))
        for a in Author.objects.all()
    }
    used = Tag.objects.filter(Q(posts__isnull=False) | ~Q(source_path="")).distinct()
    tags = sorted(used.values_list("kind", "slug", "name", "description"))
    site_settings = SiteSettings.objects.first()
    site = site_settings and (site_settings.title, site_settings.tagline, site_settings.base_url)
    live = {post[-1] for post in posts.values()}
    redirects = sorted(
        (old, new)
        for old, new in Redirect.objects.values_list("old_path", "new_path")
        if new in live or resolve(new).view_name != "blog:post-detail"
    )
    return {
        "posts": posts,
        "pages": pages,
        "authors": authors,
        "tags": tags,
        "site": site,
        "redirects": redirects,
    }


def _fresh_database():
    for model in (Post, Page, Author, Tag, Redirect, SiteSettings, SourceFile):
        model.objects.all().delete()


def _export(out: Path, **options):
    result = export_site(Folder(out), **options)
    assert not result.failed, result.problems
    return result


def _assert_round_trip(root: Path, tmp_path: Path):
    original = _files(root)
    out = tmp_path / "out"
    result = _export(out)
    exported = _files(out)
    # Every file the import read something from is written back, byte for byte.
    assert _kept_paths() <= set(exported)
    for path, data in exported.items():
        assert data == original[path], path
    assert {note.how for note in result.files} == {AS_IMPORTED}
    # The fixed point: the export, in the site's place, imports as unchanged.
    shutil.rmtree(root)
    shutil.copytree(out, root)
    again = import_site(root)
    settled = {Action.UNCHANGED, Action.SKIPPED}
    moved = [(r.path, r.kind, r.action, r.detail) for r in again.reports if r.action not in settled]
    assert not moved


def test_the_sample_site_comes_back_byte_for_byte(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    _assert_round_trip(root, tmp_path)
    assert Post.objects.count() == 7


@pytest.mark.parametrize("name", list(SITES))
def test_each_dialects_site_comes_back_byte_for_byte(name, tmp_path):
    root = tmp_path / name
    SITES[name](root)
    import_site(root)
    _assert_round_trip(root, tmp_path)


def test_an_edit_rewrites_only_what_changed_and_imports_as_edited(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    post = Post.objects.get(slug="a-loaf-a-week")
    post.title = "Хлеб каждую неделю: café edition"
    post.body += "\nUne ligne de plus, 面包.\n"
    post.save()
    post.tags.add(Tag.objects.create(name="Brød", slug="brød"))
    author = Author.objects.get(slug="maya-lindqvist")
    author.bio = "Écrit sur la typographie."
    author.save()
    page = Page.objects.get(path="/about/")
    page.title = "À propos"
    page.save()
    site = SiteSettings.objects.get()
    site.title = "Журнал «Folio»"
    site.save()
    hero = Page.objects.get(path="/workshop/").sections.order_by("order").first()
    hero.data = {**hero.data, "title": "Écrire sur ce que l'on fait"}
    hero.save()
    edited = _snapshot()

    out = tmp_path / "out"
    result = _export(out)
    how = {note.path: note.how for note in result.files}
    assert how["src/pages/blog/a-loaf-a-week.md"] == REWRITTEN
    assert how["src/data/authors/maya-lindqvist.yaml"] == REWRITTEN
    assert how["src/pages/about.md"] == REWRITTEN
    assert how["site-metadata.json"] == REWRITTEN
    assert how["src/pages/workshop.md"] == REWRITTEN
    # A section's edit rewrites its one field: literal blocks, quoting and the other
    # sections stay as written.
    before = (root / "src/pages/workshop.md").read_text().splitlines()
    after = (out / "src/pages/workshop.md").read_text().splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ("    title: Write about what you make", "    title: Écrire sur ce que l'on fait")
    ]
    before = (root / "src/pages/blog/a-loaf-a-week.md").read_text().splitlines()
    after = (out / "src/pages/blog/a-loaf-a-week.md").read_text().splitlines()
    changed = [line for line in after if line not in before]
    assert changed[0].startswith("title:") and "café edition" in changed[0]
    assert "  - Brød" in changed and changed[-1] == "Une ligne de plus, 面包."
    # Every other line is still there, in its place.
    assert [line for line in after if line in before and line] == [
        line for line in before if line and not line.startswith("title:")
    ]

    _fresh_database()
    imported(out)
    assert _snapshot() == edited


def test_content_deleted_in_folio_is_left_out(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    Post.objects.get(slug="learning-python-at-forty").delete()
    result = _export(tmp_path / "out")
    how = {note.path: note.how for note in result.files}
    assert how["src/pages/blog/learning-python-at-forty.md"] == LEFT_OUT
    assert not (tmp_path / "out/src/pages/blog/learning-python-at-forty.md").exists()


def _menus():
    return [
        (item.menu, item.label, item.column, item.post_id and item.post.slug, item.url)
        for item in MenuItem.objects.order_by("menu", "order")
    ]


@pytest.mark.parametrize("dialect", ["stackbit", "hugo"])
def test_a_site_made_in_folio_gets_its_settings_and_menus(dialect, tmp_path):
    post = Post.objects.create(slug="hej", title="Hej", body="Hej.", status=Post.Status.PUBLISHED)
    site = SiteSettings.defaults()
    site.title, site.tagline = "Mon carnet", "Notes et croquis — 日記"
    site.base_url = "https://carnet.example.org"
    site.save()
    site.menu_items.create(menu=MenuItem.Menu.HEADER, label="Hej", post=post, order=1)
    site.menu_items.create(menu=MenuItem.Menu.HEADER, label="À propos", url="/about/", order=2)
    made = (_snapshot()["site"], _menus())
    out = tmp_path / "out"
    result = _export(out, dialect=dialect)
    assert [note.how for note in result.files if note.kind == "site settings"] == [NEW]
    _fresh_database()
    MenuItem.objects.all().delete()
    import_site(out, ImportOptions(dialect=dialect))
    assert (_snapshot()["site"], _menus()) == made


def test_content_made_in_folio_is_written_the_dialects_way(tmp_path):
    author = Author.objects.create(slug="zoë", first_name="Zoë", last_name="Ångström")
    post = Post.objects.create(
        slug="première",
        title="Première: «bonjour»",
        body="Texte en *français*.\n",
        author=author,
        status=Post.Status.PUBLISHED,
    )
    post.tags.add(Tag.objects.create(name="日本語", slug="日本語"))
    Page.objects.create(path="/über/", title="Über", body="Hallo.", status=Page.Status.PUBLISHED)
    edited = _snapshot()
    out = tmp_path / "out"
    result = _export(out)
    assert result.dialect == "stackbit"
    assert {note.path: note.how for note in result.files} == {
        "src/pages/blog/première.md": NEW,
        "src/pages/über.md": NEW,
        "src/data/authors/zoë.yaml": NEW,
    }
    _fresh_database()
    imported(out)
    assert _snapshot()["posts"] == edited["posts"]
    assert _snapshot()["pages"] == edited["pages"]


def test_a_zip_holds_the_same_files(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    target = tmp_path / "site.zip"
    result = export_site(ZipOutput(target))
    assert not result.failed
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            assert archive.read(name) == (root / name).read_bytes(), name
        assert "static/images/balcony garden.jpg" in archive.namelist()


def test_the_command_reports_per_file_and_refuses_a_full_folder(tmp_path, capsys):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    post = Post.objects.get(slug="a-loaf-a-week")
    post.title = "Edited"
    post.save()
    call_command("export_site", str(tmp_path / "out"))
    out = capsys.readouterr().out
    assert "rewritten   post          src/pages/blog/a-loaf-a-week.md: changed: title" in out
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("export_site", str(tmp_path / "out"))
    with pytest.raises(CommandError, match="--only nonsense"):
        call_command("export_site", str(tmp_path / "other"), "--only", "nonsense")
    call_command("export_site", str(tmp_path / "posts-only"), "--only", "posts")
    written = _files(tmp_path / "posts-only")
    assert written and all(path.startswith("src/pages/blog/") for path in written)


# -- generated sites ---------------------------------------------------------------------

_WORDS = (
    st.text(alphabet=st.sampled_from("abcxyzéüøçßЖжДяλπ漢字かな ,.!?-"), min_size=1, max_size=20)
    .map(str.strip)
    .filter(lambda text: text and text[0].isalpha() and text[-1] not in ":-?")
)


def _scalar(text, style):
    if style == "double":
        return json.dumps(text, ensure_ascii=False)
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    return text


@st.composite
def _front_matter(draw):
    """(file text, title) of a post: keys in any order, any quoting, comments, CRLF."""
    styles = st.sampled_from(["plain", "single", "double"])
    title = draw(_WORDS)
    tags = draw(st.lists(_WORDS, max_size=3))
    indent = draw(st.sampled_from(["  - ", "- "]))  # (one list, one indentation)
    lines = {
        "title": f"title: {_scalar(title, draw(styles))}",
        "date": "date: " + draw(st.sampled_from(["2021-03-04", "'2020-01-02T10:00:00+01:00'"])),
        "tags": "tags:\n" + "".join(f"{indent}{_scalar(t, draw(styles))}\n" for t in tags)
        if tags
        else "tags: []",
        "excerpt": f"excerpt: {_scalar(draw(_WORDS), draw(styles))}",
    }
    for n in range(draw(st.integers(0, 3))):
        lines[f"custom_{n}"] = f"custom_{n}: {_scalar(draw(_WORDS), draw(styles))}"
    keys = draw(st.permutations(list(lines)))
    out = []
    for key in keys:
        if draw(st.booleans()):
            out.append(f"# {draw(_WORDS)}")
        out.append(lines[key].rstrip("\n"))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    body = draw(st.lists(_WORDS, min_size=1, max_size=4))
    text = "\n".join(["---", *out, "---", *body]) + ("\n" if draw(st.booleans()) else "")
    return text.replace("\n", newline), title


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=_front_matter(), new_title=_WORDS, edit_tags=st.booleans())
def test_generated_posts_round_trip(case, new_title, edit_tags, tmp_path_factory):
    text, title = case
    base = tmp_path_factory.mktemp("site")
    root = base / "site"
    (root / "src/pages/blog").mkdir(parents=True)
    source = root / "src/pages/blog/generated.md"
    source.write_bytes(text.encode())
    _fresh_database()
    imported(root)
    # Unedited: the same bytes.
    result = _export(base / "same")
    assert (base / "same/src/pages/blog/generated.md").read_bytes() == text.encode()
    assert result.counts()[AS_IMPORTED] == 1

    # Edited: only the title's line (and the tags') change; the rest stays as written.
    post = Post.objects.get()
    post.title = new_title
    post.save()
    if edit_tags:
        post.tags.set([Tag.objects.get_or_create(slug="ajouté", defaults={"name": "Ajouté"})[0]])
    _export(base / "edited")
    written = (base / "edited/src/pages/blog/generated.md").read_bytes().decode()
    newline = "\r\n" if "\r\n" in text else "\n"
    old_lines, new_lines = text.split(newline), written.split(newline)
    old_meta, _ = frontmatter.read(text)
    new_meta, _ = frontmatter.read(written)
    if edit_tags:
        assert new_meta == {**old_meta, "title": new_title, "tags": ["Ajouté"]}
        # Every other line is still there, in its order (comments, quoting, the body).
        rewritten = ("title:", "tags:", "  - ", "- ")
        assert [
            line for line in new_lines if line in old_lines and not line.startswith(rewritten)
        ] == [line for line in old_lines if line in new_lines and not line.startswith(rewritten)]
        assert all(line in new_lines for line in old_lines if line.startswith("#"))
    else:
        assert len(old_lines) == len(new_lines)
        differ = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
        assert all(a.startswith("title:") and b.startswith("title:") for a, b in differ)
        assert new_meta == {**old_meta, "title": new_title}


# -- the admin's Export site -------------------------------------------------------------


@pytest.fixture
def exports(settings, tmp_path, monkeypatch):
    """Exports into a temporary folder, written at once instead of in a process."""
    settings.FOLIO_EXPORT_ROOT = tmp_path / "exports"
    monkeypatch.setattr(jobs, "start", lambda export: jobs.run(export.pk))
    return settings.FOLIO_EXPORT_ROOT


def test_an_export_deleted_while_it_runs_leaves_no_file(exports, tmp_path, monkeypatch):
    """Deleting an export from the admin while its process writes: the finished file
    would belong to no row, shown nowhere and never cleaned up."""
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    export = SiteExport.objects.create()
    real = jobs.export_site

    def deleted_meanwhile(*args, **kwargs):
        SiteExport.objects.filter(pk=export.pk).delete()
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs, "export_site", deleted_meanwhile)
    jobs.run(export.pk)
    assert not exports.exists() or list(exports.iterdir()) == []


def test_a_superuser_exports_the_site_as_a_zip_from_the_admin(staff_client, exports, tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    response = staff_client.post(reverse("admin:blog_siteexport_add"), {"dialect": ""})
    export = SiteExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:blog_siteexport_change", args=[export.pk])
    page = staff_client.get(response["Location"]).content.decode()
    assert "Ready to download" in page and 'http-equiv="refresh"' not in page
    assert "9 posts and pages" in page
    download = staff_client.get(reverse("admin:blog_siteexport_download", args=[export.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    data = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = "src/pages/blog/a-loaf-a-week.md"
        assert archive.read(name) == (root / name).read_bytes()
    assert not list(exports.glob("*.part"))


def test_a_running_export_page_refreshes_itself(staff_client, exports):
    export = SiteExport.objects.create(state=SiteExport.State.RUNNING, done=300, total=1000)
    page = staff_client.get(reverse("admin:blog_siteexport_change", args=[export.pk]))
    assert 'http-equiv="refresh"' in page.content.decode()
    assert "300 of 1,000 posts and pages (30%)" in page.content.decode()


def test_nginx_sends_the_file_when_configured(staff_client, exports, settings):
    settings.FOLIO_EXPORT_ACCEL_REDIRECT = "/_exports/"
    staff_client.post(reverse("admin:blog_siteexport_add"), {"dialect": "jekyll"})
    export = SiteExport.objects.get()
    response = staff_client.get(reverse("admin:blog_siteexport_download", args=[export.pk]))
    assert response["X-Accel-Redirect"] == f"/_exports/{export.file_name}"
    assert response.content == b""


def test_deleting_exports_from_the_list_deletes_their_files(staff_client, exports):
    exports.mkdir(parents=True)
    kept, gone = (
        SiteExport.objects.create(state=SiteExport.State.DONE, file_name=f"{name}.zip")
        for name in ("kept", "сайт-gone")
    )
    for export in (kept, gone):
        jobs.path_of(export).write_bytes(b"PK")
    response = staff_client.post(
        reverse("admin:blog_siteexport_changelist"),
        {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(SiteExport.objects.all()) == [kept]
    assert not jobs.path_of(gone).exists() and jobs.path_of(kept).exists()


def test_old_exports_are_forgotten_but_never_one_under_way(settings, exports):
    settings.FOLIO_EXPORTS_KEPT = 1
    exports.mkdir(parents=True)
    start = timezone.now()
    made = {}
    for n, (name, state) in enumerate(
        [("в-работе", SiteExport.State.RUNNING), ("old", "done"), ("newer", "done")]
    ):
        made[name] = SiteExport.objects.create(
            state=state, file_name=f"{name}.zip", created=start + timedelta(minutes=n)
        )
        jobs.path_of(made[name]).write_bytes(b"PK")
    jobs._forget_old()
    assert set(SiteExport.objects.all()) == {made["в-работе"], made["newer"]}
    assert sorted(path.name for path in exports.iterdir()) == ["newer.zip", "в-работе.zip"]


def test_only_superusers_may_export(client, django_user_model, exports):
    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__endswith="siteexport"))
    client.force_login(editor)
    assert client.get(reverse("admin:blog_siteexport_add")).status_code == 403
    export = SiteExport.objects.create(state=SiteExport.State.DONE, file_name="x.zip")
    url = reverse("admin:blog_siteexport_download", args=[export.pk])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("dialect", ["jekyll", "hugo", "astro"])
def test_another_dialect_gets_every_post_written_its_way(dialect, tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    edited = _snapshot()
    out = tmp_path / "out"
    result = _export(out, dialect=dialect)
    posts = [note for note in result.files if note.kind == "post"]
    assert len(posts) == 7 and {note.how for note in posts} == {NEW}
    _fresh_database()
    import_site(out, ImportOptions(dialect=dialect))
    again = _snapshot()["posts"]
    assert {slug: post[:2] for slug, post in again.items()} == {
        slug: post[:2] for slug, post in edited["posts"].items()
    }


def test_settings_a_configuration_cannot_hold_are_said_per_file(tmp_path):
    root = tmp_path / "eleventy"
    eleventy_sites.site(root)
    import_site(root)
    site = SiteSettings.objects.get()
    site.title = "Nouveau titre"
    site.save()
    result = _export(tmp_path / "out")
    notes = {note.path: note.detail for note in result.files}
    assert any("(title) are not written" in detail for detail in notes.values()), notes


@pytest.mark.parametrize("name", list(SITES))
def test_each_dialects_edited_post_imports_as_edited(name, tmp_path):
    root = tmp_path / name
    SITES[name](root)
    import_site(root)
    published = Post.objects.filter(status=Post.Status.PUBLISHED).exclude(source_path="")
    post = published.order_by("source_path").first()
    post.title = "Édité dans Folio: 編集"
    post.body += "\nAjouté après l'import.\n"
    post.save()
    settings_row = SiteSettings.objects.first()
    out = tmp_path / "out"
    result = _export(out)
    how = {note.path: note.how for note in result.files}
    assert how[post.source_path] == REWRITTEN
    _fresh_database()
    import_site(out)
    again = Post.objects.get(source_path=post.source_path)
    assert again.title == post.title
    assert "Ajouté après l'import." in again.body
    assert again.slug == post.slug and again.publish_at == post.publish_at
    if settings_row:
        assert SiteSettings.objects.get().title == settings_row.title


def test_a_changed_slug_moves_the_file_and_keeps_the_old_address(tmp_path, client):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    post = Post.objects.get(slug="a-loaf-a-week")
    post.slug = "un-pain-par-semaine"
    post.save()
    assert Redirect.objects.filter(old_path="/blog/a-loaf-a-week/").exists()
    edited = _snapshot()
    out = tmp_path / "out"
    result = _export(out)
    how = {note.path: (note.how, note.detail) for note in result.files}
    moved = how["src/pages/blog/un-pain-par-semaine.md"]
    assert moved[0] == REWRITTEN and "moved from src/pages/blog/a-loaf-a-week.md" in moved[1]
    assert not (out / "src/pages/blog/a-loaf-a-week.md").exists()
    assert (
        out / "_redirects"
    ).read_text() == "/blog/a-loaf-a-week/ /blog/un-pain-par-semaine/ 301\n"
    _fresh_database()
    imported(out)
    assert _snapshot() == edited
    assert client.get("/blog/a-loaf-a-week/").headers["Location"] == "/blog/un-pain-par-semaine/"


def _toml_scalar(text, style):
    if style == "literal" and "'" not in text:
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)


@st.composite
def _toml_front_matter(draw):
    """(file text, title) of a Hugo post with TOML front matter, in any key order,
    quoting, comments and line endings."""
    styles = st.sampled_from(["basic", "literal"])
    title = draw(_WORDS)
    tags = draw(st.lists(_WORDS, max_size=3))
    lines = {
        "title": f"title = {_toml_scalar(title, draw(styles))}",
        "date": "date = " + draw(st.sampled_from(["2021-03-04T10:00:00Z", '"2020-01-02"'])),
        "tags": "tags = [" + ", ".join(_toml_scalar(t, draw(styles)) for t in tags) + "]",
        "summary": f"summary = {_toml_scalar(draw(_WORDS), draw(styles))}",
    }
    for n in range(draw(st.integers(0, 2))):
        lines[f"custom_{n}"] = f"custom_{n} = {_toml_scalar(draw(_WORDS), draw(styles))}"
    out = []
    for key in draw(st.permutations(list(lines))):
        if draw(st.booleans()):
            out.append(f"# {draw(_WORDS)}")
        out.append(lines[key])
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    body = draw(st.lists(_WORDS, min_size=1, max_size=3))
    text = "\n".join(["+++", *out, "+++", *body]) + "\n"
    return text.replace("\n", newline), title


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=_toml_front_matter(), new_title=_WORDS)
def test_generated_toml_posts_round_trip(case, new_title, tmp_path_factory):
    text, _ = case
    base = tmp_path_factory.mktemp("hugo")
    root = base / "site"
    (root / "content/posts").mkdir(parents=True)
    (root / "hugo.toml").write_text('title = "Generated"\n')
    (root / "content/posts/generated.md").write_bytes(text.encode())
    _fresh_database()
    imported(root)
    _export(base / "same")
    assert (base / "same/content/posts/generated.md").read_bytes() == text.encode()

    post = Post.objects.get()
    post.title = new_title
    post.save()
    _export(base / "edited")
    written = (base / "edited/content/posts/generated.md").read_bytes().decode()
    newline = "\r\n" if "\r\n" in text else "\n"
    differ = [
        (a, b) for a, b in zip(text.split(newline), written.split(newline), strict=True) if a != b
    ]
    assert all(a.startswith("title") and b.startswith("title") for a, b in differ)
    old_meta, _ = frontmatter.read(text)
    new_meta, _ = frontmatter.read(written)
    assert new_meta == {**old_meta, "title": new_title}


def test_an_unwritable_folder_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(CommandError, match="could not write"):
        call_command("export_site", str(tmp_path / "taken" / "out"))


def test_one_image_at_two_paths_comes_back_at_both(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    (root / "static/images/весна").mkdir()
    shutil.copy(root / "static/images/seedlings.jpg", root / "static/images/весна/seedlings.jpg")
    post = root / "src/pages/blog/a-loaf-a-week.md"
    post.write_bytes(post.read_bytes() + "\n![Seedlings](/images/весна/seedlings.jpg)\n".encode())
    imported(root)
    twin = SourceFile.objects.get(kind="image", path="static/images/весна/seedlings.jpg")
    first = SourceFile.objects.get(kind="image", path="static/images/seedlings.jpg")
    assert twin.stored_name == first.stored_name  # one stored copy, two paths
    _assert_round_trip(root, tmp_path)


def test_an_author_made_in_folio_joins_a_jekyll_sites_authors_file(tmp_path):
    root = tmp_path / "jekyll"
    jekyll_sites.site(root)
    import_site(root)
    author = Author.objects.create(slug="zoë", first_name="Zoë", last_name="Ångström")
    Post.objects.create(
        slug="nouvelle", title="Nouvelle", body="Texte.", author=author, status="published"
    )
    out = tmp_path / "out"
    result = _export(out)
    how = {note.path: (note.how, note.detail) for note in result.files}
    assert how["_data/authors.yml"] == (REWRITTEN, "changed zoë: made in Folio")
    # The other authors' entries are as they were.
    assert (
        (out / "_data/authors.yml").read_text().startswith((root / "_data/authors.yml").read_text())
    )
    _fresh_database()
    import_site(out)
    post = Post.objects.get(slug="nouvelle")
    assert (post.author.first_name, post.author.last_name) == ("Zoë", "Ångström")


def test_a_file_changed_during_the_import_is_kept_by_the_next_run(tmp_path, monkeypatch):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    post = root / "src/pages/blog/a-loaf-a-week.md"
    states_of = sources.states_of

    def edited_meanwhile(*args):
        post.write_bytes(post.read_bytes() + "\nÉcrit pendant l'import.\n".encode())
        monkeypatch.setattr(sources, "states_of", states_of)
        return states_of(*args)

    monkeypatch.setattr(sources, "states_of", edited_meanwhile)
    imported(root)
    # What was imported is not what the file says now: not kept as its bytes.
    assert not SourceFile.objects.filter(path="src/pages/blog/a-loaf-a-week.md").exists()
    again = imported(root)
    assert [r.action for r in again.reports if r.path.endswith("a-loaf-a-week.md")] == [
        Action.UPDATED
    ]
    _assert_round_trip(root, tmp_path)


def test_a_link_in_the_folder_never_leads_the_export_out_of_it(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "src").symlink_to(elsewhere, target_is_directory=True)
    result = export_site(Folder(out))
    assert not list(elsewhere.iterdir())
    assert any("leads outside it" in problem for problem in result.problems)
    assert (out / "static/images/seedlings.jpg").is_file()  # the rest is written


def test_settings_recorded_without_a_field_are_written_as_they_were(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    site = SiteSettings.objects.get()
    config = SourceFile.objects.get(path=site.source_path.split(", ")[0])
    del config.states["site settings"]["title"]  # (recorded before the field was)
    config.save()
    site.title = "Пекарня «Закваска»"
    site.save()
    result = _export(tmp_path / "out")
    note = next(note for note in result.files if note.path == config.path)
    assert (tmp_path / "out" / config.path).read_bytes() == (root / config.path).read_bytes()
    assert "(title)" in note.detail and "by hand" in note.detail


def test_a_hugo_edit_rewrites_the_key_hugo_read_it_from(tmp_path):
    """Hugo reads the publish date from publishDate before date, and the hero image
    from cover as well as image: an edit goes where the value was read from."""
    root = tmp_path / "hugo"
    hugo_site.write(root)
    import_site(root)
    later = Post.objects.get(source_path="content/posts/later.md")
    later.publish_at = later.publish_at.replace(year=2098)
    later.save()
    trip = Post.objects.get(source_path="content/posts/trip/index.md")
    assert trip.image
    trip.image = ""
    trip.save()
    out = tmp_path / "out"
    _export(out)
    written = (out / "content/posts/later.md").read_text()
    assert "date: 2022-03-01\n" in written and "publishDate: 2098-01-01" in written
    assert "cover" not in (out / "content/posts/trip/index.md").read_text()
    _fresh_database()
    import_site(out)
    assert Post.objects.get(source_path=later.source_path).publish_at == later.publish_at
    assert not Post.objects.get(source_path=trip.source_path).image


def test_an_edited_file_keeps_its_byte_order_mark(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    source = root / "src/pages/blog/a-loaf-a-week.md"
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    imported(root)
    post = Post.objects.get(slug="a-loaf-a-week")
    post.title = "Un pain par semaine — 一週間に一斤"
    post.save()
    out = tmp_path / "out"
    _export(out)
    written = (out / "src/pages/blog/a-loaf-a-week.md").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf---")
    old_lines = source.read_bytes().splitlines()
    differ = [a for a, b in zip(old_lines, written.splitlines(), strict=True) if a != b]
    assert len(differ) == 1 and differ[0].startswith(b"title:")
    _fresh_database()
    imported(out)
    assert Post.objects.get(slug="a-loaf-a-week").title == post.title


def test_a_site_recorded_with_an_unknown_generator_is_an_error_not_a_traceback(tmp_path):
    SourceFile.objects.create(root=str(tmp_path), path="_posts/été.md", kind="post", dialect="gone")
    with pytest.raises(CommandError, match="unknown dialect 'gone'"):
        call_command("export_site", str(tmp_path / "out"))
    call_command("export_site", str(tmp_path / "out"), "--dialect", "jekyll")  # this one can


def test_copying_the_images_keeps_reporting_progress(tmp_path, monkeypatch):
    """The admin takes an export whose row has not moved for minutes for a dead one:
    a site's images, copied after its posts and pages, keep it moving."""
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    monkeypatch.setattr(exporting, "IMAGES_PER_PROGRESS", 1)
    calls = []
    result = export_site(Folder(tmp_path / "out"), progress=lambda *call: calls.append(call))
    images = sum(note.kind == "image" for note in result.files)
    assert images and calls.count(calls[-1]) == images + 1  # (the last page's, then each)


class _FullDisk(io.RawIOBase):
    """A file that takes ``room`` bytes, then says the disk is full."""

    def __init__(self, room):
        self.room = room
        self.refused = 0

    def writable(self):
        return True

    def write(self, data):
        if len(data) > self.room:
            self.refused += 1
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return len(data)


def test_a_full_disk_stops_the_export_with_its_reason(tmp_path):
    """Not one problem per post for the rest of the site: the output's own failure
    stops the export (the command and the admin's job say why)."""
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    disk = _FullDisk(3000)
    with pytest.raises(OSError, match="No space left on device"):
        export_site(ZipOutput(disk))
    assert disk.refused == 1


def test_an_image_missing_from_storage_is_its_own_problem(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    imported(root)
    lost = SourceFile.objects.get(kind="image", path="static/images/seedlings.jpg")
    default_storage.delete(lost.stored_name)
    result = export_site(Folder(tmp_path / "out"))
    assert [problem.split(":")[0] for problem in result.problems] == [lost.path]
    assert (tmp_path / "out/src/pages/blog/a-loaf-a-week.md").is_file()
