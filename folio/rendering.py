"""The one pipeline that turns markdown into HTML.

Everything that displays markdown goes through :func:`render_markdown`: post bodies
and excerpts on save, author bios, the importer, and the admin's live preview
(``blog.views.editor_markdownify``; ``MARKDOWNX_MARKDOWNIFY_FUNCTION`` names it too).
The sanitizer is the last step of the pipeline, so nothing rendered here can carry
script, event handlers or dangerous URLs, whatever the markdown or its raw HTML contains.

pulldown-cmark (through pyromark) does the markdown; it is ~100x faster than a
pure-Python renderer, which is what lets an import of 10,000 posts finish in seconds.
Before the sanitizer, :func:`folio.nesting.limit_nesting` unwraps whatever nests
deeper than 32 elements: the sanitizer's parser costs time in proportion to depth
for each tag, so without it deep quotes or lists made rendering quadratic.

TeX math (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) passes through as
``<span class="math …">`` holding the TeX as written (:mod:`folio.texmath`); the
sanitizer lets those spans and their class through like any other span.
"""

import html
import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urljoin

import nh3
import pyromark
from django.utils.text import slugify
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from folio import texmath
from folio.nesting import limit_nesting

_MARKDOWN_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_MATH
)

# The allow-list. Anything not named here is dropped (tags keep their text, except
# script/style, whose content goes too). URLs may only be http(s), mailto or relative.
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
    "u", "ul", "var",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "code": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "div": {"class"},
    "sup": {"class", "id"},
    "li": {"id"},
    "section": {"class"},
}
# Task-list checkboxes are the only inputs that survive, and they are inert.
_TAG_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}, "checked": {""}, "disabled": {""}}}

_cleaner = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=_ALLOWED_ATTRIBUTES,
    tag_attribute_values=_TAG_ATTRIBUTE_VALUES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
)

# nh3 restricts an <input>'s attribute values but cannot require one, so an <input>
# whose type was dropped would survive as a text box: only task-list checkboxes stay.
_NON_CHECKBOX_INPUT = re.compile(r'<input\b(?![^>]*\btype="checkbox")[^>]*>')
# pulldown-cmark escapes every "<" inside a code block, so its content is [^<]*: an
# unclosed <pre><code> written as raw HTML then costs one scan, not one to the end each.
_CODE_BLOCK = re.compile(r'<pre><code class="language-([\w+#.-]+)">([^<]*)</code></pre>')
_BARE_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")

_formatter = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=64)
def _lexer(language):
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


def _highlight(match):
    language, escaped_code = match.group(1), match.group(2)
    lexer = _lexer(language.lower())
    if lexer is None:
        return match.group(0)
    code = highlight(html.unescape(escaped_code), lexer, _formatter)
    return f'<pre class="highlight"><code class="language-{language}">{code}</code></pre>'


def _add_heading_ids(sanitized_html):
    """Give every heading a stable, unique id derived from its text.

    Runs after the sanitizer (which drops any id the author wrote), so the only ids
    in the output are these slugs.
    """
    seen = {}

    def add_id(match):
        level, inner = match.groups()
        base = slugify(html_to_text(inner)) or "section"
        count = seen.get(base, 0)
        seen[base] = count + 1
        anchor = base if count == 0 else f"{base}-{count + 1}"
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return _BARE_HEADING.sub(add_id, sanitized_html)


def render_markdown(text: str) -> str:
    """Markdown (with raw HTML) to sanitized HTML, with heading ids, highlighted code
    and math kept as TeX in ``<span class="math math-inline|math-display">``."""
    if not text:
        return ""
    rendered = pyromark.html(text, options=_MARKDOWN_OPTIONS)
    if texmath.needs_protection(text, rendered):
        protected = texmath.protect(text, _MARKDOWN_OPTIONS)
        rendered = pyromark.html(protected.text, options=_MARKDOWN_OPTIONS)
        rendered = protected.restore(texmath.unmath_prices(rendered))
    rendered = limit_nesting(rendered)
    if "<pre><code class=" in rendered:
        rendered = _CODE_BLOCK.sub(_highlight, rendered)
    sanitized = _cleaner.clean(rendered)
    if "<input" in sanitized:
        sanitized = _NON_CHECKBOX_INPUT.sub("", sanitized)
    return _add_heading_ids(sanitized)


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace folded."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def headings(rendered_html: str) -> list[dict]:
    """The (level, id, text) of each heading that render_markdown gave an id."""
    return [
        {"level": int(level), "id": anchor, "text": html_to_text(inner)}
        for level, anchor, inner in re.findall(
            r'<h([1-6]) id="([^"]+)">(.*?)</h\1>', rendered_html, re.S
        )
    ]


# A start tag whose attribute values are double-quoted (as the sanitizer writes them).
_START_TAG = re.compile(r'<[a-zA-Z][^>"]*(?:"[^"]*"[^>"]*)*>')
_URL_ATTRIBUTE = re.compile(r'\s(src|href)="([^"]*)"')


def absolutize_urls(rendered_html: str, base_url: str) -> str:
    """Resolve every src/href in sanitized HTML against ``base_url``, as a browser would.

    For HTML shown away from the site (feeds): ``/images/x.jpg`` and ``#note`` must
    become full URLs there. Relies on the sanitizer's output quoting every attribute
    with double quotes.
    """

    def resolve(match):
        attribute, url = match.groups()
        absolute = urljoin(base_url, html.unescape(url))
        return f' {attribute}="{html.escape(absolute, quote=True)}"'

    return _START_TAG.sub(lambda tag: _URL_ATTRIBUTE.sub(resolve, tag.group(0)), rendered_html)


class FoundLink(NamedTuple):
    """A link or an image in rendered HTML: its URL as written, and what a reader sees
    of it (a link's text; an image's alt text)."""

    url: str
    text: str
    image: bool


_LINK = re.compile(r'<a\s((?:[^>"]|"[^"]*")*)>(.*?)</a>|<img\s((?:[^>"]|"[^"]*")*)>', re.S)
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def links_in(rendered_html: str) -> list[FoundLink]:
    """Every ``<a href>`` and ``<img src>`` of sanitized HTML, in document order.

    Like :func:`absolutize_urls`, it relies on the sanitizer's output (double-quoted
    attributes, no ``srcset``: the allow-list has none): a regular expression reads a
    10 kB body in 0.04 ms, where ``html.parser`` takes 1.2 ms, which is what lets the
    link check (linkcheck) end every import on a 10,000-post site.
    """
    if "<a" not in rendered_html and "<img" not in rendered_html:
        return []
    found = []
    for match in _LINK.finditer(rendered_html):
        anchor, inner, image = match.groups()
        attributes = dict(_ATTRIBUTE.findall(anchor if image is None else image))
        if image is None and "href" in attributes:
            text = html_to_text(inner)
            if not text:  # an image as the link: its alt text
                text = " ".join(link.text for link in links_in(inner) if link.text)
            found.append(FoundLink(html.unescape(attributes["href"]), text, False))
        if image is None:
            found.extend(links_in(inner) if "<img" in inner else ())
        elif "src" in attributes:
            alt = html.unescape(attributes.get("alt", ""))
            found.append(FoundLink(html.unescape(attributes["src"]), alt, True))
    return found
