"""TeX math in markdown: which spans of a body are math, kept as TeX for the browser.

Posts written for MathJax or KaTeX mark math four ways: ``$…$`` and ``$$…$$`` (which
pulldown-cmark parses itself, with ``ENABLE_MATH``), and ``\\(…\\)`` and ``\\[…\\]``
(which CommonMark would read as escaped brackets: :func:`protect` takes them out of the
markdown before it is parsed and :func:`restore` puts them back, as the same markup).
Every math span leaves the renderer as ``<span class="math math-inline">TeX</span>`` or
``<span class="math math-display">TeX</span>``, the TeX HTML-escaped and otherwise
untouched (no emphasis, no escapes), and a page whose body has any (:func:`has_math`)
loads KaTeX, which typesets them in the browser (``static/js/math.js``).

What is *not* math:

- anything in code (spans and blocks), raw HTML, or a link's address;
- a dollar amount: ``$5 and $10`` (a ``$`` after a space cannot close math), and
  ``$5-$10`` (nor can one followed by a digit, as in pandoc);
- a ``$`` whose "math" would hold a backtick: ``$10 (or `$VAR`)`` is a price and code;
- ``\\[1\\]`` or ``\\(sic\\)``, brackets escaped in ordinary prose: with one backslash the
  content must look like TeX (a command, ``^``, ``_``, braces, ``=``…, or one letter);
  written with two (``\\\\(…\\\\)``, as markdown sources for MathJax do) it always is math.
"""

import html
import re
import secrets
from bisect import bisect_left, bisect_right

import pyromark

INLINE = '<span class="math math-inline">'
DISPLAY = '<span class="math math-display">'
_MARKER = '<span class="math math-'

# A closing "$" followed by a digit closes no math: "$5-$10" is two prices.
_PRICE = re.compile(r'<span class="math math-inline">([^<]*)</span>(?=[0-9])')
# Inline "math" that holds a backtick: a code span it swallowed.
_SWALLOWED_CODE = re.compile(r'<span class="math math-inline">[^<`]*`')

# \( \) \[ \] written with one backslash or two (markdown sources for MathJax double it).
_DELIMITER = re.compile(rb"(?<!\\)(\\?)\\([()\[\]])")
_OPENS = {b"(": b")", b"[": b"]"}
_BLANK_LINE = re.compile(rb"\n[ \t]*(?=\n)")
_TEX_LIKE = re.compile(rb"\\[A-Za-z]|[\^_{}=<>+|]|\A\s*[A-Za-z]\s*\Z")


def has_math(rendered_html: str) -> bool:
    """Whether HTML from the renderer holds math (so its page loads KaTeX)."""
    return _MARKER in rendered_html


def needs_protection(text: str, rendered_html: str) -> bool:
    """Whether markdown, as pulldown-cmark rendered it, needs :func:`protect`: it holds
    ``\\(`` or ``\\[``, or "math" that is a price or swallowed code. Most text does
    not, and is parsed once."""
    if "\\(" in text or "\\[" in text:
        return True
    if INLINE not in rendered_html:
        return False
    return bool(_PRICE.search(rendered_html) or _SWALLOWED_CODE.search(rendered_html))


def unmath_prices(rendered_html: str) -> str:
    """Give back, as text, inline "math" whose closing ``$`` came before a digit."""
    if INLINE not in rendered_html:
        return rendered_html
    return _PRICE.sub(r"$\1$", rendered_html)


class Protected:
    """Markdown with its ``\\(…\\)`` and ``\\[…\\]`` math replaced by placeholders.

    ``text`` goes to the markdown parser; :meth:`restore` then turns each placeholder in
    the HTML back into its math span (or, inside a tag's attribute, into the TeX as it
    was written, escaped).
    """

    def __init__(self, text: str, spans: list[tuple[bool, str, str]], token: str):
        self.text = text
        self._spans = spans  # (display, TeX, as written)
        self._token = token

    def restore(self, rendered_html: str) -> str:
        if not self._spans:
            return rendered_html
        placeholder = re.compile(re.escape(self._token) + r"(\d+)Z")

        def in_attribute(match):
            written = self._spans[int(match.group(1))][2]
            return html.escape(written, quote=True)

        def replace(match):
            if match.group(1) is not None:  # a tag: its attributes keep the TeX as text
                return placeholder.sub(in_attribute, match.group(1))
            display, tex, _written = self._spans[int(match.group(2))]
            opening = DISPLAY if display else INLINE
            return f"{opening}{html.escape(tex, quote=False)}</span>"

        pattern = re.compile(r"(<[^>]*>)|" + placeholder.pattern)
        return pattern.sub(replace, rendered_html)


# Rounds of escaping dollars that are not math (each may free a "$" that then pairs
# with a later one); the few left after them are handled by unmath_prices.
_DOLLAR_ROUNDS = 4


def _read(text: str, options: int) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """One parse: the byte offsets of ``$`` that open (and close) no real math, and the
    byte ranges of prose (text outside code blocks; code spans, raw HTML and math are
    events of their own, and a link's address is in no event's text)."""
    source = text.encode()
    openings, closings, prose = [], [], []
    in_code = 0
    for event, span in pyromark.events_with_range(text, options=options):
        if not isinstance(event, dict):
            continue
        if "Text" in event and not in_code:
            prose.append((span["start"], span["end"]))
        elif "InlineMath" in event:
            start, end = span["start"], span["end"]
            if source[end : end + 1].isdigit():  # "$5-$10": both are prices
                openings.append(start)
                closings.append(end - 1)
            elif "`" in event["InlineMath"]:  # "$10 (or `$VAR`)": the code comes first
                openings.append(start)
        elif "Start" in event and isinstance(event["Start"], dict):
            in_code += "CodeBlock" in event["Start"]
        elif event.get("End") == "CodeBlock":
            in_code -= 1
    return openings, closings, prose


def _escape_at(text: str, offsets: list[int], inserted: list[int] | None = None) -> str:
    """``text`` with a backslash before the byte at each offset. ``inserted`` (byte
    offsets of backslashes added before) is updated to the new text's offsets."""
    source = text.encode()
    offsets = sorted(offsets)
    if inserted is not None:
        moved = [at + bisect_right(offsets, at) for at in inserted]
        inserted[:] = sorted(moved + [offset + index for index, offset in enumerate(offsets)])
    pieces, position = [], 0
    for offset in offsets:
        pieces += [source[position:offset], b"\\"]
        position = offset
    pieces.append(source[position:])
    return b"".join(pieces).decode()


def _as_written(source: bytes, start: int, end: int, inserted: list[int]) -> str:
    """The bytes of ``source[start:end]`` less the backslashes this module inserted."""
    first, last = bisect_left(inserted, start), bisect_left(inserted, end)
    pieces, position = [], start
    for at in inserted[first:last]:
        pieces.append(source[position:at])
        position = at + 1
    pieces.append(source[position:end])
    return b"".join(pieces).decode()


def protect(text: str, options: int) -> Protected:
    """Prepare markdown for the parser: escape the ``$`` that are not math, and take
    ``\\(…\\)`` and ``\\[…\\]`` math out, leaving placeholders.

    One pass over the delimiters pairs each opening with the next closing of its kind
    in the same paragraph (a later opening of the same kind inside is TeX, as in
    ``\\[a \\\\[2pt] b\\]``), so the cost is linear in the text whatever it holds.
    """
    has_dollars = "$" in text
    has_delimiters = "\\(" in text or "\\[" in text
    if not has_dollars and not has_delimiters:
        return Protected(text, [], "")
    inserted = []
    for _round in range(_DOLLAR_ROUNDS if has_dollars else 1):
        openings, closings, prose = _read(text, options)
        if not openings:
            break
        text = _escape_at(text, openings + closings, inserted)
    if not has_delimiters:
        return Protected(text, [], "")
    if openings:  # the last round escaped some: read the text as it now is
        prose = _read(text, options)[2]
    source = text.encode()
    prose.sort()
    starts = [start for start, _end in prose]
    blank_lines = [match.start() for match in _BLANK_LINE.finditer(source)]

    def in_prose(position):
        index = bisect_right(starts, position) - 1
        return index >= 0 and prose[index][0] <= position < prose[index][1]

    def blank_line_between(start, end):
        index = bisect_left(blank_lines, start)
        return index < len(blank_lines) and blank_lines[index] < end

    pairs = []
    opening = None
    for match in _DELIMITER.finditer(source):
        bracket = match.group(2)
        if not in_prose(match.end() - 1):
            continue
        if opening is not None and blank_line_between(opening.end(), match.start()):
            opening = None
        if opening is None:
            if bracket in _OPENS:
                opening = match
            continue
        if bracket == _OPENS[opening.group(2)] and match.group(1) == opening.group(1):
            tex = source[opening.end() : match.start()]
            if tex.strip() and (match.group(1) or _TEX_LIKE.search(tex)):
                pairs.append((opening, match))
            opening = None

    if not pairs:
        return Protected(text, [], "")
    token = "FolioTeX" + secrets.token_hex(6)
    while token in text:  # a 48-bit collision, but never a placeholder the author wrote
        token = "FolioTeX" + secrets.token_hex(6)
    pieces, spans, position = [], [], 0
    for opening, closing in pairs:
        pieces += [source[position : opening.start()], f"{token}{len(spans)}Z".encode()]
        tex = _as_written(source, opening.end(), closing.start(), inserted)
        written = _as_written(source, opening.start(), closing.end(), inserted)
        spans.append((opening.group(2) == b"[", tex, written))
        position = closing.end()
    pieces.append(source[position:])
    return Protected(b"".join(pieces).decode(), spans, token)


def escape_inline_dollars(text: str) -> str:
    """Markdown in which every ``$…$`` that would be inline math is plain text.

    For sources whose generator never read single dollars as math (the importer's
    dialects): their ``$`` are literal, so each one that would open or close inline
    math is escaped. Display math (``$$…$$``) and code are left as they are.
    """
    if "$" not in text:
        return text
    cuts = []
    for event, span in pyromark.events_with_range(text, options=pyromark.Options.ENABLE_MATH):
        if isinstance(event, dict) and "InlineMath" in event:
            cuts += [span["start"], span["end"] - 1]
    return _escape_at(text, cuts) if cuts else text
