"""Personal data in regions: the person's coordinator and sponsor roles (see
`portal.accounts.privacy` for the registry)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.privacy import rows
from portal.core.privacy import forget_in_audit

from .models import RegionAssignment, RegionUserObjectPermission

SECTION = "regions"
TITLE = _("Roles in regions")
HOLDS = _(
    "The regions where you are a coordinator or management sponsor, with your title, and the "
    "roles you gave others as a portal admin."
)
KEPT = _("Your roles in regions are removed.")
COVERS = frozenset(
    {
        "regions.RegionAssignment.user",
        "regions.RegionAssignment.assigned_by",
        "regions.RegionUserObjectPermission.user",
    }
)


def export(user: User) -> dict[str, Any]:
    """The regions section (three queries)."""
    return {
        "roles": rows(
            RegionAssignment.objects.filter(user=user),
            "role",
            "title",
            region="region__slug",
            since="created_at",
        ),
        "roles_you_gave": rows(
            RegionAssignment.objects.filter(assigned_by=user),
            "id",
            "role",
            region="region__slug",
            given="created_at",
        ),
        "region_permissions": rows(
            RegionUserObjectPermission.objects.filter(user=user),
            permission="permission__codename",
            region="content_object__slug",
        ),
    }


def anonymise(user: User) -> dict[str, int]:
    """Remove the person's roles in regions and the rights that came with them (the role groups
    go with the account's other roles)."""
    forget_in_audit(RegionAssignment, RegionAssignment.objects.filter(user=user))
    return {
        "region_roles": RegionAssignment.objects.filter(user=user).delete()[0],
        "region_permissions": RegionUserObjectPermission.objects.filter(user=user).delete()[0],
    }
