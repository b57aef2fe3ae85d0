"""The catch-all route of pages: included last by config/urls.py, so Folio's own routes,
the admin, static files and uploads always answer first (pages/addresses.py).

Only paths ending in a slash reach it: ``/about`` is left unmatched, so Django's
APPEND_SLASH still answers it (and ``/blog``) with a redirect to the slashed address.
"""

from django.urls import path, re_path

from . import contact, views

app_name = "pages"

urlpatterns = [
    # Contact-form sections post here (never cached), and take their token from here.
    path("forms/token/", contact.token, name="form-token"),
    path("forms/<int:pk>/", contact.send, name="form-send"),
    re_path(r"^(?P<path>.+/)$", views.PageView.as_view(), name="page"),
]
