from django.conf import settings

from folio import routing

# What the header and footer of every page link to: name in templates -> route.
NAVIGATION = {
    "home": "home",
    "blog": "blog:post-list",
    "archive": "blog:archive",
    "search": "search:results",
    "rss": "blog:feed",
    "atom": "blog:atom",
}


def site(request):
    """Site-wide names and links the base layout needs on every page, and the page's
    canonical URL (absolute, without a query string: list pages add ``?page=N``)."""
    return {
        "site_title": settings.SITE_TITLE,
        "site_description": settings.SITE_DESCRIPTION,
        "canonical_url": request.build_absolute_uri(request.path),
        "nav": navigation(),
    }


def navigation():
    """The header's and footer's links (``NAVIGATION``), as URLs."""
    return {name: routing.reverse(route) for name, route in NAVIGATION.items()}
