"""Property-based tests of the Hugo rules: whatever shortcodes and front matter a file
holds, reading it ends in a result or in a reported per-file error (ImportFileError),
never another exception; and what the body converter makes, once rendered, carries no
script, no event handler and no dangerous URL."""

import datetime
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.importing import frontmatter
from blog.importing.errors import ImportFileError
from blog.importing.hugo import config as hugo_config
from blog.importing.hugo import content, shortcodes
from folio.rendering import render_markdown
from tests import html_safety

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "{{<", "{{%", ">}}", "%}}", "/>}}", "{{</*", "*/>}}", "/", "*", '"', "'", "`", " ", "\n",
    "\n\n", "```", "~~~", "figure", "youtube", "vimeo", "gist", "tweet", "x", "instagram",
    "highlight", "/highlight", "ref", "relref", "notice", "src=", "alt=", "link=",
    "caption=", "title=", "id=", "user=", "width=", "javascript:alert(1)",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "onload=alert(1)",
    '" onmouseover="alert(1)', "data:text/html,<script>x</script>", "<iframe src=//e.org>",
    "<svg onload=alert(1)>", "[a](", ")", "![i](", "cat.jpg", "w7Ft2ymGmfc", "1234567",
    "é", "Привет", "中文", "<", ">", "&", "=", "\\", "#", "-", "<!--more-->",
]  # fmt: skip
bodies = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=40).map("".join)


@PROPERTY
@given(body=bodies)
def test_converted_shortcodes_never_carry_script(body):
    done = shortcodes.convert(
        body, first_line=3, resolve_ref=lambda target: "/blog/x/" if "x" in target else None
    )
    assert all(problem.startswith("line ") for problem in done.problems)
    html = render_markdown(done.text)
    assert not html_safety.problems(html), (body, html)


scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30)
)
values = st.recursive(
    scalars
    | st.sampled_from(
        ["2021-12-31T20:00:00", "2021-02-30", "0001-01-01", "9999-12-31T23:59:59-12:00", "now"]
    ),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = [
    "title", "Title", "date", "publishDate", "pubdate", "published", "expiryDate",
    "unpublishdate", "lastmod", "modified", "draft", "slug", "url", "aliases", "summary",
    "description", "tags", "categories", "headless", "build", "_build", "image", "cover",
    "images",
]  # fmt: skip
metas = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values, max_size=10)
places = st.sampled_from(
    ["posts/a.md", "posts/b/index.md", "posts/_index.md", "_index.md", "about.md",
     "docs/x/y.md", "notes/2020-01-02-n.md", "posts/Été Ü.md"]
)  # fmt: skip
configs = st.sampled_from(
    [
        "",
        'timeZone = "Asia/Tokyo"\n[permalinks]\nposts = "/:year/:month/:day/:slug/"\n',
        'uglyURLs = true\nbaseURL = "https://e.org/sub/"\n'
        '[permalinks.page]\nposts = "/:sections[1:]/:title"\n',
        '[frontmatter]\ndate = [":filename", ":default"]\n[taxonomies]\ntag = "tags"\n',
    ]
)


@PROPERTY
@given(meta=metas, relative=places, configuration=configs, body=bodies)
def test_any_front_matter_is_read_or_refused_with_a_reason(meta, relative, configuration, body):
    config, problems = hugo_config.parse([("hugo.toml", configuration.encode())])
    assert not problems
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    try:
        found = content.read_item(
            config, f"content/{relative}", relative, meta, body, {"posts"}, now
        )
    except ImportFileError as exc:
        assert str(exc)
        return
    assert found.kind in {"post", "page", "skipped"}
    assert all(path.startswith("/") for path, _ in found.old_paths)
    if found.kind == "post":
        assert found.slug and "/" not in found.slug and found.publish_at.tzinfo


@PROPERTY
@given(
    delimiter=st.sampled_from(["+++", "---", "{", ""]),
    inside=st.lists(
        st.sampled_from(
            [
                'title = "x"',
                "title: x",
                '"a": 1',
                "[t]",
                "a = [",
                "}",
                "{",
                "&a [*a]",
                "!!python/object:os.system",
                "x = 1979-05-27T07:32:00Z",
                "+++",
                "---",
            ]
        )
        | st.text(max_size=10),
        max_size=8,
    ).map("\n".join),
    body=bodies,
)
def test_any_front_matter_text_parses_or_is_refused_with_a_reason(delimiter, inside, body):
    closing = {"{": "}", "": ""}.get(delimiter, delimiter)
    text = f"{delimiter}\n{inside}\n{closing}\n{body}"
    try:
        meta, found = frontmatter.read(text)
    except ImportFileError as exc:
        assert str(exc)
        return
    assert isinstance(meta, dict) and found.format in {"toml", "yaml", "json"}
    json.dumps(meta)  # plain data, as the database stores it
