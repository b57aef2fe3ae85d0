from django.contrib.sitemaps import Sitemap

from . import addresses
from .models import Page


class PageSitemap(Sitemap):
    """Published pages that readers can reach (none that Folio's own routes shadow; the
    home page is listed with the site's list pages)."""

    changefreq = "monthly"

    def items(self):
        pages = Page.objects.published().exclude(path=addresses.HOME)
        pages = pages.only("path", "updated").order_by("path")
        return [page for page in pages if page.is_served]

    def lastmod(self, page):
        return page.updated
