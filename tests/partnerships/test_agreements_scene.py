"""The people and the partnership the agreement tests share (imported by the other modules).

The partnership runs on a small template of its own whose second step has the key "agreement"
(gate: all parties), so these tests do not depend on the default template's wording.
"""

from typing import Any

import pytest
from django.utils import timezone

from partnerships.models import (
    Agreement,
    GateRole,
    Partnership,
    PartnershipParty,
    PartyKind,
    ProcessStep,
    ProcessTemplate,
)
from partnerships.services.agreements import agreement_start
from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from regions.models import Region, RegionRole
from regions.services import region_assign_role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

VALID_VALUES = {
    "purpose": "Test remote wound monitoring with twenty patients",
    "ip_owner": "the company",
    "confidentiality_years": "5",
    "data_controller": "Region Uppsala",
    "staff_hours": "120",
    "staff_rate": "850",
    "test_resource_hours": "40",
    "test_resource_rate": "1200.50",
    "publication_delay_days": "30",
    "start_date": "2027-01-01",
    "end_date": "2027-12-31",
    "notice_days": "30",
}


def _mfa(user: Any) -> Any:
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return user


def make_template() -> ProcessTemplate:
    template = ProcessTemplate.objects.create(
        family="agreement-tests", name_sv="Testprocess", name_en="Test process"
    )
    for order, key, gate in [
        (1, "needs", GateRole.SPONSOR),
        (2, "agreement", GateRole.PARTIES),
        (3, "test", GateRole.COORDINATOR),
    ]:
        ProcessStep.objects.create(
            template=template, order=order, key=key, name_sv=key, name_en=key, gate_role=gate
        )
    return template


def make_partnership_at(
    *, region: Region, company: Any, kind: str = "clinical", step_key: str = "agreement"
) -> Partnership:
    template = ProcessTemplate.objects.filter(family="agreement-tests").first() or make_template()
    partnership = Partnership.objects.create(
        title="Remote wound monitoring",
        region=region,
        collaboration_kind=kind,
        template=template,
        current_step=template.steps.get(key=step_key),
        last_activity_at=timezone.now(),
    )
    PartnershipParty.objects.create(partnership=partnership, kind=PartyKind.REGION, region=region)
    PartnershipParty.objects.create(
        partnership=partnership, kind=PartyKind.COMPANY, organisation=company
    )
    return partnership


@pytest.fixture
def region(db: Any) -> Region:
    return Region.objects.get(slug="uppsala")


@pytest.fixture
def portal_admin(db: Any) -> Any:
    admin = UserFactory(email="admin@portal.example.se", name="Portal Admin")
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    return _mfa(admin)


def _region_person(admin: Any, slug: str, role: str, email: str, name: str) -> Any:
    person = UserFactory(email=email, name=name)
    region_assign_role(
        actor=admin, region=Region.objects.get(slug=slug), user=person, role=RegionRole(role)
    )
    return _mfa(person)


@pytest.fixture
def coordinator(portal_admin: Any) -> Any:
    return _region_person(
        portal_admin, "uppsala", "coordinator", "coordinator@uppsala.example.se", "Ulla Coord"
    )


@pytest.fixture
def other_coordinator(portal_admin: Any) -> Any:
    return _region_person(
        portal_admin, "ostergotland", "coordinator", "coord@ostergotland.example.se", "Östen"
    )


@pytest.fixture
def sponsor(portal_admin: Any) -> Any:
    return _region_person(
        portal_admin, "uppsala", "sponsor", "sponsor@uppsala.example.se", "Siv Sponsor"
    )


@pytest.fixture
def company(db: Any) -> Any:
    return OrganisationFactory(name="CareSense AB")


@pytest.fixture
def company_member(company: Any) -> Any:
    return MembershipFactory(
        organisation=company, user=UserFactory(email="kim@caresense.example.se", name="Kim Berg")
    ).user


@pytest.fixture
def other_company_member(db: Any) -> Any:
    return MembershipFactory(user=UserFactory(email="someone@elsewhere.example.se")).user


@pytest.fixture
def partnership(region: Region, company: Any, coordinator: Any, company_member: Any) -> Partnership:
    return make_partnership_at(region=region, company=company)


@pytest.fixture
def agreement(partnership: Partnership, coordinator: Any) -> Agreement:
    return agreement_start(actor=coordinator, partnership=partnership)


@pytest.fixture
def actor(request: pytest.FixtureRequest) -> Any:
    """The person named by the test's `actor_name` parameter (None for an anonymous visitor)."""
    name = request.getfixturevalue("actor_name")
    return None if name == "anonymous" else request.getfixturevalue(name)
