"""What an import keeps of the site's own files, for a lossless export (blog/exporting.py).

At the end of a run, :func:`record` stores each file the run wrote something from, as
it read it (``blog.SourceFile``), with the *state* of each object the file made: its
exported fields in the common vocabulary of the dialects (``title``, ``date``,
``tags``…). An export writes the recorded bytes while an object's state is the same,
and rewrites only the keys whose value changed when it is not. Images keep no bytes
here: their stored copy is the original (blog/importing/images.py).

One call at the end of a run, not one per write: a run that is stopped before it
leaves the rows of its files unrecorded, and the next run (which finds those files
unchanged) records them then, unless what they made was edited in between.
"""

import hashlib
import logging
from collections import defaultdict
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Prefetch

from authors.models import Author
from blog.models import Post, SourceFile, Tag
from pages.models import Page, Section
from sitesettings.models import SITE_PK, SiteSettings

logger = logging.getLogger(__name__)

#: What a file's report says it was -> the kind recorded (and exported).
RECORDED_KINDS = {
    "post": "post",
    "page": "page",
    "author": "author",
    "tag": "tag",
    "category": "category",
    "site settings": "site settings",
    "redirects": "redirects",
    "redirect": "redirect",
}
#: Rows written per query.
CHUNK = 500


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _when(value):
    return value.isoformat() if value else None


def _name(field):
    return field.name if field else ""


#: What a post's state is made of, read as values (no model instances: the import
#: reads 10,000 of them at its end).
POST_COLUMNS = (
    *("pk", "source_root", "source_path", "slug", "title", "subtitle", "publish_at"),
    *("expire_at", "status", "excerpt", "body", "image", "image_alt", "thumb_image", "extra"),
    *("author__source_path", "author__slug"),
)


def posts(queryset) -> list[SimpleNamespace]:
    """The posts of ``queryset`` as plain records (the columns of :data:`POST_COLUMNS`,
    ``author``: how a post names its author, ``tags``: sorted (kind, reference)), in
    two queries."""
    rows = [SimpleNamespace(**row) for row in queryset.values(*POST_COLUMNS)]
    through = Post.tags.through.objects.filter(post_id__in=[row.pk for row in rows])
    tags = defaultdict(list)
    for post_id, kind, path, name in through.values_list(
        "post_id", "tag__kind", "tag__source_path", "tag__name"
    ):
        tags[post_id].append((kind, path or name))
    for row in rows:
        row.tags = sorted(tags[row.pk])
        # (An author made in Folio is written as <authors folder>/<slug>.yaml.)
        row.author = row.author__source_path or row.author__slug
    return rows


def post_state(post) -> dict:
    """A post (a record of :func:`posts`) as an export writes it, in the dialects'
    common vocabulary (the body by its digest: it is compared, never merged)."""
    return {
        "slug": post.slug,
        "title": post.title,
        "subtitle": post.subtitle,
        "date": _when(post.publish_at),
        "expire_at": _when(post.expire_at),
        "draft": post.status != Post.Status.PUBLISHED,
        "excerpt": post.excerpt,
        "body": digest(post.body),
        "author": post.author,
        "image": post.image or "",
        "image_alt": post.image_alt,
        "thumb_image": post.thumb_image or "",
        "tags": [ref for kind, ref in post.tags if kind == Tag.Kind.TAG],
        "categories": [ref for kind, ref in post.tags if kind != Tag.Kind.TAG],
        "extra": post.extra,
    }


def page_state(page: Page, sections=None) -> dict:
    sections = list(page.sections.all()) if sections is None else sections
    return {
        "path": page.path,
        "title": page.title,
        "subtitle": page.subtitle,
        "draft": page.status != Page.Status.PUBLISHED,
        "body": digest(page.body),
        "image": _name(page.image),
        "seo_title": page.seo_title,
        "seo_description": page.seo_description,
        "sections": [section.as_dict() for section in sections] if sections else None,
        "extra": page.extra,
    }


def author_state(author: Author) -> dict:
    return {
        "slug": author.slug,
        "first_name": author.first_name,
        "last_name": author.last_name,
        "bio": author.bio,
        "website": author.website,
        "photo": _name(author.photo),
        "extra": author.extra,
    }


def tag_state(tag: Tag) -> dict:
    return {"kind": tag.kind, "slug": tag.slug, "name": tag.name, "description": tag.description}


def settings_state(settings: SiteSettings) -> dict:
    return {
        "title": settings.title,
        "tagline": settings.tagline,
        "base_url": settings.base_url,
        "logo_alt": settings.logo_alt,
        "footer_text": settings.footer_text,
        "logo": _name(settings.logo),
        "favicon": _name(settings.favicon),
        "extra": settings.extra,
        "menus": [
            [item.menu, item.label, item.url, item.post_id, item.page_id, item.order]
            for item in settings.menu_items.order_by("menu", "order", "pk")
        ],
    }


def pages(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "sections", queryset=Section.objects.order_by("order", "pk").prefetch_related("items")
        )
    )


def of_files(model, root, paths):
    """The rows of ``model`` (Post, Page) made from the files at ``paths`` of the site
    at ``root``: looked up through the index of (root, path), whose condition
    (a path) is written out so that the database sees it applies (SQLite otherwise
    reads the whole table, bodies and all, for each chunk)."""
    rows = model.objects.filter(source_root=root, source_path__in=list(paths))
    return rows.exclude(source_path="").order_by()


def states_of(root: str, paths) -> dict[str, dict]:
    """{file path: {object key: state}} of what the files at ``paths`` made now."""
    paths = list(paths)
    found = defaultdict(dict)
    for start in range(0, len(paths), CHUNK):
        chunk = paths[start : start + CHUNK]
        for post in posts(of_files(Post, root, chunk)):
            found[post.source_path][f"post:{post.source_path}"] = post_state(post)
        for page in pages(of_files(Page, root, chunk)):
            found[page.source_path][f"page:{page.source_path}"] = page_state(page)
        for tag in Tag.objects.filter(source_path__in=chunk):
            found[tag.source_path][f"{tag.kind}:{tag.slug}"] = tag_state(tag)
    authors = Author.objects.filter(source_root=root).exclude(source_path="")
    wanted = set(paths)
    for author in authors:
        path = author.source_path.split("#")[0]
        if path in wanted:
            found[path][f"author:{author.source_path}"] = author_state(author)
    settings = SiteSettings.objects.filter(pk=SITE_PK, source_root=root).first()
    if settings:
        primary = settings.source_path.split(", ")[0]
        if primary in wanted:
            found[primary]["site settings"] = settings_state(settings)
    return found


def record(importer) -> None:
    """Keep the files of this run that made something (blog.SourceFile): those it
    created or updated from, and those it found unchanged that were not kept yet
    (what they made unedited since). Nothing in a dry run.

    Never fails the import: what it could not keep is logged, and the next run keeps
    it (an export meanwhile writes that content as new)."""
    if importer.dry_run:
        return
    try:
        _record(importer)
    except Exception:  # noqa: BLE001 - the content is imported; only its copy is missing
        logger.exception("Import: keeping the site's files for export failed")


def _record(importer):
    from .importer import Action  # (the importer calls this module)

    root, site = importer.root, importer.site
    kept = set(SourceFile.objects.filter(root=root).values_list("path", flat=True))
    wanted = {}  # path -> kind
    for report in importer.result.reports:
        kind = RECORDED_KINDS.get(report.kind)
        path = report.path.split("#")[0]
        if report.action == Action.SKIPPED and report.kind in ("post", "page"):
            kind = "skipped"
        if kind is None or report.action in (Action.ERROR, Action.CONFLICT):
            continue
        if path in kept and report.action not in (Action.CREATED, Action.UPDATED):
            continue
        if report.action == Action.SKIPPED and kind != "skipped":
            continue
        wanted.setdefault(path, kind)
    settings = SiteSettings.objects.filter(pk=SITE_PK, source_root=root).first()
    if settings and settings.source_path.split(", ")[0] in wanted:
        for path in settings.source_path.split(", ")[1:]:
            wanted.setdefault(path, "site settings")
    # The generator's own configuration (what says which generator the site is for).
    for name in site.dialect.kept_files(site):
        if name not in kept:
            wanted.setdefault(name, "config")
    if not wanted and not importer.stored:
        return
    edited = _edited_since_import(root)
    dialect = site.dialect.name
    fields = ["kind", "dialect", "data", "sha256", "stored_name", "states", "recorded"]

    def write(rows):
        SourceFile.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["root", "path"], update_fields=fields
        )

    # In chunks, so memory holds 500 files at a time, not the site.
    items = [(path, kind) for path, kind in wanted.items() if path not in edited]
    with transaction.atomic():
        for start in range(0, len(items), CHUNK):
            chunk = dict(items[start : start + CHUNK])
            states, hashes = states_of(root, chunk), _source_hashes(root, chunk)
            rows = []
            for path, kind in chunk.items():
                try:
                    data = site.read_bytes(path)
                except Exception:  # noqa: BLE001 - gone since it was read: the next run
                    continue
                if path in hashes and hashes[path] != importer._hash(data):
                    continue  # changed since it was imported: the next run imports it
                row = SourceFile(root=root, path=path, kind=kind, dialect=dialect, data=data)
                row.sha256, row.states = hashlib.sha256(data).hexdigest(), states.get(path, {})
                rows.append(row)
            write(rows)
        images = [
            SourceFile(root=root, path=source, kind="image", dialect=dialect, stored_name=name)
            for name, found in importer.stored.items()
            for source in sorted(found)  # (the same bytes at two paths: stored once)
        ]
        for start in range(0, len(images), CHUNK):
            write(images[start : start + CHUNK])


def _source_hashes(root, paths) -> dict[str, str]:
    """{path: the importer's hash of the bytes it made a post or page from}."""
    found = {}
    for model in (Post, Page):
        found.update(of_files(model, root, paths).values_list("source_path", "source_hash"))
    return found


def _edited_since_import(root) -> set[str]:
    """Source files whose post, page or author was edited since its last import."""
    from django.db.models import F

    edited = set()
    for model in (Post, Page, Author):
        rows = model.objects.filter(source_root=root, updated__gt=F("imported_at"))
        edited.update(path.split("#")[0] for path in rows.values_list("source_path", flat=True))
    return edited
