from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

import folio.converters  # noqa: F401  (registers <segment:>)
from blog.feeds import AuthorFeed
from blog.sitemaps import sitemaps
from blog.views import editor_image_upload, editor_markdownify
from folio.pagecache import public_page
from folio.views import robots_txt, serve_media
from pages.views import HomeView
from sitesettings.views import favicon

handler403 = "folio.views.permission_denied"
handler500 = "sitesettings.views.server_error"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("blog/", include("blog.urls")),
    # Here rather than in authors.urls: the authors app never imports blog.
    path("authors/<segment:slug>/feed/", public_page(AuthorFeed()), name="author-feed"),
    path("authors/", include("authors.urls")),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("search/", include("search.urls")),
    # markdownx's two endpoints, under the names its widget reverses, answered by our
    # views: uploads staff only and Pillow-validated, the preview staff only (markdownx's
    # own views answer anyone).
    path("markdownx/upload/", editor_image_upload, name="markdownx_upload"),
    path("markdownx/markdownify/", editor_markdownify, name="markdownx_markdownify"),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Local and single-machine set-ups serve uploads from Django; at scale the proxy
    # or object storage does (docs/deploy.md).
    urlpatterns += [
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve_media,
        ),
    ]

# Last, after every other route (uploads included): a page answers only where nothing
# of Folio's own does (pages/addresses.py).
urlpatterns += [path("", include("pages.urls"))]
