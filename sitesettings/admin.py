"""The site settings in the admin: one page, with the menus as inlines.

There is one row: the list redirects to it (or to the form that creates it, filled
with the environment's defaults, for a brand-new site).
"""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from blog import changes

from .models import SITE_PK, MenuItem, SiteSettings


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    extra = 1
    fields = ["menu", "column", "label", "post", "url", "style", "icon", "new_window", "order"]
    autocomplete_fields = ["post"]
    verbose_name = "menu link"
    verbose_name_plural = (
        "Menus: header, footer (columns by title) and social links, each in its order"
    )


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    inlines = [MenuItemInline]
    readonly_fields = ["source_path", "imported_at", "updated"]
    fieldsets = [
        (None, {"fields": ["title", "tagline", "base_url"]}),
        ("Images", {"fields": ["logo", "logo_alt", "favicon"]}),
        ("Footer", {"fields": ["footer_text"]}),
        (
            "Import",
            {
                "classes": ["collapse"],
                "fields": ["extra", "source_path", "imported_at", "updated"],
                "description": "Edits made here are kept by later imports unless they "
                "are run with --force.",
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "base_url":
            kwargs["assume_scheme"] = "https"  # "example.com" means https://example.com
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        if SiteSettings.objects.filter(pk=SITE_PK).exists():
            target = reverse("admin:sitesettings_sitesettings_change", args=[SITE_PK])
        else:
            target = reverse("admin:sitesettings_sitesettings_add")
        return HttpResponseRedirect(target)

    def has_add_permission(self, request):
        exists = SiteSettings.objects.filter(pk=SITE_PK).exists()
        return not exists and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would only bring back the environment's defaults

    def get_changeform_initial_data(self, request):
        defaults = SiteSettings.defaults()
        return {"title": defaults.title, "tagline": defaults.tagline, "base_url": defaults.base_url}

    def changeform_view(self, request, *args, **kwargs):
        # The row and its menu links are saved one by one: listeners hear of it once.
        with changes.batch():
            return super().changeform_view(request, *args, **kwargs)
