"""The admin's "Export site" (superusers only): start an export, watch it, download it.

Adding a site export starts the background process (blog/exporting/jobs.py); the
export's page refreshes itself every few seconds while it runs, then links the .zip.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from .exporting import jobs
from .importing.dialects import DIALECTS
from .models import SiteExport


class SiteExportForm(forms.ModelForm):
    dialect = forms.ChoiceField(
        required=False,
        choices=[("", "The layout it was imported from")]
        + [(name, dialect.label) for name, dialect in DIALECTS.items()],
        help_text="Unedited content is written as the bytes it was imported from; a site "
        "made in Folio gets the Stackbit (Azimuth) layout.",
    )

    class Meta:
        model = SiteExport
        fields = ["dialect"]


@admin.register(SiteExport)
class SiteExportAdmin(admin.ModelAdmin):
    form = SiteExportForm
    list_display = ["__str__", "state_now", "progress", "download"]
    readonly_fields = ["state_now", "progress", "download", "requested_by", "report"]
    change_form_template = "admin/blog/siteexport/change_form.html"
    change_list_template = "admin/blog/siteexport/change_list.html"

    # Only superusers: an export holds every draft, and the site's configuration.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return ["dialect"] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.requested_by = request.user
        super().save_model(request, obj, form, change)
        jobs.start(obj)

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "title": "Export site"}
        return super().add_view(request, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:blog_siteexport_change", args=[obj.pk]))

    def delete_model(self, request, obj):
        jobs.forget(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The list's "Delete selected" action: each export's file goes with its row.
        for export in queryset:
            jobs.forget(export)
        super().delete_queryset(request, queryset)

    @admin.display(description="state")
    def state_now(self, obj):
        if jobs.stalled(obj):
            return "Stopped (its process ended without finishing); delete it and export again"
        return obj.get_state_display()

    @admin.display(description="progress")
    def progress(self, obj):
        if obj.state == SiteExport.State.DONE:
            return f"{obj.total:,} posts and pages"
        if not obj.total:
            return "…"
        return f"{obj.done:,} of {obj.total:,} posts and pages ({100 * obj.done // obj.total}%)"

    @admin.display(description="file")
    def download(self, obj):
        if obj.state != SiteExport.State.DONE:
            return "—"
        url = reverse("admin:blog_siteexport_download", args=[obj.pk])
        return format_html('<a href="{}">Download</a> ({} MB)', url, round(obj.size / 1e6, 1))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        export = self.get_object(request, object_id)
        running = export is not None and export.state in (
            SiteExport.State.QUEUED,
            SiteExport.State.RUNNING,
        )
        extra_context = {**(extra_context or {}), "refresh": running and not jobs.stalled(export)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="blog_siteexport_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        export = get_object_or_404(SiteExport, pk=pk, state=SiteExport.State.DONE)
        target = jobs.path_of(export)
        if not target.is_file():
            raise Http404("The file of this export is gone; export again.")
        disposition = f'attachment; filename="{export.file_name}"'
        if prefix := settings.FOLIO_EXPORT_ACCEL_REDIRECT:
            # nginx sends the file from its internal location: no worker is held.
            response = HttpResponse(content_type="application/zip")
            response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + export.file_name
            response["Content-Disposition"] = disposition
            return response
        return FileResponse(open(target, "rb"), as_attachment=True, filename=export.file_name)
