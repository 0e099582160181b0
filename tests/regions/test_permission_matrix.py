"""Who may open and post each edit and people view: every role × view × method is a row.

Allowed: 200 on GET, the change is made on POST. Signed in but not allowed: 404 on both (existence
does not leak). Anonymous: sent to sign in. Nothing changes unless the request is allowed.
"""

from typing import Any

import pytest
from django.urls import reverse

from regions.models import InnovationUnit, Region, RegionAssignment, RegionRole
from regions.services import region_assign_role, unit_create
from tests.factories import UserFactory

from .conftest import UNIT_DATA

pytestmark = pytest.mark.django_db

LOGIN = "login"
ALLOWED = "allowed"

EDITOR_VIEWS = ["edit", "unit_create", "unit_edit", "unit_delete"]
PEOPLE_VIEWS = ["people", "people_remove"]

EDITOR_RULES = {
    "coordinator": ALLOWED,
    "portal_admin": ALLOWED,
    "other_coordinator": 404,
    "company_user": 404,
    "anonymous": LOGIN,
}
PEOPLE_RULES = {
    "portal_admin": ALLOWED,
    "coordinator": 404,
    "other_coordinator": 404,
    "company_user": 404,
    "anonymous": LOGIN,
}

CASES = [
    pytest.param(view, method, actor_name, expected, id=f"{view}-{method}-{actor_name}")
    for views, rules in ((EDITOR_VIEWS, EDITOR_RULES), (PEOPLE_VIEWS, PEOPLE_RULES))
    for view in views
    for method in ("GET", "POST")
    for actor_name, expected in rules.items()
]


@pytest.fixture
def scene(region: Region, unit: InnovationUnit, portal_admin: Any, coordinator: Any) -> dict:
    """A region with a unit, a coordinator, a sponsor to remove and a person to assign."""
    sponsor = UserFactory(email="sponsor@uppsala.example.se")
    assignment = region_assign_role(
        actor=portal_admin, region=region, user=sponsor, role=RegionRole.SPONSOR
    )
    newcomer = UserFactory(email="newcomer@uppsala.example.se")
    return {"region": region, "unit": unit, "assignment": assignment, "newcomer": newcomer}


def _request_for(view: str, scene: dict) -> tuple[str, dict]:
    region, unit, assignment = scene["region"], scene["unit"], scene["assignment"]
    if view == "edit":
        data = {
            "description": "Changed by the test",
            "contact_email": "",
            "contact_phone": "",
            "website": "",
            "version": region.version,
        }
        return reverse("regions:edit", args=[region.slug]), data
    if view == "unit_create":
        data = {**UNIT_DATA, "kind": "testbed", "name": "New test bed"}
        return reverse("regions:unit_create", args=[region.slug]), data
    if view == "unit_edit":
        data = {**UNIT_DATA, "name": "Renamed unit", "version": unit.version}
        return reverse("regions:unit_edit", args=[region.slug, unit.pk]), data
    if view == "unit_delete":
        return reverse("regions:unit_delete", args=[region.slug, unit.pk]), {}
    if view == "people":
        data = {"email": scene["newcomer"].email, "role": "sponsor", "title": "Director"}
        return reverse("regions:people", args=[region.slug]), data
    if view == "people_remove":
        return reverse("regions:people_remove", args=[region.slug, assignment.pk]), {}
    raise AssertionError(view)


def _changed(view: str, scene: dict) -> bool:
    region, unit, assignment = scene["region"], scene["unit"], scene["assignment"]
    if view == "edit":
        return Region.objects.get(pk=region.pk).description == "Changed by the test"
    if view == "unit_create":
        return InnovationUnit.objects.filter(region=region, name="New test bed").exists()
    if view == "unit_edit":
        return InnovationUnit.objects.filter(pk=unit.pk, name="Renamed unit").exists()
    if view == "unit_delete":
        return not InnovationUnit.objects.filter(pk=unit.pk).exists()
    if view == "people":
        return RegionAssignment.objects.filter(user=scene["newcomer"], region=region).exists()
    if view == "people_remove":
        return not RegionAssignment.objects.filter(pk=assignment.pk).exists()
    raise AssertionError(view)


@pytest.mark.parametrize(("view", "method", "actor_name", "expected"), CASES)
def test_edit_and_people_views_permission_matrix(
    client: Any, scene: dict, actor: Any, view: str, method: str, actor_name: str, expected: Any
) -> None:
    if actor is not None:
        client.force_login(actor)
    url, data = _request_for(view, scene)

    response = client.post(url, data) if method == "POST" else client.get(url)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == ALLOWED and method == "GET":
        # Removing someone is a POST-only action: a permitted GET is refused as a wrong method.
        assert response.status_code == (405 if view == "people_remove" else 200)
    elif expected == ALLOWED:
        assert response.status_code == 302, (
            getattr(response, "context", None) and response.context.get("form", {}).errors
        )
        assert _changed(view, scene)
    else:
        assert response.status_code == expected
    if not (expected == ALLOWED and method == "POST"):
        assert not _changed(view, scene)


def test_coordinator_cannot_reach_a_unit_of_another_region(  # type: ignore[no-untyped-def]
    client, coordinator, region, other_region, portal_admin
) -> None:
    foreign = unit_create(
        actor=portal_admin, region=other_region, data={**UNIT_DATA, "name": "Östergötland lab"}
    )
    client.force_login(coordinator)
    # Neither through the coordinator's own region nor through the unit's region.
    for slug in (region.slug, other_region.slug):
        for name in ("regions:unit_edit", "regions:unit_delete"):
            url = reverse(name, args=[slug, foreign.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {**UNIT_DATA, "version": 1}).status_code == 404
    assert InnovationUnit.objects.get(pk=foreign.pk).name == "Östergötland lab"


@pytest.mark.parametrize("name", ["regions:edit", "regions:unit_create", "regions:people"])
def test_unknown_region_is_404_for_everyone(client, portal_admin, name) -> None:  # type: ignore[no-untyped-def]
    client.force_login(portal_admin)
    assert client.get(reverse(name, args=["atlantis"])).status_code == 404


def test_missing_unit_and_assignment_are_404(client, portal_admin, region) -> None:  # type: ignore[no-untyped-def]
    client.force_login(portal_admin)
    assert client.get(reverse("regions:unit_edit", args=[region.slug, 999999])).status_code == 404
    url = reverse("regions:people_remove", args=[region.slug, 999999])
    assert client.post(url).status_code == 404
