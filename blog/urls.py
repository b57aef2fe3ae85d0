from django.urls import path

from . import views
from .models import Tag

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("tags/<str:slug>/", views.TagPostListView.as_view(), name="tag-detail"),
    path(
        "categories/<str:slug>/",
        views.TagPostListView.as_view(kind=Tag.Kind.CATEGORY),
        name="category-detail",
    ),
    # <str:> rather than <slug:>: imported slugs are file names, which may hold
    # characters a slug converter would reject, and their old URLs must keep working.
    path("<str:slug>/", views.PostDetailView.as_view(), name="post-detail"),
]
