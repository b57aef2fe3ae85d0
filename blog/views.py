from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from folio import pagecache
from folio.pagecache import PublicPageMixin

from . import caching
from .models import Post, Tag

# List pages show cards, never bodies: don't fetch the heavy columns.
CARD_DEFERRED_FIELDS = ("body", "body_html", "excerpt", "extra", "author__bio", "author__bio_html")


class PublishedPostsMixin:
    """The shared shape of every public post page: only published posts, author joined."""

    def get_queryset(self):
        return Post.objects.published().select_related("author")


class PostListView(PublicPageMixin, PublishedPostsMixin, ListView):
    paginate_by = settings.FOLIO_POSTS_PER_PAGE
    context_object_name = "posts"
    template_name = "blog/post_list.html"

    def get_queryset(self):
        return super().get_queryset().defer(*CARD_DEFERRED_FIELDS)


class TagPostListView(PostListView):
    """Published posts carrying one tag (or one category)."""

    kind = Tag.Kind.TAG
    template_name = "blog/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, kind=self.kind, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class PostDetailView(PublicPageMixin, PublishedPostsMixin, DetailView):
    context_object_name = "post"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["previous_post"] = self.object.get_previous_published()
        context["next_post"] = self.object.get_next_published()
        # This page shows these objects and nothing else: other writes leave it cached.
        pagecache.depends_on(
            self.request,
            self.object,
            self.object.author,
            *self.object.tags.all(),
            context["previous_post"],
            context["next_post"],
            caching.neighbourhood(self.object),
        )
        return context
