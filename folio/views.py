from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
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
