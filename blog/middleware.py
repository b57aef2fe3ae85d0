from django.http import HttpResponsePermanentRedirect

from .models import Redirect


class RedirectFallbackMiddleware:
    """Answer a 404 with a 301 when the path is a post's old address.

    Only 404s consult the table, so a redirect never shadows a live page, and ordinary
    requests cost nothing. Chains are collapsed when redirects are written
    (RedirectQuerySet.record_move), so one hop always lands on the current address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or "\x00" in request.path:
            return response  # (PostgreSQL cannot compare text holding NUL)
        redirects = Redirect.objects.filter(old_path=request.path)
        new_path = redirects.values_list("new_path", flat=True).first()
        if new_path is None or new_path == request.path:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{new_path}?{query}" if query else new_path)
