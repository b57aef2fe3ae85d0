"""The site's own configuration -- its name, logo, favicon, address, menus, social
links and footer -- read into one :class:`SiteRecord`, and applied to the site settings
(sitesettings.SiteSettings and its menu items).

Where Stackbit sites keep it (docs/importing.md, "Site settings and menus"):

* ``stackbit.yaml`` says where the rest is: ``dataDir`` (default ``src/data``) and, for a
  model of ``type: config`` with a ``file``, the configuration file (default
  ``site-metadata.json``).
* The configuration file (JSON or YAML): ``title``, ``header`` (``title``, ``tagline``,
  ``logo_img``/``logo``, ``nav_links``), ``footer`` (``content``, ``nav_links``,
  ``links``, ``sections`` of ``footer_nav`` columns, ``social_links``), ``favicon``,
  ``domain``. 2019 themes write the same names with ``text`` for a link's label.
* Data files directly in the data folder: ``config``/``site``/``metadata``/
  ``settings``/``header``/``footer`` (more of the configuration), ``menus``/``menu``/
  ``navigation`` (``main`` is the header menu, ``footer…`` the footer's) and ``social``
  (``links``: the social links).

The configuration file wins over data files, key by key. A key the site does not
give leaves the setting as it is (the environment's default for a new site). Keys
Folio does not model (``palette``, ``base_font``, forms, …) are kept in ``extra``.
Pure: nothing here touches the database; blog/importing/site_settings.py applies the
record, as one step of the importer.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sitesettings.models import MenuItem, is_safe_url

from . import frontmatter, records
from .errors import ImportFileError

CONFIG_FILE = "site-metadata.json"
STACKBIT_FILES = ("stackbit.yaml", "stackbit.yml")
DEFAULT_DATA_DIR = "src/data"
DATA_SUFFIXES = (".json", ".yaml", ".yml")
# Data files (by name, in the data folder) that hold more of the configuration, menus,
# or social links.
CONFIG_STEMS = ("config", "site", "metadata", "site-metadata", "settings")
SECTION_STEMS = ("header", "footer")
MENU_STEMS = ("menus", "menu", "navigation", "nav")
SOCIAL_STEMS = ("social",)
# Keys that name the same thing, in order of preference.
LABEL_KEYS = ("label", "text", "title", "name")
LINK_LIST_KEYS = ("nav_links", "links", "menu", "primaryLinks", "secondaryLinks")
HEADER_KEYS = {"title", "tagline", "description", "logo_img", "logo_img_alt", "logo", "has_nav"}
HEADER_KEYS |= set(LINK_LIST_KEYS) | {"social_links", "has_social"}
FOOTER_KEYS = {"content", "text", "copyright", "has_nav", "sections", "social_links"}
FOOTER_KEYS |= set(LINK_LIST_KEYS) | {"has_social", "tagline"}
TOP_KEYS = {"title", "tagline", "description", "domain", "url", "base_url", "baseUrl"}
TOP_KEYS |= {"siteUrl", "favicon", "header", "footer", "social_links", "logo", "stackbit_banner"}
BUTTON_STYLES = {"primary", "secondary", "button"}
# What a footer column without a title is called.
UNTITLED_COLUMN = "Links"


@dataclass
class LinkRecord:
    menu: str  # MenuItem.Menu
    label: str
    url: str
    column: str = ""
    style: str = MenuItem.Style.LINK
    icon: str = ""
    new_window: bool = False


@dataclass
class SiteRecord:
    """What the site's configuration says; None: it does not say (keep the setting)."""

    sources: list[str] = field(default_factory=list)  # files read, site-relative
    title: str | None = None
    tagline: str | None = None
    base_url: str | None = None
    logo: str | None = None  # as written (a path under static/ or a URL)
    logo_alt: str | None = None
    favicon: str | None = None
    footer_text: str | None = None
    #: Only the menus the site defines: {MenuItem.Menu: [LinkRecord]}.
    menus: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class SourceFile:
    path: str  # site-relative
    role: str  # "config", "menus" or "social" (how its keys are read)
    data: bytes = b""


# -- Finding and reading the files ---------------------------------------------------


def find_sources(site, read) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """The configuration files of the site, each read, in the order they count;
    and (path, problem) for each one that cannot be used. ``read(path)`` returns a
    file's bytes or raises ImportFileError."""
    sources, problems = [], []
    config_file, data_dir = CONFIG_FILE, DEFAULT_DATA_DIR
    for name in STACKBIT_FILES:
        if (site.root / name).is_file():
            try:
                stackbit = _load(name, read(name))
                config_file, data_dir = _stackbit_paths(stackbit, config_file, data_dir)
                sources.append(SourceFile(name, "stackbit", read(name)))
            except ImportFileError as exc:
                problems.append((name, str(exc)))
            break
    candidates = [(config_file, "config")]
    data_root = site.root / data_dir
    if data_root.is_dir() and data_root.resolve().is_relative_to(site.root):
        for path in sorted(data_root.iterdir()):
            if not path.is_file() or path.suffix.lower() not in DATA_SUFFIXES:
                continue
            stem = path.stem.lower()
            role = (
                "config"
                if stem in CONFIG_STEMS
                else stem
                if stem in SECTION_STEMS
                else "menus"
                if stem in MENU_STEMS
                else "social"
                if stem in SOCIAL_STEMS
                else None
            )
            if role:
                candidates.append((site.relative(path), role))
    for path, role in candidates:
        if path == config_file and not (site.root / path).is_file():
            continue
        try:
            sources.append(SourceFile(path, role, read(path)))
        except ImportFileError as exc:
            problems.append((path, str(exc)))
    return sources, problems


def _stackbit_paths(stackbit, config_file, data_dir):
    if isinstance(stackbit.get("dataDir"), str) and stackbit["dataDir"].strip():
        data_dir = stackbit["dataDir"].strip().strip("/")
    models = stackbit.get("models")
    if isinstance(models, dict):
        for model in models.values():
            if (
                isinstance(model, dict)
                and model.get("type") == "config"
                and isinstance(model.get("file"), str)
            ):
                config_file = model["file"].strip().lstrip("/")
    return config_file, data_dir


def _load(path, data) -> dict:
    """The mapping a JSON or YAML file holds; ImportFileError naming the problem."""
    text = frontmatter.decode(data)
    if path.lower().endswith(".json"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        except RecursionError:
            raise ImportFileError("JSON nested too deeply") from None
        if not isinstance(value, dict):
            raise ImportFileError(f"must hold a JSON object, not {records._describe(value)}")
        return frontmatter.to_plain(value, what="the file", source_length=len(text))
    return frontmatter.load_yaml(text, what="")


# -- Reading what they say -----------------------------------------------------------


def parse(sources: list[SourceFile]) -> tuple[SiteRecord, list[tuple[str, str]]]:
    """The record the readable files make; and (path, problem) for files that are not
    a mapping of the expected shape (each reported as that file's error)."""
    record = SiteRecord()
    problems = []
    config, menus, social = {}, [], []
    for source in sources:
        if source.role == "stackbit":
            record.sources.append(source.path)
            continue
        try:
            data = _load(source.path, source.data)
        except ImportFileError as exc:
            problems.append((source.path, str(exc)))
            continue
        record.sources.append(source.path)
        if source.role == "config":
            _fill(config, data, source.path)
        elif source.role in SECTION_STEMS:
            _fill(config, {source.role: data}, source.path)
        elif source.role == "menus":
            menus.append((source.path, data))
        else:
            social.append((source.path, data))
    if not record.sources or all(path in STACKBIT_FILES for path in record.sources):
        return record, problems
    _read_config(record, config)
    for path, data in menus:
        _read_menus(record, path, data)
    for path, data in social:
        if MenuItem.Menu.SOCIAL not in record.menus:
            links = data.get("links", data.get("social_links"))
            record.menus[MenuItem.Menu.SOCIAL] = _links(
                record, MenuItem.Menu.SOCIAL, links, f"{path}: links"
            )
    return record, problems


def _fill(config, data, path):
    """Merge ``data`` into ``config``, keys already there winning (the configuration file
    is read first); one level deep, so header/footer keys merge too."""
    origins = config.setdefault("\0origin", {})
    for key, value in data.items():
        if key not in config:
            config[key] = value
            origins[key] = path
        elif isinstance(config[key], dict) and isinstance(value, dict):
            for inner, inner_value in value.items():
                config[key].setdefault(inner, inner_value)


def _read_config(record: SiteRecord, config: dict):
    origins = config.pop("\0origin", {})

    def where(key):
        return f"{origins.get(key.split('.')[0], CONFIG_FILE)}: {key}"

    header = _mapping(record, config, "header", where)
    footer = _mapping(record, config, "footer", where)
    record.title = _first_text(
        record, [(header, "title", "header.title"), (config, "title", "title")], where
    )
    record.tagline = _first_text(
        record,
        [
            (header, "tagline", "header.tagline"),
            (config, "tagline", "tagline"),
            (config, "description", "description"),
            (header, "description", "header.description"),
            (footer, "tagline", "footer.tagline"),
        ],
        where,
    )
    base_url = _first_text(
        record,
        [(config, key, key) for key in ("domain", "url", "base_url", "baseUrl", "siteUrl")],
        where,
    )
    if base_url is not None:
        if urlsplit(base_url).scheme in {"http", "https"} and urlsplit(base_url).hostname:
            record.base_url = base_url.rstrip("/")[:200]
        else:
            record.warnings.append(
                f"{where('domain')}: {base_url[:80]!r} is not an http(s) address; ignored"
            )
    # A key the site gives empty clears the image; a key it does not give keeps it.
    logo = header.get("logo_img", header.get("logo", config.get("logo")))
    if isinstance(logo, dict):  # {url, altText} (the 2021 themes)
        record.logo_alt = _text(record, logo, "altText", where("header.logo.altText"))
        logo = logo.get("url") or ""
    if isinstance(logo, str):
        record.logo = logo.strip()
    elif logo is not None:
        record.warnings.append(
            f"{where('header.logo_img')}: expected an image path, got "
            f"{records._describe(logo)}; ignored"
        )
    alt = _text(record, header, "logo_img_alt", where("header.logo_img_alt"))
    if alt is not None or record.logo is not None:
        record.logo_alt = (alt or record.logo_alt or "")[:200]
    favicon = config.get("favicon")
    if isinstance(favicon, str):
        record.favicon = favicon.strip()
    elif favicon is not None:
        record.warnings.append(
            f"{where('favicon')}: expected an image path, got {records._describe(favicon)}; ignored"
        )
    record.footer_text = _first_text(
        record,
        [(footer, key, f"footer.{key}") for key in ("content", "text", "copyright")],
        where,
        one_line=False,
    )
    _read_header_menu(record, header, where)
    _read_footer_menus(record, footer, where)
    _read_social(record, config, header, footer, where)
    record.extra = _unmodelled(config, header, footer)


def _read_header_menu(record, header, where):
    if not header:
        return
    if header.get("has_nav") is False:
        if any(header.get(key) for key in LINK_LIST_KEYS):
            record.warnings.append(
                f"{where('header.has_nav')} is false: the old site showed no header menu, "
                "so none is shown; its links are kept in the settings' extra"
            )
        record.menus[MenuItem.Menu.HEADER] = []
        return
    links = []
    found = False
    for key in LINK_LIST_KEYS:
        if key in header:
            found = True
            links += _links(record, MenuItem.Menu.HEADER, header[key], where(f"header.{key}"))
    if found:
        record.menus[MenuItem.Menu.HEADER] = links


def _read_footer_menus(record, footer, where):
    links, found = [], False
    if footer.get("has_nav") is not False:
        for key in LINK_LIST_KEYS:
            if key in footer:
                found = True
                links += _links(record, MenuItem.Menu.FOOTER, footer[key], where(f"footer.{key}"))
    sections = footer.get("sections")
    if sections not in (None, ""):
        if not isinstance(sections, list):
            record.warnings.append(
                f"{where('footer.sections')}: expected a list, got "
                f"{records._describe(sections)}; ignored"
            )
        else:
            for n, section in enumerate(sections):
                if not isinstance(section, dict) or section.get("type") != "footer_nav":
                    continue  # text and form sections are kept in extra
                found = True
                title = section.get("title")
                column = title.strip()[:100] if isinstance(title, str) and title.strip() else ""
                items = _links(
                    record,
                    MenuItem.Menu.FOOTER,
                    section.get("nav_links", section.get("links")),
                    where(f"footer.sections[{n}].nav_links"),
                    column=column or UNTITLED_COLUMN,
                )
                links += items
    if found or footer.get("has_nav") is False:
        record.menus[MenuItem.Menu.FOOTER] = links


def _read_social(record, config, header, footer, where):
    shown = [part.get("has_social") for part in (header, footer) if "has_social" in part]
    links, found = [], False
    for part, name in ((footer, "footer."), (header, "header."), (config, "")):
        if "social_links" in part:
            found = True
            key = f"{name}social_links"
            links += _links(record, MenuItem.Menu.SOCIAL, part["social_links"], where(key))
    if shown and not any(shown):
        record.menus[MenuItem.Menu.SOCIAL] = []  # the old site hid them
        return
    if found:
        record.menus[MenuItem.Menu.SOCIAL] = links


def _read_menus(record, path, data):
    """A menus data file: ``{main: [...], footer: [...], social: [...]}``."""
    for key, value in data.items():
        name = str(key).lower()
        if name in {"main", "header", "primary", "nav", "navigation"}:
            menu, column = MenuItem.Menu.HEADER, ""
        elif name.startswith("footer") or name == "secondary":
            menu, column = MenuItem.Menu.FOOTER, ""
        elif name == "social":
            menu, column = MenuItem.Menu.SOCIAL, ""
        else:
            record.warnings.append(f"{path}: menu {key!r} is not one Folio shows; ignored")
            continue
        if menu in record.menus and record.menus[menu]:
            continue  # the configuration file's own menu wins
        record.menus[menu] = _links(record, menu, value, f"{path}: {key}", column=column)


def _links(record, menu, value, where, column=""):
    """LinkRecords from a list of link mappings; each unusable one is a warning."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        record.warnings.append(f"{where}: expected a list of links, got {records._describe(value)}")
        return []
    items = [item for item in value if not isinstance(item, dict) or "weight" not in item]
    weighted = sorted(
        (item for item in value if isinstance(item, dict) and "weight" in item),
        key=lambda item: item["weight"] if isinstance(item["weight"], int | float) else 0,
    )
    links = []
    for n, item in enumerate([*weighted, *items]):
        here = f"{where}[{n}]"
        if not isinstance(item, dict):
            record.warnings.append(
                f"{here}: expected a link (label and url), got {records._describe(item)}; skipped"
            )
            continue
        label = next(
            (
                " ".join(str(item[key]).split())
                for key in LABEL_KEYS
                if isinstance(item.get(key), str | int | float) and str(item[key]).strip()
            ),
            "",
        )
        url = item.get("url", item.get("href"))
        if not isinstance(url, str) or not url.strip():
            record.warnings.append(f"{here}: {label or 'a link'!r} has no url; skipped")
            continue
        url = url.strip()
        if not is_safe_url(url):
            record.warnings.append(f"{here}: url {url[:80]!r} is not a web address; skipped")
            continue
        if not label:
            label = item.get("type") if isinstance(item.get("type"), str) else url
        icon = item.get("icon") if isinstance(item.get("icon"), str) else ""
        if menu == MenuItem.Menu.SOCIAL and not icon and isinstance(item.get("type"), str):
            icon = item["type"]
        style = item.get("style")
        links.append(
            LinkRecord(
                menu=menu,
                label=label[:100],
                url=url[:500],
                column=column[:100],
                style=MenuItem.Style.BUTTON
                if isinstance(style, str) and style.lower() in BUTTON_STYLES
                else MenuItem.Style.LINK,
                icon=icon.removeprefix("fa-").strip()[:40],
                new_window=item.get("new_window") is True or item.get("target") == "_blank",
            )
        )
    return links


def _mapping(record, config, key, where):
    value = config.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        record.warnings.append(
            f"{where(key)}: expected a mapping, got {records._describe(value)}; ignored"
        )
        return {}
    return value


def _text(record, mapping, key, where, one_line=True):
    """The text at ``mapping[key]``; a warning (naming the key) and None for another type."""
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        record.warnings.append(f"{where}: expected text, got {records._describe(value)}; ignored")
        return None
    text = str(value)
    return " ".join(text.split()) if one_line else text.strip()


def _first_text(record, candidates, where, one_line=True):
    for mapping, key, name in candidates:
        if key in mapping:
            text = _text(record, mapping, key, where(name), one_line)
            if text:
                return text
    return None


def _unmodelled(config, header, footer):
    extra = {key: value for key, value in config.items() if key not in TOP_KEYS}
    header_extra = {key: value for key, value in header.items() if key not in HEADER_KEYS}
    footer_extra = {key: value for key, value in footer.items() if key not in FOOTER_KEYS}
    if header.get("has_nav") is False:
        header_extra.update({key: header[key] for key in LINK_LIST_KEYS if key in header})
    sections = footer.get("sections")
    if isinstance(sections, list):
        kept = [s for s in sections if not (isinstance(s, dict) and s.get("type") == "footer_nav")]
        if kept:
            footer_extra["sections"] = kept
    if header_extra:
        extra["header"] = header_extra
    if footer_extra:
        extra["footer"] = footer_extra
    return extra
