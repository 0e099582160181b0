"""The portal's roles. Each is a Django group, created by a data migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PORTAL_ADMIN = "portal_admin", _("Portal admin")
    REGION_COORDINATOR = "region_coordinator", _("Region coordinator")
    MANAGEMENT_SPONSOR = "management_sponsor", _("Management sponsor")
    OBSTACLE_REVIEWER = "obstacle_reviewer", _("Obstacle reviewer")
    COMPANY_MEMBER = "company_member", _("Company member")


STAFF_ROLES = frozenset(
    {
        Role.PORTAL_ADMIN,
        Role.REGION_COORDINATOR,
        Role.MANAGEMENT_SPONSOR,
        Role.OBSTACLE_REVIEWER,
    }
)
