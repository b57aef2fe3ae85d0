"""Small public views for the page-cache tests: plain, with a form, with its own policy."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.cache import cache_control

from folio.pagecache import public_page


@public_page
def plain(request):
    return HttpResponse("<p>The same for everyone.</p>")


@public_page
def with_form(request):
    return HttpResponse(f'<form method="post"><input name="csrf" value="{get_token(request)}">')


@public_page
@cache_control(max_age=5, must_revalidate=True)
def own_policy(request):
    return HttpResponse("<p>Keep me five seconds, and ask again.</p>")


urlpatterns = [path("plain/", plain), path("form/", with_form), path("own/", own_policy)]
