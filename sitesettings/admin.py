"""The site settings in the admin: one page, with the menus as inlines.

There is one row: the list redirects to it (or to the form that creates it, filled
with the environment's defaults, for a brand-new site).
"""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from blog import changes

from .models import SITE_PK, FooterLink, HeaderLink, SiteSettings, SocialLink


class _MenuInline(admin.TabularInline):
    """The links of one menu, in their order."""

    extra = 1
    autocomplete_fields = ["post", "page"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(menu=self.model.MENU)

    # The permissions are those of menu links (sitesettings.*_menuitem, which the
    # Editors group holds), whichever menu.
    def _may(self, request, action):
        return request.user.has_perm(f"sitesettings.{action}_menuitem")

    def has_add_permission(self, request, obj=None):
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete")

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") or self._may(request, "change")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("post", "page"):
            # A link names a post, a page or a URL: no "add" or "change it" from here.
            for name in ("can_add_related", "can_change_related", "can_view_related"):
                setattr(field.widget, name, False)
        return field


class HeaderLinkInline(_MenuInline):
    model = HeaderLink
    fields = ["label", "post", "page", "url", "style", "new_window", "order"]
    verbose_name_plural = "Header menu"


class FooterLinkInline(_MenuInline):
    model = FooterLink
    fields = ["column", "label", "post", "page", "url", "new_window", "order"]
    verbose_name_plural = "Footer links (under a column title, or in the bottom row)"


class SocialLinkInline(_MenuInline):
    model = SocialLink
    fields = ["label", "url", "icon", "order"]
    verbose_name_plural = "Social links"


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    inlines = [HeaderLinkInline, FooterLinkInline, SocialLinkInline]

    class Media:
        css = {"all": ["css/admin-site-settings.css"]}

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
