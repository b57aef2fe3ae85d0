from django.contrib.sitemaps import Sitemap

from .models import Page


class PageSitemap(Sitemap):
    """Published pages that readers can reach (none that Folio's own routes shadow)."""

    changefreq = "monthly"

    def items(self):
        pages = Page.objects.published().only("path", "updated").order_by("path")
        return [page for page in pages if page.is_served]

    def lastmod(self, page):
        return page.updated
