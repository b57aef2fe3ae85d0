from django.urls import path

import folio.converters  # noqa: F401  (registers <segment:>)

from . import views

app_name = "authors"

urlpatterns = [
    path("<segment:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
]
