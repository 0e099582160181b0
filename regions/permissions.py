"""Who may do what with regions. Predicates never write.

A region's page and units are edited by its coordinators, who hold the guardian object permission
`regions.coordinate_region` granted by `services.region_assign_role`; portal admins may too.
People are assigned to regions by portal admins only. The fetchers answer 404 both for a missing
and for a forbidden object, so nobody can learn what exists by probing edit URLs.
"""

from typing import Any

from django.http import Http404

from portal.accounts.permissions import is_portal_admin

from .models import InnovationUnit, Region, RegionAssignment, RegionRole

COORDINATE_PERM = "regions.coordinate_region"
SPONSOR_PERM = "regions.sponsor_region"

PERMISSION_FOR_ROLE = {
    RegionRole.COORDINATOR: COORDINATE_PERM,
    RegionRole.SPONSOR: SPONSOR_PERM,
}


def can_edit_region(user: Any, region: Region) -> bool:
    """The region's coordinators (guardian permission) and portal admins edit its page and units."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_portal_admin(user):
        return True
    return bool(user.has_perm(COORDINATE_PERM, region))


def can_manage_region_people(user: Any) -> bool:
    """Only portal admins assign and remove coordinators and sponsors."""
    return is_portal_admin(user)


def get_region_for_editor_or_404(user: Any, slug: str) -> Region:
    """The region if the user may edit it; 404 both when missing and when forbidden."""
    region = Region.objects.filter(slug=slug).first()
    if region is None or not can_edit_region(user, region):
        raise Http404
    return region


def get_unit_for_editor_or_404(user: Any, region_slug: str, pk: Any) -> InnovationUnit:
    """A unit of a region the user may edit; 404 when missing, forbidden or in another region."""
    region = get_region_for_editor_or_404(user, region_slug)
    unit = region.units.filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def get_region_for_people_manager_or_404(user: Any, slug: str) -> Region:
    """The region if the user may manage its people (portal admins); 404 otherwise."""
    if not can_manage_region_people(user):
        raise Http404
    region = Region.objects.filter(slug=slug).first()
    if region is None:
        raise Http404
    return region


def get_assignment_for_people_manager_or_404(
    user: Any, region_slug: str, pk: Any
) -> RegionAssignment:
    """An assignment in the region for a portal admin; 404 when missing, forbidden or elsewhere."""
    region = get_region_for_people_manager_or_404(user, region_slug)
    assignment = region.assignments.select_related("user").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    return assignment
