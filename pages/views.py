from django.http import Http404
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import DetailView

from folio import pagecache
from folio.pagecache import PublicPageMixin

from . import addresses
from .models import Page


class PageView(PublicPageMixin, DetailView):
    """A published page at its own path; or, as a staff preview, an unpublished one its
    editor may change. A page at a path Folio answers itself is never served."""

    context_object_name = "page"
    template_name = "pages/page_detail.html"

    def get_object(self, queryset=None):
        path = "/" + self.kwargs["path"]
        if "\x00" in path:  # no page holds one (PostgreSQL cannot even compare it)
            raise Http404("No page at this address")
        if addresses.reserved(path):
            raise Http404("Folio's own address")
        page = Page.objects.published().pages().filter(path=path).first()
        user = self.request.user
        if page is None and user.is_authenticated:
            # Staff preview: drafts and scheduled pages, only to those who may change them.
            page = Page.objects.editable_by(user).pages().filter(path=path).first()
        if page is None:
            raise Http404("No page at this address")
        return page

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            # A preview must never be kept by a browser or a shared cache.
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        page = self.object
        # This page shows the page and nothing else: other writes leave it cached.
        pagecache.depends_on(self.request, page)
        return super().get_context_data(
            preview_state=None if page.is_published else page.state, **kwargs
        )
