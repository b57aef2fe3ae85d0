"""Folio's admin site.

The site replaces Django's default one (``folio.apps.FolioAdminConfig`` in
INSTALLED_APPS), so ``admin.site`` and ``@admin.register`` are this site.
"""

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import path


class AdminSite(admin.AdminSite):
    def get_urls(self):
        urls = [url for url in super().get_urls() if getattr(url, "name", "") != "view_on_site"]
        view_on_site = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [view_on_site, *urls]

    def view_on_site(self, request, content_type_id, object_id):
        """The admin's "View on site" link: the object's public address, for the objects
        the user's admin shows them and no others.

        Django's own view (``contenttypes.views.shortcut``) redirects any staff user to
        the address of any object, an unpublished post's too. Here an object the user
        may not see gets the same 404 as one that does not exist.
        """
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        obj = model_admin.get_object(request, object_id) if model_admin else None
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)
