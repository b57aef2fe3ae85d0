"""URLs of pages by route name, reversed once per worker.

Django's ``reverse()`` walks the URL resolver, converts the arguments and checks the
result against the route's pattern on every call, and a page asks for many: a post
page links to its author, its tags and five other posts and their authors, a list
page to thirty. The answer depends only on the URLconf, the script prefix, the active
language and the arguments, so :func:`reverse` remembers it under exactly those: a
new URLconf (``clear_url_caches()``, as ``override_settings(ROOT_URLCONF=...)`` does)
is a new resolver, hence a new key.
"""

from functools import lru_cache

from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language

from folio import REMEMBERED


def reverse(viewname, *args, **kwargs):
    """``reverse(viewname, args=args, kwargs=kwargs)``, remembered; arguments must be
    hashable (slugs, numbers)."""
    resolver = get_resolver(get_urlconf())
    key = (resolver, get_script_prefix(), get_language())
    return _reverse(key, viewname, args, tuple(kwargs.items()))


@lru_cache(maxsize=REMEMBERED, typed=True)  # typed: reverse(v, 1) is not reverse(v, True)
def _reverse(key, viewname, args, kwargs):
    resolver = key[0]
    return django_reverse(
        viewname, urlconf=resolver.urlconf_name, args=args or None, kwargs=dict(kwargs) or None
    )
