"""Display and search for dissemination rows.

Events, registrations, publications, lessons learned and reach figures change only through the
portal's own pages and services: they check the workflow and the waiting list, bump the calendar
revision, tell the people registered and keep the audit trail. Changing a start time or a status
here would skip all of that, so the admin only shows and searches; it has no actions.

The file of a publication is shown by name, type, size and checksum, never by its storage
address: it is private until published and is only ever served through `publication_download`.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.core.admin import ReadOnlyAdminMixin

from .models import (
    DownloadCount,
    Event,
    Lesson,
    Publication,
    PublicationFile,
    ReachEntry,
    Registration,
)


class RegistrationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Registration
    fields = (
        "name",
        "user",
        "organisation",
        "status",
        "queued_at",
        "confirmed_at",
        "cancelled_at",
        "consent_to_list",
        "attended",
    )
    readonly_fields = fields
    ordering = ("status", "queued_at", "confirmed_at", "id")
    extra = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registration]:
        return super().get_queryset(request).select_related("user", "event")


class ReachEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReachEntry
    fields = ("counted_on", "metric", "value", "notes", "recorded_by")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReachEntry]:
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "status",
        "starts_at",
        "region",
        "language",
        "capacity",
        "registration_deadline",
    ]
    list_filter = ["status", "kind", "language", "region"]
    search_fields = ["title", "location", "created_by__email"]
    list_select_related = ["region"]
    date_hierarchy = "starts_at"
    readonly_fields = ["ical_uid", "ical_sequence", "version", "created_at", "updated_at"]
    inlines = [RegistrationInline, ReachEntryInline]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "event", "organisation", "status", "queued_at", "attended"]
    list_filter = ["status", "attended", "consent_to_list"]
    search_fields = ["name", "organisation", "user__email", "event__title"]
    list_select_related = ["event"]
    raw_id_fields = ["event", "user"]


class PublicationFileInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = PublicationFile
    # `file` is left out on purpose: its storage address is private (see the module docstring).
    fields = ("name", "content_type", "size", "sha256", "uploaded_by", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "status", "published_on", "region", "language"]
    list_filter = ["status", "kind", "language", "region"]
    search_fields = ["title", "link", "created_by__email"]
    list_select_related = ["region"]
    date_hierarchy = "published_on"
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [PublicationFileInline, ReachEntryInline]


# `file` itself is never shown: `download` links through the view that checks the right.
_FILE_FIELDS = ("publication", "download", "name", "content_type", "size", "sha256", "uploaded_by")


@admin.register(PublicationFile)
class PublicationFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "publication", "content_type", "size", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["name", "publication__title", "sha256"]
    list_select_related = ["publication"]
    fields = _FILE_FIELDS
    readonly_fields = _FILE_FIELDS

    @admin.display(description=_("file"))
    def download(self, obj: PublicationFile) -> Any:
        url = reverse("dissemination:publication_download", args=[obj.publication_id])
        return format_html('<a href="{}">{}</a>', url, obj.name)


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "partnership", "status", "language", "submitted_at", "published_at"]
    list_filter = ["status", "language", "partnership__region"]
    search_fields = ["title", "partnership__title", "author__email"]
    list_select_related = ["partnership"]
    date_hierarchy = "published_at"


@admin.register(ReachEntry)
class ReachEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["counted_on", "metric", "value", "event", "publication", "recorded_by"]
    list_filter = ["metric"]
    search_fields = ["event__title", "publication__title", "notes"]
    list_select_related = ["event", "publication", "recorded_by"]
    date_hierarchy = "counted_on"


@admin.register(DownloadCount)
class DownloadCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "publication", "count"]
    search_fields = ["publication__title"]
    list_select_related = ["publication"]
    date_hierarchy = "day"
