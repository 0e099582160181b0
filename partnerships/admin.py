"""Display and search for Co-sharing rows. Every change goes through the portal's own pages and
services (they check rights, keep the timeline and tell people), so the admin only shows."""

from django.contrib import admin

from portal.core.admin import ReadOnlyAdminMixin

from .models import (
    Agreement,
    AgreementVersion,
    Call,
    Clause,
    Partnership,
    PartnershipEvent,
    ProcessTemplate,
    Proposal,
)


@admin.register(Call)
class CallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "lead_region", "opens_at", "closes_at", "published"]
    list_filter = ["published", "lead_region"]
    search_fields = ["title"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "region", "status", "submitted_at"]
    list_filter = ["status", "region", "collaboration_kind"]
    search_fields = ["title", "organisation__name", "organisation__org_number"]
    list_select_related = ["organisation", "region"]


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name_sv", "family", "revision", "is_current", "region"]
    list_filter = ["is_current", "region"]


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "region", "current_step", "status", "last_activity_at"]
    list_filter = ["status", "region"]
    search_fields = ["title"]
    list_select_related = ["region", "current_step"]


@admin.register(PartnershipEvent)
class PartnershipEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "partnership", "kind", "actor"]
    list_filter = ["kind"]
    list_select_related = ["partnership", "actor"]


@admin.register(Clause)
class ClauseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "kind", "title_sv", "active"]
    list_filter = ["kind", "active"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["partnership", "status", "in_force_at"]
    list_filter = ["status"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["agreement", "number", "checksum", "created_at"]
