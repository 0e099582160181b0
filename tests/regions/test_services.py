"""The write path: roles grant and revoke rights; edits check rights, validate and audit."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent
from regions import services
from regions.models import InnovationUnit, RegionAssignment, RegionRole
from tests.factories import UserFactory

from .conftest import UNIT_DATA

pytestmark = pytest.mark.django_db


def _fresh(user: Any) -> Any:
    """The user as a new request would load it: no cached permissions or role names."""
    return type(user).objects.get(pk=user.pk)


def _groups(user: Any) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("role", "perm", "group"),
    [
        (RegionRole.COORDINATOR, "regions.coordinate_region", "region_coordinator"),
        (RegionRole.SPONSOR, "regions.sponsor_region", "management_sponsor"),
    ],
)
def test_assigning_a_role_grants_group_and_object_permission_for_that_region_only(  # type: ignore[no-untyped-def]
    portal_admin, region, other_region, role, perm, group
) -> None:
    person = UserFactory()

    services.region_assign_role(actor=portal_admin, region=region, user=person, role=role)

    person = _fresh(person)
    assert group in _groups(person)
    assert person.has_perm(perm, region)
    assert not person.has_perm(perm, other_region)
    assert AuditEvent.objects.filter(action="region.assign_role", target_id=str(region.pk)).exists()


@pytest.mark.parametrize(
    ("role", "perm", "group"),
    [
        (RegionRole.COORDINATOR, "regions.coordinate_region", "region_coordinator"),
        (RegionRole.SPONSOR, "regions.sponsor_region", "management_sponsor"),
    ],
)
def test_removing_the_role_revokes_group_and_object_permission(  # type: ignore[no-untyped-def]
    portal_admin, region, role, perm, group
) -> None:
    person = UserFactory()
    assignment = services.region_assign_role(
        actor=portal_admin, region=region, user=person, role=role
    )

    services.region_remove_role(actor=portal_admin, assignment=assignment)

    person = _fresh(person)
    assert not RegionAssignment.objects.filter(pk=assignment.pk).exists()
    assert group not in _groups(person)
    assert not person.has_perm(perm, region)
    assert AuditEvent.objects.filter(action="region.remove_role").exists()


def test_assigning_twice_keeps_one_row_and_updates_the_title(portal_admin, region) -> None:  # type: ignore[no-untyped-def]
    person = UserFactory()
    first = services.region_assign_role(
        actor=portal_admin, region=region, user=person, role=RegionRole.COORDINATOR
    )
    second = services.region_assign_role(
        actor=portal_admin,
        region=region,
        user=person,
        role=RegionRole.COORDINATOR,
        title="Head of innovation",
    )
    assert first.pk == second.pk
    assert RegionAssignment.objects.filter(user=person).count() == 1
    assert RegionAssignment.objects.get(pk=first.pk).title == "Head of innovation"
    assert AuditEvent.objects.filter(action="region.assign_role").count() == 1


def test_group_stays_while_the_person_coordinates_another_region(  # type: ignore[no-untyped-def]
    portal_admin, region, other_region
) -> None:
    person = UserFactory()
    here = services.region_assign_role(
        actor=portal_admin, region=region, user=person, role=RegionRole.COORDINATOR
    )
    services.region_assign_role(
        actor=portal_admin, region=other_region, user=person, role=RegionRole.COORDINATOR
    )

    services.region_remove_role(actor=portal_admin, assignment=here)

    person = _fresh(person)
    assert "region_coordinator" in _groups(person)
    assert not person.has_perm("regions.coordinate_region", region)
    assert person.has_perm("regions.coordinate_region", other_region)


def test_removing_a_coordinator_keeps_their_sponsor_role(portal_admin, region) -> None:  # type: ignore[no-untyped-def]
    person = UserFactory()
    coord = services.region_assign_role(
        actor=portal_admin, region=region, user=person, role=RegionRole.COORDINATOR
    )
    services.region_assign_role(
        actor=portal_admin, region=region, user=person, role=RegionRole.SPONSOR
    )

    services.region_remove_role(actor=portal_admin, assignment=coord)

    person = _fresh(person)
    assert _groups(person) >= {"management_sponsor"}
    assert "region_coordinator" not in _groups(person)
    assert person.has_perm("regions.sponsor_region", region)
    assert not person.has_perm("regions.coordinate_region", region)


def test_removing_twice_is_harmless(portal_admin, region) -> None:  # type: ignore[no-untyped-def]
    assignment = services.region_assign_role(
        actor=portal_admin, region=region, user=UserFactory(), role=RegionRole.COORDINATOR
    )
    services.region_remove_role(actor=portal_admin, assignment=assignment)
    services.region_remove_role(actor=portal_admin, assignment=assignment)
    assert not RegionAssignment.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "company_user"])
def test_only_portal_admins_assign_and_remove_roles(  # type: ignore[no-untyped-def]
    request, region, coordinator, who
) -> None:
    actor = request.getfixturevalue(who)
    person = UserFactory()
    with pytest.raises(PermissionDenied):
        services.region_assign_role(
            actor=actor, region=region, user=person, role=RegionRole.COORDINATOR
        )
    assert not RegionAssignment.objects.filter(user=person).exists()
    assert "region_coordinator" not in _groups(person)

    existing = RegionAssignment.objects.get(region=region, user=coordinator)
    with pytest.raises(PermissionDenied):
        services.region_remove_role(actor=actor, assignment=existing)
    assert RegionAssignment.objects.filter(pk=existing.pk).exists()


def test_region_update_by_its_coordinator_bumps_version_and_audits(coordinator, region) -> None:  # type: ignore[no-untyped-def]
    updated = services.region_update(
        actor=coordinator,
        region=region,
        expected_version=region.version,
        data={"description": "One way in for companies.", "website": "https://regionuppsala.se"},
    )
    assert updated.version == region.version + 1
    assert updated.description == "One way in for companies."
    assert AuditEvent.objects.filter(action="region.update", actor=coordinator).exists()


def test_region_update_is_refused_for_a_coordinator_of_another_region(  # type: ignore[no-untyped-def]
    other_coordinator, region
) -> None:
    with pytest.raises(PermissionDenied):
        services.region_update(
            actor=other_coordinator,
            region=region,
            expected_version=region.version,
            data={"description": "Hijacked"},
        )
    region.refresh_from_db()
    assert region.description == ""


def test_region_update_with_a_stale_version_is_refused(coordinator, region) -> None:  # type: ignore[no-untyped-def]
    services.region_update(
        actor=coordinator, region=region, expected_version=1, data={"description": "First"}
    )
    with pytest.raises(ConcurrentEditError) as caught:
        services.region_update(
            actor=coordinator, region=region, expected_version=1, data={"description": "Second"}
        )
    assert caught.value.current.description == "First"
    region.refresh_from_db()
    assert region.description == "First"


def test_region_update_validates_and_refuses_other_fields(coordinator, region) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        services.region_update(
            actor=coordinator,
            region=region,
            expected_version=1,
            data={"contact_email": "not-an-email", "website": "javascript:alert(1)"},
        )
    assert set(caught.value.message_dict) == {"contact_email", "website"}
    with pytest.raises(ValueError):
        services.region_update(
            actor=coordinator, region=region, expected_version=1, data={"participating": False}
        )
    region.refresh_from_db()
    assert region.version == 1


def test_unit_names_are_unique_within_a_region_regardless_of_case(  # type: ignore[no-untyped-def]
    coordinator, region, other_region, portal_admin
) -> None:
    services.unit_create(actor=coordinator, region=region, data=dict(UNIT_DATA))
    with pytest.raises(ValidationError) as caught:
        services.unit_create(
            actor=coordinator,
            region=region,
            data={**UNIT_DATA, "name": UNIT_DATA["name"].upper()},
        )
    assert "name" in caught.value.message_dict
    # The same name in another region is fine.
    services.unit_create(actor=portal_admin, region=other_region, data=dict(UNIT_DATA))
    assert InnovationUnit.objects.filter(name=UNIT_DATA["name"]).count() == 2


def test_unit_create_update_delete_by_coordinator(coordinator, region) -> None:  # type: ignore[no-untyped-def]
    unit = services.unit_create(actor=coordinator, region=region, data=dict(UNIT_DATA))
    updated = services.unit_update(
        actor=coordinator,
        unit=unit,
        expected_version=unit.version,
        data={**UNIT_DATA, "offers": "Everything"},
    )
    assert updated.version == 2
    services.unit_delete(actor=coordinator, unit=updated)
    assert not InnovationUnit.objects.exists()
    actions = list(AuditEvent.objects.filter(actor=coordinator).values_list("action", flat=True))
    assert {"unit.create", "unit.update", "unit.delete"} <= set(actions)


def test_unit_services_are_refused_to_others(other_coordinator, company_user, unit) -> None:  # type: ignore[no-untyped-def]
    for actor in (other_coordinator, company_user):
        with pytest.raises(PermissionDenied):
            services.unit_create(actor=actor, region=unit.region, data=dict(UNIT_DATA))
        with pytest.raises(PermissionDenied):
            services.unit_update(
                actor=actor, unit=unit, expected_version=unit.version, data={"name": "X"}
            )
        with pytest.raises(PermissionDenied):
            services.unit_delete(actor=actor, unit=unit)
    assert InnovationUnit.objects.get(pk=unit.pk).name == UNIT_DATA["name"]


def test_set_participating_is_for_portal_admins(portal_admin, coordinator, region) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.region_set_participating(actor=coordinator, region=region, participating=False)
    services.region_set_participating(actor=portal_admin, region=region, participating=False)
    region.refresh_from_db()
    assert region.participating is False
