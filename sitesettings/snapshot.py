"""The site's settings as pages read them: one object, cached, exactly invalidated.

A page asks :func:`current` for the :class:`Site` (its settings and its menus, with
every link already turned into a URL). It comes from the default cache (Redis in
production) in the one round trip that reads three keys; after a change it is read
from the database again, in one query (the settings row joined to its menu items and
the posts they link to). So a page costs no query for the settings on a warm cache,
and one after each change.

What makes a cached copy stale:

* its own *version* token, replaced by every write to the settings or the menus, and
  to a post a menu links to (blog/caching.py), at once and again when the writer's
  transaction commits -- so no copy read from the database before the commit survives it;
* the page cache's ``"site"`` generation (folio.pagecache), replaced when every page
  is made stale -- also when a server finds its cache missed a write made elsewhere
  (another process's in-memory cache, or Redis away at the time), so the settings
  catch up with the pages.
"""

import logging
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.utils.encoding import iri_to_uri

from folio import breaker, pagecache, routing

from .models import SITE_PK, MenuItem, SiteSettings

logger = logging.getLogger(__name__)

_PREFIX = "sitesettings"
_VERSION_KEY = f"{_PREFIX}:version"
_SNAPSHOT_KEY = f"{_PREFIX}:snapshot"
_REQUEST_ATTRIBUTE = "_folio_site"

_ITEM_COLUMNS = ("pk", "menu", "column", "label", "url", "style", "icon", "new_window")
_POST_COLUMNS = ("post_id", "post__slug", "post__status", "post__publish_at")
_PAGE_COLUMNS = ("page_id", "page__path", "page__status", "page__publish_at")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    style: str = MenuItem.Style.LINK
    icon: str = ""
    new_window: bool = False
    column: str = ""
    #: The post or page linked to (only its address and visibility), or None for a URL.
    post: object = None

    @property
    def visible(self):
        """A link to a post or page shows while readers may see it (a scheduled one's
        link appears at its time; the page cache expires pages then)."""
        return self.post is None or self.post.is_published

    @property
    def external(self):
        return self.url.startswith(("http://", "https://", "//"))


@dataclass
class Site:
    """What every page shows of the site (settings + menus), ready for templates."""

    settings: SiteSettings
    links: dict[str, list[Link]] = field(default_factory=dict)

    def __getattr__(self, name):
        # title, tagline, logo_alt, footer_html, logo_image, icon, ...: the settings'.
        if name.startswith("__") or name in {"settings", "links"}:
            raise AttributeError(name)
        return getattr(self.settings, name)

    @property
    def base_url(self):
        return self.settings.base_url.rstrip("/")

    def absolute(self, path, request=None):
        """``path`` as an absolute URL: under the canonical base URL when there is one,
        else on the host the request came to."""
        path = str(path)
        if path.startswith(("http://", "https://", "//")):
            return path  # already absolute (media on object storage)
        if self.base_url:
            return self.base_url + iri_to_uri(path)
        return request.build_absolute_uri(path) if request else path

    def _visible(self, menu):
        return [link for link in self.links.get(menu, ()) if link.visible]

    @property
    def header_menu(self):
        return self._visible(MenuItem.Menu.HEADER)

    @property
    def footer_columns(self):
        """[(column title, links)] in the order the columns first appear."""
        columns = {}
        for link in self._visible(MenuItem.Menu.FOOTER):
            if link.column:
                columns.setdefault(link.column, []).append(link)
        return list(columns.items())

    @property
    def footer_links(self):
        """The footer links outside any column (the footer's bottom row)."""
        return [link for link in self._visible(MenuItem.Menu.FOOTER) if not link.column]

    @property
    def social_links(self):
        return self._visible(MenuItem.Menu.SOCIAL)


def current(request=None) -> Site:
    """The site's settings and menus (kept on ``request`` for the rest of it)."""
    if request is not None:
        site = getattr(request, _REQUEST_ATTRIBUTE, None)
        if site is None:
            site = _cached()
            setattr(request, _REQUEST_ATTRIBUTE, site)
        return site
    return _cached()


def forget():
    """Make every cached copy of the settings stale: now, and once the current
    transaction commits (a copy read meanwhile holds what the database had before)."""
    _replace_version()
    transaction.on_commit(_replace_version, robust=True)


def _replace_version():
    try:
        cache.set(_VERSION_KEY, pagecache.new_token(), timeout=None)
    except Exception as error:
        # The settings are then read again once the page cache catches up (the "site"
        # generation), which a missed write triggers (folio.pagecache).
        logger.warning("Site settings: the cache did not take a change: %s", error)


def _cached() -> Site:
    site_key = pagecache.generation_key(pagecache.SITE)
    now = time.time()
    try:
        if not breaker.cache_usable(now):
            return load()
        found = cache.get_many([_VERSION_KEY, site_key, _SNAPSHOT_KEY])
        version = found.get(_VERSION_KEY)
        if version is None:
            cache.add(_VERSION_KEY, pagecache.new_token(), timeout=None)
            version = cache.get(_VERSION_KEY)
        stamp = (version, found.get(site_key))
        cached = found.get(_SNAPSHOT_KEY)
        if cached is not None and version is not None and cached[0] == stamp:
            return cached[1]
    except Exception as error:  # the cache is away: pages still show the settings
        breaker.cache_failed(error, now)
        return load()
    site = load()
    if version is not None:
        try:
            cache.set(_SNAPSHOT_KEY, (stamp, site), timeout=None)
        except Exception as error:
            breaker.cache_failed(error, now)
    return site


def load() -> Site:
    """The settings and menus from the database, in one query."""
    columns = [f.attname for f in SiteSettings._meta.concrete_fields]
    related = [f"menu_items__{name}" for name in (*_ITEM_COLUMNS, *_POST_COLUMNS, *_PAGE_COLUMNS)]
    rows = list(
        SiteSettings.objects.filter(pk=SITE_PK)
        .values(*columns, *related)
        .order_by("menu_items__order", "menu_items__pk")
    )
    if not rows:
        return Site(SiteSettings.defaults())
    settings = SiteSettings(**{name: rows[0][name] for name in columns})
    settings._state.adding = False
    links = {}
    for row in rows:
        if row["menu_items__pk"] is None:
            continue  # (no menu items: the row of the settings alone)
        link = _link(row)
        if link is not None:
            links.setdefault(row["menu_items__menu"], []).append(link)
    return Site(settings, links)


def _link(row):
    from blog.models import Post  # (blog's models import nothing of this app)
    from pages.models import Page

    post = None
    if row["menu_items__post_id"] is not None:
        slug = row["menu_items__post__slug"]
        post = Post(
            pk=row["menu_items__post_id"],
            slug=slug,
            status=row["menu_items__post__status"],
            publish_at=row["menu_items__post__publish_at"],
        )
        url = routing.reverse("blog:post-detail", slug=slug)
    elif row["menu_items__page_id"] is not None:
        post = Page(
            pk=row["menu_items__page_id"],
            path=row["menu_items__page__path"],
            status=row["menu_items__page__status"],
            publish_at=row["menu_items__page__publish_at"],
        )
        url = post.get_absolute_url()
    else:
        url = row["menu_items__url"].strip()
        if not url:
            return None
    return Link(
        label=row["menu_items__label"],
        url=url,
        style=row["menu_items__style"],
        icon=row["menu_items__icon"],
        new_window=row["menu_items__new_window"],
        column=row["menu_items__column"],
        post=post,
    )
