import datetime
import logging

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.formats import date_format
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from folio import pagecache
from folio.images import image_size
from folio.pagecache import PublicPageMixin
from folio.rendering import headings, html_to_text, render_markdown
from folio.throttle import rate_limited
from sitesettings.snapshot import current

from . import caching, review
from .models import Post, Tag
from .uploads import ImageRejected, store_image

logger = logging.getLogger("folio.uploads")


class PostListView(PublicPageMixin, ListView):
    paginate_by = settings.FOLIO_POSTS_PER_PAGE
    context_object_name = "posts"
    template_name = "blog/post_list.html"

    def get_queryset(self):
        return Post.objects.published().cards()


class TagPostListView(PostListView):
    """Published posts carrying one tag (or one category)."""

    kind = Tag.Kind.TAG
    template_name = "blog/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, kind=self.kind, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArchiveView(PostListView):
    """Published posts of one year (/blog/2021/) or one month (/blog/2021/03/)."""

    template_name = "blog/post_archive.html"
    # An empty year or month is not a page: 404, like Django's own date views.
    allow_empty = False

    def get_queryset(self):
        queryset = super().get_queryset().filter(publish_at__year=self.kwargs["year"])
        if "month" in self.kwargs:
            queryset = queryset.filter(publish_at__month=self.kwargs["month"])
        return queryset

    def get_context_data(self, **kwargs):
        year, month = self.kwargs["year"], self.kwargs.get("month")
        archive_month = datetime.date(year, month, 1) if month else None
        return super().get_context_data(
            archive_month=archive_month,
            archive_label=date_format(archive_month, "F Y") if month else str(year),
            **kwargs,
        )


class ArchiveIndexView(PublicPageMixin, TemplateView):
    """Every month that has published posts, newest first, with its post count."""

    template_name = "blog/archive_index.html"

    def get_context_data(self, **kwargs):
        months = (
            Post.objects.published()
            .annotate(month=TruncMonth("publish_at"))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("-month")
        )
        return super().get_context_data(months=months, **kwargs)


def never_kept(response):
    """Mark a staff preview so that no browser or shared cache ever keeps it."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True)
    return response


class PreviewableMixin:
    """For the detail view of a post or page that staff may preview before it is
    published: such a response is never kept by a browser or a shared cache."""

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return response if self.object.is_published else never_kept(response)


class PostDetailView(PublicPageMixin, PreviewableMixin, DetailView):
    """A published post; or, as a staff preview, an unpublished one its editor may change."""

    context_object_name = "post"
    #: A table of contents appears once a post has this many h2/h3 headings.
    TOC_MIN_HEADINGS = 3

    def get_queryset(self):
        return Post.objects.published().pages()

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            user = self.request.user
            if not user.is_authenticated:
                raise
        # Staff preview: drafts and scheduled posts, only to those who may change them.
        preview = Post.objects.editable_by(user).pages()
        return get_object_or_404(preview, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        post = self.object
        sections = [h for h in headings(post.body_html) if h["level"] in (2, 3)]
        links = post.reading_links()
        context = super().get_context_data(
            tags=links.tags,
            previous_post=links.previous,
            next_post=links.next,
            related_posts=links.related,
            toc=sections if len(sections) >= self.TOC_MIN_HEADINGS else [],
            structured_data=self.structured_data(post),
            preview_state=None if post.is_published else post.state,
            **kwargs,
        )
        # This page shows these objects and nothing else: other writes leave it cached.
        # Unless "Keep reading" is (or would be) filled up with the newest posts, which
        # any new post changes: then it is a list page too.
        pagecache.depends_on(
            self.request,
            post,
            post.author,
            *links.tags,
            links.previous,
            links.next,
            *links.related,
            *(related.author for related in links.related),
            caching.links_of(post.pk),
            pagecache.LISTS if links.filled else None,
        )
        return context

    def structured_data(self, post):
        """schema.org BlogPosting, for search engines (rendered with the json_ld filter)."""
        site = current(self.request)

        def absolute(path):
            return site.absolute(path, self.request)

        data = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": post.title,
            "description": html_to_text(post.excerpt_html),
            "datePublished": post.publish_at.isoformat(),
            "dateModified": post.updated.isoformat(),
            "mainEntityOfPage": absolute(post.get_absolute_url()),
            "wordCount": post.word_count,
        }
        if post.author:
            data["author"] = {
                "@type": "Person",
                "name": post.author.name,
                "url": absolute(post.author.get_absolute_url()),
            }
        if post.hero:
            data["image"] = absolute(post.hero.largest_url)
        data["publisher"] = {"@type": "Organization", "name": site.title}
        if site.logo_image:
            data["publisher"]["logo"] = absolute(site.logo_image.largest_url)
        return data


class PendingChangesPreview(PostDetailView):
    """A post as it will read once the writer's changes awaiting review are approved
    (blog/review.py): the post page, rendered from the change on an unsaved copy.
    Only for those who may edit the post; never cached, never indexed."""

    def get_object(self, queryset=None):
        user = self.request.user
        posts = Post.objects.editable_by(user).select_related("author")
        post = get_object_or_404(posts, pk=self.kwargs["pk"])
        change = review.pending(post)
        if change is None:
            raise Http404("No changes await review on this post.")
        review.show(post, change)
        post.render()
        for name in ("image", "thumb_image"):
            width, height = image_size(getattr(post, name))
            setattr(post, f"{name}_width", width)
            setattr(post, f"{name}_height", height)
        self.pending_tags = list(review.tags_of(change))
        return post

    def render_to_response(self, context, **response_kwargs):
        return never_kept(super().render_to_response(context, **response_kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tags=self.pending_tags, preview_state="pending")
        return context


def _too_many_uploads(request, retry_after):
    limit, window = settings.FOLIO_UPLOAD_RATE
    return JsonResponse(
        {
            "error": f"More than {limit} uploads in {window} seconds. "
            f"Try again in {retry_after} seconds."
        },
        status=429,
    )


def _too_many_previews(request, retry_after):
    limit, window = settings.FOLIO_PREVIEW_RATE
    # markdownx shows any answer in the preview pane, so this is what the writer reads.
    return HttpResponse(
        f"Preview paused: more than {limit} previews in {window} seconds. It comes back "
        f"in {retry_after} seconds. Your text is not affected.",
        status=429,
        content_type="text/plain",
    )


@require_POST
@rate_limited("upload", "FOLIO_UPLOAD_RATE", _too_many_uploads)
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
    except OSError as error:  # a full or read-only media disk
        logger.error("Editor upload %s not stored: %s", upload.name, error)
        return JsonResponse(
            {
                "error": f"{upload.name}: the server could not store it "
                f"({error.strerror or error}). Your text is not affected; try again "
                "later, or tell the site's administrator."
            },
            status=507,
        )
    return JsonResponse({"image_code": image.markdown, "url": image.url})


@require_POST
@rate_limited("preview", "FOLIO_PREVIEW_RATE", _too_many_previews)
def editor_markdownify(request):
    """The editor's live preview (replaces markdownx's own, which renders for anyone).

    Staff only, so the site cannot be used as an anonymous markdown-rendering service;
    the HTML comes from the one sanitizing pipeline like everything else. The body is
    capped before it is read, so a preview's time is bounded too.
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        return HttpResponse(
            "Log in to the admin to preview.", status=403, content_type="text/plain"
        )
    limit = settings.FOLIO_PREVIEW_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    content = None if declared > limit else request.POST.get("content")
    size = declared if content is None else len(content.encode())
    if size > limit:
        return HttpResponse(
            f"No preview: this text is about {size // 1024:,} KB and the preview stops at "
            f"{limit // 1024:,} KB. Saving is not affected.",
            status=413,
            content_type="text/plain",
        )
    if content is None:
        return HttpResponse("No 'content' to preview.", status=400, content_type="text/plain")
    return HttpResponse(render_markdown(content))
