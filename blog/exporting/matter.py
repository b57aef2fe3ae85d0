"""Rewriting front matter and data files in place: only the keys that changed.

Everything else of the text stays as written -- the other keys' bytes, their order,
quoting and comments, the line endings, the delimiters and the body -- so an edit of
one value in the admin changes one key of the exported file.

- YAML: the file's top-level keys are found line by line (a key starts at column 0);
  a changed key's lines are replaced by that key as ruamel.yaml writes it, in the
  quoting style the old value had; a removed key's lines go; a new key is added at
  the end. A nested mapping (one author of ``_data/authors.yml``) is rewritten the
  same way, inside its own indentation.
- TOML: tomlkit, whose documents keep every untouched item as written.
- JSON: the object reloaded in its key order and written with the file's indent.
"""

import datetime
import io
import json
import re
from dataclasses import dataclass

import tomlkit
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from blog.importing import frontmatter
from blog.importing.errors import ImportFileError

#: A value that means "remove the key".
REMOVE = object()
_KEY_LINE = re.compile(
    r"""^(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#\-?:'"][^:#]*?|-[^\s:][^:#]*?)\s*:(?:\s|$)"""
)


@dataclass
class Split:
    """A markdown file cut where its front matter is: ``head + text + tail + body``."""

    format: str  # yaml, toml, json
    head: str  # the opening delimiter line ("" for JSON)
    text: str  # the front matter
    tail: str  # the closing delimiter line ("" for JSON: the newline after it)
    body: str


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def split(text: str) -> Split | None:
    """The file's parts, or None when it has no front matter: cut where the importer
    cuts it (:func:`blog.importing.frontmatter.split_any`), delimiters kept."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text.removeprefix(bom)
    try:
        found = frontmatter.split_any(text)
    except ImportFileError:
        return None
    if found.format == "json":
        head = text[: len(text) - len(text.lstrip(" \t"))]
    else:
        head = text.splitlines(keepends=True)[0]
    tail = text[len(head) + len(found.text) : len(text) - len(found.body)]
    return Split(found.format, bom + head, found.text, tail, found.body)


def join(parts: Split) -> str:
    return parts.head + parts.text + parts.tail + parts.body


def rewrite(fmt: str, text: str, changes: dict, *, at: str | None = None) -> str:
    """``text`` (a front matter, or a whole data file) with ``changes`` applied:
    {key: new value, or REMOVE}; with ``at``, inside the mapping under that top-level
    key instead."""
    if not changes:
        return text
    if fmt == "toml":
        return _rewrite_toml(text, changes, at)
    if fmt == "json":
        return _rewrite_json(text, changes, at)
    return _rewrite_yaml(text, changes, at)


# -- YAML ------------------------------------------------------------------------------


def _blocks(lines):
    """[(key or None, [lines])]: each top-level key with its lines; comments and
    anything else at column 0 are blocks of their own (kept where they are)."""
    blocks = []
    for line in lines:
        found = _KEY_LINE.match(line)
        if found and not line[:1].isspace():
            blocks.append([_unquote(found.group("key")), [line]])
        elif (
            blocks
            and blocks[-1][0] is not None
            # indented, blank, or a list item at column 0 ("tags:" then "- a")
            and (
                line[:1].isspace()
                or not line.strip()
                or line.rstrip("\r\n") == "-"
                or line.startswith("- ")
            )
        ):
            blocks[-1][1].append(line)
        else:
            blocks.append([None, [line]])
    return blocks


def _unquote(key):
    if key[:1] == '"':
        try:
            return json.loads(key)
        except ValueError:
            return key[1:-1]
    if key[:1] == "'":
        return key[1:-1].replace("''", "'")
    return key.strip()


def _yaml():
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never fold a long value onto a second line
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _styled(value, old_lines):
    """``value`` in the quoting the old value was written in."""
    if not isinstance(value, str):
        return value
    first = old_lines[0].split(":", 1)[1].strip() if old_lines and ":" in old_lines[0] else ""
    if "\n" in value.strip("\n") or first.startswith("|"):
        return LiteralScalarString(value)
    if first.startswith('"'):
        return DoubleQuotedScalarString(value)
    if first.startswith("'"):
        return SingleQuotedScalarString(value)
    return value


def yaml_block(key, value, old_lines=(), newline="\n") -> str:
    """``key: value`` as YAML lines, the key as the file wrote it. A value that had
    lines before is merged into them as ruamel.yaml read them, so what did not change
    inside it (a section's other fields, a literal block, a comment) keeps its style."""
    out = io.StringIO()
    yaml = _yaml()
    if any(line.startswith("- ") for line in old_lines):  # its list was written at column 0
        yaml.indent(mapping=2, sequence=2, offset=0)
    old = _round_trip("".join(old_lines).replace("\r\n", "\n"), key) if old_lines else None
    if old is not None:
        old[key] = _merged(old[key], value)
        yaml.dump(old, out)
    else:
        yaml.dump({key: _fresh(_styled(value, list(old_lines)))}, out)
    dumped = out.getvalue()
    if old_lines:  # the key as written (its quoting)
        written = _KEY_LINE.match(old_lines[0]).group("key")
        dumped_key = _KEY_LINE.match(dumped)
        if dumped_key:
            dumped = written + dumped[dumped_key.end("key") :]
    return dumped.replace("\n", newline)


def _round_trip(text, key):
    """The block ``text`` as ruamel.yaml reads it to write it back, or None."""
    yaml = _yaml()
    yaml.preserve_quotes = True
    try:
        found = yaml.load(text)
    except Exception:  # noqa: BLE001 - then the key is written anew
        return None
    return found if isinstance(found, dict) and key in found else None


def _merged(old, new):
    """``new`` written over ``old`` (as ruamel.yaml read it), keeping the nodes that
    did not change as they were written."""
    if isinstance(old, dict) and isinstance(new, dict):
        for gone in [k for k in old if k not in new]:
            del old[gone]
        for k, v in new.items():
            old[k] = _merged(old[k], v) if k in old else _fresh(v)
        return old
    if isinstance(old, list) and isinstance(new, list):
        for index, item in enumerate(new):
            if index < len(old):
                old[index] = _merged(old[index], item)
            else:
                old.append(_fresh(item))
        del old[len(new) :]
        return old
    if old == new or (isinstance(old, datetime.date) and old.isoformat() == new):
        return old
    if isinstance(new, str) and isinstance(old, str):
        kind = type(old) if "\n" not in new or isinstance(old, LiteralScalarString) else None
        if kind in (DoubleQuotedScalarString, SingleQuotedScalarString, LiteralScalarString):
            return kind(new)
    return _fresh(new)


def _fresh(value):
    """A new value as YAML writes it best: text of several lines as a literal block."""
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, str) and "\n" in value.strip("\n"):
        return LiteralScalarString(value)
    return value


def _rewrite_yaml(text, changes, at):
    newline = newline_of(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    blocks = _blocks(lines)
    if at is not None:
        for block in blocks:
            if block[0] == at:
                head, inner = block[1][0], block[1][1:]
                indent = _indent(inner)
                dedented = "".join(line[indent:] if line.strip() else line for line in inner)
                rewritten = _rewrite_yaml(dedented, changes, None)
                block[1] = [head] + [
                    (" " * indent + line) if line.strip() else line
                    for line in rewritten.splitlines(keepends=True)
                ]
                break
        return "".join(line for block in blocks for line in block[1])
    seen = set()
    for block in blocks:
        key = block[0]
        if key in changes:
            seen.add(key)
            value = changes[key]
            block[1] = [] if value is REMOVE else [yaml_block(key, value, block[1], newline)]
    added = [
        yaml_block(key, value, newline=newline)
        for key, value in changes.items()
        if key not in seen and value is not REMOVE
    ]
    return "".join(line for block in blocks for line in block[1]) + "".join(added)


def _indent(lines):
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    return min(widths) if widths else 2


# -- TOML and JSON ---------------------------------------------------------------------


def _toml_value(value):
    if isinstance(value, dict):
        return {k: _toml_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_value(v) for v in value if v is not None]
    return value


def _rewrite_toml(text, changes, at):
    newline = newline_of(text)
    doc = tomlkit.parse(text)
    target = doc[at] if at is not None else doc
    for key, value in changes.items():
        if value is REMOVE or value is None:
            if key in target:
                del target[key]
        else:
            target[key] = _toml_value(value)
    out = tomlkit.dumps(doc)
    if newline == "\r\n":
        out = re.sub(r"(?<!\r)\n", "\r\n", out)
    return out


def _rewrite_json(text, changes, at):
    value = json.loads(text)
    target = value[at] if at is not None else value
    for key, new in changes.items():
        if new is REMOVE:
            target.pop(key, None)
        else:
            target[key] = new.isoformat() if isinstance(new, datetime.datetime) else new
    found = re.search(r"\n([ \t]+)\S", text)
    indent = found.group(1) if found else None
    out = json.dumps(value, ensure_ascii=False, indent=indent)
    if text.endswith("\n") and not out.endswith("\n"):
        out += "\n"
    return out.replace("\n", newline_of(text)) if "\r\n" in text else out


def load(fmt: str, text: str) -> dict:
    """The mapping ``text`` holds, as plain data (for reading what a key says)."""
    if fmt == "toml":
        return frontmatter.load_toml(text)
    if fmt == "json":
        return frontmatter.load_json(text)
    return frontmatter.load_yaml(text)


def write_new(fmt: str, mapping: dict) -> str:
    """A new front matter (or data file) holding ``mapping``, in key order."""
    if fmt == "toml":
        return tomlkit.dumps(_toml_value(mapping))
    if fmt == "json":
        return json.dumps(mapping, ensure_ascii=False, indent=2) + "\n"
    if not mapping:
        return ""
    out = io.StringIO()
    _yaml().dump(_fresh(mapping), out)
    return out.getvalue()
