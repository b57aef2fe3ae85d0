"""Reading a markdown file's front matter -- YAML, TOML or JSON -- defensively.

:func:`split` finds the front matter by its delimiters (``---`` YAML, ``+++`` TOML, a
leading JSON object ``{ … }``, as Hugo reads them); :func:`read` parses whichever it is.

YAML is parsed with PyYAML's safe loader (the C one when available): tags that
would construct Python objects are refused, never executed. Values are copied into
plain JSON-compatible data under two budgets -- how many values, and how many
characters, the document expands to -- so a "billion laughs" document whose aliases
expand to millions of items, or a long string aliased thousands of times, fails fast
instead of filling the memory and the database.
"""

import datetime
import json
import re
import tomllib
from dataclasses import dataclass

import yaml

from .errors import ImportFileError

try:
    SafeLoader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    SafeLoader = yaml.SafeLoader

#: Values (scalars, list items, mapping entries) one front matter may expand to.
MAX_VALUES = 20_000
MAX_DEPTH = 32
#: Characters a document may expand to, as a multiple of its own length: aliases may
#: repeat a value, but not turn 120 KB of YAML into 500 MB of data.
EXPANSION_FACTOR = 10
#: ...and at least this many, so a short document may still repeat a short value.
MIN_EXPANDED_CHARS = 64 * 1024


def decode(data: bytes) -> str:
    """File bytes as text; refuses binary and non-UTF-8 files."""
    if not data.strip():
        raise ImportFileError("the file is empty")
    if b"\x00" in data:
        raise ImportFileError("this is a binary file, not markdown (it holds NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


@dataclass(frozen=True)
class FrontMatter:
    format: str  # "yaml", "toml" or "json"
    text: str  # the front matter's own text, delimiters excluded
    body: str
    first_line: int  # where the front matter's text starts in the file


def split_any(text: str) -> FrontMatter:
    """The front matter and body of a file, whichever the format (by its delimiters)."""
    lines = text.splitlines(keepends=True)
    first = lines[0].strip() if lines else ""
    if first == "+++":
        for index in range(1, len(lines)):
            if lines[index].strip() == "+++":
                return FrontMatter("toml", "".join(lines[1:index]), "".join(lines[index + 1 :]), 2)
        raise ImportFileError("malformed front matter: no closing '+++' line")
    if text.lstrip(" \t").startswith("{"):
        start = len(text) - len(text.lstrip(" \t"))
        try:
            _, end = json.JSONDecoder().raw_decode(text, start)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"front matter: JSON error at line {exc.lineno}: {exc.msg}"
            ) from None
        except RecursionError:
            raise ImportFileError("front matter: JSON nested too deeply") from None
        body = text[end:]
        return FrontMatter("json", text[start:end], body.removeprefix("\r").removeprefix("\n"), 1)
    meta, body, first_line = split(text)
    return FrontMatter("yaml", meta, body, first_line)


def read(text: str) -> tuple[dict, FrontMatter]:
    """(front matter as plain data, the split file), for any of the three formats."""
    found = split_any(text)
    if found.format == "toml":
        return load_toml(found.text, first_line=found.first_line), found
    if found.format == "json":
        return load_json(found.text), found
    return load_yaml(found.text, first_line=found.first_line), found


def split(text: str) -> tuple[str, str, int]:
    """(YAML front matter, body, line number where the front matter starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ImportFileError("missing front matter: the file must start with a '---' line")
    for index in range(1, len(lines)):
        if lines[index].strip() in {"---", "..."}:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), 2
    raise ImportFileError("malformed front matter: no closing '---' line")


def load_toml(source: str, *, first_line: int = 1, what: str = "front matter") -> dict:
    """A TOML document as plain JSON-compatible data (dates as ISO strings), within the
    same budgets as YAML."""
    prefix = f"{what}: " if what else ""
    try:
        value = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "(at line 3, column 7)" counting from the front matter's start.
        message = str(exc)
        if first_line > 1 and (found := re.search(r"at line (\d+)", message)):
            line = int(found.group(1)) + first_line - 1
            message = message.replace(found.group(0), f"at line {line}")
        raise ImportFileError(f"{prefix}TOML error: {message}") from None
    except RecursionError:
        raise ImportFileError(f"{prefix}nested too deeply") from None
    return to_plain(value, what=what or "the file", source_length=len(source))


def load_json(source: str, *, what: str = "front matter") -> dict:
    """A JSON object as plain data, within the same budgets."""
    prefix = f"{what}: " if what else ""
    try:
        value = json.loads(source)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{prefix}JSON error at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise ImportFileError(f"{prefix}nested too deeply") from None
    if not isinstance(value, dict):
        raise ImportFileError(f"{what or 'the file'} must be a JSON object, not {_kind(value)}")
    return to_plain(value, what=what or "the file", source_length=len(source))


def load_yaml(source: str, *, first_line: int = 1, what: str = "front matter") -> dict:
    """A YAML mapping, parsed safely, as plain JSON-compatible data.

    ``what`` prefixes error messages ("front matter: YAML error at line 3: …");
    pass "" where the caller names the file already.
    """
    prefix = f"{what}: " if what else ""
    try:
        value = yaml.load(source, Loader=SafeLoader)  # noqa: S506 - SafeLoader/CSafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + first_line}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError):
            problem = f"{problem} (only plain YAML is allowed; tags are never executed)"
        raise ImportFileError(f"{prefix}YAML error{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ImportFileError(f"{prefix}YAML error: {exc}") from None
    except (ValueError, OverflowError) as exc:  # e.g. date: 2021-02-30 unquoted
        raise ImportFileError(f"{prefix}invalid value: {exc}") from None
    except RecursionError:
        raise ImportFileError(f"{prefix}nested too deeply") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ImportFileError(f"{what or 'the file'} must be a mapping, not a {_kind(value)}")
    return to_plain(value, what=what or "the file", source_length=len(source))


def to_plain(value, *, what="front matter", source_length=0):
    """A deep copy of parsed YAML as JSON-compatible data, within MAX_VALUES/MAX_DEPTH
    values and EXPANSION_FACTOR times ``source_length`` characters.

    Dates become ISO strings; mapping keys become strings. Shared (aliased) nodes are
    copied each time they are reached, so the budgets count what the document expands
    to. (A copy of a string is the same string object: what the character budget
    bounds is what would be stored and serialized, not the copy.)
    """
    budget = [MAX_VALUES]
    max_chars = max(EXPANSION_FACTOR * source_length, MIN_EXPANDED_CHARS)
    chars = [max_chars]

    def spend(text):
        chars[0] -= len(text)
        if chars[0] < 0:
            raise ImportFileError(
                f"{what} expands to more than {max_chars:,} characters, over "
                f"{EXPANSION_FACTOR} times its own size (YAML aliases can repeat a long "
                "value); refused"
            )
        return text

    def copy(node, depth):
        budget[0] -= 1
        if budget[0] < 0:
            raise ImportFileError(
                f"{what} expands to more than {MAX_VALUES:,} values "
                "(YAML aliases can multiply a small file); refused"
            )
        if depth > MAX_DEPTH:
            raise ImportFileError(f"{what} is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            return {spend(str(key)): copy(item, depth + 1) for key, item in node.items()}
        if isinstance(node, list | tuple | set):
            return [copy(item, depth + 1) for item in node]
        if isinstance(node, datetime.date | datetime.time):  # datetime is a date too
            return node.isoformat()
        if isinstance(node, str) and "\x00" in node:
            # A YAML "\0" escape: no database text column may hold one (PostgreSQL refuses).
            raise ImportFileError(f"{what}: a value holds a NUL character (\\0); refused")
        if isinstance(node, str):
            return spend(node)
        if isinstance(node, bytes):  # !!binary
            raise ImportFileError(f"{what}: binary values are not supported")
        if isinstance(node, float) and node != node:  # NaN is not JSON
            return None
        return node

    return copy(value, 0)


def _kind(value):
    return {list: "list", str: "text"}.get(type(value), type(value).__name__)
