from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views import defaults
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


def permission_denied(request, exception=None):
    """403: in the admin's design for the admin's pages (a writer opening an editor's
    page), Django's own answer elsewhere."""
    user = getattr(request, "user", None)
    if request.path.startswith(reverse("admin:index")) and user and user.is_staff:
        context = {**admin.site.each_context(request), "title": "You may not open this page"}
        return render(request, "admin/403.html", context, status=403)
    return defaults.permission_denied(request, exception)


@require_GET
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the pages link:
    the site's icon. Not permanent, so a new icon is picked up."""
    response = HttpResponseRedirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
