"""The sitemap: list pages, published posts, and the authors and tags that have them."""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max
from django.urls import reverse

from authors.models import Author
from pages.sitemaps import PageSitemap
from sitesettings.snapshot import current

from .models import Post, Tag


class Sitemap(DjangoSitemap):
    """Locations under the site's canonical base URL when its settings give one (else
    on the host the request came to)."""

    def get_protocol(self, protocol=None):
        base = urlsplit(current().base_url)
        return base.scheme if base.hostname else super().get_protocol(protocol)

    def get_domain(self, site=None):
        base = urlsplit(current().base_url)
        return base.netloc + base.path if base.hostname else super().get_domain(site)


class PostSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Post.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, post):
        return post.updated


class _WithPublishedPosts(Sitemap):
    """Objects with at least one published post; lastmod is their newest post's date."""

    changefreq = "weekly"
    model = None

    def items(self):
        published = Post.objects.published()
        return (
            self.model.objects.filter(posts__in=published)
            .annotate(newest=Max("posts__publish_at"))
            .order_by("pk")
        )

    def lastmod(self, obj):
        return obj.newest


class AuthorSitemap(_WithPublishedPosts):
    model = Author


class TagSitemap(_WithPublishedPosts):
    model = Tag


class ListPageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["home", "blog:post-list", "blog:archive"]

    def location(self, name):
        return reverse(name)


sitemaps = {
    "pages": ListPageSitemap,
    "posts": PostSitemap,
    "site-pages": PageSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
}
