"""People and partnerships for the Co-sharing process tests, built through the services.

`make_partnership(region_slug="uppsala", company=None, step_key="entry")` starts a partnership on
the national default template (the one migration 0002 loads) and, when asked, walks it to a later
step by ticking required items, approving gates and putting an agreement in force on the way.
"""

from typing import Any

import pytest

from partnerships.models import Agreement, Partnership, ProcessStep
from partnerships.services.partnerships import (
    checklist_set,
    gate_approve,
    partnership_advance,
    partnership_create_from_proposal,
)
from partnerships.workflow import AgreementStatus, ProposalStatus
from portal.accounts.models import MembershipRole, Organisation
from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from regions.models import Region, RegionRole
from regions.services import region_assign_role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_partnerships import ProposalFactory


def make_admin(email: str = "admin@portal.example.se") -> Any:
    from allauth.mfa.models import Authenticator

    from portal.accounts.models import User

    # Fetched, not rebuilt: the factory would set the password again, and a copy of the admin
    # signed in earlier would then carry a stale session hash.
    admin = User.objects.filter(email=email).first() or UserFactory(
        email=email, name="Portal Admin"
    )
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    Authenticator.objects.get_or_create(
        user=admin, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return admin


def make_region_person(
    region_slug: str, role: RegionRole = RegionRole.COORDINATOR, **kwargs: Any
) -> Any:
    """A coordinator or sponsor of the region (with MFA, as staff must have)."""
    from allauth.mfa.models import Authenticator

    person = UserFactory(**kwargs)
    region_assign_role(
        actor=make_admin(),
        region=Region.objects.get(slug=region_slug),
        user=person,
        role=role,
    )
    Authenticator.objects.get_or_create(
        user=person, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return person


def make_company_member(organisation: Organisation | None = None, **kwargs: Any) -> Any:
    organisation = organisation or OrganisationFactory()
    membership = MembershipFactory(
        organisation=organisation, role=MembershipRole.ADMIN, user=UserFactory(**kwargs)
    )
    return membership.user


def _coordinator_of(region: Region) -> Any:
    from regions.models import RegionAssignment

    assignment = (
        RegionAssignment.objects.filter(region=region, role=RegionRole.COORDINATOR)
        .select_related("user")
        .first()
    )
    if assignment:
        return assignment.user
    return make_region_person(region.slug, email=f"coordinator@{region.slug}.example.se")


def _sponsor_of(region: Region) -> Any:
    from regions.models import RegionAssignment

    assignment = (
        RegionAssignment.objects.filter(region=region, role=RegionRole.SPONSOR)
        .select_related("user")
        .first()
    )
    if assignment:
        return assignment.user
    return make_region_person(
        region.slug, RegionRole.SPONSOR, email=f"sponsor@{region.slug}.example.se"
    )


def complete_step(partnership: Partnership, *, actor: Any = None) -> None:
    """Tick every required item of the current step and meet its gate (without moving)."""
    region = partnership.region
    coordinator = actor or _coordinator_of(region)
    step = partnership.current_step
    for item in step.checklist.filter(required=True):
        checklist_set(actor=coordinator, partnership=partnership, item=item, done=True)
    if step.gate_role == "coordinator":
        gate_approve(actor=coordinator, partnership=partnership, step=step)
    elif step.gate_role == "sponsor":
        gate_approve(actor=_sponsor_of(region), partnership=partnership, step=step)
    elif step.gate_role == "parties":
        Agreement.objects.update_or_create(
            partnership=partnership, defaults={"status": AgreementStatus.IN_FORCE}
        )


def make_partnership(
    region_slug: str = "uppsala",
    company: Organisation | None = None,
    step_key: str = "entry",
    coordinator: Any = None,
    author: Any = None,
) -> Partnership:
    """A partnership of the region with `company`, standing at `step_key` of the default."""
    region = Region.objects.get(slug=region_slug)
    coordinator = coordinator or _coordinator_of(region)
    company = company or OrganisationFactory()
    author = author or make_company_member(company)
    proposal = ProposalFactory(
        organisation=company,
        region=region,
        created_by=author,
        status=ProposalStatus.ACCEPTED,
    )
    partnership = partnership_create_from_proposal(actor=coordinator, proposal=proposal)
    target = ProcessStep.objects.get(template=partnership.template, key=step_key)
    while partnership.current_step.order < target.order:
        complete_step(partnership, actor=coordinator)
        partnership = partnership_advance(
            actor=coordinator, partnership=partnership, expected_step_id=partnership.current_step_id
        )
    partnership.refresh_from_db()
    return partnership


@pytest.fixture
def region(db: Any) -> Region:
    return Region.objects.get(slug="uppsala")


@pytest.fixture
def other_region(db: Any) -> Region:
    return Region.objects.get(slug="ostergotland")


@pytest.fixture
def portal_admin(db: Any) -> Any:
    return make_admin()


@pytest.fixture
def coordinator(db: Any) -> Any:
    return make_region_person("uppsala", email="coordinator@uppsala.example.se", name="Ulla Coord")


@pytest.fixture
def other_coordinator(db: Any) -> Any:
    return make_region_person("ostergotland", email="coordinator@ostergotland.example.se")


@pytest.fixture
def sponsor(db: Any) -> Any:
    return make_region_person(
        "uppsala", RegionRole.SPONSOR, email="sponsor@uppsala.example.se", name="Siv Sponsor"
    )


@pytest.fixture
def company(db: Any) -> Organisation:
    return OrganisationFactory(name="CareSense AB")


@pytest.fixture
def company_member(company: Organisation) -> Any:
    return make_company_member(company, email="founder@caresense.example.se")


@pytest.fixture
def other_company_member(db: Any) -> Any:
    return make_company_member(email="someone@elsewhere.example.se")


@pytest.fixture
def partnership(coordinator: Any, company: Organisation, company_member: Any) -> Partnership:
    return make_partnership(company=company, coordinator=coordinator, author=company_member)
