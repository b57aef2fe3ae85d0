"""Reading a markdown file with YAML front matter, defensively.

YAML is parsed with PyYAML's safe loader (the C one when available): tags that
would construct Python objects are refused, never executed. Values are copied into
plain JSON-compatible data under a size budget, so a "billion laughs" document
whose aliases expand to millions of items fails fast instead of hanging.
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


def decode(data: bytes) -> str:
    """File bytes as text; refuses binary and non-UTF-8 files."""
    if not data.strip():
        raise ImportFileError("the file is empty")
    if b"\x00" in data[:8192]:
        raise ImportFileError("this is a binary file, not markdown")
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
    return to_plain(value, what=what or "the file")


def to_plain(value, *, what="front matter"):
    """A deep copy of parsed YAML as JSON-compatible data, within MAX_VALUES/MAX_DEPTH.

    Dates become ISO strings; mapping keys become strings. Shared (aliased) nodes are
    copied each time they are reached, so the budget counts what the document expands to.
    """
    budget = [MAX_VALUES]

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
            return {str(key): copy(item, depth + 1) for key, item in node.items()}
        if isinstance(node, list | tuple | set):
            return [copy(item, depth + 1) for item in node]
        if isinstance(node, datetime.date):  # datetime is a date too
            return node.isoformat()
        if isinstance(node, bytes):  # !!binary
            raise ImportFileError(f"{what}: binary values are not supported")
        if isinstance(node, float) and node != node:  # NaN is not JSON
            return None
        return node

    return copy(value, 0)


def _kind(value):
    return {list: "list", str: "text"}.get(type(value), type(value).__name__)
