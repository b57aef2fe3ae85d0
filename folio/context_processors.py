from django.conf import settings


def site(request):
    """Site-wide names the base layout needs on every page."""
    return {"site_title": settings.SITE_TITLE, "site_description": settings.SITE_DESCRIPTION}
