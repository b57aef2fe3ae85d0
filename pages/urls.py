"""The catch-all route of pages: included last by config/urls.py, so Folio's own routes,
the admin, static files and uploads always answer first (pages/addresses.py).

Only paths ending in a slash reach it: ``/about`` is left unmatched, so Django's
APPEND_SLASH still answers it (and ``/blog``) with a redirect to the slashed address.
"""

from django.urls import re_path

from . import views

app_name = "pages"

urlpatterns = [
    re_path(r"^(?P<path>.+/)$", views.PageView.as_view(), name="page"),
]
