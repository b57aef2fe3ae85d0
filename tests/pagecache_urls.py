"""Two small public views for the page-cache tests: a plain one and one with a form."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from folio.pagecache import public_page


@public_page
def plain(request):
    return HttpResponse("<p>The same for everyone.</p>")


@public_page
def with_form(request):
    return HttpResponse(f'<form method="post"><input name="csrf" value="{get_token(request)}">')


urlpatterns = [path("plain/", plain), path("form/", with_form)]
