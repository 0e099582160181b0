"""Report requests and rendered files, read-only: only the services and the worker change them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.core.admin import ReadOnlyAdminMixin

from .models import RenderedReport, ReportRequest


@admin.register(ReportRequest)
class ReportRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "language",
        "state",
        "requested_by",
        "attempts",
        "error_code",
        "finished_at",
    ]
    list_filter = ["state", "kind", "language", "error_code"]
    search_fields = ["requested_by__email", "subject", "key", "id"]
    list_select_related = ["requested_by"]
    # The anonymous requester's session key is a credential (whoever holds it is that
    # visitor) and the client address is personal data: neither is shown.
    exclude = ["session_key", "client_address"]
    readonly_fields = [
        f.name
        for f in ReportRequest._meta.fields
        if f.name not in ("session_key", "client_address")
    ]
    date_hierarchy = "created_at"


@admin.register(RenderedReport)
class RenderedReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "language", "pages", "size", "render_seconds", "last_used_at"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "key", "sha256"]
    # The file is shown as its stored name only: private files have no public URL (the admin's
    # default would render a link to one).
    exclude = ["file"]
    readonly_fields = [f.name for f in RenderedReport._meta.fields if f.name != "file"] + [
        "stored_as"
    ]

    @admin.display(description=_("stored as"))
    def stored_as(self, obj: RenderedReport) -> str:
        return obj.file.name

    date_hierarchy = "last_used_at"
