from django.conf import settings
from django.views.generic import ListView

from blog.models import Post

from .query import parse
from .results import SearchResults


class SearchView(ListView):
    """/search/?q=…: ranked matches among published posts, with highlighted snippets."""

    paginate_by = settings.FOLIO_POSTS_PER_PAGE
    context_object_name = "hits"
    template_name = "search/search_results.html"

    def get_queryset(self):
        self.query = parse(self.request.GET.get("q", ""))
        posts = Post.objects.published().cards()
        return SearchResults(self.query, posts=posts)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)
