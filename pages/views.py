from django.db.models import Exists, OuterRef
from django.http import Http404
from django.views.generic import DetailView, View

from blog.models import Post
from blog.views import PostListView, PreviewableMixin
from folio import pagecache
from folio.pagecache import PublicPageMixin

from . import addresses, contact, sections
from .models import Page, Section

#: How many posts a "latest posts" section shows, unless it says (and at most).
POSTS_SHOWN, MOST_POSTS_SHOWN = 3, 12


class PageView(PublicPageMixin, PreviewableMixin, DetailView):
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
        # Whether it has sections, in the same query: a plain page costs one query.
        has_sections = Exists(Section.objects.filter(page=OuterRef("pk")))
        page = (
            Page.objects.published()
            .pages()
            .annotate(has_sections=has_sections)
            .filter(path=path)
            .first()
        )
        user = self.request.user
        if page is None and user.is_authenticated:
            # Staff preview: drafts and scheduled pages, only to those who may change them.
            page = (
                Page.objects.editable_by(user)
                .pages()
                .annotate(has_sections=has_sections)
                .filter(path=path)
                .first()
            )
        if page is None:
            raise Http404("No page at this address")
        return page

    def get_context_data(self, bound_forms=None, **kwargs):
        page = self.object
        page_sections = []
        if getattr(page, "has_sections", True):
            page_sections = list(Section.objects.filter(page=page).prefetch_related("items"))
        listing = any(section.kind.name == "posts" for section in page_sections)
        if not listing:
            # This page shows the page and nothing else: other writes leave it cached.
            # (One that lists the latest posts is a list page: any write changes it.)
            pagecache.depends_on(self.request, page)
        return super().get_context_data(
            preview_state=None if page.is_published else page.state,
            sections=[self._shown(section, bound_forms or {}) for section in page_sections],
            # A form sent back with its errors carries its token; a cached page none.
            with_token=bool(bound_forms),
            has_form=any(section.kind.name == "form" for section in page_sections),
            # What the section templates (templates/pages/sections/) use.
            text=sections.text,
            section_background=sections.background,
            honeypot=contact.HONEYPOT,
            **kwargs,
        )

    def _shown(self, section, bound_forms):
        """What a section's template needs beyond the section itself."""
        # An item kept as written but not a mapping (a stray string) has nothing to show.
        items = [item for item in section.items.all() if isinstance(item.as_dict(), dict)]
        shown = {"section": section, "data": section.data, "items": items}
        kind = section.kind.name
        if kind == "posts":
            count = section.data.get("posts_number")
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                count = POSTS_SHOWN
            shown["posts"] = list(Post.objects.published().cards()[: min(count, MOST_POSTS_SHOWN)])
        elif kind == "form":
            shown["form"] = bound_forms.get(section.pk) or contact.form_for(section)
            shown["sent"] = self.request.GET.get("sent") == str(section.pk)
        return shown


class HomeView(View):
    """The site's home page: the page at ``/`` when there is one to show (a landing
    page, imported from the old site's ``src/pages/index.md`` or written here), else
    the newest posts, which are also always at ``/blog/``."""

    page_view = staticmethod(PageView.as_view())
    list_view = staticmethod(PostListView.as_view())

    def get(self, request, *args, **kwargs):
        try:
            return self.page_view(request, path="")
        except Http404:
            return self.list_view(request)

    head = get
