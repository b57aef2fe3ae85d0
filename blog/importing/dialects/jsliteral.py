"""A tolerant reader of the literal values in a JavaScript or TypeScript file
(``astro.config.mjs``, ``gatsby-config.js``, ``src/consts.ts``, ``tina/config.ts``,
Eleventy's ``eleventy.config.js`` and its ``*.11tydata.js`` / ``_data/*.js`` files): the
one reader every dialect uses.

JavaScript is never executed. The reader understands what configuration files write
as plain data -- objects (quoted or bare keys, trailing commas), arrays, strings
(single, double, and template strings without ``${…}``), numbers, ``true``, ``false``,
``null``, comments -- and skips over everything else: a function call, a variable, an
arrow function or a spread becomes an :class:`Unread` holding the text it stood for,
which the caller reports ("site: `process.env.SITE` could not be read"). Nothing it
is given can make it raise: at worst it reads nothing and says why.
"""

import re
from dataclasses import dataclass

#: How deep objects may nest, and how much text is read (configuration files are small).
MAX_DEPTH = 40
MAX_TEXT = 1_000_000


@dataclass(frozen=True)
class Unread:
    """A value that is not a literal (a call, a variable, an expression), as written."""

    text: str

    def __str__(self):
        return " ".join(self.text.split())[:60]


def is_unread(value) -> bool:
    return isinstance(value, Unread)


_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(r"-?(?:0[xX][0-9a-fA-F]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


class _Reader:
    def __init__(self, text):
        self.text = text[:MAX_TEXT]
        self.at = 0

    # -- whitespace and comments ---------------------------------------------------

    def skip(self):
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char.isspace():
                self.at += 1
            elif text.startswith("//", self.at):
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end + 1
            elif text.startswith("/*", self.at):
                end = text.find("*/", self.at + 2)
                self.at = len(text) if end < 0 else end + 2
            else:
                return

    def peek(self):
        self.skip()
        return self.text[self.at] if self.at < len(self.text) else ""

    # -- values --------------------------------------------------------------------

    def value(self, depth=0):
        """The literal at the reader's place, or Unread; the reader moves past it."""
        start = self.at
        char = self.peek()
        start = self.at
        if depth > MAX_DEPTH:
            self.expression()
            return Unread(self.text[start : self.at])
        if char == "":
            found = Unread("")
        elif char == "{":
            found = self.object(depth)
        elif char == "[":
            found = self.array(depth)
        elif char in "\"'`":
            found = self.string()
        elif number := _NUMBER.match(self.text, self.at):
            self.at = number.end()
            found = _number(number.group(0))
        elif word := _IDENT.match(self.text, self.at):
            name = word.group(0)
            self.at = word.end()
            found = {"true": True, "false": False, "null": None, "undefined": None}.get(
                name, Unread(name)
            )
        else:
            found = Unread("")
        # Anything after it but before the next , } ] ) makes it an expression.
        if self.peek() not in (",", "}", "]", ")", ";", ""):
            self.at = start
            self.expression()
            return Unread(self.text[start : self.at])
        if isinstance(found, Unread):
            return Unread(self.text[start : self.at])
        return found

    def object(self, depth):
        self.at += 1  # {
        found = {}
        while True:
            char = self.peek()
            if char == "}":
                self.at += 1
                return found
            if char == "":
                return Unread("{")
            if self.text.startswith("...", self.at):
                self.at += 3
                self.value(depth + 1)
            else:
                key = self.key()
                if key is None:
                    self.expression()
                else:
                    char = self.peek()
                    if char == ":":
                        self.at += 1
                        found[key] = self.value(depth + 1)
                    elif char == "(":  # a method: name() { … }
                        self.expression()
                        found[key] = Unread(key + "()")
                    else:  # shorthand { name }: a variable
                        found[key] = Unread(key)
            char = self.peek()
            if char == ",":
                self.at += 1
            elif char != "}":
                self.expression()
                if self.peek() == ",":
                    self.at += 1
                elif self.peek() != "}":
                    return Unread("{")

    def key(self):
        char = self.peek()
        if char and char in "\"'`":
            value = self.string()
            return value if isinstance(value, str) else None
        if word := _IDENT.match(self.text, self.at):
            self.at = word.end()
            return word.group(0)
        if number := _NUMBER.match(self.text, self.at):
            self.at = number.end()
            return number.group(0)
        if char == "[":  # a computed key
            self.skip_balanced()
            return None
        return None

    def array(self, depth):
        self.at += 1  # [
        found = []
        while True:
            char = self.peek()
            if char == "]":
                self.at += 1
                return found
            if char == "":
                return Unread("[")
            if self.text.startswith("...", self.at):
                self.at += 3
                start = self.at
                self.value(depth + 1)
                found.append(Unread("..." + self.text[start : self.at]))
            else:
                found.append(self.value(depth + 1))
            char = self.peek()
            if char == ",":
                self.at += 1
            elif char != "]":
                self.expression()
                if self.peek() == ",":
                    self.at += 1
                elif self.peek() != "]":
                    return Unread("[")

    def string(self):
        quote = self.text[self.at]
        self.at += 1
        out, text = [], self.text
        while self.at < len(text):
            char = text[self.at]
            if char == quote:
                self.at += 1
                return "".join(out)
            if char == "\\" and self.at + 1 < len(text):
                following = text[self.at + 1]
                self.at += 2
                if following == "u" and re.match(r"[0-9a-fA-F]{4}", text[self.at : self.at + 4]):
                    out.append(chr(int(text[self.at : self.at + 4], 16)))
                    self.at += 4
                elif following == "\n":
                    continue
                else:
                    out.append(_ESCAPES.get(following, following))
                continue
            if quote == "`" and text.startswith("${", self.at):
                end = self._template_end()
                return Unread("`" + "".join(out) + text[self.at : end])
            if char == "\n" and quote != "`":
                return Unread(quote + "".join(out))
            out.append(char)
            self.at += 1
        return Unread(quote + "".join(out))

    def _template_end(self):
        """Past the closing backquote of a template string with ``${…}`` in it."""
        depth, text = 0, self.text
        while self.at < len(text):
            char = text[self.at]
            if char == "\\":
                self.at += 2
                continue
            if text.startswith("${", self.at):
                depth += 1
                self.at += 2
                continue
            if char == "}" and depth:
                depth -= 1
            elif char == "`" and not depth:
                self.at += 1
                return self.at
            self.at += 1
        return self.at

    # -- skipping what is not a literal --------------------------------------------

    def skip_balanced(self):
        """Past one bracketed group, strings and comments inside included."""
        stack = []
        text = self.text
        while self.at < len(text):
            self.skip()
            if self.at >= len(text):
                return
            char = text[self.at]
            if char in "\"'`":
                self.string()
                if not stack:
                    return
                continue
            if char in _CLOSERS:
                stack.append(_CLOSERS[char])
            elif char in ")]}":
                if stack and char == stack[-1]:
                    stack.pop()
                elif not stack:
                    return
            self.at += 1
            if not stack:
                return

    def expression(self):
        """Past an expression: up to the , } ] ) or ; that ends it at this level."""
        text = self.text
        while self.at < len(text):
            char = self.peek()
            if char in (",", "}", "]", ")", ";", ""):
                return
            if char in "\"'`" or char in _CLOSERS:
                before = self.at
                if char in _CLOSERS:
                    self.skip_balanced()
                else:
                    self.string()
                if self.at == before:
                    self.at += 1
            else:
                self.at += 1


def _number(written):
    written = written.replace("_", "")
    try:
        if written.lower().lstrip("-").startswith("0x"):
            return int(written, 16)
        if re.fullmatch(r"-?\d+", written):
            return int(written)
        return float(written)
    except (ValueError, OverflowError):
        return Unread(written)


def literal(text: str, start: int = 0):
    """The literal value written at ``start`` in ``text`` (an Unread if it is none)."""
    reader = _Reader(text)
    reader.at = start
    try:
        return reader.value()
    except RecursionError:
        return Unread(text[start : start + 60])


#: Where a configuration file gives its object: ``export default defineConfig({…})``,
#: ``module.exports = {…}``, ``export default {…}``, ``const config = {…}``.
_EXPORTS = re.compile(
    r"(?:export\s+default|module\.exports\s*=|exports\.default\s*=)\s*"
    r"(?:(?:[A-Za-z_$][\w$.]*)\s*(?:<[^>(]*>)?\s*\(\s*)?"
)


def exported_object(text: str) -> tuple[dict, list[str]]:
    """The object a configuration file exports (its ``defineConfig({…})`` argument too),
    and what could not be read: ({}, [why]) when there is none."""
    text = str(text)[:MAX_TEXT]
    for match in _EXPORTS.finditer(text):
        value = literal(text, match.end())
        if isinstance(value, dict):
            return value, []
        if isinstance(value, Unread) and _IDENT.fullmatch(value.text.strip() or "-"):
            # export default config; where const config = {…} came before.
            named = re.search(
                rf"(?:const|let|var)\s+{re.escape(value.text.strip())}\s*(?::[^=]+)?=\s*", text
            )
            if named and isinstance(found := literal(text, named.end()), dict):
                return found, []
    return {}, ["no exported configuration object could be read (export default / module.exports)"]


_CONST = re.compile(
    r"(?m)^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n]+)?=\s*"
)


def constants(text: str) -> dict:
    """``export const NAME = <literal>`` at the top of a module: {NAME: value}."""
    text = str(text)[:MAX_TEXT]
    found = {}
    for match in _CONST.finditer(text):
        found.setdefault(match.group(1), literal(text, match.end()))
    return found


def get(config, path: str, problems: list, where: str, kinds=(str,)):
    """``config[a][b]`` for ``path`` "a.b"; None when absent; an Unread or a value of
    another kind is reported in ``problems`` ("where: a.b `x()` could not be read")."""
    value, walked = config, []
    for part in path.split("."):
        if isinstance(value, Unread):
            break
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
        walked.append(part)
    if isinstance(value, Unread):
        problem = f"{where}: {'.'.join(walked)} `{value}` is not a literal; could not be read"
        if problem not in problems:
            problems.append(problem)
        return None
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
        problems.append(
            f"{where}: {path} is {type(value).__name__}, not {kinds[0].__name__}; ignored"
        )
        return None
    return value


def plain(value):
    """The value with every Unread left out (for keeping in extra, and JSON)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if not isinstance(v, Unread)}
    if isinstance(value, list):
        return [plain(v) for v in value if not isinstance(v, Unread)]
    return value


# -- Data files (Eleventy): what a module exports, and single keys -------------------


def parse(text: str):
    """The literal ``text`` starts with (after comments), or an Unread."""
    return literal(text)


def exported(text: str):
    """What a data file exports: ``module.exports = …``, ``export default …`` (an
    object, or a function returning one), ``exports = …``. None when the file exports
    nothing found; an Unread when what it exports is not a literal."""
    text = str(text)[:MAX_TEXT]
    for pattern in (r"\bmodule\.exports\s*=\s*", r"\bexport\s+default\s+", r"\bexports\s*=\s*"):
        if match := re.search(pattern, text):
            start = match.end()
            value = literal(text, start)
            if not is_unread(value):
                return value
            returned = _returned_object(text, start)
            if returned is not None:
                return returned
            if ident := re.compile(r"[A-Za-z_$][\w$]*(?=[ \t]*(?:;|\n|$))").match(text, start):
                return variable(text, ident.group(0))
            return value
    return None


def _returned_object(text, start):
    """The object a function written at ``start`` returns: ``function() { return {…} }``
    or ``() => ({…})``, when it is one literal."""
    head = re.compile(r"(?:async\s+)?(?:function\s*[\w$]*\s*)?\([^)]*\)\s*(?:=>\s*)?")
    match = head.match(text, start)
    if not match:
        return None
    reader = _Reader(text)
    reader.at = match.end()
    if reader.peek() == "(":
        return literal(text, reader.at + 1)
    if reader.peek() == "{":
        found = re.compile(r"\breturn\s+(?=[{\[])").search(text, reader.at)
        if found:
            return literal(text, found.end())
    return None


def variable(text: str, name: str):
    """The literal a ``const``/``let``/``var`` named ``name`` is set to, or an Unread."""
    match = re.search(rf"\b(?:const|let|var)\s+{re.escape(name)}\s*=\s*", text)
    if not match:
        return Unread(name)
    return literal(text, match.end())


def value_of_key(text: str, key: str):
    """[(position, value)] of every ``key: value`` written in ``text`` (a value that is
    a variable name is looked up as a ``const``)."""
    found = []
    for match in re.finditer(rf"(?<![\w$.]){re.escape(key)}\s*:\s*", text):
        start = match.end()
        if ident := re.compile(r"[A-Za-z_$][\w$]*(?=\s*[,}\n])").match(text, start):
            if ident.group(0) not in ("true", "false", "null", "undefined"):
                found.append((match.start(), variable(text, ident.group(0))))
                continue
        found.append((match.start(), literal(text, start)))
    return found


def readable(value) -> bool:
    """Whether a parsed value holds no Unread anywhere."""
    if is_unread(value):
        return False
    if isinstance(value, dict):
        return all(readable(v) for v in value.values())
    if isinstance(value, list):
        return all(readable(v) for v in value)
    return True


def unread_keys(value, prefix="") -> list[str]:
    """The dotted keys whose values could not be read."""
    if is_unread(value):
        return [prefix or "(the value)"]
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += unread_keys(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += unread_keys(item, f"{prefix}[{index}]")
    return found
