"""Property-based tests: the importer cannot be turned against the server.

Hypothesis writes small hostile sites (arbitrary front matter, YAML tags, paths that
climb out of the root, absolute paths, symlinks to files outside, NUL bytes, very long
and unicode names) and checks, for every one:

- nothing outside the site root is read: a secret post and a secret image sit next to
  the root (reachable by ``..``, absolute paths and symlinks); no file beside the root is
  ever opened, and neither secret reaches the database or media storage;
- YAML tags are never executed;
- import_site returns, with exactly one report per file, and a reason for every error;
- no half-written post: every post in the database matches its source file, and a file
  reported as an error left no post behind.

``HYPOTHESIS_PROFILE=long`` runs many more examples than CI does.
"""

import builtins
import io
import json
import os
from pathlib import Path

import pytest
import yaml
from django.core import serializers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from authors.models import Author
from blog.importing import Action, import_site
from blog.importing.frontmatter import load_yaml, split
from blog.models import Post, PostRevision, Tag

pytestmark = pytest.mark.django_db

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("long", parent=settings.get_profile("ci"), max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SECRET = "SENTINEL-SECRET-4d9e"
EXECUTED = "yaml-tag-was-executed"

# Paths as content writes them, aimed at the secrets beside the site root.
HOSTILE_PATHS = [
    "../secret.md",
    "../../secret.md",
    "../secret.png",
    "images/../../../secret.png",
    "src/data/authors/../../../../secret.md",
    "%2e%2e/secret.png",
    "/etc/passwd",
    "/{outside}/secret.md",
    "file:///etc/passwd",
    "C:\\Windows\\win.ini",
    "\\\\server\\share\\x.jpg",
    "images/link-to-secret.png",
    "link-to-secret",
    "src/data/authors/link-to-secret.yaml",
    "images/loop.jpg",
    "a\x00b.jpg",
    "x" * 5000,
    "é/ü/日本語/🙂.jpg",
    "images/photo.jpg",
    "",
    ".",
    "~/.ssh/id_rsa",
    "http://[::1/x.jpg",
]
YAML_TAGS = [
    f"!!python/object/apply:os.system ['touch {{outside}}/{EXECUTED}']",
    f"!!python/object/apply:builtins.open ['{{outside}}/{EXECUTED}', 'w']",
    "!!python/name:os.system",
    "!!python/object/new:type ['X', [], {}]",
    "!!binary aGVsbG8=",
    "!custom {a: 1}",
    "&a [*a]",
]
KEYS = ["title", "subtitle", "date", "author", "image", "thumb_image", "tags", "categories"]
KEYS += ["draft", "published", "template", "excerpt", "description", "photo", "bio"]

paths = st.sampled_from(HOSTILE_PATHS) | st.text(max_size=40)
scalars = (
    st.text(max_size=60)
    | paths
    | st.integers()
    | st.floats(allow_nan=True)
    | st.booleans()
    | st.none()
    | st.dates().map(str)
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
mappings = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=12), values, max_size=10)
# A plausible post that gets hostile values, so most examples reach the deeper code.
posts = st.fixed_dictionaries(
    {"title": st.text(min_size=1, max_size=80), "date": st.sampled_from(["2021-03-19", ""])},
    optional={key: values for key in KEYS if key not in ("title", "date")},
)
front_matters = (
    (posts | mappings).map(lambda data: yaml.safe_dump(data, allow_unicode=True))
    | st.text(max_size=300)  # arbitrary YAML-ish text
    | st.builds(
        lambda tag, key: f"title: ok\ndate: 2021-03-19\n{key}: {tag}\n",
        st.sampled_from(YAML_TAGS),
        st.sampled_from(KEYS),
    )  # fmt: skip
)
bodies = st.text(max_size=200) | st.sampled_from(
    [f"![x]({path})\n\n[l]: {path}\n<img src='{path}'>" for path in HOSTILE_PATHS[:16]]
)
names = st.sampled_from(["a", "b", "c", "d.markdown", "e.txt", "é", "x" * 200])
files = st.lists(st.tuples(names, front_matters, bodies), min_size=1, max_size=4)
authors = st.lists(st.tuples(st.sampled_from(["ann", "bo"]), front_matters), max_size=2)


def png_bytes(color):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, "PNG")
    return buffer.getvalue()


class Reads:
    """Records every file opened for reading while the importer runs."""

    def __init__(self, monkeypatch):
        self.paths = []
        real_open = io.open

        def recording_open(file, mode="r", *args, **kwargs):
            if isinstance(file, str | bytes | os.PathLike) and not set(mode) & set("wax+"):
                self.paths.append(Path(os.fsdecode(file)))
            return real_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(io, "open", recording_open)
        monkeypatch.setattr(builtins, "open", recording_open)


@pytest.fixture
def arena(tmp_path):
    """A folder holding the secrets; each example builds its site root inside it."""
    (tmp_path / "secret.md").write_text(
        f"---\ntitle: {SECRET}\ndate: 2020-01-01\ntemplate: post\n---\n{SECRET}\n"
    )
    (tmp_path / "secret.png").write_bytes(png_bytes((1, 2, 3)))
    return tmp_path


def build_site(arena, files, authors, n):
    root = arena / f"site{n}"
    for folder in ("src/pages/blog", "src/data/authors", "src/data/tags", "static/images"):
        (root / folder).mkdir(parents=True)
    (root / "static/images/photo.jpg").write_bytes(png_bytes((9, 9, 9)))
    links = {
        "static/images/link-to-secret.png": arena / "secret.png",
        "static/link-to-secret": arena / "secret.md",
        "src/pages/blog/link-to-secret.md": arena / "secret.md",
        "src/data/authors/link-to-secret.yaml": arena / "secret.md",
        "src/data/tags/link-to-secret.yaml": arena / "secret.md",
        "static/images/loop.jpg": root / "static/images/loop.jpg",
    }
    for link, target in links.items():
        (root / link).symlink_to(target)
    outside = str(arena).lstrip("/")
    for index, (name, meta, body) in enumerate(files):
        stem, dot, suffix = name.partition(".")
        path = root / f"src/pages/blog/{stem}{index}.{suffix if dot else 'md'}"
        text = f"---\n{meta.replace('{outside}', outside)}\n---\n{body}"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
    for name, meta in authors:
        (root / f"src/data/authors/{name}.yaml").write_text(meta, errors="surrogatepass")
    return root


def database_dump():
    objects = [
        *Post.objects.all(),
        *Author.objects.all(),
        *Tag.objects.all(),
        *PostRevision.objects.all(),
    ]
    return serializers.serialize("json", objects)


examples = iter(range(10**9))


@given(files=files, authors=authors)
def test_the_importer_cannot_be_turned_against_the_server(
    arena, media_root, monkeypatch, files, authors
):
    Post.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()
    root = build_site(arena, files, authors, next(examples))
    sources = sorted(
        p.relative_to(root).as_posix()
        for p in (root / "src/pages/blog").iterdir()
        if p.is_file() or p.is_symlink()
    )

    with monkeypatch.context() as patch:
        reads = Reads(patch)
        result = import_site(root)  # returns: nothing escapes as an exception

    # Nothing beside the root was opened; neither secret reached the database or media.
    beside_root = [p for p in reads.paths if p.is_relative_to(arena) and not _inside(p, root)]
    assert beside_root == []
    assert SECRET not in database_dump()
    secret_png = (arena / "secret.png").read_bytes()
    stored = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
    assert all(p.read_bytes() != secret_png for p in stored)
    assert not list(arena.rglob(EXECUTED))

    # One report per post file, and a reason for every error.
    post_reports = {r.path: r for r in result.reports if r.kind == "post"}
    assert sorted(post_reports) == sources
    assert all(r.detail for r in result.reports if r.action == Action.ERROR)
    # ...its own reason: not the safety net that turns a crash into "unexpected TypeError".
    assert [r.detail for r in result.reports if r.detail.startswith("unexpected ")] == []
    assert json.dumps(result.counts())

    # No half-written post: each stored post is what its file says; errors left nothing.
    for post in Post.objects.all():
        report = post_reports[post.source_path]
        assert report.action == Action.CREATED
        meta_text, body, _ = split((root / post.source_path).read_text("utf-8-sig"))
        assert post.title == " ".join(str(load_yaml(meta_text)["title"]).split())
        assert post.revisions.count() == 1
    created = {path for path, r in post_reports.items() if r.action == Action.CREATED}
    assert created == set(Post.objects.values_list("source_path", flat=True))


def _inside(path, root):
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False
