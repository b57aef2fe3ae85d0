from django.http import HttpResponsePermanentRedirect

from .models import Redirect


class RedirectFallbackMiddleware:
    """Answer a 404 with a 301 when the path is an old address (the one URL map,
    ``blog.Redirect``: a post's earlier slugs, the old site's addresses and rules).

    Only 404s consult the table, so a redirect never shadows a live page, and ordinary
    requests cost nothing. Chains are collapsed when redirects are written
    (RedirectQuerySet.record_move), so one hop always lands on the current address.
    An address is found with or without its trailing slash, as static hosts serve it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or "\x00" in request.path:
            return response  # (PostgreSQL cannot compare text holding NUL)
        # A non-ASCII address is stored as it was given: percent-encoded as reverse()
        # encodes it (every address a post moved from), or as typed in front matter or
        # the admin. request.path is decoded; the lookup tries both.
        new_path = Redirect.objects.targets([request.path]).get(request.path)
        if new_path is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{new_path}?{query}" if query else new_path)
