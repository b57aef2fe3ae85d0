from folio.context_processors import navigation

from .snapshot import current


def site(request):
    """What every reader's page shows of the site: its settings and menus (``site``;
    ``site_title`` and ``site_description`` for short), Folio's own links (``nav``),
    and the page's canonical URL (absolute, under the canonical base URL when the
    settings give one, without a query string: list pages add ``?page=N``)."""
    site = current(request)
    return {
        "site": site,
        "site_title": site.title,
        "site_description": site.tagline,
        "canonical_url": site.absolute(request.path, request),
        "nav": navigation(),
    }
