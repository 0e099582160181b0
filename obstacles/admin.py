"""Display and search for the obstacle register.

Entries, their moves, notes, endorsements, mitigations and knowledge articles change only
through the portal's pages and services (they check the workflow, keep the history and tell the
author), so the admin only shows them. Categories and affected actors are reference data a
portal admin may add or rename here without a release; their keys stay fixed once created, and
they are retired (`is_active`) rather than deleted.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.core.admin import ReadOnlyAdminMixin

from .models import (
    Actor,
    Category,
    Endorsement,
    KnowledgeArticle,
    Mitigation,
    Obstacle,
    ObstacleTransition,
    ReviewerNote,
)


class _ReferenceDataAdmin(admin.ModelAdmin):
    """Added and renamed freely; the key is fixed once created; never deleted (entries use it)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["slug"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(_ReferenceDataAdmin):
    list_display = ["name_sv", "name_en", "slug", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["slug", "name_sv", "name_en"]
    ordering = ["order", "slug"]


@admin.register(Actor)
class ActorAdmin(_ReferenceDataAdmin):
    list_display = ["name_sv", "name_en", "slug", "order"]
    search_fields = ["slug", "name_sv", "name_en"]
    ordering = ["order", "slug"]


class ObstacleTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ObstacleTransition
    fk_name = "obstacle"
    fields = ("created_at", "actor", "move", "from_status", "to_status", "reason", "merged_into")
    readonly_fields = fields
    extra = 0


@admin.register(Obstacle)
class ObstacleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "category",
        "step_key",
        "region",
        "severity",
        "endorsement_count",
        "submitted_at",
        "published_at",
    ]
    list_filter = ["status", "category", "severity", "language", "region"]
    search_fields = ["title", "author__email", "organisation__name"]
    list_select_related = ["category", "region"]
    date_hierarchy = "submitted_at"
    exclude = ["search_vector"]
    inlines = [ObstacleTransitionInline]


@admin.register(ObstacleTransition)
class ObstacleTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "obstacle", "move", "from_status", "to_status", "actor"]
    list_filter = ["move", "to_status"]
    search_fields = ["obstacle__title", "actor__email", "reason"]
    list_select_related = ["obstacle", "actor"]


@admin.register(ReviewerNote)
class ReviewerNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "obstacle", "author"]
    search_fields = ["obstacle__title", "text", "author__email"]
    list_select_related = ["obstacle", "author"]


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "obstacle", "organisation", "user"]
    search_fields = ["obstacle__title", "organisation__name", "user__email", "note"]
    list_select_related = ["obstacle", "organisation", "user"]


@admin.register(Mitigation)
class MitigationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "status", "region", "partnership", "published_at"]
    list_filter = ["status", "language", "region"]
    search_fields = ["title", "author__email"]
    list_select_related = ["region", "partnership"]


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "topic", "status", "language", "last_reviewed", "published_at"]
    list_filter = ["status", "topic", "language"]
    search_fields = ["title", "summary", "author__email"]
    exclude = ["search_vector"]
