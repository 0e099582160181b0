"""The Co-sharing demo that `seed_demo` loads: idempotent, complete, and it renders."""

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partnerships.models import (
    Agreement,
    AgreementAcceptance,
    Call,
    ChecklistCheck,
    GateApproval,
    ObstacleNote,
    Partnership,
    PartnershipEvent,
    PartnershipMessage,
    ProcessStep,
    Proposal,
    ReviewAssignment,
)
from partnerships.selectors.dashboards import STALE_AFTER
from partnerships.workflow import AgreementStatus, PartnershipStatus, ProposalStatus
from portal.accounts.models import User
from portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db

COUNTED = (
    Call,
    Proposal,
    ReviewAssignment,
    Partnership,
    PartnershipEvent,
    PartnershipMessage,
    ChecklistCheck,
    GateApproval,
    ObstacleNote,
    Agreement,
    AgreementAcceptance,
    AuditEvent,
    User,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded(db: Any) -> dict[str, int]:
    call_command("seed_demo")
    return _counts()


def test_a_second_run_creates_nothing(seeded: dict[str, int]) -> None:
    call_command("seed_demo")
    assert _counts() == seeded
    assert seeded["Partnership"] >= 9 and seeded["Proposal"] >= 10


def test_every_proposal_status_is_shown(seeded: dict[str, int]) -> None:
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses == set(ProposalStatus.values)
    # Open proposals and answers to calls both.
    assert Proposal.objects.filter(call__isnull=True).exists()
    assert Proposal.objects.filter(call__isnull=False).exists()


def test_every_step_of_the_default_template_has_a_partnership(seeded: dict[str, int]) -> None:
    default_keys = set(
        ProcessStep.objects.filter(
            template__family="co-sharing", template__region__isnull=True, template__is_current=True
        ).values_list("key", flat=True)
    )
    active = Partnership.objects.filter(status=PartnershipStatus.ACTIVE)
    assert set(active.values_list("current_step__key", flat=True)) >= default_keys
    assert Partnership.objects.filter(status=PartnershipStatus.PAUSED).exists()
    assert Partnership.objects.filter(status=PartnershipStatus.COMPLETED).exists()
    stale_before = timezone.now() - STALE_AFTER
    assert active.filter(last_activity_at__lt=stale_before).count() == 1


def test_the_agreements_are_at_the_right_stage(seeded: dict[str, int]) -> None:
    at_test = Agreement.objects.get(
        partnership__current_step__key="test", partnership__status=PartnershipStatus.ACTIVE
    )
    assert at_test.status == AgreementStatus.IN_FORCE and at_test.in_force_at is not None
    drafting = Agreement.objects.get(partnership__current_step__key="agreement")
    assert drafting.status == AgreementStatus.DRAFT
    accepted = AgreementAcceptance.objects.filter(version__agreement=drafting, voided_at=None)
    assert accepted.count() == 1
    assert drafting.partnership.parties.count() > 1


def test_the_innovation_race_is_scored(seeded: dict[str, int]) -> None:
    race = Call.objects.get(lead_region__code="03", title__startswith="Innovationstävling")
    assert race.criteria.count() == 3 and race.is_open()
    reviewers = set(
        ReviewAssignment.objects.filter(proposal__call=race).values_list(
            "reviewer__email", flat=True
        )
    )
    assert reviewers == {"reviewer@demo.example", "coordinator.uppsala@demo.example"}
    submitted = ReviewAssignment.objects.filter(proposal__call=race, submitted_at__isnull=False)
    assert submitted.count() == 1 and submitted.get().scores.count() == 3
    # The call of Västra Götaland and Östergötland together, and a closed one in Västerbotten.
    assert Call.objects.filter(regions__code="14").filter(regions__code="05").get().is_open()
    assert not Call.objects.get(lead_region__code="24").is_open()


def test_the_demo_went_through_the_services(seeded: dict[str, int]) -> None:
    for action in ("proposal.accept", "partnership.advance", "agreement.in_force", "call.create"):
        assert AuditEvent.objects.filter(action=action).exists(), action


def test_a_coordinator_sees_the_demo_on_the_dashboard(
    seeded: dict[str, int], client: Any, with_mfa: Any
) -> None:
    coordinator = with_mfa(User.objects.get(email="coordinator.ostergotland@demo.example"))
    client.force_login(coordinator)
    response = client.get(reverse("partnerships:dashboard"))
    assert response.status_code == 200
    assert "Egenmonitorering vid hjärtsvikt" in response.content.decode()
    pipeline = client.get(reverse("partnerships:pipeline", args=["ostergotland"]))
    assert pipeline.status_code == 200


def test_a_sponsor_sees_the_gate_waiting_for_them(
    seeded: dict[str, int], client: Any, with_mfa: Any
) -> None:
    sponsor = with_mfa(User.objects.get(email="sponsor.uppsala@demo.example"))
    client.force_login(sponsor)
    response = client.get(reverse("partnerships:dashboard"))
    assert response.status_code == 200
    assert "Trycksårsprevention med sensormadrass" in response.content.decode()
