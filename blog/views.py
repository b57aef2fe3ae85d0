from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from folio import pagecache
from folio.pagecache import PublicPageMixin

from . import caching
from .models import Post, Tag
from .uploads import ImageRejected, store_image

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
    """A published post; or, as a staff preview, an unpublished one its editor may change."""

    context_object_name = "post"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags")

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            user = self.request.user
            if not user.is_authenticated:
                raise
        # Staff preview: drafts and scheduled posts, only to those who may change them.
        preview = Post.objects.editable_by(user).select_related("author").prefetch_related("tags")
        return get_object_or_404(preview, slug=self.kwargs["slug"])

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            # A preview must never be kept by a browser or a shared cache.
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["previous_post"] = self.object.get_previous_published()
        context["next_post"] = self.object.get_next_published()
        context["preview_state"] = None if self.object.is_published else self.object.state
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


@require_POST
def editor_image_upload(request):
    """The markdown editor's image upload (replaces markdownx's own, which checks nobody).

    Answers in markdownx's shape: ``{"image_code": markdown}``, or ``{"error": message}``
    with status 400 (bad file) or 403 (not logged-in staff).
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        return JsonResponse({"error": "Log in to the admin to upload images."}, status=403)
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "No file came with the upload (field 'image')."}, status=400)
    try:
        image = store_image(upload)
    except ImageRejected as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"image_code": image.markdown, "url": image.url})
