"""The link check: every link and image of the site's content, and whether it answers.

One module for everything that checks links: ``manage.py check_links``, the admin's
Site health page, the line that ends every import, and the warning an editor gets on
saving a post or page with a broken link.

* :func:`sources` reads where links live: posts (body, written excerpt, hero and card
  images), pages (body, hero, their sections and items: markdown, buttons, images),
  author bios and photos, tag descriptions, the menus' URLs, and the footer, logo and
  favicon of the site settings. Links come out of the stored, sanitized HTML
  (``folio.rendering.links_in``); nothing is rendered again.
* :func:`check` sorts each link: skipped (``mailto:``, ``tel:``, a fragment on the
  same page), internal (a path, a relative link read against the page's own address,
  or a full URL on the site's canonical host), an upload on object storage, or
  external; internal ones are resolved by :mod:`linkcheck.internal` (no HTTP), external
  ones only when asked, by :mod:`linkcheck.external`.
* :func:`store` keeps what a check found for the Site health page
  (:class:`~linkcheck.models.BrokenLink`), :func:`summary` says it in one line.
"""

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import uri_to_iri
from django.utils.text import Truncator

from authors.models import Author
from blog.models import Post, Tag
from folio.rendering import FoundLink, links_in
from pages.models import Page
from sitesettings.models import SITE_PK, MenuItem, SiteSettings

from . import internal
from .models import BrokenLink, CheckRun, Scope

#: What each kind of source is called, one and many.
KINDS = {
    "post": ("post", "posts"),
    "page": ("page", "pages"),
    "author": ("author bio", "author bios"),
    "tag": ("tag description", "tag descriptions"),
    "menu": ("menu", "menus"),
    "settings": ("the site settings", "the site settings"),
}
_POST_COLUMNS = ("pk", "title", "slug", "body_html", "excerpt_html", "image", "thumb_image")


@dataclass(frozen=True)
class SourceRef:
    """Where a link was found: a post, a page, a bio... (what the report lists it by)."""

    kind: str
    pk: int | None
    title: str
    #: Its public address, or a function that gives it (asked only when a relative link
    #: or a broken one needs it: reversing 10,000 post URLs costs a second).
    address: str | Callable[[], str] = ""

    @cached_property
    def url(self) -> str:
        """Its public address, which relative links are read against ("" for none)."""
        return self.address() if callable(self.address) else self.address


@dataclass
class Source:
    ref: SourceRef
    links: list[FoundLink]
    #: Its stored files (image fields): (storage name, what it is), checked in storage.
    files: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    # "internal" (a decoded path), "external" (a URL), "upload" (the storage name of a
    # full MEDIA_URL link), "stored" (the storage name of an image field's file)
    kind: str
    key: str


@dataclass(frozen=True)
class Broken:
    source: SourceRef
    link: FoundLink
    scope: str
    reason: str


@dataclass
class Report:
    sources: int = 0
    links: int = 0
    #: Distinct addresses on this site checked, and on other sites (when they are).
    targets: int = 0
    external_targets: int = 0
    #: Links that answer, but through a redirect (a hop a reader's browser pays).
    redirected: int = 0
    broken: list[Broken] = field(default_factory=list)
    external_checked: bool = False
    seconds: float = 0.0

    def broken_in(self, scope):
        return [item for item in self.broken if item.scope == scope]


# -- Where links live ------------------------------------------------------------------


def _files(obj, labels):
    """The stored files of ``obj``'s image fields ({field: what it is}) (all in the
    default storage), by storage name: no URL is made for them unless one is broken."""
    names = ((getattr(obj, name).name, label) for name, label in labels.items())
    return [(name, label) for name, label in names if name]


def post_source(post) -> Source:
    """A post's links: its body, a written excerpt, its hero image and thumbnail."""
    files = {"hero image": post.image.name, "thumbnail": post.thumb_image.name}
    return _post(post.pk, post.title, post.slug, post.body_html, post.excerpt_html, files)


def _post(pk, title, slug, body_html, excerpt_html, files):
    links = [*links_in(body_html), *links_in(excerpt_html)]
    files = [(name, label) for label, name in files.items() if name]
    return Source(SourceRef("post", pk, title, partial(Post.address_of, slug)), links, files)


def page_source(page, sections=None) -> Source:
    """A page's links: its body, hero image and sections (``sections``: its sections
    with their items prefetched; None reads them)."""
    if sections is None:
        sections = page.sections.prefetch_related("items")
    links, files = links_in(page.body_html), _files(page, {"image": "hero image"})
    for section in sections:
        for entry in (section, *section.items.all()):
            links += _rendered_links(entry)
            files += _files(entry, {"image": "section image"})
    ref = SourceRef("page", page.pk, page.title, partial(Page.address_of, page.path))
    return Source(ref, links, files)


def _rendered_links(entry):
    """What a section or item shows (``render_entry``): markdown, buttons, an image."""
    rendered = entry.rendered if isinstance(entry.rendered, dict) else {}
    links = []
    for key, value in rendered.items():
        if key == "actions":
            links += [FoundLink(action["href"], action["label"], False) for action in value]
        elif key == "image_url":
            links.append(FoundLink(value, "section image", True))
        elif isinstance(value, str):
            links += links_in(value)
    return links


def sources():
    """Every place a link can be, one :class:`Source` each (read in chunks)."""
    # As rows, not models: on 10,000 posts, making models costs more than reading.
    posts = Post.objects.values_list(*_POST_COLUMNS).iterator(chunk_size=500)
    for pk, title, slug, body_html, excerpt_html, image, thumb_image in posts:
        files = {"hero image": image, "thumbnail": thumb_image}
        yield _post(pk, title, slug, body_html, excerpt_html, files)
    pages = Page.objects.only("pk", "title", "path", "body_html", "image")
    for page in pages.prefetch_related("sections__items"):
        yield page_source(page, page.sections.all())
    authors = Author.objects.only("pk", "first_name", "last_name", "slug", "bio_html", "photo")
    for author in authors:
        ref = SourceRef("author", author.pk, author.name, author.get_absolute_url())
        yield Source(ref, links_in(author.bio_html), _files(author, {"photo": "photo"}))
    for tag in Tag.objects.exclude(description_html="").only(
        "pk", "name", "slug", "kind", "description_html"
    ):
        ref = SourceRef("tag", tag.pk, str(tag), tag.get_absolute_url())
        yield Source(ref, links_in(tag.description_html))
    # Links naming a post or a page follow it (and hide while it is not published).
    menu_links = {}
    for item in MenuItem.objects.filter(post=None, page=None).exclude(url=""):
        menu_links.setdefault(item.menu, []).append(FoundLink(item.url, item.label, False))
    for menu, label in MenuItem.Menu.choices:
        if menu in menu_links:
            yield Source(SourceRef("menu", None, label, "/"), menu_links[menu])
    site = SiteSettings.objects.filter(pk=SITE_PK).first()
    if site is not None:
        files = _files(site, {"logo": "logo", "favicon": "icon"})
        yield Source(
            SourceRef("settings", site.pk, "Site settings", "/"), links_in(site.footer_html), files
        )


# -- Sorting and checking --------------------------------------------------------------


def own_hosts() -> set[str]:
    """The hosts whose full URLs are this site's: the canonical base URL's (site
    settings, or ``FOLIO_SITE_URL``), with and without ``www.``."""
    hosts = set()
    for url in (SiteSettings.load().base_url, settings.SITE_URL):
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if host:
            hosts |= {host, f"www.{host}"}
    return hosts


def target_of(url: str, base: str, hosts: set[str]) -> Target | None:
    """What a link written as ``url`` on the page at ``base`` asks for, or None for a
    link not checked (``mailto:``, ``tel:``, ``data:``, a fragment of the same page)."""
    url = url.strip()
    if not url or url.startswith("#"):
        return None
    if url.startswith("/") and not url.startswith(("//", "/\\")):  # most links: a path
        return Target("internal", internal.path_of(url))
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return Target("invalid", url)
    if parts.scheme and parts.scheme.lower() not in {"http", "https"}:
        return None
    if parts.netloc:
        if (name := internal.media_name(url)) is not None:
            return Target("upload", name)
        if host and host.lower().rstrip(".") in hosts:
            return Target("internal", internal.path_of(url))
        if not host:
            return Target("invalid", url)
        return Target("external", url.partition("#")[0])
    if parts.scheme:  # "http:/path", "https:page"
        return Target("invalid", url)
    return Target("internal", internal.path_of(urljoin(base or "/", url)))


def check(found_in, *, external=None, progress=None) -> Report:
    """Check the links of the sources ``found_in``. ``external``: an
    :class:`~linkcheck.external.ExternalChecker` to check links to other sites with
    (None: they are not checked), telling ``progress(done, total)`` how far it got.
    """
    started = time.perf_counter()
    report = Report(external_checked=external is not None)
    hosts = own_hosts()
    collected = []
    targets = {}  # a URL's target, for those that do not depend on the page they are on
    for source in found_in:
        report.sources += 1
        seen = set()
        for link in source.links:
            if link in seen:
                continue
            seen.add(link)
            url = link.url
            # A path or a URL with a scheme means the same on every page.
            absolute = url.startswith("/") or ":" in url.partition("/")[0]
            if not absolute:
                target = target_of(url, source.ref.url, hosts)
            elif (target := targets.get(url, False)) is False:
                target = targets[url] = target_of(url, "/", hosts)
            if target is not None:
                collected.append((source.ref, link, target))
        for name, label in source.files:
            collected.append((source.ref, FoundLink(name, label, True), Target("stored", name)))
    report.links = len(collected)
    by_kind = {"internal": set(), "external": set(), "upload": set(), "stored": set()}
    for _, _, target in collected:
        if target.kind in by_kind:
            by_kind[target.kind].add(target.key)
    report.targets = len(by_kind["internal"]) + len(by_kind["upload"] | by_kind["stored"])
    checked = internal.InternalChecker().check(by_kind["internal"])
    verdicts = {("internal", key): verdict for key, verdict in checked.items()}
    for kind in ("upload", "stored"):
        for name in by_kind[kind]:
            verdicts[(kind, name)] = internal.stored_upload(name)
    if external is not None:
        report.external_targets = len(by_kind["external"])
        checked = external.check(by_kind["external"], progress=progress)
        verdicts.update({("external", url): verdict for url, verdict in checked.items()})
    for ref, link, target in collected:
        if target.kind == "invalid":
            report.broken.append(Broken(ref, link, Scope.INTERNAL, "not a valid address"))
            continue
        verdict = verdicts.get((target.kind, target.key))
        if verdict is None:
            continue  # external, not checked
        scope = Scope.EXTERNAL if target.kind == "external" else Scope.INTERNAL
        if not verdict.ok:
            # As the editor wrote it: the renderer percent-encodes /blog/привет/. A
            # stored file by its URL, made only now.
            url = default_storage.url(link.url) if target.kind == "stored" else link.url
            shown = link._replace(url=uri_to_iri(url))
            report.broken.append(Broken(ref, shown, scope, verdict.reason))
        elif verdict.moved_to:
            report.redirected += 1
    report.seconds = time.perf_counter() - started
    return report


# -- Keeping and saying what was found -------------------------------------------------


def _rows(broken):
    return [
        BrokenLink(
            scope=item.scope,
            source_kind=item.source.kind,
            source_id=item.source.pk,
            source_title=Truncator(item.source.title).chars(300),
            source_url=item.source.url[:500],
            text=Truncator(item.link.text).chars(300),
            target=item.link.url,
            image=item.link.image,
            reason=Truncator(item.reason).chars(300),
        )
        for item in broken
    ]


def store(report: Report, by: str):
    """Keep what ``report`` found as the last check of its scopes (the internal one,
    and the external one when it checked external links)."""
    scopes = [Scope.INTERNAL] + ([Scope.EXTERNAL] if report.external_checked else [])
    with transaction.atomic():
        for scope in scopes:
            BrokenLink.objects.filter(scope=scope).delete()
            BrokenLink.objects.bulk_create(_rows(report.broken_in(scope)), batch_size=500)
            CheckRun.objects.update_or_create(
                scope=scope,
                defaults={
                    "finished": timezone.now(),
                    "by": by[:200],
                    "sources": report.sources,
                    "links": report.links,
                    "targets": report.external_targets
                    if scope == Scope.EXTERNAL
                    else report.targets,
                    "seconds": report.seconds,
                },
            )


def check_site(by: str) -> Report:
    """Check every internal link of the site (no HTTP) and keep what was found."""
    report = check(sources())
    store(report, by)
    return report


def last_check() -> tuple[Report, CheckRun] | None:
    """What the last check of the internal links found, as kept (:func:`store`, and
    each editor's save since: :func:`check_one`), with its run; None before the first.

    An import that changed nothing says this instead of checking again: nothing it
    could have broken or mended has changed since."""
    run = CheckRun.objects.filter(scope=Scope.INTERNAL).first()
    if run is None:
        return None
    report = Report(sources=run.sources, links=run.links, targets=run.targets)
    for row in BrokenLink.objects.filter(scope=Scope.INTERNAL):
        ref = SourceRef(row.source_kind, row.source_id, row.source_title, row.source_url)
        link = FoundLink(row.target, row.text, row.image)
        report.broken.append(Broken(ref, link, Scope.INTERNAL, row.reason))
    return report, run


def check_one(source: Source, *, keep=True) -> list[Broken]:
    """The broken internal links of one post or page (an editor's save); ``keep``:
    in place of what the last check found in it, so the Site health page stays current
    (not for a writer's change awaiting review, which readers do not see yet)."""
    report = check([source])
    broken = report.broken_in(Scope.INTERNAL)
    ref = source.ref
    if not keep:
        return broken
    with transaction.atomic():
        BrokenLink.objects.filter(
            scope=Scope.INTERNAL, source_kind=ref.kind, source_id=ref.pk
        ).delete()
        BrokenLink.objects.bulk_create(_rows(broken))
    return broken


#: How many broken links a save's warning names (the Site health page lists them all).
WARNING_SHOWS = 5


def warning(broken: list[Broken], what: str) -> str:
    """What an editor is told on saving a ``what`` ("post") with broken links."""
    count = len(broken)
    listed = "; ".join(
        f"“{item.link.text or item.link.url}” → {item.link.url} ({item.reason})"
        for item in broken[:WARNING_SHOWS]
    )
    more = f"; and {count - WARNING_SHOWS} more" if count > WARNING_SHOWS else ""
    links = "a link that does not answer" if count == 1 else f"{count} links that do not answer"
    them = "it" if count == 1 else "them"
    return f"This {what} has {links}: {listed}{more}. Readers who follow {them} get an error."


def _counted(count, kind):
    one, many = KINDS[kind]
    if kind == "settings":
        return one
    return f"{count} {one if count == 1 else many}"


def where(broken) -> str:
    """The sources of ``broken`` counted by kind: "2 posts and 1 page"."""
    places = {(item.source.kind, item.source.pk or item.source.title) for item in broken}
    kinds = Counter(kind for kind, _ in places)
    parts = [_counted(kinds[kind], kind) for kind in KINDS if kinds[kind]]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def summary(report: Report, scope=Scope.INTERNAL) -> str:
    """One line: "3 broken internal links in 2 posts; run manage.py check_links"."""
    what = "internal" if scope == Scope.INTERNAL else "external"
    broken = report.broken_in(scope)
    if not broken:
        return f"No broken {what} links ({report.links:,} links and images checked)."
    links = "link" if len(broken) == 1 else "links"
    line = f"{len(broken):,} broken {what} {links} in {where(broken)}"
    return line + ("; run manage.py check_links" if scope == Scope.INTERNAL else "")
