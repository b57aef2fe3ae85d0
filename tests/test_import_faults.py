"""One bad file never stops the others: any failure while one file is processed
becomes that file's error line, whatever stage raised it and whatever it raised."""

import inspect
import os
import time

import pytest
from django.core.management import CommandError, call_command

from authors.models import Author
from blog.importing import Action, ImportOptions, frontmatter, import_site
from blog.importing import images as import_images
from blog.importing import importer as importer_module
from blog.importing import prepare as prepare_module
from blog.importing import records as records_module
from blog.models import Post, RedirectQuerySet, Tag

pytestmark = pytest.mark.django_db


def run(site, **options):
    return import_site(site.root, ImportOptions(**options))


def report_for(result, path):
    return next(r for r in result.reports if r.path == path)


# -- Inputs that used to abort the whole run ------------------------------------------


@pytest.mark.parametrize(
    "date",
    ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "9999-12-31", "0001-01-01"],
)
def test_a_date_at_the_edge_of_the_calendar_is_that_files_error(site, date):
    site.post("a-first", "title: A\ndate: '2020-01-01'\n")
    site.post("b-edge", f"title: B\ndate: '{date}'\n")
    site.post("c-last", "title: C\ndate: '2020-01-01'\n")
    result = run(site)
    report = report_for(result, "src/pages/blog/b-edge.md")
    assert report.action == Action.ERROR
    assert "is out of range" in report.detail
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["a-first", "c-last"]


@pytest.mark.parametrize("character", ["\x7f", "\x85", "\x9f"])
def test_a_control_character_in_a_file_name_is_that_files_error(site, character):
    site.post(f"b-del{character}name", "title: B\ndate: '2020-01-01'\n")
    site.post("c-last", "title: C\ndate: '2020-01-01'\n")
    result = run(site)
    report = report_for(result, f"src/pages/blog/b-del{character}name.md")
    assert report.action == Action.ERROR and "cannot be a URL slug" in report.detail
    assert list(Post.objects.values_list("slug", flat=True)) == ["c-last"]


def test_the_command_prints_an_error_line_and_no_traceback(site, capsys):
    site.post("b-edge", "title: B\ndate: '9999-12-31T23:59:59-12:00'\n")
    site.post("c-last", "title: C\ndate: '2020-01-01'\n")
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_posts", str(site.root))
    out = capsys.readouterr()
    assert "error  src/pages/blog/b-edge.md: date" in out.err
    assert "Traceback" not in out.out + out.err
    assert Post.objects.get().slug == "c-last"


# -- Fault injection: every stage of the pipeline ---------------------------------------


def _explode_when_bad(owner, name):
    """``owner.name``, raising for anything to do with the file named 'bad'."""
    static = inspect.getattr_static(owner, name)
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        if "bad" in (repr(args) + repr(kwargs)).lower():
            raise RuntimeError("injected fault")
        return original(*args, **kwargs)

    return staticmethod(wrapper) if isinstance(static, staticmethod) else wrapper


# (stage, module or class, attribute): every step a file goes through.
STAGES = [
    ("read", importer_module._Importer, "_read"),
    ("split", frontmatter, "split"),
    ("yaml", frontmatter, "load_yaml"),
    ("records", records_module, "parse_post"),
    ("body links", prepare_module.ContentReader, "rewrite_body"),
    ("image check", import_images, "check"),
    ("render", prepare_module.ContentReader, "prepare_post"),
    ("claim slug", importer_module._Importer, "_claim_slug"),
    ("author", importer_module._Importer, "author_pk"),
    ("address check", importer_module._Importer, "_check_address"),
    ("write", importer_module._Importer, "_post"),
    ("insert", importer_module._Importer, "_insert_posts"),
    ("image store", import_images, "store"),
    ("tags", importer_module._Importer, "_tag_pks"),
    ("redirect", RedirectQuerySet, "record_move"),
]


@pytest.fixture
def three_posts(site):
    site.author("ann", "first_name: Ann\n")
    site.author("bad-ann", "first_name: Ann\n")
    site.image("bad.jpg")
    site.image("good.jpg", color=(1, 2, 3))
    front = (
        "title: {title}\ndate: '2021-01-01'\nauthor: {author}\ntags: [x]\n"
        "image: images/{image}\npermalink: /old/{slug}\n"
    )
    for slug, author, image in [("a-good", "ann", "good"), ("z-good", "ann", "good")]:
        site.post(slug, front.format(title=slug, author=author, image=f"{image}.jpg", slug=slug))
    bad = front.format(title="Bad", author="bad-ann", image="bad.jpg", slug="bad")
    site.post("bad", bad, "A bad body.\n")
    return site


@pytest.mark.parametrize(("stage", "owner", "name"), STAGES, ids=[s[0] for s in STAGES])
def test_a_fault_in_any_stage_is_that_files_error_line(
    three_posts, monkeypatch, stage, owner, name
):
    monkeypatch.setattr(owner, name, _explode_when_bad(owner, name))
    result = run(three_posts)
    reports = [r for r in result.reports if r.path == "src/pages/blog/bad.md"]
    assert len(reports) == 1, reports
    assert reports[0].action == Action.ERROR
    assert "injected fault" in reports[0].detail
    # The others are imported whole; nothing of the bad one is written.
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["a-good", "z-good"]
    for post in Post.objects.all():
        assert post.author.first_name == "Ann"
        assert [tag.name for tag in post.tags.all()] == ["x"]
        assert post.image.name


def test_a_fault_in_an_author_file_or_a_tag_file_is_that_files_error(site, monkeypatch):
    site.author("bad-author", "first_name: Bad\n")
    site.author("fine", "first_name: Fine\n")
    site.write("src/data/tags/bad-tag.yaml", "title: Bad tag\n")
    site.write("src/data/tags/ok.yaml", "title: OK\n")
    site.post("p", "title: P\ndate: '2021-01-01'\nauthor: fine\n")
    site.post("q", "title: Q\ndate: '2021-01-01'\nauthor: bad-author\n")
    for owner, name in [(records_module, "parse_author"), (importer_module._Importer, "_tag_file")]:
        monkeypatch.setattr(owner, name, _explode_when_bad(owner, name))
    result = run(site)
    assert "injected fault" in report_for(result, "src/data/authors/bad-author.yaml").detail
    assert "injected fault" in report_for(result, "src/data/tags/bad-tag.yaml").detail
    q = report_for(result, "src/pages/blog/q.md")
    assert q.action == Action.ERROR and "author file src/data/authors/bad-author.yaml" in q.detail
    assert list(Post.objects.values_list("slug", flat=True)) == ["p"]
    assert list(Author.objects.values_list("first_name", flat=True)) == ["Fine"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["OK"]


def test_a_worker_that_fails_is_replaced_by_preparing_here(site, monkeypatch):
    for n in range(5):
        site.post(f"p{n}", f"title: P{n}\ndate: '2021-01-01'\n")
    # A lambda cannot be sent to a worker process: every batch's future fails.
    monkeypatch.setattr(importer_module, "_worker_settings", lambda: {"X": lambda: None})
    result = run(site, workers=2)
    assert not result.failed
    assert Post.objects.count() == 5


def test_workers_that_cannot_start_leave_the_preparing_to_this_process(site, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    for n in range(5):
        site.post(f"p{n}", f"title: Пост {n}\ndate: '2021-01-01'\n")

    def broken(*args, **kwargs):
        raise BrokenProcessPool("the forkserver died")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", broken)
    result = run(site, workers=2)
    assert not result.failed
    assert sorted(Post.objects.values_list("title", flat=True)) == [f"Пост {n}" for n in range(5)]


def test_a_failure_after_the_files_is_reported_and_keeps_what_was_written(site):
    from blog.changes import content_changed

    site.post("p", "title: P\ndate: '2021-01-01'\n")

    def broken(**kwargs):
        raise RuntimeError("index is gone")

    content_changed.connect(broken, dispatch_uid="test-broken-listener")
    try:
        result = run(site)
        with pytest.raises(CommandError, match="did not finish cleanly"):
            call_command("import_posts", str(site.root), "--force")
    finally:
        content_changed.disconnect(dispatch_uid="test-broken-listener")
    assert result.failed and "index is gone" in result.problems[0]
    assert "rebuild_search_index" in result.problems[0]
    assert Post.objects.get().slug == "p"


# -- YAML aliases that multiply bytes ------------------------------------------------


def test_a_long_value_aliased_many_times_is_refused_quickly(site):
    long_value = "x" * 20_000
    aliases = "\n".join(f"k{n}: *big" for n in range(500))
    site.post(
        "bomb", raw=f"---\ntitle: T\ndate: '2021-01-01'\npad: &big {long_value}\n{aliases}\n---\n"
    )
    site.post("fine", "title: F\ndate: '2021-01-01'\nshared: &s [a, b]\nagain: *s\n")
    started = time.perf_counter()
    result = run(site)
    assert time.perf_counter() - started < 5
    report = report_for(result, "src/pages/blog/bomb.md")
    assert report.action == Action.ERROR
    assert "characters, over 10 times its own size" in report.detail
    assert Post.objects.get().extra == {"shared": ["a", "b"], "again": ["a", "b"]}


# -- Two sites, one database -----------------------------------------------------------


def test_a_second_site_never_overwrites_the_first(tmp_path, monkeypatch):
    from tests.sites import SiteBuilder

    first, second = SiteBuilder(tmp_path / "one"), SiteBuilder(tmp_path / "two")
    first.post("hello", "title: First site's post\ndate: '2021-01-01'\n")
    second.post("hello", "title: Second site's post\ndate: '2022-01-01'\n")
    second.post("other", "title: Other\ndate: '2022-01-01'\n")
    assert not run(first).failed

    result = run(second)
    report = report_for(result, "src/pages/blog/hello.md")
    assert report.action == Action.CONFLICT
    assert "another site" in report.detail and str(first.root) in report.detail
    assert Post.objects.get(slug="hello").title == "First site's post"
    assert Post.objects.get(slug="other").source_root == str(second.root)
    # The first site's own re-run is unaffected.
    assert report_for(run(first), "src/pages/blog/hello.md").action == Action.UNCHANGED

    result = run(second, force=True)
    assert report_for(result, "src/pages/blog/hello.md").action == Action.UPDATED
    post = Post.objects.get(slug="hello")
    assert (post.title, post.source_root) == ("Second site's post", str(second.root))
    assert Post.objects.filter(slug="hello").count() == 1


def test_rows_imported_before_roots_were_recorded_are_adopted(site):
    site.post("hello", "title: Hello\ndate: '2021-01-01'\n")
    run(site)
    Post.objects.update(source_root="")
    assert report_for(run(site), "src/pages/blog/hello.md").action == Action.UNCHANGED
    site.post("hello", "title: Changed\ndate: '2021-01-01'\n")
    assert report_for(run(site), "src/pages/blog/hello.md").action == Action.UPDATED
    assert Post.objects.get().source_root == str(site.root)


# -- Hard links --------------------------------------------------------------------------


def test_hard_linked_files_are_refused_unless_allowed(site, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: From outside\ndate: '2021-01-01'\n---\nSecret.\n")
    os.link(outside, site.root / "src/pages/blog/linked.md")
    site.post("plain", "title: Plain\ndate: '2021-01-01'\n")
    result = run(site)
    report = report_for(result, "src/pages/blog/linked.md")
    assert report.action == Action.ERROR and "hard link" in report.detail
    assert list(Post.objects.values_list("slug", flat=True)) == ["plain"]
    assert report_for(run(site, allow_hard_links=True), "src/pages/blog/linked.md").action == (
        Action.CREATED
    )


# -- An import stopped before its end -----------------------------------------------


def test_an_import_stopped_before_its_end_is_completed_by_the_next_run(
    site, monkeypatch, media_root, client
):
    """As after a SIGKILL: every file committed, nothing derived from them refreshed."""
    from blog.changes import content_changed
    from blog.models import ImportRun

    site.image("pic.jpg", size=(900, 500))
    for n in range(3):
        site.post(f"p{n}", f"title: Zebra {n}\ndate: '2021-01-0{n + 1}'\nimage: images/pic.jpg\n")
    original_run = importer_module._Importer._run

    def killed_at_the_end(self, progress):
        original_run(self, progress)
        raise KeyboardInterrupt  # no `except Exception` sees it, as none sees a SIGKILL

    with monkeypatch.context() as patch:
        patch.setattr(importer_module._Importer, "_run", killed_at_the_end)
        patch.setattr(content_changed, "send", lambda **kwargs: [])  # never reached
        patch.setattr(importer_module, "make_missing_renditions", lambda objects: None)
        patch.setattr("folio.images._BulkWrites.saved", lambda *args, **kwargs: None)
        with pytest.raises(KeyboardInterrupt):
            run(site)
    assert Post.objects.count() == 3 and ImportRun.objects.count() == 1
    # New posts' search documents are written with them, in their transaction; their
    # links and renditions are not there yet.
    assert client.get("/search/", {"q": "zebra"}).context["page_obj"].paginator.count == 3
    assert not any(Post.objects.values_list("links", flat=True))
    assert not (media_root / "renditions").exists()

    result = run(site)
    assert {r.action for r in result.reports} == {Action.UNCHANGED}
    assert not ImportRun.objects.exists()
    assert client.get("/search/", {"q": "zebra"}).context["page_obj"].paginator.count == 3
    for post in Post.objects.all():
        assert post.links.get("previous") or post.links.get("next")
        for renditions in (post.hero,):
            for width, suffix in renditions.renditions.specs:
                url = renditions.url(width, suffix)
                assert (media_root / url.removeprefix("/media/")).is_file(), url
