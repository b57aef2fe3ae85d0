from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from blog.views import PostListView

urlpatterns = [
    path("", PostListView.as_view(), name="home"),
    path("blog/", include("blog.urls")),
    path("authors/", include("authors.urls")),
    path("search/", include("search.urls")),
    path("markdownx/", include("markdownx.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Local and single-machine set-ups serve uploads from Django; at scale the proxy
    # or object storage does (docs/deploy.md).
    urlpatterns += [
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        ),
    ]
