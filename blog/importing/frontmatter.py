"""Reading a markdown file with YAML front matter, defensively.

YAML is parsed with PyYAML's safe loader (the C one when available): tags that
would construct Python objects are refused, never executed. Values are copied into
plain JSON-compatible data under two budgets -- how many values, and how many
characters, the document expands to -- so a "billion laughs" document whose aliases
expand to millions of items, or a long string aliased thousands of times, fails fast
instead of filling the memory and the database.
"""

import datetime

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


def split(text: str) -> tuple[str, str, int]:
    """(front matter, body, line number where the front matter starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ImportFileError("missing front matter: the file must start with a '---' line")
    for index in range(1, len(lines)):
        if lines[index].strip() in {"---", "..."}:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), 2
    raise ImportFileError("malformed front matter: no closing '---' line")


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
        if isinstance(node, datetime.date):  # datetime is a date too
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
