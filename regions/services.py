"""Every write to regions, their innovation units and the people assigned to them.

Each service checks the actor's right itself (a view's check is not enough: services are also
called from the admin, commands and tasks), runs in one transaction and leaves an audit row.
"""

import copy
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portal.accounts.permissions import is_portal_admin
from portal.accounts.roles import Role
from portal.accounts.selectors import forget_user_roles
from portal.accounts.services import role_grant, role_revoke
from portal.core.audit import audit_record
from portal.core.concurrency import versioned_update

from .models import InnovationUnit, Region, RegionAssignment, RegionRole
from .permissions import PERMISSION_FOR_ROLE, can_edit_region

# The fields a region's coordinators may change; the rest (code, names, slug, the programme flag)
# belong to the portal's admins.
REGION_EDITABLE_FIELDS = ("description", "contact_email", "contact_phone", "website")
UNIT_EDITABLE_FIELDS = (
    "kind",
    "name",
    "description",
    "offers",
    "contact_name",
    "contact_email",
    "contact_phone",
    "website",
)

GROUP_FOR_ROLE = {
    RegionRole.COORDINATOR: Role.REGION_COORDINATOR,
    RegionRole.SPONSOR: Role.MANAGEMENT_SPONSOR,
}


def _only(data: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Fields that cannot be changed here: {sorted(unknown)}")
    return dict(data)


def _validate_changes(instance: Any, changes: dict[str, Any]) -> None:
    """Validate the changed fields as the model defines them (length, email, URL, choices)."""
    candidate = copy.copy(instance)
    for name, value in changes.items():
        setattr(candidate, name, value)
    others = [f.name for f in type(instance)._meta.concrete_fields if f.name not in changes]
    candidate.clean_fields(exclude=others)


def _check_unit_name_free(*, region: Region, name: str, exclude_pk: Any = None) -> None:
    clash = InnovationUnit.objects.filter(region=region, name__iexact=name.strip())
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("This region already has a unit with this name.")})


# --- People --------------------------------------------------------------------------------------


@transaction.atomic
def region_assign_role(
    *, actor: Any, region: Region, user: Any, role: RegionRole, title: str = ""
) -> RegionAssignment:
    """Give a person a role in a region (portal admins only); idempotent.

    The person joins the role's group (which also makes MFA mandatory for them) and receives the
    guardian object permission for this region only. Assigning the same role twice keeps one row
    (a new title replaces the old one).
    """
    if not is_portal_admin(actor):
        raise PermissionDenied
    role = RegionRole(role)
    title = title.strip()
    assignment, created = RegionAssignment.objects.get_or_create(
        region=region,
        user=user,
        role=role,
        defaults={"title": title, "assigned_by": actor if actor.is_authenticated else None},
    )
    if not created and title and assignment.title != title:
        assignment.title = title
        assignment.save(update_fields=["title", "updated_at"])
        audit_record(
            actor=actor,
            action="region.assignment_title",
            target=assignment,
            data={"title": title},
        )
    role_grant(user=user, role=GROUP_FOR_ROLE[role], actor=actor)
    assign_perm(PERMISSION_FOR_ROLE[role], user, region)
    forget_user_roles(user)
    if created:
        audit_record(
            actor=actor,
            action="region.assign_role",
            target=region,
            data={"user": user.pk, "email": user.email, "role": role.value, "title": title},
        )
    return assignment


@transaction.atomic
def region_remove_role(*, actor: Any, assignment: RegionAssignment) -> None:
    """Take a person's role in a region away (portal admins only); idempotent.

    Revokes the region's object permission; the person leaves the role's group only when they no
    longer hold that role in any region. Removing an assignment that is already gone does nothing.
    """
    if not is_portal_admin(actor):
        raise PermissionDenied
    locked = (
        RegionAssignment.objects.select_for_update(of=("self",))
        .select_related("region", "user")
        .filter(pk=assignment.pk)
        .first()
    )
    if locked is None:
        return
    region, user, role = locked.region, locked.user, RegionRole(locked.role)
    audit_record(
        actor=actor,
        action="region.remove_role",
        target=region,
        data={"user": user.pk, "email": user.email, "role": role.value, "title": locked.title},
    )
    locked.delete()
    remove_perm(PERMISSION_FOR_ROLE[role], user, region)
    forget_user_roles(user)
    if not RegionAssignment.objects.filter(user=user, role=role).exists():
        role_revoke(user=user, role=GROUP_FOR_ROLE[role], actor=actor)


# --- The region page --------------------------------------------------------------------------


@transaction.atomic
def region_update(
    *, actor: Any, region: Region, expected_version: int, data: dict[str, Any]
) -> Region:
    """Change a region's public page (its coordinators and portal admins).

    Refuses with ConcurrentEditError when someone saved the page after `expected_version`.
    """
    if not can_edit_region(actor, region):
        raise PermissionDenied
    changes = _only(data, REGION_EDITABLE_FIELDS)
    _validate_changes(region, changes)
    updated = versioned_update(instance=region, expected_version=expected_version, changes=changes)
    audit_record(
        actor=actor, action="region.update", target=updated, data={"fields": list(changes)}
    )
    return updated


@transaction.atomic
def region_set_participating(*, actor: Any, region: Region, participating: bool) -> Region:
    """Mark a region as taking part in the programme, or not (portal admins only)."""
    if not is_portal_admin(actor):
        raise PermissionDenied
    locked = Region.objects.select_for_update().get(pk=region.pk)
    if locked.participating != participating:
        locked.participating = participating
        locked.save(update_fields=["participating", "updated_at"])
        audit_record(
            actor=actor,
            action="region.set_participating",
            target=locked,
            data={"participating": participating},
        )
    return locked


# --- Innovation units ------------------------------------------------------------------------


@transaction.atomic
def unit_create(*, actor: Any, region: Region, data: dict[str, Any]) -> InnovationUnit:
    """Add an innovation unit to a region (its coordinators and portal admins).

    A unit's name is unique within its region, regardless of letter case.
    """
    if not can_edit_region(actor, region):
        raise PermissionDenied
    fields = _only(data, UNIT_EDITABLE_FIELDS)
    unit = InnovationUnit(region=region, **fields)
    unit.full_clean(validate_unique=False, validate_constraints=False)
    _check_unit_name_free(region=region, name=unit.name)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        # Two editors added the same name at the same moment; the other one won.
        raise ValidationError(
            {"name": _("This region already has a unit with this name.")}
        ) from exc
    audit_record(actor=actor, action="unit.create", target=unit, data={"region": region.pk})
    return unit


@transaction.atomic
def unit_update(
    *, actor: Any, unit: InnovationUnit, expected_version: int, data: dict[str, Any]
) -> InnovationUnit:
    """Change an innovation unit (its region's coordinators and portal admins).

    Refuses with ConcurrentEditError when someone saved the unit after `expected_version`.
    """
    if not can_edit_region(actor, unit.region):
        raise PermissionDenied
    changes = _only(data, UNIT_EDITABLE_FIELDS)
    _validate_changes(unit, changes)
    if "name" in changes:
        _check_unit_name_free(region=unit.region, name=changes["name"], exclude_pk=unit.pk)
    try:
        with transaction.atomic():
            updated = versioned_update(
                instance=unit, expected_version=expected_version, changes=changes
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"name": _("This region already has a unit with this name.")}
        ) from exc
    audit_record(actor=actor, action="unit.update", target=updated, data={"fields": list(changes)})
    return updated


@transaction.atomic
def unit_delete(*, actor: Any, unit: InnovationUnit) -> None:
    """Remove an innovation unit (its region's coordinators and portal admins); idempotent."""
    if not can_edit_region(actor, unit.region):
        raise PermissionDenied
    locked = InnovationUnit.objects.select_for_update().filter(pk=unit.pk).first()
    if locked is None:
        return
    audit_record(
        actor=actor,
        action="unit.delete",
        target=locked,
        data={"region": locked.region_id, "name": locked.name, "kind": locked.kind},
    )
    locked.delete()
