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
Pure: nothing here touches the database; :func:`apply` does, for the importer.
"""

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve

from blog.models import Post, Redirect
from sitesettings.models import SITE_PK, MenuItem, SiteSettings, is_safe_url

from . import frontmatter, records
from .errors import ImportConflict, ImportFileError

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
SETTINGS_KIND = "site settings"
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


# -- Applying it (the importer's step) ------------------------------------------------


def import_settings(importer) -> None:
    """Plan and apply the site's configuration for a run of blog.importing.importer:
    one report for the settings (created, updated, unchanged or conflict, with its
    warnings), and an error report for each configuration file that cannot be read.
    Runs after the posts, so menu links to posts can name them."""
    sources, problems = find_sources(importer.site, importer._read)
    record, parse_problems = parse(sources)
    for path, problem in [*problems, *parse_problems]:
        importer._report(path, SETTINGS_KIND, _error_action(), problem)
    if not record.sources or all(path in STACKBIT_FILES for path in record.sources):
        return
    primary = next(path for path in record.sources if path not in STACKBIT_FILES)
    importer._isolated(primary, SETTINGS_KIND, _plan_and_apply, importer, record, sources)


def _error_action():
    from .importer import Action

    return Action.ERROR


def _plan_and_apply(importer, record: SiteRecord, sources):
    from .importer import _CONFLICT_MESSAGE, Action

    digest = hashlib.sha256(importer.fingerprint)
    for source in sources:
        if source.path in record.sources:
            digest.update(f"\0{source.path}\0".encode() + source.data)
    digest = digest.hexdigest()
    primary = next(path for path in record.sources if path not in STACKBIT_FILES)
    others = [path for path in record.sources if path != primary]
    detail = f"with {', '.join(others)}" if others else ""
    existing = SiteSettings.objects.filter(pk=SITE_PK).first()
    force = importer.options.force
    if existing and existing.source_hash == digest and not force:
        importer._report(primary, SETTINGS_KIND, Action.UNCHANGED, detail)
        return
    if existing and not force:
        if existing.source_root and existing.source_root != importer.root:
            raise ImportConflict(
                f"the site settings were imported from another site ({existing.source_root}); "
                "left as they are (use --force to replace them with this site's)"
            )
        if existing.imported_at is None or existing.edited_since_import:
            importer._report(primary, SETTINGS_KIND, Action.CONFLICT, _CONFLICT_MESSAGE)
            return
    # (The report names the primary file: its own warnings need not say it again.)
    warnings = [warning.removeprefix(f"{primary}: ") for warning in record.warnings]
    logo = _image(importer, record.logo, "header.logo_img", warnings)
    favicon = _image(importer, record.favicon, "favicon", warnings)
    action = Action.UPDATED if existing else Action.CREATED
    importer._report(primary, SETTINGS_KIND, action, detail, warnings)
    if importer.dry_run:
        return
    importer._writing()
    with transaction.atomic():
        settings = SiteSettings.objects.select_for_update().filter(pk=SITE_PK).first()
        settings = settings or SiteSettings.defaults()
        for name in ("title", "tagline", "base_url", "logo_alt", "footer_text"):
            value = getattr(record, name)
            if value is not None:
                setattr(settings, name, value)
        if record.logo is not None:
            settings.logo.name = importer._store(logo) if logo else ""
        if record.favicon is not None:
            settings.favicon.name = importer._store(favicon) if favicon else ""
        settings.extra = record.extra
        settings.source_root = importer.root
        settings.source_path = ", ".join(record.sources)[:500]
        settings.source_hash = digest
        settings.save(imported=True)
        _write_menus(importer, settings, record, warnings)


def _image(importer, written, what, warnings):
    if not written:
        return None
    if written.lower().endswith(".svg"):
        warnings.append(
            f"{what} {written}: SVG images are not accepted (JPEG, PNG, GIF or WebP); "
            "imported without it"
        )
        return None
    checked = importer.reader.image_at(written, what, warnings)
    if checked is None and not any(written in warning for warning in warnings):
        warnings.append(f"{what} {written!r} is not a file of this site; imported without it")
    return checked


def _write_menus(importer, settings, record, warnings):
    for menu, links in record.menus.items():
        settings.menu_items.filter(menu=menu).delete()
        items = []
        for order, link in enumerate(links):
            post = _post_linked(importer, link.url)
            items.append(
                MenuItem(
                    settings=settings,
                    menu=menu,
                    column=link.column,
                    label=link.label,
                    post=post,
                    url="" if post else link.url,
                    style=link.style,
                    icon=link.icon,
                    new_window=link.new_window,
                    order=order,
                )
            )
        # bulk_create sends no signals: the settings' own save above reported the change.
        MenuItem.objects.bulk_create(items)


def _post_linked(importer, url):
    """The post a menu URL points at (by its address here, or by an old address of the
    site's that now redirects to it), or None for any other link."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        own_hosts = {importer.site_host, urlsplit(importer.options.site_url).hostname}
        if parts.scheme not in {"http", "https"} or parts.hostname not in own_hosts - {None, ""}:
            return None
    path = parts.path
    if not path.startswith("/") or parts.query:
        return None
    for candidate in dict.fromkeys([path, path if path.endswith("/") else path + "/"]):
        moved = Redirect.objects.filter(old_path=candidate).values_list("new_path", flat=True)
        for target in [candidate, *moved]:
            try:
                match = resolve(target)
            except Resolver404:
                continue
            if match.view_name == "blog:post-detail":
                post = Post.objects.filter(slug=match.kwargs["slug"]).first()
                if post:
                    return post
    return None
