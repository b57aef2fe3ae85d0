"""The export's data files: authors, tags and categories, the site's configuration.

A mixin of the exporter (blog/exporting/__init__.py), whose ``_rows``, ``_write`` and
``_changes`` it uses: a data file is written as imported while what it made is
unedited, else with only its changed keys rewritten (blog/exporting/matter.py).
"""

from collections import defaultdict
from pathlib import Path

from authors.models import Author
from blog.importing import frontmatter
from blog.importing import sources as kept
from blog.models import Tag
from sitesettings.models import SITE_PK, SiteSettings

from . import matter
from .matter import REMOVE
from .result import AS_IMPORTED, LEFT_OUT, NEW, REWRITTEN, FileNote

#: Settings written back where the import read them (the key holding the old value).
SETTINGS_TEXTS = ("title", "tagline", "footer_text")


class DataFiles:
    # -- authors -------------------------------------------------------------------

    def _authors(self):
        by_file, new = defaultdict(list), defaultdict(list)
        for author in Author.objects.order_by("pk"):
            if own := self._own(author):
                by_file[own].append(author)
            elif not author.source_path or not self.originals:  # made in Folio
                path, key = self.dialect.new_author_place(author.slug)
                new[path].append((key, author))
        rows = self._rows(by_file)
        for path in {**by_file, **new}:
            row = rows.get(path)
            if row is None and by_file.get(path):
                continue  # an author only a post names (Hugo's): written with the posts
            self._isolated(path, self._author_file, path, row, by_file[path], new[path])

    def _author_file(self, path, row, authors, new):
        """The file of ``authors`` as imported, or rewritten where they changed, with
        the authors made in Folio that the dialect keeps in it (``new``)."""
        states = {f"author:{a.source_path}": kept.author_state(a) for a in authors}
        if row is not None and not new:
            if all(row.states.get(key) == state for key, state in states.items()):
                return self._write(row.path, bytes(row.data), "author", AS_IMPORTED)
        fmt = _data_format(path)
        text = frontmatter.decode(bytes(row.data)) if row is not None else ""
        changed = []
        for key, state in states.items():
            old = row.states.get(key)
            if old is None or old == state:
                continue
            at = key.partition("#")[2] or None
            present = matter.load(fmt, text)
            present = present.get(at, {}) if at else present
            changes = self._author_changes(old, state, present, path)
            text = matter.rewrite(fmt, text, changes, at=at)
            changed.append(f"{state['slug']}: {', '.join(sorted(changes)) or 'nothing written'}")
        for key, author in new:
            state = kept.author_state(author)
            mapping = {k: self._value(k, v, k, path) for k, v in self._new_mapping(state).items()}
            mapping = {k: v for k, v in mapping.items() if v is not REMOVE} | (author.extra or {})
            if key is None:
                text = matter.write_new(fmt, mapping)
            else:
                text = (
                    matter.rewrite(fmt, text, {key: mapping})
                    if text
                    else matter.write_new(fmt, {key: mapping})
                )
            changed.append(f"{author.slug}: made in Folio")
        how = REWRITTEN if row is not None else NEW
        detail = ("changed " + "; ".join(changed)) if row is not None else ""
        self._write(path, text.encode(), "author", how, detail)

    def _author_changes(self, old, new, present, path):
        names = {"first_name", "last_name"}
        if "name" in present and (old["first_name"], old["last_name"]) != (
            new["first_name"],
            new["last_name"],
        ):
            old = {**old, "name": None}
            new = {**new, "name": f"{new['first_name']} {new['last_name']}".strip()}
        else:
            names = set()
        trimmed_old = {k: v for k, v in old.items() if k not in names}
        trimmed_new = {k: v for k, v in new.items() if k not in names}
        return self._changes(trimmed_old, trimmed_new, present, path)

    # -- tags, settings, the rest --------------------------------------------------

    def _tags(self):
        tags = Tag.objects.exclude(source_path="").order_by("pk")
        rows = self._rows(tag.source_path for tag in tags)
        for tag in tags:
            row = rows.get(tag.source_path)
            if row is not None:
                self._isolated(tag.source_path, self._tag_file, tag, row)

    def _tag_file(self, tag, row):
        key, state = f"{tag.kind}:{tag.slug}", kept.tag_state(tag)
        old = row.states.get(key)
        if old is None or old == state:
            return self._write(row.path, bytes(row.data), tag.kind, AS_IMPORTED)
        text = frontmatter.decode(bytes(row.data))
        present = matter.load("yaml", text) if text.strip() else {}
        changes = {}
        if old["name"] != state["name"]:
            changes["title" if "title" in present or "id" not in present else "id"] = state["name"]
        if old["description"] != state["description"]:
            changes["description"] = state["description"] or REMOVE
        text = matter.rewrite("yaml", text, changes)
        self._write(row.path, text.encode(), tag.kind, REWRITTEN, f"changed: {', '.join(changes)}")

    def _settings(self):
        settings_row = SiteSettings.objects.filter(pk=SITE_PK).first()
        if settings_row is None:
            return
        files = [path for path in settings_row.source_path.split(", ") if path]
        rows = self._rows(files)
        if not files or files[0] not in rows:
            return self._new_settings(settings_row)
        old = rows[files[0]].states.get("site settings")
        now = kept.settings_state(settings_row)
        changed = [name for name in now if old is not None and old.get(name) != now[name]]
        texts = [name for name in changed if name in SETTINGS_TEXTS]
        left = [name for name in changed if name not in SETTINGS_TEXTS]
        for path in files:
            if path not in rows:
                continue
            data = bytes(rows[path].data)
            done = []
            if texts and (fmt := _data_format(path, config=True)):
                text = frontmatter.decode(data)
                for name in list(texts):
                    rewritten = _config_rewrite(fmt, text, old.get(name), now[name])
                    if rewritten is not None:
                        text = rewritten
                        texts.remove(name)
                        done.append(name)
                data = text.encode()
            detail = f"changed: {', '.join(done)}" if done else ""
            self._write(path, data, "site settings", REWRITTEN if done else AS_IMPORTED, detail)
        if texts or left:
            note = next((n for n in self.result.files if n.path == files[0]), None)
            if note is None:
                note = FileNote(files[0], "site settings", LEFT_OUT)
                self.result.files.append(note)
            note.detail = "; ".join(
                filter(
                    None,
                    [
                        note.detail,
                        f"Folio's edits to the site settings ({', '.join(texts + left)}) are "
                        "not written into the site's configuration (not read from a YAML, "
                        "TOML or JSON key of its own, or a menu, logo or extra value); make "
                        "them there by hand",
                    ],
                )
            )

    def _new_settings(self, row):
        """The configuration of a site made in Folio (or written for another
        generator), the way the dialect writes it."""
        items = row.menu_items.select_related("post", "page").order_by("menu", "order", "pk")
        menus = defaultdict(list)
        for item in items:
            menus[item.menu].append(_menu_link(item))
        site = {
            "title": row.title,
            "tagline": row.tagline,
            "base_url": row.base_url,
            "footer_text": row.footer_text,
            "logo_alt": row.logo_alt,
            "logo": self._image_reference(row.logo.name, "") if row.logo else "",
            "favicon": self._image_reference(row.favicon.name, "") if row.favicon else "",
            "extra": row.extra or {},
            "menus": dict(menus),
        }
        written = self.dialect.new_site_config(site)
        if not written:
            detail = (
                f"the {self.dialect.label} writer does not write a new site's configuration "
                "(it is JavaScript): give the title, description and menus there by hand"
            )
            where = f"({self.dialect.label} configuration)"
            self.result.files.append(FileNote(where, "site settings", LEFT_OUT, detail))
        for path, content in written:
            if isinstance(content, dict):
                content = matter.write_new(_data_format(path), content)
            self._write(path, content.encode(), "site settings", NEW)


def _menu_link(item) -> dict:
    if item.post_id:
        url = item.post.get_absolute_url()
    elif item.page_id:
        url = item.page.get_absolute_url()
    else:
        url = item.url.strip()
    return {
        "label": item.label,
        "url": url,
        "style": item.style,
        "column": item.column,
        "new_window": item.new_window,
    }


def _data_format(path, config=False):
    """The format of a data file by its name; with ``config``, None for a file that is
    not YAML, TOML or JSON (JavaScript: read as literals, never rewritten)."""
    suffix = Path(path).suffix.lower()
    if config and suffix not in (".json", ".toml", ".yaml", ".yml"):
        return None
    return {".json": "json", ".toml": "toml"}.get(suffix, "yaml")


def _config_rewrite(fmt, text, old, new):
    """``text`` with the keys whose value is ``old`` (at the top, or one mapping down:
    ``header.title``) set to ``new``: the import read the setting from one of them;
    None when none holds it."""
    if not old or not isinstance(old, str):
        return None
    try:
        data = matter.load(fmt, text)
    except Exception:  # noqa: BLE001 - an unreadable file is written as it was
        return None
    found = [(key, None) for key, value in data.items() if value == old]
    for key, value in data.items():
        if isinstance(value, dict):
            found += [(key, inner) for inner, item in value.items() if item == old]
    value = new if new else REMOVE
    for key, inner in found:  # (Stackbit: the same title at title and header.title)
        if inner is None:
            text = matter.rewrite(fmt, text, {key: value})
        else:
            text = matter.rewrite(fmt, text, {inner: value}, at=key)
    return text if found else None
