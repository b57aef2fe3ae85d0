"""Ranked, paginated search results, the same on every backend."""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from blog.models import Post

from .backends import get_backend
from .query import Query


@dataclass(frozen=True)
class Hit:
    post: Post
    snippet: SafeString


class SearchResults:
    """The matches of a query, best first, as a Paginator expects: ``count()`` and slices.

    A slice costs two queries: the backend's ranked ids and snippets, then the posts
    themselves through ``posts`` (``Post.objects.published()`` unless narrowed further).
    """

    def __init__(self, query: Query, posts=None, backend=None):
        self.query = query
        self.posts = Post.objects.published() if posts is None else posts
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
        posts = self.posts.in_bulk([post_id for post_id, _ in rows])
        # A post unpublished between the two queries is simply left out.
        return [Hit(posts[pk], snippet) for pk, snippet in rows if pk in posts]
