"""Ranked, paginated search results, the same on every backend."""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from blog.models import Post
from pages.models import Page

from .backends import get_backend
from .query import Query


@dataclass(frozen=True)
class Hit:
    #: The post found, or None when it is a page.
    post: Post | None
    snippet: SafeString
    #: The page found, or None when it is a post.
    page: Page | None = None


class SearchResults:
    """The matches of a query, best first, as a Paginator expects: ``count()`` and slices.

    A slice costs two queries: the backend's ranked ids and snippets, then the posts
    themselves through ``posts`` (``Post.objects.published()`` unless narrowed further);
    a third when pages are among them (``Page.objects.published()``).
    """

    def __init__(self, query: Query, posts=None, backend=None):
        self.query = query
        self.posts = Post.objects.published() if posts is None else posts
        self.pages = Page.objects.published().pages()
        self.backend = backend or get_backend()
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.backend.count(self.query) if self.query.searchable else 0
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("Search results are read a page (a slice) at a time.")
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        if not self.query.searchable or stop <= start:
            return []
        rows = self.backend.hits(self.query, offset=start, limit=stop - start)
        posts = self.posts.in_bulk([key for key, _ in rows if key > 0])
        page_keys = [-key for key, _ in rows if key < 0]  # search.indexing.page_key
        pages = self.pages.in_bulk(page_keys) if page_keys else {}
        # A post or page unpublished between the queries is simply left out, and so is
        # a page at an address Folio answers itself.
        hits = []
        for key, snippet in rows:
            if key in posts:
                hits.append(Hit(posts[key], snippet))
            elif -key in pages and pages[-key].is_served:
                hits.append(Hit(None, snippet, pages[-key]))
        return hits
