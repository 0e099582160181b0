"""People, calls and proposals for the proposal tests, built through the services.

Fixtures here are imported by the other `test_proposals_*`, `test_calls*`, `test_reviews*` and
`test_attachments*` modules.
"""

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from partnerships.models import Proposal
from partnerships.services import calls as call_services
from partnerships.services import proposals as services
from portal.accounts.models import MembershipRole, OrganisationKind
from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from regions.models import Region, RegionRole
from regions.services import region_assign_role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

__all__ = [
    "colleague",
    "company",
    "coordinator",
    "draft",
    "make_call",
    "make_draft",
    "member",
    "other_coordinator",
    "other_region",
    "portal_admin",
    "region",
    "reviewer",
    "sponsor",
    "stranger",
    "submitted",
]

COMPLETE = {
    "title": "Remote wound monitoring",
    "summary": "Patients photograph wounds at home.",
    "care_need": "Fewer visits after surgery.",
    "solution": "An app and a dashboard.",
    "trl": 6,
    "collaboration_kind": "clinical",
    "contact_name": "Kim Berg",
    "contact_email": "kim.berg@example.se",
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


def _staff(admin: Any, with_mfa: Any, region: Region, role: str, email: str, **kw: Any) -> Any:
    person = with_mfa(UserFactory(email=email, **kw))
    region_assign_role(actor=admin, region=region, user=person, role=role)
    return person


@pytest.fixture
def coordinator(portal_admin: Any, with_mfa: Any, region: Region) -> Any:
    return _staff(
        portal_admin,
        with_mfa,
        region,
        RegionRole.COORDINATOR,
        "coord@uppsala.example.se",
        preferred_language="sv",
    )


@pytest.fixture
def other_coordinator(portal_admin: Any, with_mfa: Any, other_region: Region) -> Any:
    return _staff(
        portal_admin, with_mfa, other_region, RegionRole.COORDINATOR, "coord@ostergotland.se"
    )


@pytest.fixture
def sponsor(portal_admin: Any, with_mfa: Any, region: Region) -> Any:
    return _staff(portal_admin, with_mfa, region, RegionRole.SPONSOR, "sponsor@uppsala.se")


@pytest.fixture
def company(db: Any) -> Any:
    return OrganisationFactory(name="CareSense AB", kind=OrganisationKind.COMPANY)


@pytest.fixture
def member(company: Any) -> Any:
    person = UserFactory(email="founder@caresense.example", preferred_language="en")
    MembershipFactory(user=person, organisation=company, role=MembershipRole.ADMIN)
    return person


@pytest.fixture
def colleague(company: Any) -> Any:
    person = UserFactory(email="colleague@caresense.example", preferred_language="sv")
    MembershipFactory(user=person, organisation=company)
    return person


@pytest.fixture
def stranger(db: Any) -> Any:
    """A member of another company."""
    person = UserFactory(email="someone@othercompany.example")
    MembershipFactory(user=person, organisation=OrganisationFactory(name="Other Medtech AB"))
    return person


@pytest.fixture
def reviewer(db: Any) -> Any:
    return UserFactory(email="reviewer@university.example", name="Rita Reviewer")


@pytest.fixture
def make_draft(member: Any, company: Any, region: Region) -> Any:
    def _make(*, call: Any = None, actor: Any = None, **data: Any) -> Proposal:
        return services.proposal_create_draft(
            actor=actor or member,
            organisation=company,
            region=call.lead_region if call else region,
            call=call,
            data={**COMPLETE, **data},
            client_token=uuid.uuid4(),
        )

    return _make


@pytest.fixture
def draft(make_draft: Any) -> Proposal:
    return make_draft()


@pytest.fixture
def submitted(draft: Proposal, member: Any) -> Proposal:
    return services.proposal_submit(actor=member, proposal=draft)


@pytest.fixture
def make_call(coordinator: Any, region: Region) -> Any:
    def _make(*, criteria: Any = (), published: bool = True, **data: Any) -> Any:
        now = timezone.now()
        values = {
            "title": "Home monitoring after surgery",
            "description": "Patients go home earlier.",
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=30),
            **data,
        }
        call = call_services.call_create(
            actor=coordinator, lead_region=region, regions=[], data=values, criteria=criteria
        )
        if published:
            call = call_services.call_set_published(actor=coordinator, call=call, published=True)
        return call

    return _make


def transition(proposal: Proposal, status: str, *, member: Any, coordinator: Any) -> Proposal:
    """Bring a fresh draft to `status` through the services."""
    if status == "draft":
        return proposal
    if status == "withdrawn":
        return services.proposal_withdraw(actor=member, proposal=proposal)
    proposal = services.proposal_submit(actor=member, proposal=proposal)
    if status == "submitted":
        return proposal
    if status == "changes_requested":
        return services.proposal_request_changes(
            actor=coordinator, proposal=proposal, message="Add evidence."
        )
    if status == "declined":
        return services.proposal_decline(actor=coordinator, proposal=proposal, reason="Not now.")
    if status == "accepted":
        return services.proposal_accept(actor=coordinator, proposal=proposal)
    raise AssertionError(status)
