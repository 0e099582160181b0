"""Display and search for regions, units and assignments. Changes go through the services.

The region page and its units are edited on the portal's own pages (versioned and audited), and
roles are given on the region's "Manage people" page, because assigning a role also grants the
group and the guardian object permission. Here, actions call the same services.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core.admin import ReadOnlyAdminMixin

from .models import InnovationUnit, Region, RegionAssignment
from .services import region_remove_role, region_set_participating


def _run_for_each(
    modeladmin: admin.ModelAdmin, request: HttpRequest, rows: QuerySet, call: Any, done: str
) -> None:
    count = 0
    try:
        for row in rows:
            call(row)
            count += 1
    except PermissionDenied:
        modeladmin.message_user(
            request, gettext("Only portal admins may do this."), level=messages.ERROR
        )
    if count:
        modeladmin.message_user(request, done % {"count": count}, level=messages.SUCCESS)


class InnovationUnitInline(admin.TabularInline):
    model = InnovationUnit
    fields = ["name", "kind", "contact_email"]
    readonly_fields = ["name", "kind", "contact_email"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_sv", "name_en", "participating", "version", "updated_at"]
    list_filter = ["participating"]
    search_fields = ["code", "name_sv", "name_en", "slug"]
    ordering = ["code"]
    inlines = [InnovationUnitInline]
    actions = ["mark_participating", "mark_not_participating"]

    @admin.action(description=_("Mark as taking part in the programme"))
    def mark_participating(self, request: HttpRequest, queryset: QuerySet[Region]) -> None:
        _run_for_each(
            self,
            request,
            queryset,
            lambda r: region_set_participating(actor=request.user, region=r, participating=True),
            gettext("Regions updated: %(count)d."),
        )

    @admin.action(description=_("Mark as not taking part in the programme"))
    def mark_not_participating(self, request: HttpRequest, queryset: QuerySet[Region]) -> None:
        _run_for_each(
            self,
            request,
            queryset,
            lambda r: region_set_participating(actor=request.user, region=r, participating=False),
            gettext("Regions updated: %(count)d."),
        )


@admin.register(InnovationUnit)
class InnovationUnitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "region", "contact_email", "updated_at"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "description", "offers", "contact_name", "contact_email"]
    list_select_related = ["region"]


@admin.register(RegionAssignment)
class RegionAssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "region", "title", "assigned_by", "created_at"]
    list_filter = ["role", "region"]
    search_fields = ["user__email", "user__name", "title", "region__name_sv", "region__name_en"]
    list_select_related = ["user", "region", "assigned_by"]
    actions = ["remove_roles"]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        if request.method == "GET":
            self.message_user(
                request,
                gettext(
                    "Roles are given on each region's “Manage people” page, so that the group "
                    "and the region's permission are granted with them. Removing a role here "
                    "revokes both."
                ),
                level=messages.INFO,
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Remove the selected roles (revokes the region's permission)"))
    def remove_roles(self, request: HttpRequest, queryset: QuerySet[RegionAssignment]) -> None:
        _run_for_each(
            self,
            request,
            queryset,
            lambda a: region_remove_role(actor=request.user, assignment=a),
            gettext("Roles removed: %(count)d."),
        )
