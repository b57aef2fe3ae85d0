import logging

from django.http import HttpResponseRedirect, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from folio.context_processors import navigation

from .models import SiteSettings
from .snapshot import Site, current

logger = logging.getLogger(__name__)


@require_GET
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the pages link:
    the site's icon from its settings, or Folio's own. Not permanent, so a new icon is
    picked up."""
    icon = current(request).icon
    response = HttpResponseRedirect(icon.largest_url if icon else static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def server_error(request):
    """The 500 page in the site's layout. Like Django's own handler it renders without
    the context processors (one of them may be what failed): the site's links, and its
    title if the settings can still be read (else the environment's default)."""
    try:
        site = current()
    except Exception:  # the database or the cache may be what failed
        logger.warning("The 500 page could not read the site settings", exc_info=True)
        site = Site(SiteSettings.defaults())
    template = loader.get_template("500.html")
    context = {"nav": navigation(), "site": site, "site_title": site.title}
    return HttpResponseServerError(template.render(context))
