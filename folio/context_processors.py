from django.conf import settings


def site(request):
    """Site-wide names the base layout needs on every page, and the page's canonical URL
    (absolute, without a query string: list pages add ``?page=N`` themselves)."""
    return {
        "site_title": settings.SITE_TITLE,
        "site_description": settings.SITE_DESCRIPTION,
        "canonical_url": request.build_absolute_uri(request.path),
    }
