"""The literal values of a JavaScript file, read without running it.

Eleventy's configuration (``eleventy.config.js``), its JavaScript data files
(``*.11tydata.js``, ``_data/*.js``) and the other generators' ``*.config.js`` hold the
few values the importer needs as literals: ``{ dir: { input: "src" } }``,
``module.exports = { tags: ["posts"], layout: "post.njk" }``. This module reads those:
objects, arrays, strings (quoted, or template strings without ``${}``), numbers,
``true``/``false``/``null``, comments, trailing commas. Anything else (a function, a
variable, a call, ``process.env.X``) is never evaluated: it becomes :data:`UNREAD`,
and the caller reports the key it could not read.
"""

import re


#: A value that is not a literal (computed when the generator ran); never a string.
class _Unread:
    def __repr__(self):
        return "<not a literal>"

    def __reduce__(self):
        return "UNREAD"


UNREAD = _Unread()

_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(r"-?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_OPEN = {"{": "}", "[": "]", "(": ")"}
MAX_DEPTH = 40


class _Reader:
    def __init__(self, text):
        self.text = text
        self.pos = 0

    def skip(self):
        """Past white space and comments."""
        text = self.text
        while self.pos < len(text):
            if text[self.pos].isspace():
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end + 1
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                self.pos = len(text) if end < 0 else end + 2
            else:
                break

    def peek(self):
        self.skip()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def value(self, depth=0):
        """The literal at the reader's position, or UNREAD (the reader then stands at
        the end of the expression: a ``,``, a closing bracket, ``;`` or the end)."""
        if depth > MAX_DEPTH:
            self.skip_expression()
            return UNREAD
        char = self.peek()
        start = self.pos
        if char == "{":
            result = self.object(depth)
        elif char == "[":
            result = self.array(depth)
        elif char and char in "\"'`":
            result = self.string()
        elif match := _NUMBER.match(self.text, self.pos):
            self.pos = match.end()
            written = match.group(0)
            try:
                whole = re.fullmatch(r"-?(?:0[xX][0-9a-fA-F]+|\d+)", written)
                result = int(written, 0) if whole else float(written)
            except ValueError:
                result = UNREAD
        elif match := _IDENT.match(self.text, self.pos):
            self.pos = match.end()
            result = {"true": True, "false": False, "null": None, "undefined": None}.get(
                match.group(0), UNREAD
            )
        else:
            result = UNREAD
        # Anything after the literal (``"a" + b``, ``x.y``, ``f()``): not a literal.
        if self.peek() not in (",", "}", "]", ")", ";", ""):
            self.pos = start
            self.skip_expression()
            return UNREAD
        return result

    def object(self, depth):
        self.pos += 1  # {
        found = {}
        while True:
            char = self.peek()
            if char == "}":
                self.pos += 1
                return found
            if char == "":
                return UNREAD
            if self.text.startswith("...", self.pos):  # a spread: not read
                self.pos += 3
                self.skip_expression()
                found.setdefault("...", UNREAD)
            else:
                key = self.key()
                if key is None:
                    self.skip_expression()
                elif self.peek() == ":":
                    self.pos += 1
                    found[key] = self.value(depth + 1)
                elif self.peek() == "(":  # a method: permalink(data) { … }
                    self.skip_expression()
                    found[key] = UNREAD
                else:  # shorthand { input }
                    found[key] = UNREAD
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                self.skip_expression()
                if self.peek() == ",":
                    self.pos += 1
                elif self.peek() != "}":
                    return UNREAD

    def key(self):
        char = self.peek()
        if char and char in "\"'":
            key = self.string()
            return key if isinstance(key, str) else None
        if char == "[":  # a computed key
            self.skip_expression()
            return None
        if match := re.compile(r"(?:async\s+|get\s+|set\s+)?([\w$]+)").match(self.text, self.pos):
            self.pos = match.end()
            return match.group(1)
        return None

    def array(self, depth):
        self.pos += 1  # [
        found = []
        while True:
            char = self.peek()
            if char == "]":
                self.pos += 1
                return found
            if char == "":
                return UNREAD
            if self.text.startswith("...", self.pos):
                self.pos += 3
                self.skip_expression()
                found.append(UNREAD)
            else:
                found.append(self.value(depth + 1))
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                return UNREAD

    def string(self):
        quote = self.text[self.pos]
        self.pos += 1
        out = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text):
                following = text[self.pos + 1]
                digits = text[self.pos + 2 : self.pos + 6]
                if following == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                    out.append(chr(int(digits, 16)))
                    self.pos += 6
                    continue
                out.append(_ESCAPES.get(following, "" if following == "\n" else following))
                self.pos += 2
                continue
            if char == quote:
                self.pos += 1
                return "".join(out)
            if quote == "`" and text.startswith("${", self.pos):
                self.pos -= 1  # (the caller skips the whole template string)
                return self._skip_template()
            if char == "\n" and quote != "`":
                return UNREAD
            out.append(char)
            self.pos += 1
        return UNREAD

    def _skip_template(self):
        end = self.text.find("`", self.pos + 2)
        self.pos = len(self.text) if end < 0 else end + 1
        return UNREAD

    def skip_expression(self):
        """Past one expression: up to a ``,``, ``;`` or closing bracket at this depth."""
        stack = []
        text = self.text
        while True:
            char = self.peek()
            if char == "":
                return
            if not stack and char in ",;}])":
                return
            if char and char in "\"'`":
                if self.string() is UNREAD and char != "`":
                    # (an unclosed string: give up on the line)
                    end = text.find("\n", self.pos)
                    self.pos = len(text) if end < 0 else end + 1
                continue
            if char in _OPEN:
                stack.append(_OPEN[char])
            elif stack and char == stack[-1]:
                stack.pop()
            self.pos += 1


def parse(text: str):
    """The literal ``text`` starts with (after comments), or UNREAD."""
    return _Reader(text).value()


def exported(text: str):
    """What a data file exports: ``module.exports = …``, ``export default …`` (an
    object or a function returning one). None when the file exports nothing found."""
    for pattern in (
        r"\bmodule\.exports\s*=\s*",
        r"\bexport\s+default\s+",
        r"\bexports\s*=\s*",
    ):
        if match := re.search(pattern, text):
            reader = _Reader(text)
            reader.pos = match.end()
            start = reader.pos
            value = reader.value()
            if value is not UNREAD:
                return value
            returned = _returned_object(text, start)
            if returned is not None:
                return returned
            if ident := re.compile(r"[A-Za-z_$][\w$]*(?=[ \t]*(?:;|\n|$))").match(text, start):
                return variable(text, ident.group(0))
            return UNREAD
    return None


def _returned_object(text, start):
    """The object a function written at ``start`` returns: ``function() { return {…} }``
    or ``() => ({…})``, when it is one literal."""
    head = re.compile(r"(?:async\s+)?(?:function\s*[\w$]*\s*)?\([^)]*\)\s*(?:=>\s*)?")
    match = head.match(text, start)
    if not match:
        return None
    reader = _Reader(text)
    reader.pos = match.end()
    if reader.peek() == "(":
        reader.pos += 1
        return reader.value()
    if reader.peek() == "{":
        found = re.compile(r"\breturn\s+(?=[{\[])").search(text, reader.pos)
        if found:
            reader.pos = found.end()
            return reader.value()
    return None


def variable(text: str, name: str):
    """The literal a ``const``/``let``/``var`` named ``name`` is set to, or UNREAD."""
    match = re.search(rf"\b(?:const|let|var)\s+{re.escape(name)}\s*=\s*", text)
    if not match:
        return UNREAD
    reader = _Reader(text)
    reader.pos = match.end()
    return reader.value()


def value_of_key(text: str, key: str):
    """[(position, value)] of every ``key: value`` written in ``text`` (a value that is
    a variable name is looked up as a ``const``)."""
    found = []
    for match in re.finditer(rf"(?<![\w$.]){re.escape(key)}\s*:\s*", text):
        reader = _Reader(text)
        reader.pos = match.end()
        if ident := re.compile(r"[A-Za-z_$][\w$]*(?=\s*[,}\n])").match(text, reader.pos):
            if ident.group(0) not in ("true", "false", "null", "undefined"):
                found.append((match.start(), variable(text, ident.group(0))))
                continue
        found.append((match.start(), reader.value()))
    return found


def readable(value) -> bool:
    """Whether a parsed value holds no UNREAD anywhere."""
    if value is UNREAD:
        return False
    if isinstance(value, dict):
        return all(readable(v) for v in value.values())
    if isinstance(value, list):
        return all(readable(v) for v in value)
    return True


def unread_keys(value, prefix="") -> list[str]:
    """The dotted keys whose values could not be read."""
    if value is UNREAD:
        return [prefix or "(the value)"]
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += unread_keys(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += unread_keys(item, f"{prefix}[{index}]")
    return found


def plain(value):
    """The value with every UNREAD left out."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not UNREAD}
    if isinstance(value, list):
        return [plain(v) for v in value if v is not UNREAD]
    return value
