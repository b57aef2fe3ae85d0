"""RSS and Atom feeds of published posts: site-wide, per tag or category, per author.

Entries carry the whole post (``content:encoded`` in RSS, ``<content>`` in Atom) with
every link and image made absolute, since feed readers show it away from this site.
"""

import copy
import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, format_html

from authors.models import Author
from folio.rendering import absolutize_urls
from sitesettings.snapshot import current

from .models import Post, Tag

FEED_LENGTH = 20
# Characters XML 1.0 cannot hold. A title with one (content may carry any text) would
# make the whole feed fail to render, for every reader; they are dropped instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value):
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(item) for item in value)
    return value


class XmlSafeFeedMixin:
    """Strips characters XML cannot hold from everything a feed generator is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class ContentRssFeed(XmlSafeFeedMixin, Rss201rev2Feed):
    """RSS 2.0 with the full post in ``<content:encoded>``."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(XmlSafeFeedMixin, Atom1Feed):
    """Atom with the full post in ``<content type="html">``."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestPostsFeed(Feed):
    feed_type = ContentRssFeed

    def get_feed(self, obj, request):
        # Feed instances live in the URLconf and are shared by every request: keep
        # this request (for absolute URLs) on a copy, never on the shared instance.
        feed = copy.copy(self)
        feed.request = request
        return super(LatestPostsFeed, feed).get_feed(obj, request)

    @property
    def site(self):
        """The site's settings (title, tagline, canonical base URL)."""
        return current(self.request)

    def title(self):
        return self.site.title

    def description(self):
        return self.site.tagline

    def link(self):
        return self.site.absolute(reverse("blog:post-list"), self.request)

    def feed_url(self):
        return self.site.absolute(self.request.path, self.request)

    def item_link(self, post):
        return self.site.absolute(post.get_absolute_url(), self.request)

    def posts(self, obj):
        return Post.objects.published()

    def items(self, obj):
        return self.posts(obj).select_related("author").prefetch_related("tags")[:FEED_LENGTH]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return self._absolute(post.excerpt_html, post)

    def item_extra_kwargs(self, post):
        content = post.body_html
        if post.hero:  # a usable hero image, as the post page decides
            content = format_html('<p><img src="{}" alt=""></p>', post.image.url) + content
        return {"content": self._absolute(content, post)}

    def item_author_name(self, post):
        return post.author.name if post.author else None

    def item_pubdate(self, post):
        return post.publish_at

    def item_updateddate(self, post):
        return post.updated

    def item_categories(self, post):
        return [tag.name for tag in post.tags.all()]

    def _absolute(self, fragment, post):
        return absolutize_urls(fragment, self.item_link(post))


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = ContentAtomFeed

    def subtitle(self):
        return self.site.tagline


class TagFeed(LatestPostsFeed):
    """Posts carrying one tag; :class:`CategoryFeed` does the same for a category."""

    kind = Tag.Kind.TAG

    def get_object(self, request, slug):
        return get_object_or_404(Tag, kind=self.kind, slug=slug)

    def title(self, tag):
        return f"{tag.name} · {self.site.title}"

    def description(self, tag):
        # Escaped: some feed readers render a channel description as HTML.
        return f"Posts in the {tag.get_kind_display().lower()} {escape(tag.name)}."

    def link(self, tag):
        return self.site.absolute(tag.get_absolute_url(), self.request)

    def posts(self, tag):
        return Post.objects.published().filter(tags=tag)


class CategoryFeed(TagFeed):
    kind = Tag.Kind.CATEGORY


class AuthorFeed(LatestPostsFeed):
    """Posts by one author (routed from config.urls: the authors app never imports blog)."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, author):
        return f"{author.name} · {self.site.title}"

    def description(self, author):
        return f"Posts by {escape(author.name)}."

    def link(self, author):
        return self.site.absolute(author.get_absolute_url(), self.request)

    def posts(self, author):
        return author.posts.published()
