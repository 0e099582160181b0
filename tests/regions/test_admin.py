"""The Django admin shows regions, units and roles; changes go through the services."""

from typing import Any

import pytest
from django.urls import reverse

from regions.models import Region, RegionAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(with_mfa: Any) -> Any:
    from tests.factories import UserFactory

    return with_mfa(UserFactory(email="root@portal.example.se", is_staff=True, is_superuser=True))


@pytest.mark.parametrize("model", ["region", "innovationunit", "regionassignment"])
def test_changelists_are_read_only(client, superuser, coordinator, unit, model) -> None:  # type: ignore[no-untyped-def]
    client.force_login(superuser)
    response = client.get(reverse(f"admin:regions_{model}_changelist"))
    assert response.status_code == 200
    assert client.get(reverse(f"admin:regions_{model}_add")).status_code == 403


def test_region_search(client, superuser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(superuser)
    response = client.get(reverse("admin:regions_region_changelist"), {"q": "Uppsala"})
    assert response.context["cl"].result_count == 1


def test_remove_action_revokes_through_the_service(client, superuser, coordinator, region) -> None:  # type: ignore[no-untyped-def]
    assignment = RegionAssignment.objects.get(user=coordinator)
    client.force_login(superuser)
    client.post(
        reverse("admin:regions_regionassignment_changelist"),
        {"action": "remove_roles", "_selected_action": [assignment.pk]},
    )
    assert not RegionAssignment.objects.exists()
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)
    assert not coordinator.has_perm("regions.coordinate_region", region)


def test_participating_action(client, superuser) -> None:  # type: ignore[no-untyped-def]
    stockholm = Region.objects.get(slug="stockholm")
    client.force_login(superuser)
    client.post(
        reverse("admin:regions_region_changelist"),
        {"action": "mark_participating", "_selected_action": [stockholm.pk]},
    )
    stockholm.refresh_from_db()
    assert stockholm.participating


def test_region_view_page_shows_its_units(client, superuser, unit) -> None:  # type: ignore[no-untyped-def]
    client.force_login(superuser)
    response = client.get(reverse("admin:regions_region_change", args=[unit.region.pk]))
    assert response.status_code == 200
    assert unit.name in response.content.decode()
