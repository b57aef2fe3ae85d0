"""Property-based: the Jekyll dialect's converter and parsers, fed generated Liquid and
front matter, never raise anything but a per-file ImportFileError, and what they produce
renders with no script, event handler or dangerous URL (tests/html_safety.py)."""

import datetime
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.importing import records
from blog.importing.dialects import liquid
from blog.importing.errors import ImportFileError
from blog.importing.paths import Site
from folio.rendering import render_markdown
from tests import html_safety
from tests.jekyll_sites import site as jekyll_site

#: ``HYPOTHESIS_PROFILE=long`` runs many more examples than CI does.
EXAMPLES = settings(
    max_examples=3000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    ") onerror=alert(1) (",
    "`",
    "```",
    "{%",
    "%}",
    "{{",
    "}}",
    "\n",
    "é—字",
]
words = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
quoted = words.map(lambda w: '"' + w.replace('"', "") + '"')
tag_names = st.sampled_from(
    [
        "highlight",
        "endhighlight",
        "raw",
        "endraw",
        "comment",
        "endcomment",
        "post_url",
        "link",
        "include",
        "assign",
        "if",
        "endif",
        "for",
        "capture",
    ]
)
include_names = st.sampled_from(["image.html", "figure.html", "youtube.html", "video.html", "x"])
tags = st.one_of(
    st.builds(lambda n, a: f"{{% {n} {a} %}}", tag_names, words),
    st.builds(
        lambda n, k, v: f"{{% include {n} {k}={v} alt={v} %}}",
        include_names,
        st.sampled_from(["url", "src", "id", "file"]),
        quoted,
    ),
    st.builds(lambda w: f"{{{{ {w} }}}}", words),
    st.builds(
        lambda w, f: f"{{{{ {w} | {f} }}}}",
        quoted,
        st.sampled_from(["relative_url", "absolute_url", "append: site.baseurl", "date"]),
    ),
    st.sampled_from(["{{ site.baseurl }}", "{{ site.title }}", "{{ page.title }}"]),
)
bodies = st.lists(st.one_of(tags, words), max_size=12).map(" ".join)


def _resolve(kind, target):
    return "/blog/x/" if target.startswith("2020") else None


@EXAMPLES
@given(body=bodies)
def test_converted_liquid_renders_safely(body):
    values = {"site.title": '<script>alert("t")</script>', "page.title": "é", "site.baseurl": ""}
    converted, warnings = liquid.convert(body, _resolve, values)
    assert all(warning.startswith("line ") for warning in warnings)
    assert html_safety.problems(render_markdown(converted)) == []


@pytest.fixture(scope="module")
def jekyll(tmp_path_factory):
    root = tmp_path_factory.mktemp("jekyll")
    jekyll_site(root)
    return Site.at(root)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    words,
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(["2021-03-14 23:30:00 -0500", "2021-02-30", "2021-03-14T25:00", "pretty"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=8,
)
keys = st.sampled_from(
    ["title", "date", "slug", "categories", "category", "tags", "tag", "published", "author",
     "permalink", "redirect_from", "redirect_to", "excerpt", "excerpt_separator", "image"]
)  # fmt: skip
names = st.sampled_from(
    ["_posts/2021-03-14-a.md", "_posts/x.md", "travel/_posts/2020-01-01-b.html", "_drafts/c.md"]
)


parsed = []  # (sources that became posts: the test is not all errors)


@EXAMPLES
@given(meta=st.dictionaries(keys, values, max_size=8), body=bodies, source=names)
def test_generated_front_matter_is_a_post_or_one_error(jekyll, meta, body, source):
    dialect = jekyll.dialect
    try:
        post = dialect.read_post(jekyll, source, dict(meta), body)
        if post.skip:
            return
        record = records.parse_post(jekyll, Path(source), post.meta, post.body, slug=post.slug)
    except ImportFileError:
        return
    parsed.append(source)
    for old, _ in post.addresses:
        assert old.startswith("/")
    assert html_safety.problems(render_markdown(record.body)) == []
    page = dialect.read_page(jekyll, "about.md", dict(meta), body)
    assert html_safety.problems(render_markdown(page.body)) == []


def test_some_generated_front_matter_became_posts():
    assert len(parsed) > 10
