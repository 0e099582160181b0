"""Starting a partnership: from an accepted proposal, or by a coordinator without one."""

from typing import Any

import pytest

from partnerships.models import (
    Partnership,
    PartnershipEvent,
    PartyKind,
    PartyMember,
    ProcessStep,
    ProcessTemplate,
)
from partnerships.services.partnerships import (
    partnership_create,
    partnership_create_from_proposal,
)
from partnerships.workflow import PartnershipStatus, ProposalStatus
from portal.accounts.models import OrganisationKind
from portal.core.models import AuditEvent
from tests.factories import OrganisationFactory
from tests.factories_partnerships import ProposalFactory
from tests.factories_process import *  # noqa: F403  (the fixtures)

pytestmark = pytest.mark.django_db


def test_default_template_has_six_steps_with_checklists_and_gates() -> None:
    template = ProcessTemplate.objects.get(family="co-sharing", is_current=True)
    assert template.region is None
    keys = list(template.steps.order_by("order").values_list("key", "gate_role"))
    assert keys == [
        ("entry", "coordinator"),
        ("needs", "sponsor"),
        ("agreement", "parties"),
        ("test", "coordinator"),
        ("evaluation", "coordinator"),
        ("dissemination", "coordinator"),
    ]
    for step in template.steps.all():
        items = list(step.checklist.all())
        assert 3 <= len(items) <= 5
        assert any(i.required for i in items)
        assert step.guidance_sv.startswith("<p>") and step.guidance_en.startswith("<p>")
        assert step.expected_documents


def test_accepting_a_proposal_starts_a_partnership_on_the_default(
    coordinator: Any, company: Any, company_member: Any
) -> None:
    proposal = ProposalFactory(
        organisation=company, created_by=company_member, status=ProposalStatus.ACCEPTED
    )
    partnership = partnership_create_from_proposal(actor=coordinator, proposal=proposal)

    assert partnership.title == proposal.title
    assert partnership.summary == proposal.summary
    assert partnership.collaboration_kind == proposal.collaboration_kind
    assert partnership.region == proposal.region
    assert partnership.status == PartnershipStatus.ACTIVE
    assert partnership.template.family == "co-sharing"
    assert partnership.current_step.key == "entry"
    assert partnership.last_activity_at is not None
    parties = {p.kind: p for p in partnership.parties.all()}
    assert parties[PartyKind.REGION].region == proposal.region
    assert parties[PartyKind.COMPANY].organisation == company
    assert PartyMember.objects.filter(party=parties[PartyKind.REGION], user=coordinator).exists()
    assert PartyMember.objects.filter(
        party=parties[PartyKind.COMPANY], user=company_member
    ).exists()
    assert company_member.has_perm("partnerships.work_on_partnership", partnership)
    assert coordinator.has_perm("partnerships.work_on_partnership", partnership)
    event = PartnershipEvent.objects.get(partnership=partnership)
    assert event.kind == "created" and event.to_step == partnership.current_step
    assert AuditEvent.objects.filter(
        action="partnership.create", target_id=str(partnership.pk)
    ).exists()


def test_academia_proposer_becomes_an_academia_party(coordinator: Any) -> None:
    university = OrganisationFactory(kind=OrganisationKind.ACADEMIA)
    proposal = ProposalFactory(organisation=university, status=ProposalStatus.ACCEPTED)
    partnership = partnership_create_from_proposal(actor=coordinator, proposal=proposal)
    assert partnership.parties.get(organisation=university).kind == PartyKind.ACADEMIA


def test_region_with_its_own_template_uses_it(coordinator: Any, region: Any) -> None:
    from partnerships.services.process import template_copy_for_region

    default = ProcessTemplate.objects.get(family="co-sharing", is_current=True)
    own = template_copy_for_region(actor=coordinator, template=default, region=region)
    proposal = ProposalFactory(status=ProposalStatus.ACCEPTED)
    partnership = partnership_create_from_proposal(actor=coordinator, proposal=proposal)
    assert partnership.template == own
    assert partnership.current_step == ProcessStep.objects.get(template=own, order=1)


def test_coordinator_starts_a_partnership_without_a_proposal(
    coordinator: Any, region: Any, company: Any
) -> None:
    partnership = partnership_create(
        actor=coordinator,
        region=region,
        title="Home dialysis follow-up",
        summary="",
        collaboration_kind="testbed",
        organisations=[company],
    )
    assert partnership.proposal is None
    assert partnership.parties.count() == 2


def test_coordinator_of_another_region_cannot_start_one(
    other_coordinator: Any, region: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        partnership_create(
            actor=other_coordinator, region=region, title="x", collaboration_kind="other"
        )
    assert not Partnership.objects.exists()
