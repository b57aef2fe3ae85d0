"""Jekyll's Liquid in post and page bodies, converted to markdown -- never executed.

Liquid runs when Jekyll builds the site; Folio serves what it produced. So the tags
whose output is known become that output:

- ``{% highlight lang [linenos] %}…{% endhighlight %}``: a fenced code block;
- ``{% raw %}…{% endraw %}``: its content, as written (nothing inside is converted);
- ``{% comment %}…{% endcomment %}``: nothing (Jekyll showed nothing);
- ``{% post_url 2020-01-02-name %}`` and ``{% link path/to/file.md %}``: the target's
  address on Folio (``resolve`` says it);
- ``{% include image.html url="…" alt="…" %}`` and the figure/video kinds: an image, or
  a link to the video;
- ``{{ site.baseurl }}``, ``{{ site.url }}``, ``{{ "/x" | relative_url }}``,
  ``{{ "/x" | absolute_url }}``: the site-relative path (Folio serves from the root);
  ``{{ site.title }}``, ``{{ page.title }}`` and other plain values: their text.

Eleventy writes its bodies in Liquid or Nunjucks (``syntax="Nunjucks"``), whose shared
syntax converts the same way; Nunjucks adds ``{# comments #}`` (nothing), quoted
arguments (``{% highlight "js" %}``), and Eleventy adds the ``url`` filter (the path) and
the ``image`` shortcode of eleventy-img (``{% image "src", "alt" %}``: an image).

Every other tag or expression is kept as visible, escaped text (a code span, which the
renderer escapes; dropped from plain-text values such as a front-matter excerpt) and
reported with its line number: the page shows what the author
wrote, never a half-evaluated template, and nothing in it runs.
"""

import re

TAG = re.compile(r"\{%-?\s*(?P<name>[A-Za-z_][\w-]*)?(?P<args>.*?)-?%\}", re.DOTALL)
OUTPUT = re.compile(r"\{\{-?(?P<expr>.*?)-?\}\}", re.DOTALL)
START = re.compile(r"\{[{%]")
START_NUNJUCKS = re.compile(r"\{[{%#]")
NUNJUCKS_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
#: Blocks whose content is read up to their end tag.
BLOCK_ENDS = {"raw": "endraw", "comment": "endcomment", "highlight": "endhighlight"}
IMAGE_INCLUDES = re.compile(r"image|img|figure|picture|photo", re.IGNORECASE)
VIDEO_INCLUDES = re.compile(r"video|youtube|vimeo", re.IGNORECASE)
SOURCE_PARAMS = ("url", "src", "file", "path", "image", "image_path", "img")
ALT_PARAMS = ("alt", "description", "caption", "title")
PATH_FILTERS = {"relative_url", "absolute_url", "url"}
#: Filters that leave a known text as it is (for a page: it is text either way).
KEPT_FILTERS = {"escape", "xml_escape", "strip", "safe", "e", "trim"}
_LANGUAGE = re.compile(r"^[\w+#.-]{1,40}$")
_PARAM = re.compile(r"""(?P<key>[\w-]+)\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"']+)""")
_STRING = re.compile(r"""^(?:"([^"]*)"|'([^']*)')$""")
_ARGUMENT = re.compile(r"""("[^"]*"|'[^']*'|[^,\s]+)""")


class Converter:
    """One body's conversion. ``resolve(kind, target)`` gives the Folio address of a
    ``post_url`` or ``link`` target, or None; ``values`` the plain ``site.*`` and
    ``page.*`` values; ``first_line`` the file line the body starts on."""

    def __init__(
        self,
        resolve,
        values: dict,
        first_line: int = 1,
        keep_unknown=True,
        syntax="Liquid",
        eleventy=False,
    ):
        self.resolve = resolve
        #: "Liquid", or "Nunjucks" (Eleventy): {# comments #} too.
        self.syntax = syntax
        #: Eleventy's shortcodes (image) are known too.
        self.eleventy = eleventy
        #: False for plain-text values (an excerpt in front matter, shown in meta tags
        #: and feeds): what cannot be converted is dropped there, and reported.
        self.keep_unknown = keep_unknown
        self.values = values
        self.first_line = first_line
        self.warnings = []

    def convert(self, text: str) -> str:
        out, position, self.text = [], 0, text
        start = START_NUNJUCKS if self.syntax == "Nunjucks" else START
        while (found := start.search(text, position)) is not None:
            out.append(text[position : found.start()])
            if text.startswith("{#", found.start()):
                comment = NUNJUCKS_COMMENT.match(text, found.start())
                if comment is None:
                    self._warn(found.start(), "'{#' is never closed; kept as text")
                    out.append(self._literal("{#", None))
                    position = found.end()
                else:
                    position = comment.end()
                continue
            if text.startswith("{%", found.start()):
                match = TAG.match(text, found.start())
            else:
                match = OUTPUT.match(text, found.start())
            if match is None:  # never closed: plain text (Jekyll would have failed)
                self._warn(found.start(), f"{found.group(0)!r} is never closed; kept as text")
                out.append(found.group(0))
                position = found.end()
                continue
            if text.startswith("{%", found.start()):
                replacement, position = self._tag(match)
            else:
                replacement, position = self._output(match), match.end()
            out.append(replacement)
        out.append(text[position:])
        return "".join(out)

    # -- tags ----------------------------------------------------------------------

    def _tag(self, match):
        name = (match.group("name") or "").lower()
        args = match.group("args").strip()
        end = match.end()
        if name in BLOCK_ENDS:
            closing = re.compile(r"\{%-?\s*" + BLOCK_ENDS[name] + r"\s*-?%\}")
            close = closing.search(self.text, end)
            if close is None:
                self._warn(
                    match.start(), f"{{% {name} %}} is never closed; the rest is kept as text"
                )
                inner, after = self.text[end:], len(self.text)
            else:
                inner, after = self.text[end : close.start()], close.end()
            if name == "raw":
                return inner, after
            if name == "comment":
                return "", after
            return self._highlight(args, inner, match.start()), after
        if name == "post_url":
            return self._link("post_url", args, match), end
        if name == "link":
            return self._link("link", args, match), end
        if name == "include":
            return self._include(args, match), end
        if name in ("image", "img") and self.eleventy:
            return self._image_shortcode(args, match), end
        return self._unknown(match), end

    def _highlight(self, args, inner, offset):
        words = [_unquote(word) for word in args.replace(",", " ").split()]
        language = words[0] if words and _LANGUAGE.match(words[0]) else ""
        if words and not language:
            self._warn(
                offset,
                f"highlight language {words[0][:40]!r} is not a language name; kept as plain code",
            )
        inner = self.convert_raw_only(inner).strip("\n")
        longest = max((len(run) for run in re.findall(r"`+", inner)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n{fence}{language}\n{inner}\n{fence}\n"

    def convert_raw_only(self, text):
        """Inside a code block only ``{% raw %}`` wrappers go: the rest is code."""
        return re.sub(r"\{%-?\s*(?:end)?raw\s*-?%\}", "", text)

    def _link(self, kind, args, match):
        target = _unquote(args.split()[0]) if args.split() else ""
        address = self.resolve(kind, target) if target else None
        if address is None:
            self._warn(
                match.start(),
                f"{{% {kind} {target[:80]} %}}: no such file in the site; kept as text",
            )
            return self._literal(match.group(0), None)
        return address

    def _include(self, args, match):
        name, _, rest = args.strip().partition(" ")
        params = {}
        for param in _PARAM.finditer(rest):
            value = self._value(param.group("value"))
            if value is not None:
                params[param.group("key").lower()] = value
        source = next((params[key] for key in SOURCE_PARAMS if params.get(key)), "")
        alt = next((params[key] for key in ALT_PARAMS if params.get(key)), "")
        if IMAGE_INCLUDES.search(name) and source:
            return f"![{_label(alt)}]({_destination(source)})"
        if VIDEO_INCLUDES.search(name):
            video = source or params.get("id", "")
            # youtube.html id=…, or minimal-mistakes' video id=… provider=youtube
            provider = f"{name} {params.get('provider', '')}".lower()
            if video and "youtube" in provider and "/" not in video:
                video = f"https://www.youtube.com/watch?v={video}"
            elif video and "vimeo" in provider and "/" not in video:
                video = f"https://vimeo.com/{video}"
            if video:
                return f"[{_label(alt) or 'Video'}]({_destination(video)})"
        self._warn(
            match.start(),
            f"{{% include {name[:80]} %}} is not an image, figure or video include; kept as text",
        )
        return self._literal(match.group(0), None)

    def _image_shortcode(self, args, match):
        """eleventy-img's ``{% image "src", "alt" [, sizes] %}``: the image."""
        written = [part.strip() for part in _ARGUMENT.findall(args)]
        values = [self._value(part) for part in written[:2]]
        if values and values[0]:
            alt = values[1] if len(values) > 1 and values[1] is not None else ""
            # (its source is a path in the project: resolve says its site address)
            source = self.resolve("image", values[0]) or values[0]
            return f"![{_label(alt)}]({_destination(source)})"
        self._warn(match.start(), "image shortcode without a source it can read; kept as text")
        return self._literal(match.group(0), None)

    def _unknown(self, match):
        name = match.group("name") or "?"
        kind = "tag or shortcode" if self.eleventy else "tag"
        self._warn(
            match.start(),
            f"{self.syntax} {kind} {{% {name[:40]} %}} cannot be converted; kept as text",
        )
        return self._literal(match.group(0), None)

    # -- {{ output }} -------------------------------------------------------------

    def _output(self, match):
        expr = match.group("expr").strip()
        head, *filters = [part.strip() for part in expr.split("|")]
        value = self._value(head)
        known = value is not None
        for item in filters:
            name, _, argument = item.partition(":")
            name, argument = name.strip(), argument.strip()
            if name in PATH_FILTERS and known:
                value = (
                    value if value.startswith(("/", "http://", "https://", "#")) else "/" + value
                )
            elif name in {"prepend", "append"} and known and self._value(argument) is not None:
                extra = self._value(argument)
                value = extra + value if name == "prepend" else value + extra
            elif name in KEPT_FILTERS and known:
                continue
            else:
                known = False
        if known:
            return value
        self._warn(
            match.start(),
            f"{self.syntax} output {{{{ {expr[:60]} }}}} cannot be converted; kept as text",
        )
        return self._literal(match.group(0), None)

    def _value(self, written):
        """A literal string or a plain known value; None when it is neither."""
        written = written.strip()
        if quoted := _STRING.match(written):
            return quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        return self.values.get(written)

    # -- helpers ------------------------------------------------------------------

    def _literal(self, text, offset):
        if not self.keep_unknown:
            return ""
        text = " ".join(text.split())
        longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
        fence = "`" * (longest + 1)
        return f"{fence} {text} {fence}"

    def _warn(self, offset, message):
        line = self.first_line + self.text.count("\n", 0, offset)
        self.warnings.append(f"line {line}: {message}")


def _unquote(text):
    quoted = _STRING.match(text.strip())
    return (quoted.group(1) or quoted.group(2) or "") if quoted else text.strip()


def _label(text):
    """Text safe inside a markdown link's [ ]."""
    return re.sub(r"[\[\]\\\n\r]+", " ", str(text)).strip()[:300]


def _destination(url):
    """A URL safe as a markdown link destination."""
    url = str(url).strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return url.replace("<", "%3C").replace(">", "%3E").replace("\n", "")


def convert(
    text, resolve, values, first_line=1, keep_unknown=True, syntax="Liquid", eleventy=False
):
    """(converted text, [warning with its line number])."""
    converter = Converter(resolve, values, first_line, keep_unknown, syntax, eleventy)
    return converter.convert(text), converter.warnings
