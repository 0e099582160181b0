"""People and regions for the regions tests, all built through the services."""

from typing import Any

import pytest

from portal.accounts.roles import Role
from portal.accounts.services import organisation_create, role_grant
from regions.models import Region, RegionRole
from regions.services import region_assign_role, unit_create
from tests.factories import UserFactory, _org_number

UNIT_DATA = {
    "kind": "clinic",
    "name": "Innovation Clinic Norr",
    "description": "Clinicians and companies meet to test ideas.",
    "offers": "Test sessions with staff and patients.",
    "contact_name": "Kim Andersson",
    "contact_email": "clinic@region.example.se",
    "contact_phone": "+46 90 123 45 67",
    "website": "https://region.example.se/clinic",
}


@pytest.fixture
def region(db: Any) -> Region:
    return Region.objects.get(slug="uppsala")


@pytest.fixture
def other_region(db: Any) -> Region:
    return Region.objects.get(slug="ostergotland")


@pytest.fixture
def portal_admin(db: Any, with_mfa: Any) -> Any:
    admin = UserFactory(email="admin@portal.example.se", name="Portal Admin")
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    return with_mfa(admin)


@pytest.fixture
def make_coordinator(portal_admin: Any, with_mfa: Any) -> Any:
    def _make(region: Region, **kwargs: Any) -> Any:
        person = with_mfa(UserFactory(**kwargs))
        region_assign_role(
            actor=portal_admin,
            region=region,
            user=person,
            role=RegionRole.COORDINATOR,
            title="Innovation coordinator",
        )
        return person

    return _make


@pytest.fixture
def coordinator(region: Region, make_coordinator: Any) -> Any:
    return make_coordinator(region, email="coordinator@uppsala.example.se", name="Uppsala Coord")


@pytest.fixture
def other_coordinator(other_region: Region, make_coordinator: Any) -> Any:
    return make_coordinator(other_region, email="coordinator@ostergotland.example.se")


@pytest.fixture
def company_user(db: Any) -> Any:
    person = UserFactory(email="founder@medtech.example.se")
    organisation_create(
        creator=person,
        data={
            "kind": "company",
            "name": "CareSense AB",
            "org_number": _org_number(4711),
            "website": "https://caresense.example",
            "description": "",
        },
    )
    return person


@pytest.fixture
def unit(region: Region, portal_admin: Any) -> Any:
    return unit_create(actor=portal_admin, region=region, data=dict(UNIT_DATA))


@pytest.fixture
def actor(request: pytest.FixtureRequest) -> Any:
    """The person named by the test's `actor_name` parameter (None for an anonymous visitor)."""
    name = request.getfixturevalue("actor_name")
    return None if name == "anonymous" else request.getfixturevalue(name)
