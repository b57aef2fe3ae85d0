from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.static import serve

from folio.context_processors import navigation
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


def server_error(request):
    """The 500 page in the site's layout. Like Django's own handler it renders without
    the context processors (one of them may be what failed): only the site's links."""
    template = loader.get_template("500.html")
    context = {"nav": navigation(), "site_title": settings.SITE_TITLE}
    return HttpResponseServerError(template.render(context))
