"""The history of a post or a page: what each revision holds, what changed between
two states, and what restoring a revision does.

Every save keeps a revision (:class:`~blog.models.PostRevision`,
:class:`~pages.models.PageRevision`) of every field an editor can change (``RECORDED``).
The admin's history pages show them here, side by side: :func:`state` turns a post, a
page or a revision into the text a person reads for each field, and
:func:`differences` compares two states, field by field.

Restoring brings back a revision's *content* (``CONTENT``); its status and publish
date (``PUBLISHING``) only when the editor ticks them on the confirmation page, so a
restore never unpublishes a live post or page by surprise.
"""

import difflib
import json
from dataclasses import dataclass, field

from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateformat import format as format_date

from .models import Post, Revision, Status, Tag

#: How a history page names a moment: to the second, with the time zone.
WHEN = "j F Y, H:i:s T"

#: Every field an editor can change, in the order pages list them: (name, label, text?).
#: Text fields are compared line by line; the others as a whole.
FIELDS = [
    ("title", "Title", False),
    ("subtitle", "Subtitle", False),
    ("slug", "Slug", False),
    ("path", "Address", False),
    ("author", "Author", False),
    ("status", "Status", False),
    ("publish_at", "Publish date", False),
    ("expire_at", "Unpublish date", False),
    ("tags", "Tags", False),
    ("excerpt", "Excerpt", True),
    ("body", "Body", True),
    ("image", "Hero image", False),
    ("image_alt", "Hero image alt text", False),
    ("thumb_image", "Thumbnail", False),
    ("seo_title", "SEO title", False),
    ("seo_description", "SEO description", True),
    ("extra", "Extra front matter", True),
]
LABELS = {name: label for name, label, _ in FIELDS}
#: Which of FIELDS each kind of content records, by model name.
RECORDED = {
    "post": (
        *("title", "subtitle", "slug", "author", "status", "publish_at", "expire_at", "tags"),
        *("excerpt", "body", "image", "image_alt", "thumb_image", "extra"),
    ),
    "page": (
        *("title", "subtitle", "path", "status", "publish_at", "expire_at", "body", "image"),
        *("seo_title", "seo_description", "extra"),
    ),
}
#: What revisions kept before every field was recorded hold (posts only).
EARLY_FIELDS = ("title", "status", "excerpt", "body")
#: What a restore brings back, by model name (the address is not: it is a move).
CONTENT = {
    "post": ("title", "subtitle", "excerpt", "body", "image", "image_alt", "thumb_image", "tags"),
    "page": ("title", "subtitle", "body", "image", "seo_title", "seo_description"),
}
#: What a restore changes only when the editor chooses to (and may publish).
PUBLISHING = ("status", "publish_at", "expire_at")
_IMAGES = ("image", "thumb_image")


def kind(obj):
    """ "post" or "page", for the object or for one of its revisions."""
    if isinstance(obj, Revision):
        return obj.owner_field
    return obj._meta.model_name


def when(moment):
    """A moment as history pages and messages show it (``WHEN``, in the current zone)."""
    return format_date(timezone.localtime(moment), WHEN) if moment else "—"


def _tag_names(tags):
    return ", ".join(sorted(tag["name"] for tag in tags)) or "—"


def _shown(obj, name):
    value = getattr(obj, name) if name != "author" else None
    match name:
        case "author":
            return str(obj.author) if obj.author_id else "—"
        case "status":
            return Status(obj.status).label
        case "publish_at" | "expire_at":
            return when(value)
        case "tags":
            if isinstance(obj, Revision):
                return _tag_names(obj.tags)
            return _tag_names([{"id": tag.pk, "name": str(tag)} for tag in obj.tags.all()])
        case "image" | "thumb_image":
            return getattr(value, "name", value) or "—"
        case "extra":
            return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
        case "subtitle" | "image_alt" | "seo_title" | "seo_description":
            return value or "—"
    return value


def state(obj):
    """{field name: text} for a post or page, or for a revision (only the fields it
    recorded)."""
    names = RECORDED[kind(obj)]
    if isinstance(obj, Revision) and not obj.complete:
        names = EARLY_FIELDS
    return {name: _shown(obj, name) for name in names}


@dataclass
class Change:
    name: str
    label: str
    old: str
    new: str
    #: For text fields: a unified diff as (css class, line) pairs; the template escapes.
    lines: list = field(default_factory=list)


def differences(old, new, names=None):
    """The :class:`Change` of each field that differs between two :func:`state` dicts
    (fields one of them did not record are left out)."""
    changes = []
    for name, label, text in FIELDS:
        if name not in old or name not in new or (names and name not in names):
            continue
        if old[name] == new[name]:
            continue
        lines = []
        if text:
            diff = difflib.unified_diff(
                old[name].splitlines(), new[name].splitlines(), lineterm="", n=2
            )
            lines = [(_diff_class(line), line) for line in list(diff)[2:]]  # no ---/+++
        changes.append(Change(name, label, old[name], new[name], lines))
    return changes


def _diff_class(line):
    return {"+": "diff-add", "-": "diff-del", "@": "diff-meta"}.get(line[:1], "")


@dataclass
class HistoryRow:
    revision: Revision
    #: Labels of the fields this save changed (None: the first revision).
    changed: list | None
    #: Whether readers could see the post as this revision holds it.
    public: bool
    #: Whether this is the post as it is now (its latest save).
    current: bool = False


def history(revisions):
    """Rows for the history page, newest first: what each save changed, and whether
    the post (or page) was public as that revision holds it (published, with its publish
    date reached before the next save).

    A writer's change kept for review (blog/review.py) was never the post: it is
    compared with the save it was made on, and the saves around it with each other.
    """
    revisions = list(revisions)
    saves = [revision for revision in revisions if not getattr(revision, "review", "")]
    rows = []
    until = timezone.now()
    for revision in revisions:
        older = next((s for s in saves if _before(s, revision)), None)
        changed = None
        if older is not None:
            changed = [c.label for c in differences(state(older), state(revision))]
        if getattr(revision, "review", ""):  # (post revisions only)
            rows.append(HistoryRow(revision, changed, public=False))
            continue
        dated = revision.publish_at is None or revision.publish_at <= until
        public = revision.status == Status.PUBLISHED and dated
        rows.append(HistoryRow(revision, changed, public, current=revision is saves[0]))
        until = revision.created
    return rows


def _before(older, revision):
    return (older.created, older.pk) < (revision.created, revision.pk)


@dataclass
class RestorePlan:
    content: list  # Changes a restore makes
    publishing: list  # Changes offered, made only if chosen
    missing_tags: list  # names of the revision's tags deleted since


def restore_plan(obj, revision, *, may_publish):
    now, then = state(obj), state(revision)
    tags = getattr(revision, "tags", []) if "tags" in CONTENT[kind(obj)] else []
    existing = set(Tag.objects.filter(pk__in=[t["id"] for t in tags]).values_list("pk", flat=True))
    return RestorePlan(
        content=differences(now, then, CONTENT[kind(obj)]),
        publishing=differences(now, then, PUBLISHING) if may_publish else [],
        missing_tags=[t["name"] for t in tags if t["id"] not in existing],
    )


def restore(obj, revision, *, publishing=(), user=None):
    """Bring back the revision's content, and those of ``PUBLISHING`` named in
    ``publishing``; saved as a new revision (so a restore can be undone the same way)."""
    tags = put_back(obj, revision, publishing=publishing)
    obj.edited_by = user
    obj.save()
    if tags is not None:
        obj.tags.set(tags)


def put_back(obj, revision, *, publishing=()):
    """Set the revision's content (and ``publishing``) on the post or page instance, in
    memory. Returns the tags to set, or None when the revision did not record them (or
    the object has none)."""
    content = CONTENT[kind(obj)]
    for name in content:
        if name == "tags" or not (name in EARLY_FIELDS or revision.complete):
            continue
        if name in _IMAGES:
            getattr(obj, name).name = getattr(revision, name)
        else:
            setattr(obj, name, getattr(revision, name))
    if "status" in publishing:
        obj.status = revision.status
    if "publish_at" in publishing and revision.publish_at:
        obj.publish_at = revision.publish_at
    if "expire_at" in publishing and revision.complete:
        obj.expire_at = revision.expire_at
    if "tags" in content and revision.complete:
        return Tag.objects.filter(pk__in=[t["id"] for t in revision.tags])
    return None


@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="folio-revision-tags")
def _tags_set(sender, instance, action, reverse, **kwargs):
    # The admin and the importer set a post's tags after saving it: the revision that
    # save kept records them.
    # Tags set on a post this process did not save (loaddata restoring a backup) belong
    # to no new revision.
    if not reverse and action in {"post_add", "post_remove", "post_clear"}:
        record_tags(instance)


def record_tags(post):
    """Write the post's tags into the revision its last save kept."""
    if post._revision is None:
        return
    tags = [{"id": tag.pk, "name": str(tag)} for tag in post.tags.all()]
    if post._revision.tags != tags:
        post._revision.tags = tags
        post._revision.save(update_fields=["tags"])
