"""Keeping the search index in step with the posts and pages.

Every write path reports to :data:`blog.changes.content_changed` (per-object saves
through model signals, bulk paths through ``notify()``); :func:`sync` listens and
rewrites the documents of the posts and pages concerned, inside the writer's
transaction, so the index commits or rolls back with the change itself.

Posts and pages share one index, so one query ranks them together: a post's document
is keyed by the post's id, a page's by minus the page's id (:func:`page_key`).
"""

import re

from django.db import transaction
from django.dispatch import receiver

from authors.models import Author
from blog.changes import content_changed
from blog.models import Post, Tag
from folio.rendering import html_to_text
from pages.models import Page
from pages.sections import MARKDOWN_KEYS, text

from .backends import Document, get_backend

BATCH_SIZE = 500
# Never index the snippet marks (or NUL, which PostgreSQL text refuses).
_UNINDEXABLE = re.compile("[\x00\ue000\ue001]")


def _clean(text):
    return _UNINDEXABLE.sub("", text)


def document_for(post) -> Document:
    """The text a reader can see of this post, by field (needs author and tags loaded)."""
    return document(
        post,
        html_to_text(post.excerpt_html),
        html_to_text(post.body_html),
        [tag.name for tag in post.tags.all()],
        post.author.name if post.author else "",
    )


def document(post, excerpt_text, body_text, tag_names, author_name) -> Document:
    """:func:`document_for`, given the text of the post's HTML and the names of its tags
    and author (the importer has them at hand for the posts it writes)."""
    return Document(
        post_id=post.pk,
        title=_clean(post.title),
        subtitle=_clean(post.subtitle),
        excerpt=_clean(excerpt_text),
        body=_clean(body_text),
        tags="\n".join(_clean(name) for name in tag_names),
        author=_clean(author_name),
    )


def index_documents(documents):
    """Write these posts' documents (in the writer's transaction), in place of any they
    had; the writer then reports the posts as ``indexed`` (blog.changes.notify)."""
    backend = get_backend()
    for start in range(0, len(documents), BATCH_SIZE):
        chunk = documents[start : start + BATCH_SIZE]
        with transaction.atomic():
            backend.replace([doc.post_id for doc in chunk], chunk)


def page_key(page_pk: int) -> int:
    """The key of a page's document (posts are keyed by their own, positive, ids)."""
    return -page_pk


def page_document(page) -> Document:
    """The text a reader can see of this page, by field."""
    return Document(
        post_id=page_key(page.pk),
        title=_clean(page.title),
        subtitle=_clean(page.subtitle),
        excerpt=_clean(page.seo_description),
        body=_clean(
            " ".join([html_to_text(page.body_html), *map(_section_text, page.sections.all())])
        ),
        tags="",
        author="",
    )


#: The keys of a section (or item) that readers see as plain text.
SECTION_TEXT_KEYS = ("title", "subtitle", "question", "author", "price", "name")


def _section_text(section) -> str:
    """What a reader sees of a landing page's section: its text, its rendered markdown,
    and its items' (a contact form's field labels are not content)."""
    entries = [(section.data, section.rendered)]
    if section.kind.name != "form":
        entries += [(item.data, item.rendered) for item in section.items.all()]
    parts = []
    for data, rendered in entries:
        if not isinstance(data, dict):
            continue
        parts += [text(data.get(key)) for key in SECTION_TEXT_KEYS]
        parts += [html_to_text(rendered[key]) for key in MARKDOWN_KEYS if key in rendered]
    return " ".join(part for part in parts if part)


def _pages(page_ids):
    return (
        Page.objects.filter(pk__in=page_ids)
        .only("title", "subtitle", "seo_description", "body_html")
        .prefetch_related("sections__items")
    )


def index_pages(page_ids):
    """Rewrite the documents of these pages; pages that no longer exist are removed."""
    backend = get_backend()
    page_ids = sorted(set(page_ids))
    for start in range(0, len(page_ids), BATCH_SIZE):
        chunk = page_ids[start : start + BATCH_SIZE]
        documents = [page_document(page) for page in _pages(chunk)]
        with transaction.atomic():  # never a moment without the documents
            backend.replace([page_key(pk) for pk in chunk], documents)


def _posts(post_ids):
    return (
        Post.objects.filter(pk__in=post_ids)
        .select_related("author")
        .prefetch_related("tags")
        .only(
            "title",
            "subtitle",
            "excerpt_html",
            "body_html",
            "author__first_name",
            "author__last_name",
        )
    )


def index_posts(post_ids):
    """Rewrite the documents of these posts; posts that no longer exist are removed."""
    backend = get_backend()
    post_ids = sorted(set(post_ids))
    for start in range(0, len(post_ids), BATCH_SIZE):
        chunk = post_ids[start : start + BATCH_SIZE]
        documents = [document_for(post) for post in _posts(chunk)]
        # Outside a writer's transaction (the end of an import), a moment between the
        # DELETE and the INSERT would find these posts without documents (and a kill
        # then would leave them so).
        with transaction.atomic():
            backend.replace(chunk, documents)


def rebuild(progress=None) -> int:
    """Index every post and page from scratch; returns how many.
    ``progress(done, total)``."""
    backend = get_backend()
    post_ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
    page_ids = list(Page.objects.order_by("pk").values_list("pk", flat=True))
    total = len(post_ids) + len(page_ids)
    with transaction.atomic():
        backend.clear()
        for start in range(0, len(post_ids), BATCH_SIZE):
            chunk = post_ids[start : start + BATCH_SIZE]
            backend.replace((), [document_for(post) for post in _posts(chunk)])
            if progress:
                progress(start + len(chunk), total)
        for start in range(0, len(page_ids), BATCH_SIZE):
            chunk = page_ids[start : start + BATCH_SIZE]
            backend.replace((), [page_document(page) for page in _pages(chunk)])
            if progress:
                progress(len(post_ids) + start + len(chunk), total)
        backend.optimize()
    return total


def _posts_of_renamed(relation, names, changed_post_ids):
    """Posts of these authors or tags (``{pk: name}``) whose documents hold an old name.

    A tagging change reports the tag as well (its page changed); re-indexing all of
    the tag's posts every time would make a bulk import quadratic. They only need new
    documents when the name itself changed, which any one of their documents tells.
    """
    backend = get_backend()
    position = ("author", "tags").index(relation)
    stale = set()
    changed = set(changed_post_ids)
    for pk, name in names.items():
        # Set difference in Python: an import reports thousands of changed posts, far
        # too many for a NOT IN list in SQL.
        others = set(Post.objects.filter(**{relation: pk}).values_list("pk", flat=True))
        others -= changed
        if not others:
            continue
        indexed = backend.indexed_names(min(others))
        if indexed is None or _clean(name) not in indexed[position].split("\n"):
            stale |= others
    return stale


@receiver(content_changed, dispatch_uid="folio-search-index")
def sync(
    sender,
    post_ids=frozenset(),
    author_ids=frozenset(),
    tag_ids=frozenset(),
    page_ids=frozenset(),
    indexed_post_ids=frozenset(),
    **kwargs,
):
    # Posts whose writer already wrote their documents need none (blog.changes.notify).
    stale = set(post_ids) - indexed_post_ids
    changed = set(stale)
    if author_ids:
        names = {author.pk: author.name for author in Author.objects.filter(pk__in=author_ids)}
        stale |= _posts_of_renamed("author", names, changed)
    if tag_ids:
        names = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
        stale |= _posts_of_renamed("tags", names, changed)
    if stale:
        index_posts(stale)
    if page_ids:
        index_pages(page_ids)
