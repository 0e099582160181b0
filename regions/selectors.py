"""Reads for regions, their units and the people assigned to them.

Every page's reads live here, with their `select_related`/`prefetch_related`, so a page runs the
same number of queries however many units or people a region has.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, QuerySet

from dissemination.selectors.public import region_outreach_context

from .models import InnovationUnit, Region, RegionAssignment, RegionRole, UnitKind

# The order in which a region page presents its units: the way in first, then the rest.
UNIT_KIND_ORDER = [
    UnitKind.INNOVATION_OFFICE,
    UnitKind.INNOVATION_NODE,
    UnitKind.INNOVATION_CLINIC,
    UnitKind.TEST_BED,
]


def region_list_public() -> QuerySet[Region]:
    """All 21 regions, the ones taking part in the programme first, each with `unit_count`."""
    return Region.objects.annotate(unit_count=Count("units")).order_by("-participating", "code")


def region_detail_public(*, slug: str) -> Region:
    """A region with its units and people, in a fixed number of queries.

    Raises `Region.DoesNotExist` for an unknown slug (the view turns that into a 404).
    """
    return Region.objects.prefetch_related(
        Prefetch("units", queryset=InnovationUnit.objects.order_by("kind", "name")),
        Prefetch(
            "assignments",
            queryset=RegionAssignment.objects.select_related("user").order_by(
                "role", "user__name", "user__email"
            ),
        ),
    ).get(slug=slug)


@dataclass
class UnitGroup:
    kind: str
    label: str
    units: list[InnovationUnit] = field(default_factory=list)


def region_units_by_kind(*, region: Region) -> list[UnitGroup]:
    """The region's units grouped by kind (office, node, clinic, test bed); empty kinds left out.

    Uses the units already prefetched by `region_detail_public`, so it runs no query of its own.
    """
    groups = {
        kind.value: UnitGroup(kind=kind.value, label=str(kind.label)) for kind in UNIT_KIND_ORDER
    }
    for unit in sorted(region.units.all(), key=lambda u: u.name.casefold()):
        groups[unit.kind].units.append(unit)
    return [group for group in groups.values() if group.units]


def region_people_public(*, region: Region) -> dict[str, list[RegionAssignment]]:
    """Coordinators and sponsors of the region (active users only), from the prefetched rows."""
    people: dict[str, list[RegionAssignment]] = {"coordinators": [], "sponsors": []}
    for assignment in region.assignments.all():
        if not assignment.user.is_active:
            continue
        key = "coordinators" if assignment.role == RegionRole.COORDINATOR else "sponsors"
        people[key].append(assignment)
    return people


def region_outreach(*, region: Region) -> dict[str, Any]:
    """The region page's "Events" and "Published outcomes": its next public events, latest
    publications and latest published lessons learned (three queries; see
    `dissemination.selectors.public.region_outreach_context`)."""
    return region_outreach_context(region=region)


def region_units(*, region: Region) -> QuerySet[InnovationUnit]:
    """The region's units for its editors, in the order the region page shows them by name."""
    return InnovationUnit.objects.filter(region=region).order_by("kind", "name")


def region_assignments(*, region: Region) -> QuerySet[RegionAssignment]:
    """Everyone with a role in the region, for the portal admin's people page."""
    return (
        RegionAssignment.objects.filter(region=region)
        .select_related("user", "assigned_by")
        .order_by("role", "user__name", "user__email")
    )


def user_find_by_email(*, email: str) -> Any:
    """The user with this email address (case-insensitive), or None."""
    return get_user_model().objects.filter(email__iexact=email.strip()).first()
