from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count

from folio.admin import CheckedSlugAdmin, MarkdownEditorAdmin

from .models import Author


@admin.register(Author)
class AuthorAdmin(CheckedSlugAdmin, MarkdownEditorAdmin):
    list_display = ["name", "slug", "post_count", "source_path", "updated"]
    search_fields = ["first_name", "last_name", "slug"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}
    readonly_fields = ["source_path", "created", "updated"]
    autocomplete_fields = ["user"]
    # The model's own: a query that counts posts leaves Meta.ordering out, and the post
    # form's author picker (the autocomplete) would list authors in no order.
    ordering = Author._meta.ordering
    formfield_overrides = {
        **MarkdownEditorAdmin.formfield_overrides,
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_total=Count("posts"))

    @admin.display(description="posts", ordering="post_total")
    def post_count(self, author):
        return author.post_total
