from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from blog.views import PostListView, editor_image_upload

urlpatterns = [
    path("", PostListView.as_view(), name="home"),
    path("blog/", include("blog.urls")),
    path("authors/", include("authors.urls")),
    path("search/", include("search.urls")),
    # Before markdownx.urls, so this view (staff only, Pillow-validated) answers uploads.
    path("markdownx/upload/", editor_image_upload, name="editor-image-upload"),
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
