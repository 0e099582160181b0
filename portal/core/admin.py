from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .mail import failure_text, outbox_retry
from .models import AuditEvent, CspReport, OutgoingMail


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


@admin.register(CspReport)
class CspReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What browsers reported the Content-Security-Policy blocked (`/csp-report`); removed after
    CSP_REPORTS_RETENTION_DAYS by a nightly task, never edited."""

    list_display = [
        "received_at",
        "effective_directive",
        "blocked_uri",
        "document_uri",
        "disposition",
    ]
    list_filter = ["effective_directive", "violated_directive", "disposition"]
    search_fields = ["document_uri", "blocked_uri", "source_file", "sample", "user_agent"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in CspReport._meta.fields]


def _may_see_outbox(request: HttpRequest) -> bool:
    from portal.accounts.permissions import is_portal_admin

    user: Any = request.user
    return bool(user.is_superuser) or is_portal_admin(user)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox (portal/core/mail.py), read-only: mail bodies are personal, so only portal
    admins (and superusers) see it. "Try again" is `outbox_retry`, as on the pages."""

    list_display = [
        "created_at",
        "to",
        "subject",
        "kind",
        "status",
        "attempts",
        "reason",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "recipient__email"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
    actions = ["retry"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) and _may_see_outbox(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) and _may_see_outbox(request)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return _may_see_outbox(request)

    @admin.display(description=_("Why"))
    def reason(self, mail: OutgoingMail) -> str:
        return failure_text(mail.last_error)

    @admin.action(description=_("Try again"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutgoingMail]) -> None:
        count = sum(outbox_retry(actor=request.user, mail=mail) for mail in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                count,
            )
            % {"count": count},
        )
