"""Folio's admin site, and what every admin of a model with a slug shares.

The site replaces Django's default one (``folio.apps.FolioAdminConfig`` in
INSTALLED_APPS), so ``admin.site`` and ``@admin.register`` are this site.
"""

import logging

from django import forms
from django.apps import apps as django_apps
from django.contrib import admin, messages
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404
from django.templatetags.static import static
from django.urls import path
from markdownx.admin import MarkdownxModelAdmin
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from . import slugs
from .images import max_bytes

logger = logging.getLogger("folio.admin")


class AdminSite(admin.AdminSite):
    def each_context(self, request):
        """The site's own name heads its admin (the site settings' title, when the
        sitesettings app is installed) instead of "Django administration"."""
        context = super().each_context(request)
        if django_apps.is_installed("sitesettings"):
            from sitesettings.snapshot import current

            name = current(request).title
            context.update(site_header=f"{name} · Admin", site_title=f"{name} admin")
        return context

    def get_urls(self):
        urls = [url for url in super().get_urls() if getattr(url, "name", "") != "view_on_site"]
        view_on_site = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [view_on_site, *urls]

    def index(self, request, extra_context=None):
        """The dashboard, with a notice from each model admin that has something for
        this user to act on (its ``dashboard_notices(request)``: a list of dicts with
        ``title``, ``count``, ``text``, ``url`` and ``link``), such as changes awaiting
        review."""
        notices = []
        for model_admin in self._registry.values():
            if hasattr(model_admin, "dashboard_notices"):
                notices += model_admin.dashboard_notices(request)
        return super().index(request, {"dashboard_notices": notices, **(extra_context or {})})

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


class CheckedSlugAdmin:
    """For the admin of a model with a slug (folio/slugs.py): a slug with invisible
    characters is refused, and one that can pass for another address is saved with a
    warning."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.SlugField):
            kwargs.setdefault("form_class", slugs.SlugField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.warn_about_slug(request, obj)

    def warn_about_slug(self, request, obj):
        if warning := slugs.slug_warning(obj.slug):
            self.message_user(
                request,
                f"The slug “{obj.slug}” {warning}. Check that it is the one you meant.",
                messages.WARNING,
            )


MATH_CSS = "vendor/katex/katex.min.css"


class MarkdownEditor(AdminMarkdownxWidget):
    """markdownx's admin widget with Folio's editor on top (static/js/admin-editor.js):
    the preview styled by the public stylesheet, its math typeset by KaTeX as on the
    published page (static/js/math.js), the image button, the word count.

    The script reads what it needs from the textarea: the stylesheet of the preview and
    the largest image the upload accepts (``FOLIO_IMAGE_MAX_BYTES``), so a file over it
    is refused in the browser before any byte is sent.
    """

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "data-folio-preview-css": static("css/site.css"),
            "data-folio-math-css": static(MATH_CSS),
            "data-folio-image-max-bytes": max_bytes(),
        }
        return super().get_context(name, value, attrs)

    class Media:
        # KaTeX's stylesheet on the page too: fonts declared inside a shadow root are
        # not loaded, so the preview's formulas take their fonts from the document.
        css = {"all": [MATH_CSS, "css/admin-editor.css"]}
        js = ["vendor/katex/katex.min.js", "js/math.js", "js/admin-editor.js"]


STORAGE_FAILED_MESSAGE = (
    "This file could not be stored: {reason}. Nothing was saved; the rest of the form "
    "is as you left it. Try again later, or tell the site's administrator."
)


class UploadsStoredFirstForm(forms.ModelForm):
    """A model form that stores its new files while it validates.

    Saving a model stores its files on the way (``FileField.pre_save``); a storage that
    cannot take one -- a full or read-only media disk -- would make the save fail with a
    server error. Stored here, the failure is an error on the file's field instead, the
    form is shown again with everything else the editor typed, and nothing is written
    to the database. A file stored for a form that then fails elsewhere (an inline) is
    left unused in storage, never referenced by a missing one.
    """

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        for name, field in self.fields.items():
            if not isinstance(field, forms.FileField):
                continue
            file = getattr(self.instance, name, None)
            if not file or file._committed:
                continue
            try:
                file.save(file.name, file.file, save=False)
            except OSError as error:
                logger.error("Upload %s for %s not stored: %s", file.name, name, error)
                reason = error.strerror or str(error)
                self.add_error(name, STORAGE_FAILED_MESSAGE.format(reason=reason))


class MarkdownEditorAdmin(MarkdownxModelAdmin):
    """For the admin of a model with markdown fields (posts, tags, authors): one editor,
    and uploads that a full disk refuses with a form error (:class:`UploadsStoredFirstForm`)."""

    form = UploadsStoredFirstForm
    formfield_overrides = {MarkdownxField: {"widget": MarkdownEditor}}
