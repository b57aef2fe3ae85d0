"""A Hugo site's configuration, read without running Hugo.

Hugo looks for ``hugo.toml|yaml|yml|json``, then ``config.toml|yaml|yml|json``, at the
root, and merges the configuration directory ``config/_default/`` (a ``hugo.*`` or
``config.*`` file there holds top-level keys; any other file, such as ``params.toml`` or
``menus.en.toml``, the key named by its file name) and, as ``hugo`` builds for the
``production`` environment, ``config/production/`` over it. Keys are case-insensitive
(``baseURL``, ``baseurl``), so every key is read lower-cased.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from .. import frontmatter, siteconfig
from ..addresses import as_request_path
from ..errors import ImportFileError
from ..siteconfig import SiteRecord

ROOT_FILES = tuple(
    f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")
)
CONFIG_DIRS = ("config/_default", "config/production")
CONFIG_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
DEFAULT_TAXONOMIES = {"tag": "tags", "category": "categories"}
#: Section names that hold a blog's posts, when the site names no mainSections.
POST_SECTIONS = ("posts", "post", "blog", "articles")


@dataclass
class HugoConfig:
    sources: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # the merged configuration, keys lower-cased
    title: str = ""
    base_url: str = ""  # scheme and host (https://example.org), "" when not given
    base_path: str = "/"  # the path the site lived under ("/" or "/blog/")
    language_code: str = ""
    time_zone: datetime.tzinfo = datetime.UTC
    content_dir: str = "content"
    static_dirs: tuple = ("static",)
    #: {section: pattern} for regular pages; {plural: pattern} for term pages.
    permalinks: dict = field(default_factory=dict)
    term_permalinks: dict = field(default_factory=dict)
    ugly_urls: bool | dict = False
    lower_paths: bool = True
    #: {singular: plural}; Hugo's default is tags and categories.
    taxonomies: dict = field(default_factory=lambda: dict(DEFAULT_TAXONOMIES))
    main_sections: list[str] = field(default_factory=list)
    summary_divider: str = "<!--more-->"
    #: ``defaultContentLanguage`` and every language of ``[languages]``: the suffixes
    #: that mark a translation (``about.fr.md``).
    default_language: str = "en"
    languages: frozenset = frozenset({"en"})
    warnings: list[str] = field(default_factory=list)

    @property
    def params(self) -> dict:
        params = self.values.get("params")
        return params if isinstance(params, dict) else {}

    def ugly(self, section: str) -> bool:
        if isinstance(self.ugly_urls, dict):
            return self.ugly_urls.get(section.lower()) is True
        return self.ugly_urls is True


def is_hugo_site(root) -> bool:
    """Whether the folder looks like a Hugo site: a configuration file and content/."""
    has_config = any((root / name).is_file() for name in ROOT_FILES) or any(
        (root / folder).is_dir() for folder in CONFIG_DIRS
    )
    return has_config and (root / "content").is_dir()


def find_files(root) -> list[str]:
    """Site-relative configuration files in the order Hugo merges them (later wins)."""
    found = [name for name in ROOT_FILES if (root / name).is_file()][:1]
    for folder in CONFIG_DIRS:
        directory = root / folder
        if directory.is_dir():
            names = sorted(
                p.name for p in directory.iterdir() if p.suffix.lower() in CONFIG_SUFFIXES
            )
            # The main file first, so that params.toml and the like add to it.
            names.sort(key=lambda name: PurePosixPath(name).stem.lower() not in {"hugo", "config"})
            found += [f"{folder}/{name}" for name in names if (directory / name).is_file()]
    return found


def load(path: str, data: bytes) -> dict:
    """One configuration file as plain data, keys lower-cased at every level."""
    if not data.strip():
        return {}  # an empty configuration is Hugo's defaults
    text = frontmatter.decode(data)
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".toml":
        value = frontmatter.load_toml(text, what="")
    elif suffix == ".json":
        value = frontmatter.load_json(text, what="")
    else:
        value = frontmatter.load_yaml(text, what="")
    return _lower_keys(value)


def parse(files: list[tuple[str, bytes]]) -> tuple[HugoConfig, list[tuple[str, str]]]:
    """The configuration the files make, and (path, problem) for each unreadable one."""
    config = HugoConfig()
    problems = []
    merged: dict = {}
    for path, data in files:
        try:
            value = load(path, data)
        except ImportFileError as exc:
            problems.append((path, str(exc)))
            continue
        config.sources.append(path)
        stem = PurePosixPath(path).stem.lower().split(".")[0]  # menus.en.toml: menus
        if "/" in path and stem not in {"hugo", "config"}:
            value = {stem: value}
        _merge(merged, value)
    config.values = merged
    _read(config, merged)
    return config, problems


def _merge(into: dict, value: dict):
    for key, item in value.items():
        if isinstance(item, dict) and isinstance(into.get(key), dict):
            _merge(into[key], item)
        else:
            into[key] = item


def _lower_keys(value):
    if isinstance(value, dict):
        return {str(key).lower(): _lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lower_keys(item) for item in value]
    return value


def _text(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _read(config: HugoConfig, values: dict):
    config.title = _text(values.get("title"))
    config.language_code = _text(values.get("languagecode"))
    base = values.get("baseurl")
    if isinstance(base, str) and base.strip():
        try:
            parts = urlsplit(base.strip())
        except ValueError:
            parts = None
        if parts and parts.scheme in {"http", "https"} and parts.hostname:
            config.base_url = f"{parts.scheme}://{parts.netloc}"
            config.base_path = "/" + parts.path.strip("/") + "/" if parts.path.strip("/") else "/"
        elif parts and not parts.scheme and parts.path.startswith("/"):
            config.base_path = "/" + parts.path.strip("/") + "/" if parts.path.strip("/") else "/"
        else:
            config.warnings.append(f"baseURL {base[:80]!r} is not an http(s) address; ignored")
    zone = values.get("timezone")
    if isinstance(zone, str) and zone.strip():
        try:
            config.time_zone = zoneinfo.ZoneInfo(zone.strip())
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            config.warnings.append(
                f"timeZone {zone[:60]!r} is not a time zone Folio knows; dates without one "
                "are read in UTC, as Hugo's default"
            )
    if isinstance(values.get("contentdir"), str) and values["contentdir"].strip():
        config.content_dir = values["contentdir"].strip().strip("/")
    static = values.get("staticdir")
    if isinstance(static, str) and static.strip():
        config.static_dirs = (static.strip().strip("/"),)
    elif isinstance(static, list):
        config.static_dirs = tuple(s.strip().strip("/") for s in static if isinstance(s, str)) or (
            "static",
        )
    ugly = values.get("uglyurls")
    if isinstance(ugly, bool):
        config.ugly_urls = ugly
    elif isinstance(ugly, dict):
        config.ugly_urls = {str(key).lower(): item is True for key, item in ugly.items()}
    config.lower_paths = values.get("disablepathtolower") is not True
    taxonomies = values.get("taxonomies")
    if isinstance(taxonomies, dict):
        config.taxonomies = {
            str(key): value.lower() for key, value in taxonomies.items() if isinstance(value, str)
        }
    _read_permalinks(config, values.get("permalinks"))
    main = values.get("mainsections", config.params.get("mainsections"))
    if isinstance(main, str):
        main = [main]
    if isinstance(main, list):
        config.main_sections = [
            s.strip().strip("/").lower() for s in main if isinstance(s, str) and s.strip()
        ]
    default = values.get("defaultcontentlanguage")
    if isinstance(default, str) and default.strip():
        config.default_language = default.strip().lower()
    languages = values.get("languages")
    names = {str(key).lower() for key in languages} if isinstance(languages, dict) else set()
    config.languages = frozenset(names | {config.default_language})
    divider = values.get("summarydivider")
    if isinstance(divider, str) and divider.strip():
        config.summary_divider = divider.strip()


def _read_permalinks(config: HugoConfig, value):
    """``[permalinks]`` as Hugo reads it: ``section = pattern`` (the old form, for
    regular pages), or the kinds ``page``, ``section``, ``taxonomy`` and ``term``."""
    if value is None:
        return
    if not isinstance(value, dict):
        config.warnings.append("permalinks: expected a table of section = pattern; ignored")
        return
    kinds = {"page", "section", "taxonomy", "term"}
    for key, pattern in value.items():
        if key in kinds and isinstance(pattern, dict):
            target = {"page": config.permalinks, "term": config.term_permalinks}.get(key)
            if target is None:
                continue  # list pages: Folio has its own
            for section, inner in pattern.items():
                if isinstance(inner, str) and inner.strip():
                    target[section.strip("/").lower()] = inner.strip()
        elif isinstance(pattern, str) and pattern.strip():
            section = key.strip("/").lower()
            if section in config.taxonomies.values():
                config.term_permalinks[section] = pattern.strip()
            else:
                config.permalinks[section] = pattern.strip()
        else:
            config.warnings.append(f"permalinks.{key}: expected a pattern; ignored")


# -- the site settings and menus -------------------------------------------------------

#: Hugo menu names -> the menu Folio shows them in.
MENUS = {"main": "header", "footer": "footer", "social": "social"}


def site_record(config: HugoConfig, resolve_page=None, content_menus=None) -> SiteRecord:
    """The site settings the configuration gives: title, tagline, base URL, footer
    text and the menus (``[menu.main]``/``[[menus.main]]``, by weight).

    ``resolve_page(pageRef)`` returns the address Folio serves a content path at (a
    menu entry's ``pageRef``), or None; without it a pageRef is taken as a path.
    ``content_menus`` ({menu name: [{name, url, weight}]}) are the entries content files
    give in their front matter (``menu: main``), placed among the others by weight.
    """
    values, params = config.values, config.params
    record = SiteRecord(sources=list(config.sources), warnings=list(config.warnings))
    record.title = config.title or None
    record.tagline = next(
        (
            _text(v)
            for v in (
                params.get("description"),
                values.get("description"),
                params.get("subtitle"),
                params.get("tagline"),
            )
            if _text(v)
        ),
        None,
    )
    record.base_url = config.base_url or None
    copyright_text = values.get("copyright", params.get("copyright"))
    if isinstance(copyright_text, str) and copyright_text.strip():
        record.footer_text = copyright_text.strip()
    menus = values.get("menus", values.get("menu"))
    menus = dict(menus) if isinstance(menus, dict) else {}
    for name, entries in (content_menus or {}).items():
        written = menus.get(name)
        if isinstance(written, dict):
            written = [dict(e, identifier=k) for k, e in written.items() if isinstance(e, dict)]
        menus[name] = [*(written if isinstance(written, list) else []), *entries]
    if menus:
        for name, entries in menus.items():
            menu = MENUS.get(str(name).lower())
            where = f"{config.sources[0] if config.sources else 'hugo.toml'}: menus.{name}"
            if menu is None:
                record.warnings.append(f"{where}: a menu Folio does not show; ignored")
                continue
            if isinstance(entries, dict):  # [menu.main.about] tables, keyed by identifier
                entries = [
                    dict(entry, identifier=key)
                    for key, entry in entries.items()
                    if isinstance(entry, dict)
                ]
            links = []
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    links.append(_menu_link(entry, resolve_page))
                else:
                    links.append(entry)
            record.menus[menu] = siteconfig._links(record, menu, links, where)
    author = params.get("author", values.get("author"))
    extra = {key: values[key] for key in ("languagecode", "params", "taxonomies") if key in values}
    if author is not None:
        extra["author"] = author
    record.extra = extra
    return record


def _menu_link(entry: dict, resolve_page) -> dict:
    link = {key: entry[key] for key in ("name", "weight") if key in entry}
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        ref = entry.get("pageref")
        if isinstance(ref, str) and ref.strip():
            url = (resolve_page(ref) if resolve_page else None) or as_request_path(
                ref.strip().lower()
            )
    if url:
        link["url"] = url
    if "name" not in link and isinstance(entry.get("identifier"), str):
        link["name"] = entry["identifier"]
    return link
