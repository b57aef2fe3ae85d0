from django.urls import path, register_converter

import folio.converters  # noqa: F401  (registers <segment:>)
from folio.pagecache import public_page

from . import feeds, views
from .models import Tag

app_name = "blog"


class YearConverter:
    """Exactly four digits, so /blog/<year>/ never swallows a slug like ``hello``."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        year = int(value)
        # Years 0 and 9999 overflow datetime once a time zone shifts the bounds of the
        # year; not matching makes them a 404 rather than a 500.
        if not 1 < year < 9999:
            raise ValueError(f"year {year} is out of range")
        return year

    def to_url(self, value):
        return f"{int(value):04d}"


class MonthConverter:
    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("feed/", public_page(feeds.LatestPostsFeed()), name="feed"),
    path("atom/", public_page(feeds.LatestPostsAtomFeed()), name="atom"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("<year:year>/", views.ArchiveView.as_view(), name="archive-year"),
    path("<year:year>/<month:month>/", views.ArchiveView.as_view(), name="archive-month"),
    path("tags/<segment:slug>/", views.TagPostListView.as_view(), name="tag-detail"),
    path("tags/<segment:slug>/feed/", public_page(feeds.TagFeed()), name="tag-feed"),
    path(
        "categories/<segment:slug>/",
        views.TagPostListView.as_view(kind=Tag.Kind.CATEGORY),
        name="category-detail",
    ),
    path(
        "categories/<segment:slug>/feed/",
        public_page(feeds.CategoryFeed()),
        name="category-feed",
    ),
    # <str:> rather than <slug:>: imported slugs are file names, which may hold
    # characters a slug converter would reject, and their old URLs must keep working.
    # A post whose slug is exactly four digits is shadowed by the year archive above.
    path("<segment:slug>/", views.PostDetailView.as_view(), name="post-detail"),
]
