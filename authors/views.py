from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from folio.pagecache import PublicPageMixin

from .models import Author


class AuthorDetailView(PublicPageMixin, ListView):
    """An author with their published posts, paginated like the post list."""

    paginate_by = settings.FOLIO_POSTS_PER_PAGE
    context_object_name = "posts"
    template_name = "authors/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        # `posts` is the reverse relation from blog.Post; its manager carries
        # PostQuerySet, so published() is the same rule every other page uses.
        return self.author.posts.published().cards()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)
