"""Bound how deeply HTML nests before the sanitizer parses it.

The HTML5 tree builder inside nh3 (html5ever) walks its stack of open elements for
most start and end tags ("is there a <p> in button scope?"), so each tag costs time in
proportion to how deeply it sits: 290 KB of ``>`` (290,000 nested blockquotes) took
100 s to sanitize, while pulldown-cmark made its HTML in 15 ms. :func:`limit_nesting`
runs between the two: it keeps at most ``MAX_DEPTH`` elements open and drops the start
and end tags of any element deeper than that, so its content lands in the deepest
element kept (flattened, never lost). Its own cost is linear: it looks at each tag
once and at no more than ``MAX_DEPTH`` open elements for it.

It follows the tokenizer of the HTML standard closely where a mistake would make it
see fewer open elements than html5ever does (comments, quoted attribute values, raw
text elements, script escapes, foreign content, misnested formatting), and errs
toward counting too many elsewhere, which only flattens content sooner. The sanitizer
still runs on whatever comes out: this pass bounds cost, it is not what makes HTML safe.
"""

import re

# Far deeper than any post needs (a quote in a list in a quote is 5), and shallow
# enough that the sanitizer's scope checks stay cheap.
MAX_DEPTH = 32

_VOID = frozenset(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta "
    "param source track wbr".split()
)
# Start tags the tree builder ignores inside a body (or merges into the one it has).
_IGNORED_START = frozenset("html head body frameset".split())
_FORMATTING = frozenset("a b big code em font i nobr s small strike strong tt u".split())
_SPECIAL = frozenset(
    "address applet area article aside base basefont bgsound blockquote body br button "
    "caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure "
    "footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img "
    "input keygen li link listing main marquee menu meta nav noembed noframes noscript "
    "object ol p param plaintext pre script search section select source style summary "
    "table tbody td template textarea tfoot th thead title tr track ul wbr xmp".split()
)
_SCOPE_BOUNDARY = frozenset("applet caption html table td th marquee object template".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# Start tags that first close an open <p> ("in button scope").
_CLOSES_P = _HEADINGS | frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset "
    "figcaption figure footer header hgroup main menu nav ol p search section summary ul "
    "pre listing form table hr xmp li dd dt".split()
)
# Foreign content (<svg>, <math>): where HTML takes over again.
_INTEGRATION_POINTS = frozenset("foreignobject desc title mi mo mn ms mtext annotation-xml".split())
_BREAKOUT = frozenset(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr "
    "i img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup "
    "table tt u ul var".split()
)
_TABLE_PARTS = ("td", "th", "tr", "tbody", "thead", "tfoot")
_TABLE_ONLY = frozenset((*_TABLE_PARTS, "caption", "col", "colgroup"))
_RAWTEXT = frozenset("style xmp iframe noembed noframes textarea title".split())

_SIMPLE_TAG = re.compile(r"<(/?)([A-Za-z][^\t\n\f\r />]*)>")
_TAG_NAME = re.compile(r"[^\t\n\f\r />]*")
_ATTRIBUTE = re.compile(
    r"[\t\n\f\r /]*(?:[^\t\n\f\r />][^\t\n\f\r /=>]*[\t\n\f\r ]*(=[\t\n\f\r ]*)?)?"
)
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
_COMMENT_END = re.compile(r"--!?>")
_SCRIPT_MARK = re.compile(r"<!--|-->|</?script[\t\n\f\r />]", re.I)
_ABRUPT = re.compile(r"-*>")


def _tag_end(text, pos):
    """Index just past the ``>`` closing a tag whose attributes start at ``pos``.

    ``None`` when the text ends first (the tokenizer then emits no tag at all).
    """
    size = len(text)
    while True:
        match = _ATTRIBUTE.match(text, pos)
        pos = match.end()
        if pos >= size:
            return None
        if match.group(1) is not None and text[pos] in "\"'":
            close = text.find(text[pos], pos + 1)
            if close < 0:
                return None
            pos = close + 1
        elif match.group(1) is not None:
            pos = _UNQUOTED.match(text, pos).end()
        if pos >= size:
            return None
        if text[pos] == ">":
            return pos + 1


def _raw_text_end(text, pos, name):
    """Where the raw text of a <style>, <textarea>… opened before ``pos`` ends."""
    match = re.compile(rf"</{name}[\t\n\f\r />]", re.I).search(text, pos)
    return match.start() if match else len(text)


def _script_end(text, pos):
    """Where a <script>'s text ends, following the standard's escape states."""
    state = "data"
    while True:
        match = _SCRIPT_MARK.search(text, pos)
        if match is None:
            return len(text)
        mark = match.group().lower()
        pos = match.end()
        if mark == "<!--":
            if state == "data" or _ABRUPT.match(text, pos):
                # "<!--" opens an escape, unless dashes and ">" close it at once.
                abrupt = _ABRUPT.match(text, pos)
                if abrupt:
                    pos = abrupt.end()
                    state = "data"
                else:
                    state = "escaped"
        elif mark == "-->":
            state = "data"
        elif mark.startswith("</"):
            if state == "double":
                state = "escaped"
            else:
                return match.start()
        elif state == "escaped":  # "<script" inside an escape
            state = "double"


def _find(stack, names, boundaries):
    """Index of the nearest open HTML element named in ``names``, unless a boundary is nearer."""
    for index in range(len(stack) - 1, -1, -1):
        name, namespace = stack[index]
        if namespace == "html" and name in names:
            return index
        if name in boundaries or name in _INTEGRATION_POINTS:
            return None
    return None


class _Limiter:
    def __init__(self, text, max_depth):
        self.text = text
        self.max_depth = max_depth
        self.stack = []  # (name, namespace) of the elements kept open
        self.dropped = {}  # name -> start tags dropped and not yet closed
        self.formatting = {}  # name -> formatting elements kept and not yet closed
        self.open_count = {}  # name -> how many of that name are in the stack
        self.out = []
        self.copied = 0  # text[:copied] is in out

    def drop(self, start, end):
        self.out.append(self.text[self.copied : start])
        self.copied = end

    def in_foreign(self):
        """Whether the next tag is read as SVG or MathML rather than HTML."""
        return (
            bool(self.stack)
            and self.stack[-1][1] != "html"
            and self.stack[-1][0] not in _INTEGRATION_POINTS
        )

    def is_open(self, names):
        return any(self.open_count.get(name) for name in names)

    def push(self, name, namespace):
        self.stack.append((name, namespace))
        self.open_count[name] = self.open_count.get(name, 0) + 1

    def pop_to(self, index):
        for name, _ in self.stack[index:]:
            self.open_count[name] -= 1
        del self.stack[index:]
        # Whatever was dropped sat deeper than what was kept, so closing a kept
        # element closes it too.
        self.dropped.clear()

    def start_tag(self, name, start, end, self_closing):
        """Count a start tag, or drop it when too deep; False when it was dropped."""
        if name in _IGNORED_START:
            return True
        keep = len(self.stack)  # how many open elements stay open under this one
        namespace = "html"
        if self.in_foreign():
            if name in _BREAKOUT:
                while keep and self.stack[keep - 1][1] != "html":
                    keep -= 1
            elif self_closing:
                return True
            else:
                namespace = self.stack[-1][1]
        if namespace == "html":
            if name in _VOID:
                return True
            if name in ("svg", "math"):
                if self_closing:
                    return True
                namespace = name
            elif name in _TABLE_ONLY and not self.open_count.get("table"):
                return True  # ignored outside a table
            else:
                keep = min(keep, self.implied_close(name, keep))
        formatting = namespace == "html" and name in _FORMATTING
        # Formatting elements closed by anything but their own end tag are reopened by
        # the tree builder after each block, so they count until that end tag.
        if keep >= self.max_depth or (
            formatting and sum(self.formatting.values()) >= self.max_depth
        ):
            # Dropped whole: the elements it would have closed stay open too.
            self.dropped[name] = self.dropped.get(name, 0) + 1
            self.drop(start, end)
            return False
        if keep < len(self.stack):
            self.pop_to(keep)
        self.push(name, namespace)
        if formatting:
            self.formatting[name] = self.formatting.get(name, 0) + 1
        return True

    def implied_close(self, name, top):
        """How many of the ``top`` open elements stay open when ``name`` starts.

        A <p> closes before a block, a <li> before the next <li>, and so on.
        """
        stack = self.stack[:top]
        keep = top
        if name in _CLOSES_P and self.open_count.get("p"):
            index = _find(stack, {"p"}, _SCOPE_BOUNDARY | {"button"})
            if index is not None:
                keep = index
        if name in _HEADINGS and keep and stack[keep - 1][0] in _HEADINGS:
            keep -= 1
        elif name in ("li", "dd", "dt") and self.is_open(("li", "dd", "dt")):
            siblings = {"li"} if name == "li" else {"dd", "dt"}
            for index in range(keep - 1, -1, -1):
                open_name = stack[index][0]
                if open_name in siblings:
                    keep = index
                    break
                if open_name in _SPECIAL and open_name not in ("address", "div", "p"):
                    break
        elif name in ("option", "optgroup") and keep and stack[keep - 1][0] == "option":
            keep -= 1
        elif name in _TABLE_PARTS and self.is_open(_TABLE_PARTS):
            closes = {"td", "th"} if name in ("td", "th") else {"td", "th", "tr"}
            if name in ("tbody", "thead", "tfoot"):
                closes |= {"tbody", "thead", "tfoot"}
            index = _find(stack[:keep], closes, {"table", "html", "template"})
            if index is not None:
                keep = index
        return keep

    def end_tag(self, name, start, end):
        if self.dropped.get(name):
            self.dropped[name] -= 1
            self.drop(start, end)
            return
        if self.formatting.get(name):
            self.formatting[name] -= 1
        if self.in_foreign():
            for index in range(len(self.stack) - 1, -1, -1):
                if self.stack[index][1] == "html":
                    break
                if self.stack[index][0] == name:
                    self.pop_to(index)
                    return
        if not self.is_open(_HEADINGS if name in _HEADINGS else (name,)):
            return  # the tree builder ignores it too
        if name in _SPECIAL or name in _HEADINGS:
            names = _HEADINGS if name in _HEADINGS else {name}
            boundaries = _SCOPE_BOUNDARY | (
                {"button"} if name == "p" else {"ol", "ul"} if name == "li" else set()
            )
            if name in ("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
                boundaries = {"table", "html", "template"} - {name}
            index = _find(self.stack, names, boundaries)
        else:
            # Any other end tag (and, conservatively, a formatting one) closes the
            # nearest element of its name unless a special element is nearer.
            index = None
            for position in range(len(self.stack) - 1, -1, -1):
                open_name = self.stack[position][0]
                if open_name == name:
                    index = position
                    break
                if open_name in _SPECIAL or open_name in _INTEGRATION_POINTS:
                    break
        if index is not None:
            self.pop_to(index)

    def after_start_tag(self, name, start, end, self_closing):
        """Where tags may start again after this start tag (``None``: nowhere)."""
        foreign = self.in_foreign()
        kept = self.start_tag(name, start, end, self_closing)
        if foreign or not kept:
            # <style>, <script>, <title> in SVG are not raw text; a dropped tag starts nothing.
            return end
        if name == "script":
            return _script_end(self.text, end)
        if name in _RAWTEXT:
            return _raw_text_end(self.text, end, name)
        if name == "plaintext":
            return None
        return end

    def run(self):
        text, size, pos = self.text, len(self.text), 0
        while True:
            pos = text.find("<", pos)
            if pos < 0 or pos + 1 >= size:
                break
            following = text[pos + 1]
            simple = _SIMPLE_TAG.match(text, pos)  # most tags: no attributes
            if simple:
                closing, name = simple.group(1), simple.group(2).lower()
                end = simple.end()
                if closing:
                    self.end_tag(name, pos, end)
                    pos = end
                    continue
                pos = self.after_start_tag(name, pos, end, False)
                if pos is None:
                    break
            elif text.startswith("<!--", pos):
                if _ABRUPT.match(text, pos + 4) and text[pos + 4] in "->":
                    pos = _ABRUPT.match(text, pos + 4).end()
                    continue
                match = _COMMENT_END.search(text, pos + 4)
                if match is None:
                    break
                pos = match.end()
            elif following == "!" and self.in_foreign() and text.startswith("<![CDATA[", pos):
                close = text.find("]]>", pos)
                if close < 0:
                    break
                pos = close + 3
            elif following in "!?" or (following == "/" and not text[pos + 2 : pos + 3].isalpha()):
                close = text.find(">", pos + 1)
                if close < 0:
                    break
                pos = close + 1
            elif following.isascii() and (following.isalpha() or following == "/"):
                closing = following == "/"
                name_start = pos + 2 if closing else pos + 1
                name_end = _TAG_NAME.match(text, name_start).end()
                name = text[name_start:name_end].lower()
                end = _tag_end(text, name_end)
                if end is None:
                    break
                if closing:
                    self.end_tag(name, pos, end)
                    pos = end
                    continue
                pos = self.after_start_tag(name, pos, end, text[end - 2] == "/")
                if pos is None:
                    break
            else:
                pos += 1
        self.out.append(text[self.copied :])
        return "".join(self.out)


def limit_nesting(html: str, max_depth: int = MAX_DEPTH) -> str:
    """``html`` with every element nested deeper than ``max_depth`` unwrapped."""
    if html.count("<") <= max_depth:
        return html  # cannot nest deeper than it has tags
    return _Limiter(html, max_depth).run()
