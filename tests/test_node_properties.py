"""Property-based: the Astro and Gatsby starter dialects' parsers -- the tolerant
JavaScript literal reader above all, the MDX converter, the CMS configuration readers
and the dialects' front-matter readers -- fed generated input, never raise anything but
a per-file ImportFileError (the literal reader: nothing at all, only reported
problems), and what they produce renders with no script, event handler, dangerous URL
or JSX component (tests/html_safety.py)."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blog.importing import records
from blog.importing.dialects import cms, jsliteral, mdx
from blog.importing.errors import ImportFileError
from blog.importing.paths import Site
from folio.rendering import render_markdown
from tests import html_safety, node_sites
from tests.test_jekyll_properties import EXAMPLES, HOSTILE, values, words

# -- the literal reader ----------------------------------------------------------------

js_tokens = st.sampled_from(
    [
        "{", "}", "[", "]", "(", ")", ",", ":", ";", "'", '"', "`", "${", "...", "//", "/*",
        "*/", "\n", "\\", "=>", "a", "site", "base", "'/x'", '"https://e.org"', "`t`",
        "`${x}`", "1e400", "0x1F", "-2.5", "true", "null", "undefined", "mdx()",
        "process.env.X", "defineConfig(", "export default ", "module.exports = ",
        "export const SITE_TITLE = ", "const config = ", "é—字", "</script>",
    ]
)  # fmt: skip
js_sources = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(js_tokens, words), max_size=40).map("".join),
    st.lists(st.one_of(js_tokens, words), max_size=40).map(
        lambda parts: "export default defineConfig({" + " ".join(parts)
    ),
)


def _plain_or_unread(value, depth=0):
    assert depth < 100
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value)
        return all(_plain_or_unread(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return all(_plain_or_unread(v, depth + 1) for v in value)
    return value is None or isinstance(value, str | int | float | bool | jsliteral.Unread)


@EXAMPLES
@given(text=js_sources)
def test_the_literal_reader_never_raises_and_reads_only_data(text):
    config, problems = jsliteral.exported_object(text)
    assert isinstance(config, dict) and _plain_or_unread(config)
    assert all(isinstance(problem, str) for problem in problems)
    assert _plain_or_unread(jsliteral.constants(text))
    found = []
    for path in ("site", "base", "siteMetadata.title", "build.format"):
        value = jsliteral.get(config, path, found, "astro.config.mjs")
        assert value is None or isinstance(value, str)
    assert all(problem.startswith("astro.config.mjs: ") for problem in found)


@EXAMPLES
@given(value=values)
def test_literal_data_written_as_javascript_reads_back(value):
    import json

    written = json.dumps({"key": value}, ensure_ascii=False)
    config, problems = jsliteral.exported_object(f"export default defineConfig({written});")
    assert problems == [] and config == json.loads(written)


# -- MDX -------------------------------------------------------------------------------

mdx_tokens = st.sampled_from(
    [
        "import X from 'y';", "import {\n  A,\n} from 'b'", "export const a = 1;",
        "export default function Layout() {}", "<YouTube id=\"x\" />", "<Card title='t'>",
        "</Card>", "<Foo.Bar />", "<Card\n  a=\"1\"\n>", "{year}", "{/* note */}",
        "```", "```js", "~~~", "`", "    indented", "<div onclick=alert(1)>", "<script>",
        "\n", "\n\n", "# Heading", "[l](javascript:alert(1))", "<img src=x onerror=y>",
    ]
)  # fmt: skip
mdx_bodies = st.lists(st.one_of(mdx_tokens, words), max_size=16).map(" ".join)


@EXAMPLES
@given(body=mdx_bodies, line=st.integers(min_value=1, max_value=500))
def test_mdx_converts_to_safe_markdown_with_numbered_warnings(body, line):
    converted, warnings = mdx.convert(body, line)
    assert all(re.match(r"line \d+: ", warning) for warning in warnings)
    html = render_markdown(converted)
    assert html_safety.problems(html) == []
    outside_code = re.sub(r"(?s)<(pre|code)\b.*?</\1>", "", html)
    assert not re.search(r"<[A-Z][\w.]*[\s/>]", outside_code)


# -- CMS configurations -----------------------------------------------------------------

cms_files = st.sampled_from(
    ["admin/config.yml", "static/admin/config.yml", ".forestry/settings.yml", "tina/config.ts"]
)
yaml_lines = st.lists(
    st.sampled_from(
        [
            "collections:", "  - name: posts", "    folder: content/articles", "    folder: ../x",
            "    fields:", "      - {name: published_on, widget: datetime}",
            "      - {name: x, widget: image}", "sections:", "  - type: directory",
            "    path: content/articles", "    templates: [post, ../../etc]", "collections: 7",
            "- [", "  :", "\t", "é: 字",
        ]
    )
    | words,
    max_size=12,
).map("\n".join)  # fmt: skip


@EXAMPLES
@given(name=cms_files, text=st.one_of(yaml_lines, js_sources))
def test_a_cms_configuration_is_read_or_reported(tmp_path_factory, name, text):
    root = tmp_path_factory.mktemp("cms")
    node_sites.write(root, "content/articles/a.md", "x")
    node_sites.write(root, name, text)
    found = cms.read(Site(root, root, root, root))
    assert found.kind
    assert all(isinstance(problem, str) for problem in found.problems)
    folder = found.folder_for(root)
    assert folder is None or (root / folder).resolve().is_relative_to(root)
    assert isinstance(found.remap({"published_on": "2020-01-01"}), dict)


# -- the dialects' front matter ----------------------------------------------------------


@pytest.fixture(scope="module")
def astro(tmp_path_factory):
    root = tmp_path_factory.mktemp("astro")
    node_sites.astro_site(root)
    return Site.at(root)


@pytest.fixture(scope="module")
def gatsby(tmp_path_factory):
    root = tmp_path_factory.mktemp("gatsby")
    node_sites.gatsby_site(root)
    return Site.at(root)


keys = st.sampled_from(
    ["title", "description", "pubDate", "date", "updatedDate", "heroImage", "draft", "tags",
     "slug", "author", "published_on", "keywords", "picture", "image"]
)  # fmt: skip
dates = st.sampled_from(["Jul 08 2022", "2022-06-01T09:00:00+02:00", "2021-02-30", "x", ""])
valid_dates = st.sampled_from(["Jul 08 2022", "2022-06-01T09:00:00+02:00", "2020-01-01"])
fronts = st.builds(
    lambda meta, when: {"pubDate": when, "published_on": when, "title": "T", **meta},
    st.dictionaries(keys, st.one_of(values, dates), max_size=6),
    valid_dates,
)
sources = st.sampled_from(
    ["src/content/blog/a.md", "src/content/blog/B c/Index.mdx", "content/articles/x/index.md"]
)
parsed = []


@EXAMPLES
@given(meta=fronts, body=st.one_of(mdx_bodies, st.sampled_from(HOSTILE)), source=sources)
def test_generated_front_matter_is_a_post_or_one_error(astro, gatsby, meta, body, source):
    for site in (astro, gatsby):
        try:
            post = site.dialect.read_post(site, source, dict(meta), body)
            record = records.parse_post(site, Path(source), post.meta, post.body, slug=post.slug)
        except ImportFileError:
            continue
        parsed.append(source)
        assert all(old.startswith("/") for old, _ in post.addresses)
        html = render_markdown(record.body)
        assert html_safety.problems(html) == []
        if source.endswith(".mdx"):
            outside_code = re.sub(r"(?s)<(pre|code)\b.*?</\1>", "", html)
            assert not re.search(r"<[A-Z][\w.]*[\s/>]", outside_code)


def test_some_generated_front_matter_became_posts():
    assert len(parsed) > 10
