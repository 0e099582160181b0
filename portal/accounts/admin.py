from typing import Any

from allauth.usersessions.admin import UserSessionAdmin as AllauthUserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .audit_signals import role_changes
from .models import JoinRequest, Membership, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    list_filter = ["is_active", "is_staff", "groups"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]

    # Role changes made here (groups, superuser, admin access) are audited by
    # portal.accounts.audit_signals with the admin who made them.
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with role_changes(actor=request.user, via="admin"):
            super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with role_changes(actor=request.user, via="admin"):
            super().save_related(request, form, formsets, change)


class MembershipInline(admin.TabularInline):
    """Shown for reference; members join and leave through the portal's services."""

    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["user", "role", "created_at"]
    fields = ["user", "role", "created_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_number", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "org_number"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [MembershipInline]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Read-only: admins of each organisation answer requests in the portal (services notify)."""

    list_display = ["user", "organisation", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organisation__name"]
    readonly_fields = [f.name for f in JoinRequest._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


# allauth's session admin searches `user__username`, which the portal's User (signed in by
# email) does not have: any search there was a 500. The same admin, searching what exists.
admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(AllauthUserSessionAdmin):
    search_fields = ["user__email", "ip"]
