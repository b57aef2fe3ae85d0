"""Rendering cost stays linear: nesting is bounded before the sanitizer parses it.

html5ever (inside nh3) walks its stack of open elements for most tags, so HTML nested
N deep costs N² to sanitize; 290 KB of ``>`` took 100 s. These tests check structure,
not time: what reaches the sanitizer never nests deeper than a bound, whatever the
input, and content under the bound is untouched (bench/render_linear.py has the
timings).
"""

import re

import nh3
import pyromark
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from folio.nesting import MAX_DEPTH, limit_nesting
from folio.rendering import _MARKDOWN_OPTIONS, render_markdown

_VOID = {"br", "hr", "img", "input", "col", "wbr", "area", "embed", "source", "track"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")


def depth(serialized_html):
    """How deeply the elements of well-formed, serialized HTML nest."""
    deepest = current = 0
    for closing, name in _TAG.findall(serialized_html):
        if name.lower() in _VOID:
            continue
        current += -1 if closing else 1
        deepest = max(deepest, current)
    return deepest


# Every element the soup below uses, kept, so the depth measured is the parser's.
_SOUP_TAGS = {
    "a", "b", "blockquote", "button", "dd", "div", "dl", "dt", "em", "font", "h1", "h2",
    "i", "li", "ol", "option", "p", "pre", "section", "select", "span", "table", "tbody",
    "td", "th", "tr", "u", "ul", "code", "nobr", "template", "article", "caption",
}  # fmt: skip
# Elements whose text is serialized unescaped stay out: it would read as tags.
_RAW_TEXT = ["textarea", "title", "iframe", "xmp", "noscript"]
_parse_everything = nh3.Cleaner(tags=_SOUP_TAGS, attributes={}, clean_content_tags=set())


def parsed_depth(html):
    return depth(_parse_everything.clean(html))


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(">" * 1000, id="blockquotes"),
        pytest.param("> " * 1000 + "words", id="blockquotes-spaced"),
        pytest.param("- " * 1000 + "words", id="lists"),
        pytest.param("1. " * 1000 + "words", id="ordered-lists"),
        pytest.param("> - " * 1000 + "words", id="quoted-lists"),
        pytest.param("<div>" * 2000 + "words", id="raw-divs"),
        pytest.param("<h1><div>" * 1000 + "words", id="headings-in-divs"),
        pytest.param("".join(f"<b title={i}>" for i in range(2000)) + "\n\nwords", id="open-b"),
        pytest.param("".join(f"<p><b title={i}>x</p>" for i in range(2000)), id="p-open-b"),
        pytest.param(
            "".join(f"<blockquote><b title={i}></blockquote>x" for i in range(2000)),
            id="blockquote-open-b",
        ),
        pytest.param("<div><!--</div>-->" * 2000, id="end-tags-in-comments"),
        pytest.param("<div title='</div>'>" * 2000, id="end-tags-in-attributes"),
        pytest.param("<div><textarea></div></textarea>" * 2000, id="end-tags-in-raw-text"),
        pytest.param("<div><table></div>" * 2000, id="end-tags-out-of-scope"),
        pytest.param("<span><div></span>" * 2000, id="end-tags-blocked"),
        pytest.param("<b><div></b>" * 2000, id="misnested-formatting"),
    ],
)
def test_deep_markup_reaches_the_sanitizer_shallow(source):
    html = limit_nesting(pyromark.html(source, options=_MARKDOWN_OPTIONS))
    # Tables add an implied <tbody><tr>, formatting is reopened after blocks: the
    # parser's depth may exceed the limit by those, never by the input's depth.
    assert parsed_depth(html) <= 3 * MAX_DEPTH
    rendered = render_markdown(source)
    assert depth(rendered) <= 3 * MAX_DEPTH
    if "words" in source:
        assert "words" in rendered  # flattened, not dropped


def test_deep_quotes_keep_the_limit_and_their_text():
    rendered = render_markdown("> " * 100 + "the deepest words")
    assert rendered.count("<blockquote>") == MAX_DEPTH
    assert depth(rendered) == MAX_DEPTH  # the paragraph would be one more: unwrapped
    assert "the deepest words" in rendered


def test_a_290_kb_body_of_quote_markers_renders_bounded():
    """The review's import: 290 KB of '>' (it took 100 s to sanitize)."""
    rendered = render_markdown(">" * 290_000)
    assert rendered.count("<blockquote>") == MAX_DEPTH
    assert depth(rendered) == MAX_DEPTH


def test_nesting_within_the_limit_is_untouched():
    source = (
        "> quote\n>\n> - item\n>   - nested item\n>     > deeper quote with **bold**\n\n"
        '<div class="a"><!-- <div> --><section><p>raw <em>html</em></p></section></div>\n\n'
        '<textarea><div></textarea> <span title="</span>">x</span>\n\n'
        "```python\nprint('<div>')\n```\n"
    )
    html = pyromark.html(source, options=_MARKDOWN_OPTIONS)
    assert limit_nesting(html) == html
    nested = "<div>" * MAX_DEPTH + "x" + "</div>" * MAX_DEPTH
    assert limit_nesting(nested) == nested


def test_an_unclosed_code_tag_in_raw_html_does_not_swallow_the_next_code_block():
    source = 'Raw <code>x</code><pre><code class="language-python">y\n\n```python\nx = 1\n```\n'
    rendered = render_markdown(source)
    assert "&lt;pre&gt;" not in rendered
    assert '<pre class="highlight"><code class="language-python">' in rendered


_PIECES = [
    *(f"<{name}>" for name in sorted(_SOUP_TAGS)),
    *(f"</{name}>" for name in sorted(_SOUP_TAGS)),
    *(f"<{name}>" for name in _RAW_TEXT),
    *(f"</{name}>" for name in _RAW_TEXT),
    "<svg>", "</svg>", "<math>", "<mtext>", "<foreignObject>", "<style>", "</style>",
    "<script>", "</script>", "<!--", "-->", "<!-->", "<![CDATA[", "]]>", "<?", "<!x",
    '<div title=">">', "<div title='</div>'>", "<b title=x>", "<a href=y>", "<br/>",
    "<div/>", "x", " ", '"', "'", ">", "<", "</", "\n\n", "<p", "=",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    unit=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6),
    prefix=st.lists(st.sampled_from(_PIECES), max_size=10),
)
def test_no_repeated_tag_soup_nests_past_the_bound(unit, prefix):
    """Whatever a unit of tags does, repeating it cannot deepen the parse without end.

    A small limit makes a miscount show: the parser's depth may exceed it by the
    implied and reopened elements (a small factor), never by the repeat count.
    """
    html = "".join(prefix) + "".join(unit) * 200
    assert parsed_depth(limit_nesting(html, max_depth=4)) <= 16
