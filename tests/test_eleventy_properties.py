"""Property-based: the Eleventy dialect's parsers -- the JavaScript literal reader, the
data cascade, permalinks, dates, Nunjucks bodies -- fed generated input, never raise
anything but a per-file ImportFileError, and what they produce renders with no script,
event handler or dangerous URL (tests/html_safety.py)."""

import datetime
import json
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blog.importing import records
from blog.importing.dialects import eleventy, jsliteral, liquid
from blog.importing.errors import ImportFileError
from blog.importing.paths import Site
from folio.rendering import render_markdown
from tests import html_safety
from tests.eleventy_sites import site as eleventy_site
from tests.test_jekyll_properties import EXAMPLES, HOSTILE, bodies, quoted, values, words

js_pieces = st.sampled_from(
    ["{", "}", "[", "]", "(", ")", ",", ":", ";", "=>", "`", "${", "'", '"', "//", "/*", "*/",
     "module.exports =", "export default", "return", "function", "...", "\\", "\n", "0x1f",
     "-1.5e3", "true", "null", "process.env.X", "input", "dir", "const D =", "async"]
)  # fmt: skip
js_text = st.lists(st.one_of(js_pieces, words), max_size=30).map(" ".join)
js_literals = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@EXAMPLES
@given(text=js_text)
def test_the_literal_reader_never_raises_on_any_javascript(text):
    for value in (jsliteral.parse(text), jsliteral.exported(text)):
        assert value is None or jsliteral.is_unread(value) or jsliteral.plain(value) is not None
    for _, value in jsliteral.value_of_key(text, "dir"):
        jsliteral.unread_keys(value)


@EXAMPLES
@given(value=js_literals)
def test_a_json_literal_reads_back_as_itself(value):
    text = "module.exports = " + json.dumps(value, ensure_ascii=False) + ";"
    assert jsliteral.exported(text) == value


nunjucks = st.one_of(
    bodies,
    st.builds(lambda w: f"{{# {w} #}}", words),
    st.builds(lambda s, a: f"{{% image {s}, {a} %}}", quoted, quoted),
    st.builds(lambda lang, w: f"{{% highlight {lang} %}}{w}{{% endhighlight %}}", quoted, words),
    st.builds(lambda w: f"{{{{ {w} | url }}}}", quoted),
)


@EXAMPLES
@given(body=st.lists(nunjucks, max_size=6).map(" ".join))
def test_converted_nunjucks_renders_safely(body):
    values = {"metadata.title": "<script>alert(1)</script>", "title": "é"}
    converted, warnings = liquid.convert(
        body, lambda kind, target: None, values, syntax="Nunjucks", eleventy=True
    )
    assert all(warning.startswith("line ") for warning in warnings)
    assert html_safety.problems(render_markdown(converted)) == []


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("eleventy")
    eleventy_site(root)
    return Site.at(root)


permalinks = st.one_of(
    words,
    st.booleans(),
    st.sampled_from(
        ["/{{ page.fileSlug }}/", "{{ title | slugify }}.html", "/{{ page.date | date: '%Y' }}/",
         "/{{ page.date | date('yyyy/LL') }}/{{ page.fileSlug }}/", "/{{ nope | x }}/",
         "/{% if x %}a{% endif %}/", "/{{ title }}/index.html", "//evil.example/"]
    ),
    st.builds(lambda w: f"/{{{{ '{w}' | slug }}}}/", words),
)  # fmt: skip
keys = st.sampled_from(
    ["title", "date", "tags", "draft", "permalink", "eleventyExcludeFromCollections", "author",
     "description", "slug", "layout", "image"]
)  # fmt: skip
names = st.sampled_from(
    ["src/posts/2021-03-14-a.md", "src/posts/b.md", "src/notes/index.md", "src/posts/c/c.md"]
)
parsed = []


@EXAMPLES
@given(
    meta=st.dictionaries(keys, values, max_size=8),
    permalink=permalinks,
    body=st.lists(nunjucks, max_size=4).map(" ".join),
    source=names,
)
def test_generated_front_matter_is_a_post_or_one_error(site, meta, permalink, body, source):
    dialect = site.dialect
    meta = {**meta, "permalink": permalink}
    try:
        post = dialect.read_post(site, source, dict(meta), body)
        record = records.parse_post(site, Path(source), post.meta, post.body, slug=post.slug)
    except ImportFileError:
        return
    parsed.append(source)
    for old, _ in post.addresses:
        assert old.startswith("/") and not old.startswith("//")
    assert html_safety.problems(render_markdown(record.body)) == []
    page = dialect.read_page(site, "src/about.md", dict(meta), body)
    assert page.address.startswith("/") and not page.address.startswith("//")
    assert html_safety.problems(render_markdown(page.body)) == []


def test_some_generated_front_matter_became_posts():
    assert len(parsed) > 10


@EXAMPLES
@given(text=st.one_of(words, st.text(max_size=30)))
def test_slugs_are_url_safe(text):
    assert set(eleventy.eleventy_slug(text)) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


@EXAMPLES
@given(written=permalinks.filter(lambda p: isinstance(p, str)), title=words)
def test_a_permalink_is_a_path_or_a_reason(site, written, title):
    when = datetime.datetime(2021, 3, 14, 23, 30, tzinfo=datetime.UTC)
    url, problem = site.dialect.render_permalink(
        written, {"title": title}, PurePosixPath("posts/x.md"), when
    )
    assert (url is None) != (problem is None)
    assert url is None or (url.startswith("/") and not url.startswith("//"))


def test_hostile_values_stay_text():
    assert "<" not in eleventy.eleventy_slug(HOSTILE[0])
