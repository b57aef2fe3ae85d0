from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults
from django.views.decorators.http import require_GET
from django.views.static import serve

from folio.pagecache import public_page


@require_GET
@public_page
def robots_txt(request):
    """Crawl everything public; the sitemap says what that is."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Allow: /", "", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def serve_media(request, path):
    """Uploaded files, from MEDIA_ROOT as it is now (tests point it elsewhere per test)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def permission_denied(request, exception=None):
    """403: in the admin's design for the admin's pages (a writer opening an editor's
    page), Django's own answer elsewhere."""
    user = getattr(request, "user", None)
    if request.path.startswith(reverse("admin:index")) and user and user.is_staff:
        context = {**admin.site.each_context(request), "title": "You may not open this page"}
        return render(request, "admin/403.html", context, status=403)
    return defaults.permission_denied(request, exception)
