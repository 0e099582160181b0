from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


class ReadOnlyAdminMixin:
    """Rows changed through services only: the admin shows them without add, edit or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "actor__email", "reason"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
