"""The importer's step for the site settings: read the site's configuration
(blog/importing/siteconfig.py), plan it like a file (created, updated, unchanged,
conflict), and apply it to sitesettings.SiteSettings and its menu links.

Runs after the posts (a menu link to a post names the post, so it follows the post's
address) and, like every file of an import, in a transaction of its own; an edit made
in the admin since the last import is a conflict, left alone without ``--force``.
"""

import hashlib
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve

from blog.models import Post, Redirect
from pages.addresses import PAGE_ROUTE
from pages.models import Page
from sitesettings.models import SITE_PK, MenuItem, SiteSettings

from .errors import ImportConflict
from .siteconfig import STACKBIT_FILES, SiteRecord

SETTINGS_KIND = "site settings"


def import_settings(importer) -> None:
    """Plan and apply the site's configuration for a run of blog.importing.importer:
    one report for the settings (created, updated, unchanged or conflict, with its
    warnings), and an error report for each configuration file that cannot be read.
    Runs after the posts, so menu links to posts can name them."""
    sources, record, problems = importer.site.dialect.site_config(importer.site, importer._read)
    for path, problem in problems:
        importer._report(path, SETTINGS_KIND, _error_action(), problem)
    if not record.sources or all(path in STACKBIT_FILES for path in record.sources):
        return
    primary = next(path for path in record.sources if path not in STACKBIT_FILES)
    importer._isolated(primary, SETTINGS_KIND, _plan_and_apply, importer, record, sources)


def _error_action():
    from .importer import Action  # (the importer imports this module)

    return Action.ERROR


def _plan_and_apply(importer, record: SiteRecord, sources):
    from .importer import _CONFLICT_MESSAGE, Action  # (the importer imports this module)

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
            post, page = _linked(importer, link.url)
            items.append(
                MenuItem(
                    settings=settings,
                    menu=menu,
                    column=link.column,
                    label=link.label,
                    post=post,
                    page=page,
                    url="" if post or page else link.url,
                    style=link.style,
                    icon=link.icon,
                    new_window=link.new_window,
                    order=order,
                )
            )
        # bulk_create sends no signals: the settings' own save above reported the change.
        MenuItem.objects.bulk_create(items)


def _linked(importer, url):
    """(post, page): what a menu URL points at (by its address here, or by an old
    address of the site's that now redirects to it); (None, None) for any other link."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None, None
    if parts.scheme or parts.netloc:
        own_hosts = {importer.site_host, urlsplit(importer.options.site_url).hostname}
        if parts.scheme not in {"http", "https"} or parts.hostname not in own_hosts - {None, ""}:
            return None, None
    path = parts.path
    if not path.startswith("/") or parts.query:
        return None, None
    for candidate in dict.fromkeys([path, path if path.endswith("/") else path + "/"]):
        moved = Redirect.objects.filter(old_path=candidate).values_list("new_path", flat=True)
        for target in [candidate, *moved]:
            try:
                match = resolve(target)
            except Resolver404:
                continue
            if match.view_name == "blog:post-detail":
                if post := Post.objects.filter(slug=match.kwargs["slug"]).first():
                    return post, None
            elif match.view_name == PAGE_ROUTE:
                if page := Page.objects.filter(path=unquote("/" + match.kwargs["path"])).first():
                    return None, page
    return None, None
