"""MDX bodies (Astro's ``.mdx`` posts), converted to markdown -- never executed.

MDX is markdown plus JavaScript: ``import``/``export`` statements, JSX components
(``<YouTube id="…" />``, ``<Card title="…">…</Card>``) and ``{expressions}``. None of it
can run on Folio, and none of it may reach a page as HTML, so:

- ``import`` and ``export`` statements (one line or several) are removed, and reported;
- a JSX component's tags (a capitalised name, or a dotted one: ``<Foo.Bar>``) are kept
  as visible, escaped text (a code span) with what is between them kept as markdown,
  and reported;
- ``{expressions}`` outside code are kept as visible text; ``{/* comments */}`` go;
- fenced and indented code, and inline code, are left exactly as written.

Every warning names its line in the file.
"""

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_STATEMENT = re.compile(r"^(import|export)\b(?!\s*[-:=])")
_COMPONENT = re.compile(
    r"</?(?P<name>[A-Z][\w$]*(?:\.[\w$]+)*|[a-z][\w$]*\.[\w$.]+)(?=[\s/>]|$)", re.DOTALL
)
_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.DOTALL)
_EXPRESSION = re.compile(r"\{[^{}\n]{0,200}\}")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)


def convert(text: str, first_line: int = 1) -> tuple[str, list[str]]:
    """(markdown, [warning with its line number]) for an MDX body."""
    warnings = []
    lines = text.split("\n")
    out = []
    fence = None
    index = 0
    while index < len(lines):
        line = lines[index]
        number = first_line + index
        marker = _FENCE.match(line)
        if fence:
            out.append(line)
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            index += 1
            continue
        if marker:
            fence = marker.group(1)
            out.append(line)
            index += 1
            continue
        if line.startswith(("    ", "\t")) and (not out or not out[-1].strip()):
            out.append(line)  # indented code
            index += 1
            continue
        if statement := _STATEMENT.match(line):
            end = _statement_end(lines, index)
            warnings.append(
                f"line {number}: MDX {statement.group(1)} removed: "
                f"{' '.join(lines[index].split())[:80]}"
            )
            index = end + 1
            continue
        # A tag may run over several lines: read up to the line that closes it.
        end = index
        joined = line
        while _open_tag(joined) and end + 1 < len(lines) and end - index < 30:
            end += 1
            joined += "\n" + lines[end]
        out.append(_line(joined, number, warnings))
        index = end + 1
    return "\n".join(out), list(dict.fromkeys(warnings))  # (a tag and its end: once)


def _statement_end(lines, index):
    """The last line of the import/export statement starting at ``index``."""
    depth = 0
    for end in range(index, min(len(lines), index + 60)):
        line = lines[end]
        depth += sum(line.count(c) for c in "({[") - sum(line.count(c) for c in ")}]")
        stripped = line.rstrip()
        if depth <= 0 and (
            stripped.endswith((";", "'", '"', "}", ")", "]"))
            or re.search(r"\bfrom\s*['\"]", line)
            or not stripped
            or (end + 1 < len(lines) and not lines[end + 1].startswith((" ", "\t", "}", ")")))
        ):
            return end
    return index


def _open_tag(text):
    """Whether ``text`` ends inside a component's opening tag (``<Card`` … no ``>``)."""
    for found in _COMPONENT.finditer(text):
        rest = text[found.end() :]
        if ">" not in _strip_strings(rest):
            return True
    return False


def _strip_strings(text):
    return re.sub(r"\"[^\"]*\"|'[^']*'|\{[^{}]*\}", "", text)


def _line(text, number, warnings):
    """One line (or a tag's lines): components and expressions made visible text,
    inline code left alone."""
    pieces, position = [], 0
    for code in _INLINE_CODE.finditer(text):
        pieces.append(_prose(text[position : code.start()], number, warnings))
        pieces.append(code.group(0))
        position = code.end()
    pieces.append(_prose(text[position:], number, warnings))
    return "".join(pieces)


def _prose(text, number, warnings):
    if not text:
        return text
    text = _COMMENT.sub("", text)
    out, position = [], 0
    while found := _COMPONENT.search(text, position):
        out.append(_expressions(text[position : found.start()], number, warnings))
        end = _tag_end(text, found.end())
        tag = text[found.start() : end]
        line = number + text.count("\n", 0, found.start())
        warnings.append(
            f"line {line}: JSX component <{found.group('name')[:40]}> cannot be shown; kept as text"
        )
        out.append(_literal(tag))
        position = end
    out.append(_expressions(text[position:], number, warnings))
    return "".join(out)


def _tag_end(text, start):
    """Past the ``>`` that closes a tag, quoted values and {…} included."""
    depth, quote, index = 0, None, start
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == ">" and not depth:
            return index + 1
        index += 1
    return len(text)


def _expressions(text, number, warnings):
    def replace(match):
        line = number + text.count("\n", 0, match.start())
        warnings.append(
            f"line {line}: MDX expression {' '.join(match.group(0).split())[:60]} "
            "cannot be evaluated; kept as text"
        )
        return _literal(match.group(0))

    return _EXPRESSION.sub(replace, text)


def _literal(text):
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"
