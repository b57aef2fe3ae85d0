"""Parsing rendered pages for anything that could run script, as a browser would see it.

:func:`problems` returns what is wrong with a page (empty when it is safe):

- a ``<script>`` element, except JSON-LD (``type="application/ld+json"``) whose text is
  valid JSON holding no ``</``, and the site's own scripts (``SITE_SCRIPTS``: the math
  renderer, on pages with math), empty and loaded from its static files;
- an element that can run or embed active content (iframe, object, embed, svg, math,
  form, base, style, …) anywhere, found both by the parser and by a raw scan of the
  markup, so a parser differential cannot hide one;
- any ``on*`` attribute, or a ``style`` attribute;
- a URL attribute (href, src, action, formaction, xlink:href, …) whose value, after
  entity decoding and removal of whitespace and control characters, starts with a
  dangerous scheme (javascript:, vbscript:, data:).

Feeds and sitemaps (XML) are checked too: the elements a feed reader renders as HTML
(description, content, summary) are checked the same way, and no link, id or ``loc``
may hold a dangerous URL.
"""

import json
import re
import xml.etree.ElementTree as ElementTree
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import reverse

FORBIDDEN_ELEMENTS = {
    "applet", "base", "embed", "frame", "frameset", "iframe", "math", "noscript",
    "object", "style", "svg", "template", "xmp",
}  # fmt: skip
# The site's own forms (search) post to its own paths; a form anywhere else is content's.
INPUT_TYPES = {"checkbox", "search", "text", "hidden", "submit"}
URL_ATTRIBUTES = {
    "action", "background", "cite", "codebase", "data", "dynsrc", "formaction", "href",
    "lowsrc", "poster", "src", "xlink:href", "srcdoc", "ping",
}  # fmt: skip
# In RSS and Atom: the elements holding HTML, and the elements/attributes holding URLs.
HTML_IN_FEEDS = {"description", "encoded", "content", "summary", "subtitle"}
URL_ELEMENTS = {"link", "href", "loc", "url", "guid", "id", "uri", "comments"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
# The only scripts a reader's page may load: KaTeX and math.js (templates/_math.html).
SITE_SCRIPTS = {"/static/vendor/katex/katex.min.js", "/static/js/math.js"}
SCRIPT_ATTRIBUTES = {"src", "defer", "data-folio-typeset-page"}
# Whitespace and control characters browsers ignore inside a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\x9f]+")
# The page's own <link rel=stylesheet> and <meta> are fine; content must not add others.
_RAW_FORBIDDEN = re.compile(
    r"<\s*/?\s*(" + "|".join(sorted(FORBIDDEN_ELEMENTS | {"script"})) + r")\b", re.I
)


def _is_site_path(url):
    return url.startswith("/") and not url.startswith("//")


def is_dangerous_url(value: str) -> bool:
    return _IGNORED_IN_SCHEME.sub("", value).lower().startswith(DANGEROUS_SCHEMES)


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.text = []
        self._json_ld = None  # collected text of the JSON-LD script being read
        self._site_script = False  # inside one of SITE_SCRIPTS, which must be empty

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if (attributes.get("type") or "").strip().lower() == "application/ld+json":
                self._json_ld = []
            elif attributes.get("src") in SITE_SCRIPTS and set(attributes) <= SCRIPT_ATTRIBUTES:
                self._site_script = True
            else:
                self.problems.append(f"<script> element: {attrs!r}")
        elif tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        elif tag == "form" and not _is_site_path(attributes.get("action") or ""):
            self.problems.append(f"<form action={attributes.get('action')!r}>")
        elif tag == "input" and attributes.get("type") not in INPUT_TYPES:
            self.problems.append(f"<input type={attributes.get('type')!r}>")
        elif tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta http-equiv={attributes['http-equiv']!r}>")
        elif tag == "link" and (attributes.get("rel") or "") not in {
            "stylesheet", "alternate", "canonical", "icon", "next", "prev", "preload",
            "manifest", "apple-touch-icon", "search",
        }:  # fmt: skip
            self.problems.append(f"<link rel={attributes.get('rel')!r}>")
        elif tag == "link" and not _is_site_path(attributes.get("href") or "/"):
            if attributes.get("rel") in {"stylesheet", "preload", "icon", "manifest"}:
                self.problems.append(f"<link> loads {attributes.get('href')!r} from elsewhere")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>: event handler attribute")
            elif name == "style":
                self.problems.append(f"<{tag} style={value!r}>: style attribute")
            elif name in URL_ATTRIBUTES and value and is_dangerous_url(value):
                self.problems.append(f"<{tag} {name}={value!r}>: dangerous URL")
            elif (
                name == "srcset"
                and value
                and any(is_dangerous_url(candidate) for candidate in value.split(","))
            ):
                self.problems.append(f"<{tag} srcset={value!r}>: dangerous URL")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._site_script = False
        if tag == "script" and self._json_ld is not None:
            raw = "".join(self._json_ld)
            if "</" in raw:
                self.problems.append("JSON-LD holds '</'")
            try:
                json.loads(raw)
            except ValueError as exc:
                self.problems.append(f"JSON-LD is not valid JSON: {exc}")
            self._json_ld = None

    def handle_data(self, data):
        if self._site_script and data.strip():
            self.problems.append(f"text inside a site script: {data[:80]!r}")
        if self._json_ld is not None:
            self._json_ld.append(data)
        else:
            self.text.append(data)


# Where Python's html.parser (3.11) and browsers disagree about comments: for a browser
# "<!-->" and "<!--->" are complete empty comments and "--!>" ends one, so markup after
# them is live. Rewritten to the unambiguous form before parsing.
_ABRUPT_COMMENTS = [(re.compile(r"<!--->|<!-->"), "<!---->"), (re.compile(r"--!>"), "-->")]


def audit(html: str) -> _Audit:
    parser = _Audit()
    for pattern, replacement in _ABRUPT_COMMENTS:
        html = pattern.sub(replacement, html)
    parser.feed(html)
    parser.close()
    raw = [
        match.group(0)
        for match in _RAW_FORBIDDEN.finditer(html)
        if not _is_json_ld_script(html, match) and not _is_site_script(html, match)
    ]
    parser.problems += [f"raw markup {tag!r}" for tag in raw]
    return parser


def _is_json_ld_script(html, match):
    tag = match.group(1).lower()
    if tag != "script":
        return False
    if match.group(0).replace(" ", "").startswith("</"):
        return True  # the closing tag of a JSON-LD block; its opening tag is checked
    end = html.find(">", match.end())
    return re.search(r'type\s*=\s*"application/ld\+json"', html[match.end() : end]) is not None


def _is_site_script(html, match):
    if match.group(1).lower() != "script" or match.group(0).replace(" ", "").startswith("</"):
        return False
    end = html.find(">", match.end())
    found = re.search(r'\ssrc\s*=\s*"([^"]*)"', html[match.end() : end])
    return found is not None and found.group(1) in SITE_SCRIPTS


def problems(content: str, content_type: str = "text/html") -> list[str]:
    """What is unsafe in a response body (HTML, or an XML feed/sitemap)."""
    if "xml" in content_type:
        found = []
        for element in ElementTree.fromstring(content.encode()).iter():
            name = element.tag.rsplit("}", 1)[-1]
            # Elements feed readers render as HTML; the rest (titles, names) are text.
            if name in HTML_IN_FEEDS and element.text:
                found += [f"<{name}>: {problem}" for problem in audit(element.text).problems]
            for attribute, value in [(name, element.text or ""), *element.attrib.items()]:
                if attribute in URL_ELEMENTS and is_dangerous_url(value):
                    found.append(f"<{name}> holds a dangerous URL {value!r}")
        return found
    return audit(content).problems


def visible_text(html: str) -> str:
    """The text a reader sees, whitespace folded (for checking plain fields are escaped)."""
    return " ".join("".join(audit(html).text).split())


# Crawling the public site ---------------------------------------------------------------

NOT_PUBLIC = ("/admin", "/media/", "/static/", "/markdownx/")
MAX_PAGES = 3000


def crawl(client, extra_urls=()):
    """Every public page reachable from the home page (and ``extra_urls``): {url: response}."""
    queue = deque([reverse("home"), *extra_urls])
    seen = set(queue)
    pages = {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code in (200, 301, 302, 404), (url, response.status_code)
        if response.status_code != 200:
            continue
        pages[url] = response
        if "html" not in response["Content-Type"]:
            continue
        for link in _links(response.content.decode()):
            target = urljoin(url, link)
            parts = urlsplit(target)
            if parts.netloc or parts.path.startswith(NOT_PUBLIC):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag in ("a", "link") and href:
            self.links.append(href)


def _links(html):
    collector = _LinkCollector()
    collector.feed(html)
    return collector.links
