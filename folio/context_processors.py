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


def navigation():
    """Folio's own links for the header and footer (``NAVIGATION``), as URLs. The
    site's menus and identity come from sitesettings.context_processors.site."""
    return {name: routing.reverse(route) for name, route in NAVIGATION.items()}
