"""Hugo shortcodes in a post's body, converted to the markdown Folio renders.

Shortcodes are never executed and never reach a page raw. The embedded ones Hugo
documents become what Folio can show without third-party script:

- ``figure`` (src, alt, caption, title, link, width, height): ``<figure>`` markup,
  attributes escaped; its ``src`` is then resolved like any image of the post;
- ``youtube``, ``vimeo``, ``gist``, ``tweet``/``x``, ``instagram``: a link to the video,
  gist or post (no iframe, no script);
- ``highlight lang "opts"`` … ``/highlight``: a fenced code block in that language;
- ``ref``/``relref``: the address Folio serves the target at (``resolve_ref``);
- escaped ones, ``{{</* x */>}}``: the literal text ``{{< x >}}``, as Hugo prints it.

Both call forms, ``{{< >}}`` and ``{{% %}}``, are read. Any other shortcode is kept as
literal text (a code span, so nothing in it renders) and reported with its line
number. The output still goes through the one renderer and its sanitizer.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

_OPENER = re.compile(r"\{\{([<%])")
_ARGUMENT = re.compile(r'\s*(?:([\w-]+)=)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)', re.S)
_FENCE = re.compile(r"(?m)^ {0,3}(`{3,}|~{3,})")
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NUMBER = re.compile(r"[0-9]{1,30}")
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]{}()<>#+!|~-])")
LINK_SHORTCODES = ("youtube", "vimeo", "gist", "tweet", "x", "instagram")
KNOWN = {"figure", "highlight", "ref", "relref", *LINK_SHORTCODES}


@dataclass
class Conversion:
    text: str
    #: One line per shortcode that could not be converted: "line 12: …".
    problems: list[str] = field(default_factory=list)
    #: Names of the shortcodes converted, in order (for --inspect and tests).
    converted: list[str] = field(default_factory=list)


@dataclass
class _Call:
    start: int
    end: int  # just past the closing delimiter
    name: str
    closing: bool  # {{< /name >}}
    positional: list
    named: dict
    raw: str  # the call as written


def convert(
    body: str, *, first_line: int = 1, resolve_ref: Callable[[str], str | None] | None = None
) -> Conversion:
    """``body`` with its shortcodes converted; ``first_line`` is the file's line number
    of the body's first line; ``resolve_ref(path)`` the Folio address of a content path."""
    result = Conversion(text="")
    fences = _fenced_ranges(body)
    out = []
    position = 0

    def line_of(offset):
        return first_line + body.count("\n", 0, offset)

    def literal(text, offset):
        in_fence = any(start <= offset < end for start, end in fences)
        return text if in_fence else code_span(text)

    while True:
        match = _OPENER.search(body, position)
        if match is None:
            out.append(body[position:])
            break
        out.append(body[position : match.start()])
        delimiter = match.group(1)
        closer = ">}}" if delimiter == "<" else "%}}"
        escaped = body.startswith("/*", match.end())
        end = _closing(body, match.end(), ("*/" + closer) if escaped else closer)
        if end is None:
            result.problems.append(
                f"line {line_of(match.start())}: a shortcode opened with "
                f"{{{{{delimiter} is never closed; kept as text"
            )
            out.append(literal(match.group(0), match.start()))
            position = match.end()
            continue
        if escaped:  # {{</* figure */>}}: Hugo prints the call itself
            inner = body[match.end() + 2 : end - len(closer) - 2]
            out.append(
                literal(
                    "{{" + delimiter + inner + delimiter.replace("<", ">") + "}}", match.start()
                )
            )
            position = end
            continue
        call = _parse(body, match.start(), end, delimiter)
        if call.name == "highlight" and not call.closing:
            close = re.compile(r"\{\{[<%]\s*/highlight\s*[>%]\}\}").search(body, end)
            if close is None:
                result.problems.append(
                    f"line {line_of(call.start)}: highlight is never closed; kept as text"
                )
                out.append(literal(call.raw, call.start))
                position = end
                continue
            out.append(
                _highlight(
                    call, body[end : close.start()], at_line_start=_at_line_start(body, call.start)
                )
            )
            result.converted.append("highlight")
            position = close.end()
            continue
        converted, problem = (None, None) if call.closing else _convert(call, resolve_ref)
        if converted is None:
            what = (
                problem or f"the shortcode {call.name or '(no name)'!r} is not one Folio converts"
            )
            result.problems.append(f"line {line_of(call.start)}: {what}; kept as text")
            out.append(literal(call.raw, call.start))
        else:
            if call.name == "figure" and _alone_on_line(body, call.start, end):
                converted += "\n"
            out.append(converted)
            result.converted.append(call.name)
        position = end
    result.text = "".join(out)
    return result


def code_span(text: str) -> str:
    """``text`` as an inline code span: shown exactly, rendered as nothing else."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fenced_ranges(body):
    """[(start, end)] offsets of fenced code blocks."""
    ranges, open_fence, open_at = [], None, 0
    for match in _FENCE.finditer(body):
        fence = match.group(1)
        if open_fence is None:
            open_fence, open_at = fence, match.start()
        elif fence[0] == open_fence[0] and len(fence) >= len(open_fence):
            ranges.append((open_at, match.end()))
            open_fence = None
    if open_fence is not None:
        ranges.append((open_at, len(body)))
    return ranges


def _closing(body, start, closer):
    """The offset just past ``closer`` after ``start``, skipping quoted strings."""
    position = start
    while position < len(body):
        char = body[position]
        if body.startswith(closer, position):
            return position + len(closer)
        if char == '"':
            found = re.compile(r'"(?:[^"\\]|\\.)*"', re.S).match(body, position)
            position = found.end() if found else position + 1
        elif char == "`":
            found = body.find("`", position + 1)
            position = found + 1 if found != -1 else position + 1
        elif body.startswith("{{", position):
            return None  # another call opens first: this one was never closed
        else:
            position += 1
    return None


def _parse(body, start, end, delimiter) -> _Call:
    raw = body[start:end]
    inner = body[start + 3 : end - 3].strip()
    if inner.endswith("/"):  # self-closing {{< name />}}
        inner = inner[:-1].rstrip()
    closing = inner.startswith("/")
    inner = inner.lstrip("/").strip()
    name, _, rest = inner.partition(" ")
    name, rest = (
        (name.split("\n")[0], rest)
        if "\n" not in name
        else (name.split("\n")[0], name.partition("\n")[2] + rest)
    )
    positional, named = [], {}
    for match in _ARGUMENT.finditer(rest):
        key, value = match.group(1), _unquote(match.group(2))
        if key:
            named[key.lower()] = value
        else:
            positional.append(value)
    return _Call(start, end, name.strip().lower(), closing, positional, named, raw)


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "`":
        return value[1:-1]
    return value


def _argument(call, name, index=None):
    value = call.named.get(name)
    if value is None and index is not None and len(call.positional) > index:
        value = call.positional[index]
    return value.strip() if isinstance(value, str) else ""


def _convert(call: _Call, resolve_ref) -> tuple[str | None, str | None]:
    """(markdown, None), or (None, why not)."""
    name = call.name
    if name == "figure":
        return _figure(call)
    if name in {"ref", "relref"}:
        target = _argument(call, "path", 0)
        if not target:
            return None, f"{name} names no page"
        url = resolve_ref(target) if resolve_ref else None
        if not url:
            return None, f"{name} {target[:80]!r}: no imported post or page is at that path"
        return url, None
    if name in LINK_SHORTCODES:
        return _link(call)
    return None, None


def _figure(call):
    src = _argument(call, "src", 0)
    if not src:
        return None, "figure has no src"
    alt = _argument(call, "alt")
    image = f'<img src="{_attr(src)}" alt="{_attr(alt)}"'
    for size in ("width", "height"):
        value = _argument(call, size)
        if value.isdigit() and len(value) < 6:
            image += f' {size}="{value}"'
    image += ">"
    link = _argument(call, "link")
    if link:
        image = f'<a href="{_attr(link)}">{image}</a>'
    caption_parts = [
        part for part in (_argument(call, "title"), _argument(call, "caption")) if part
    ]
    attribution = _argument(call, "attr")
    if attribution:
        caption_parts.append(attribution)
    caption = " — ".join(html.escape(" ".join(part.split())) for part in caption_parts)
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{image}{figcaption}</figure>", None


def _link(call):
    name = call.name
    title = _argument(call, "title")
    if name == "youtube":
        video = _argument(call, "id", 0)
        if not _VIDEO_ID.fullmatch(video):
            return None, f"youtube: {video[:40]!r} is not a video id"
        return _markdown_link(
            title or "Video on YouTube", f"https://www.youtube.com/watch?v={video}"
        ), None
    if name == "vimeo":
        video = _argument(call, "id", 0)
        if not _NUMBER.fullmatch(video):
            return None, f"vimeo: {video[:40]!r} is not a video id"
        return _markdown_link(title or "Video on Vimeo", f"https://vimeo.com/{video}"), None
    if name == "gist":
        user, gist, file = (
            _argument(call, "user", 0),
            _argument(call, "id", 1),
            _argument(call, "file", 2),
        )
        if not (_NAME.fullmatch(user) and _VIDEO_ID.fullmatch(gist)):
            return None, "gist: expected a user name and a gist id"
        url = f"https://gist.github.com/{user}/{gist}"
        if file and _NAME.fullmatch(file):
            url += "#file-" + re.sub(r"[^A-Za-z0-9_-]", "-", file).lower()
        return _markdown_link(f"Gist {user}/{gist}" + (f": {file}" if file else ""), url), None
    if name in {"tweet", "x"}:
        user, post = _argument(call, "user"), _argument(call, "id", 0)
        if not _NUMBER.fullmatch(post) or (user and not _NAME.fullmatch(user)):
            return None, f"{name}: expected a post id (and a user name)"
        url = (
            f"https://x.com/{user}/status/{post}" if user else f"https://x.com/i/web/status/{post}"
        )
        return _markdown_link(f"Post by @{user} on X" if user else "Post on X", url), None
    if name == "instagram":
        post = _argument(call, "id", 0)
        if not _VIDEO_ID.fullmatch(post):
            return None, f"instagram: {post[:40]!r} is not a post id"
        return _markdown_link("Post on Instagram", f"https://www.instagram.com/p/{post}/"), None
    return None, None


def _highlight(call, code, *, at_line_start):
    language = _argument(call, "lang", 0) if call.positional or "lang" in call.named else ""
    language = re.sub(r"[^\w+#.-]", "", language)[:40]
    code = code.removeprefix("\r").removeprefix("\n").rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    block = f"{fence}{language}\n{code}\n{fence}\n"
    return block if at_line_start else "\n" + block


def _markdown_link(label, url):
    label = _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(label.split()))
    return f"[{label}]({url})"


def _attr(value):
    return html.escape(" ".join(value.split()), quote=True)


def _at_line_start(body, offset):
    return offset == 0 or body[offset - 1] == "\n"


def _alone_on_line(body, start, end):
    before = body[body.rfind("\n", 0, start) + 1 : start]
    after_end = body.find("\n", end)
    after = body[end : after_end if after_end != -1 else len(body)]
    return not before.strip() and not after.strip()
