"""The partnership's moves: the workflow table, what blocks advancing, moving back, pausing and
closing, concurrent presses, checklist and gate rules, and the mail they send."""

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from partnerships.models import (
    Agreement,
    GateApproval,
    PartnershipEvent,
    ProcessStep,
)
from partnerships.services.partnerships import (
    advance_blockers,
    checklist_set,
    gate_approve,
    message_post,
    obstacle_note_add,
    partnership_advance,
    partnership_close,
    partnership_move_back,
    partnership_pause,
    partnership_resume,
    partnership_set_status,
    party_add,
    party_member_add,
    party_member_remove,
)
from partnerships.workflow import (
    PARTNERSHIP_MOVES,
    AgreementStatus,
    PartnershipAction,
    PartnershipStatus,
)
from portal.core.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import complete_step, make_partnership

pytestmark = pytest.mark.django_db


def _step(partnership: Any, key: str) -> ProcessStep:
    return ProcessStep.objects.get(template=partnership.template, key=key)


def _set_status(partnership: Any, status: str) -> Any:
    type(partnership).objects.filter(pk=partnership.pk).update(status=status)
    partnership.refresh_from_db()
    return partnership


# --- The workflow table --------------------------------------------------------------------------

TABLE = [
    pytest.param(status, action, PARTNERSHIP_MOVES.get((status, action)), id=f"{status}-{action}")
    for status in PartnershipStatus.values
    for action in PartnershipAction.values
    if action not in (PartnershipAction.ADVANCE, PartnershipAction.MOVE_BACK)
]


@pytest.mark.parametrize(("status", "action", "expected"), TABLE)
def test_status_moves_follow_the_workflow_table(
    partnership: Any, coordinator: Any, status: str, action: str, expected: str | None
) -> None:
    partnership = _set_status(partnership, status)
    if action == PartnershipAction.COMPLETE and expected:
        # Completing needs the last step, complete.
        last = partnership.template.steps.order_by("-order").first()
        type(partnership).objects.filter(pk=partnership.pk).update(current_step=last)
        partnership.refresh_from_db()
        complete_step(partnership, actor=coordinator)
    if expected is None:
        with pytest.raises(ValidationError):
            partnership_set_status(
                actor=coordinator, partnership=partnership, action=action, reason="Because."
            )
        partnership.refresh_from_db()
        assert partnership.status == status
    else:
        changed = partnership_set_status(
            actor=coordinator, partnership=partnership, action=action, reason="Because."
        )
        assert changed.status == expected
        partnership.refresh_from_db()
        assert partnership.status == expected
        assert AuditEvent.objects.filter(action=f"partnership.{action}").exists()


@pytest.mark.parametrize("status", PartnershipStatus.values)
@pytest.mark.parametrize("action", [PartnershipAction.ADVANCE, PartnershipAction.MOVE_BACK])
def test_step_moves_only_while_active(
    partnership: Any, coordinator: Any, status: str, action: str
) -> None:
    partnership = make_partnership(step_key="needs", coordinator=coordinator)
    complete_step(partnership, actor=coordinator)
    partnership = _set_status(partnership, status)
    before = partnership.current_step_id
    call = (
        (
            lambda: partnership_advance(
                actor=coordinator, partnership=partnership, expected_step_id=before
            )
        )
        if action == PartnershipAction.ADVANCE
        else (
            lambda: partnership_move_back(
                actor=coordinator, partnership=partnership, expected_step_id=before, reason="Redo"
            )
        )
    )
    if (status, action) in PARTNERSHIP_MOVES:
        call()
        partnership.refresh_from_db()
        assert partnership.current_step_id != before
    else:
        with pytest.raises(ValidationError):
            call()
        partnership.refresh_from_db()
        assert partnership.current_step_id == before


def partnership_sponsor(partnership: Any) -> Any:
    from tests.factories_process import _sponsor_of

    return _sponsor_of(partnership.region)


# --- Advancing -----------------------------------------------------------------------------------


def test_advance_with_missing_required_items_is_refused(partnership: Any, coordinator: Any) -> None:
    step = partnership.current_step
    gate_approve(actor=coordinator, partnership=partnership, step=step)
    required = list(step.checklist.filter(required=True))
    checklist_set(actor=coordinator, partnership=partnership, item=required[0], done=True)
    blockers = advance_blockers(partnership)
    assert blockers == [item.text for item in required[1:]]
    with pytest.raises(ValidationError) as exc:
        partnership_advance(actor=coordinator, partnership=partnership, expected_step_id=step.pk)
    assert required[1].text in exc.value.messages[0]
    partnership.refresh_from_db()
    assert partnership.current_step == step


def test_optional_items_do_not_block(partnership: Any, coordinator: Any) -> None:
    complete_step(partnership, actor=coordinator)
    assert partnership.current_step.checklist.filter(required=False).exists()
    assert advance_blockers(partnership) == []


def test_advance_without_sponsor_approval_is_refused(coordinator: Any, sponsor: Any) -> None:
    partnership = make_partnership(step_key="needs", coordinator=coordinator)
    step = partnership.current_step
    for item in step.checklist.filter(required=True):
        checklist_set(actor=coordinator, partnership=partnership, item=item, done=True)
    assert advance_blockers(partnership) == ["approval by the management sponsor"]
    with pytest.raises(ValidationError):
        partnership_advance(actor=coordinator, partnership=partnership, expected_step_id=step.pk)
    # A coordinator cannot stand in for management, nor can a portal admin.
    with pytest.raises(PermissionDenied):
        gate_approve(actor=coordinator, partnership=partnership, step=step)
    gate_approve(actor=sponsor, partnership=partnership, step=step, comment="Anchored.")
    moved = partnership_advance(
        actor=coordinator, partnership=partnership, expected_step_id=step.pk
    )
    assert moved.current_step.key == "agreement"
    event = PartnershipEvent.objects.filter(partnership=partnership, kind="advanced").first()
    assert event.from_step == step and event.to_step.key == "agreement"


def test_advance_without_agreement_in_force_is_refused(coordinator: Any) -> None:
    partnership = make_partnership(step_key="agreement", coordinator=coordinator)
    step = partnership.current_step
    for item in step.checklist.filter(required=True):
        checklist_set(actor=coordinator, partnership=partnership, item=item, done=True)
    Agreement.objects.create(partnership=partnership, status=AgreementStatus.DRAFT)
    assert advance_blockers(partnership) == ["the agreement in force"]
    with pytest.raises(ValidationError):
        partnership_advance(actor=coordinator, partnership=partnership, expected_step_id=step.pk)
    Agreement.objects.filter(partnership=partnership).update(status=AgreementStatus.IN_FORCE)
    moved = partnership_advance(
        actor=coordinator, partnership=partnership, expected_step_id=step.pk
    )
    assert moved.current_step.key == "test"


def test_advancing_from_the_last_step_is_refused_but_completing_works(coordinator: Any) -> None:
    partnership = make_partnership(step_key="dissemination", coordinator=coordinator)
    complete_step(partnership, actor=coordinator)
    with pytest.raises(ValidationError):
        partnership_advance(
            actor=coordinator,
            partnership=partnership,
            expected_step_id=partnership.current_step_id,
        )
    closed = partnership_close(
        actor=coordinator,
        partnership=partnership,
        action=PartnershipAction.COMPLETE,
        reason="Procured.",
    )
    assert closed.status == PartnershipStatus.COMPLETED


def test_completing_needs_the_last_step_clear(coordinator: Any) -> None:
    partnership = make_partnership(step_key="dissemination", coordinator=coordinator)
    with pytest.raises(ValidationError):
        partnership_close(
            actor=coordinator, partnership=partnership, action="complete", reason="Done"
        )
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ACTIVE


def test_completing_before_the_last_step_is_refused(partnership: Any, coordinator: Any) -> None:
    complete_step(partnership, actor=coordinator)
    with pytest.raises(ValidationError):
        partnership_close(
            actor=coordinator, partnership=partnership, action="complete", reason="Done"
        )


def test_two_presses_of_advance_move_once(partnership: Any, coordinator: Any) -> None:
    complete_step(partnership, actor=coordinator)
    seen = partnership.current_step_id
    partnership_advance(actor=coordinator, partnership=partnership, expected_step_id=seen)
    with pytest.raises(ValidationError) as exc:
        partnership_advance(actor=coordinator, partnership=partnership, expected_step_id=seen)
    assert "already moved" in exc.value.messages[0]
    partnership.refresh_from_db()
    assert partnership.current_step.key == "needs"
    assert PartnershipEvent.objects.filter(partnership=partnership, kind="advanced").count() == 1


def test_only_coordinators_move(
    partnership: Any, company_member: Any, other_coordinator: Any, sponsor: Any
) -> None:
    complete_step(partnership)
    for actor in (company_member, other_coordinator, sponsor):
        with pytest.raises(PermissionDenied):
            partnership_advance(
                actor=actor,
                partnership=partnership,
                expected_step_id=partnership.current_step_id,
            )


def test_portal_admin_may_move(partnership: Any, portal_admin: Any) -> None:
    complete_step(partnership)
    moved = partnership_advance(
        actor=portal_admin, partnership=partnership, expected_step_id=partnership.current_step_id
    )
    assert moved.current_step.key == "needs"


# --- Moving back ---------------------------------------------------------------------------------


def test_move_back_needs_a_reason(coordinator: Any) -> None:
    partnership = make_partnership(step_key="needs", coordinator=coordinator)
    with pytest.raises(ValidationError) as exc:
        partnership_move_back(
            actor=coordinator,
            partnership=partnership,
            expected_step_id=partnership.current_step_id,
            reason="  ",
        )
    assert "reason" in exc.value.message_dict
    partnership.refresh_from_db()
    assert partnership.current_step.key == "needs"


def test_move_back_voids_approvals_of_target_and_later_steps(
    coordinator: Any, sponsor: Any
) -> None:
    partnership = make_partnership(step_key="agreement", coordinator=coordinator)
    entry, needs = _step(partnership, "entry"), _step(partnership, "needs")
    assert GateApproval.objects.filter(partnership=partnership, voided_at__isnull=True).count() == 2
    moved = partnership_move_back(
        actor=coordinator,
        partnership=partnership,
        expected_step_id=partnership.current_step_id,
        reason="The need owner left; anchoring must be redone.",
    )
    assert moved.current_step == needs
    assert GateApproval.objects.get(partnership=partnership, step=needs).voided_at is not None
    assert GateApproval.objects.get(partnership=partnership, step=entry).voided_at is None
    assert advance_blockers(moved) == ["approval by the management sponsor"]
    event = PartnershipEvent.objects.filter(partnership=partnership, kind="moved_back").get()
    assert event.text.startswith("The need owner left")
    assert AuditEvent.objects.filter(
        action="partnership.move_back", reason__startswith="The need owner"
    ).exists()
    # The sponsor approves again and it moves on.
    gate_approve(actor=sponsor, partnership=moved, step=needs)
    assert advance_blockers(moved) == []


def test_move_back_from_the_first_step_is_refused(partnership: Any, coordinator: Any) -> None:
    with pytest.raises(ValidationError):
        partnership_move_back(
            actor=coordinator,
            partnership=partnership,
            expected_step_id=partnership.current_step_id,
            reason="x",
        )


# --- Pause, resume, close ------------------------------------------------------------------------


def test_pause_needs_a_reason_and_resume_does_not(partnership: Any, coordinator: Any) -> None:
    with pytest.raises(ValidationError):
        partnership_pause(actor=coordinator, partnership=partnership, reason="")
    paused = partnership_pause(
        actor=coordinator, partnership=partnership, reason="Waiting for funding."
    )
    assert paused.status == PartnershipStatus.PAUSED
    assert paused.status_reason == "Waiting for funding."
    # Paused partnerships take no ticks.
    item = paused.current_step.checklist.first()
    with pytest.raises(ValidationError):
        checklist_set(actor=coordinator, partnership=paused, item=item, done=True)
    resumed = partnership_resume(actor=coordinator, partnership=paused)
    assert resumed.status == PartnershipStatus.ACTIVE
    kinds = list(
        PartnershipEvent.objects.filter(partnership=partnership).values_list("kind", flat=True)
    )
    assert "paused" in kinds and "resumed" in kinds


@pytest.mark.parametrize("action", ["stop", "withdraw"])
def test_close_with_reason(partnership: Any, coordinator: Any, action: str) -> None:
    with pytest.raises(ValidationError):
        partnership_close(actor=coordinator, partnership=partnership, action=action, reason="")
    closed = partnership_close(
        actor=coordinator, partnership=partnership, action=action, reason="The company left."
    )
    expected = {"stop": PartnershipStatus.STOPPED, "withdraw": PartnershipStatus.WITHDRAWN}
    assert closed.status == expected[action]
    with pytest.raises(ValidationError):
        message_post(actor=coordinator, partnership=closed, body="Hello?")


# --- Checklist, gates, parties -------------------------------------------------------------------


def test_checklist_tick_is_idempotent_and_recorded(partnership: Any, company_member: Any) -> None:
    item = partnership.current_step.checklist.first()
    first = checklist_set(actor=company_member, partnership=partnership, item=item, done=True)
    second = checklist_set(actor=company_member, partnership=partnership, item=item, done=True)
    assert first.pk == second.pk
    assert PartnershipEvent.objects.filter(partnership=partnership, kind="checklist").count() == 1
    checklist_set(actor=company_member, partnership=partnership, item=item, done=False)
    assert not partnership.checks.exists()


def test_outsiders_cannot_tick(partnership: Any, other_company_member: Any, sponsor: Any) -> None:
    item = partnership.current_step.checklist.first()
    for actor in (other_company_member, sponsor):
        with pytest.raises(PermissionDenied):
            checklist_set(actor=actor, partnership=partnership, item=item, done=True)


def test_item_of_another_template_is_refused(partnership: Any, coordinator: Any) -> None:
    from partnerships.models import ProcessTemplate
    from partnerships.services.process import template_copy_for_region

    default = ProcessTemplate.objects.get(family="co-sharing", is_current=True)
    own = template_copy_for_region(actor=coordinator, template=default, region=partnership.region)
    foreign = own.steps.get(key="entry").checklist.first()
    with pytest.raises(ValidationError):
        checklist_set(actor=coordinator, partnership=partnership, item=foreign, done=True)


def test_gate_of_another_step_cannot_be_approved(partnership: Any, coordinator: Any) -> None:
    with pytest.raises(ValidationError):
        gate_approve(actor=coordinator, partnership=partnership, step=_step(partnership, "test"))


def test_parties_and_named_people(partnership: Any, coordinator: Any) -> None:
    university = OrganisationFactory(kind="academia", name="Uppsala universitet")
    party = party_add(
        actor=coordinator,
        partnership=partnership,
        organisation=university,
        kind="academia",
        role="Evaluation",
    )
    with pytest.raises(ValidationError):
        party_add(
            actor=coordinator, partnership=partnership, organisation=university, kind="academia"
        )
    researcher = UserFactory(email="researcher@uu.example.se")
    member = party_member_add(
        actor=coordinator, partnership=partnership, party=party, user=researcher, role="Evaluator"
    )
    assert researcher.has_perm("partnerships.work_on_partnership", partnership)
    party_member_remove(actor=coordinator, partnership=partnership, member=member)
    researcher = type(researcher).objects.get(pk=researcher.pk)
    assert not researcher.has_perm("partnerships.work_on_partnership", partnership)


def test_obstacle_note_on_a_step(partnership: Any, company_member: Any) -> None:
    note = obstacle_note_add(
        actor=company_member,
        partnership=partnership,
        step=partnership.current_step,
        text="The EHR integration needs a procurement of its own.",
    )
    assert note.step == partnership.current_step
    with pytest.raises(ValidationError):
        obstacle_note_add(
            actor=company_member, partnership=partnership, step=partnership.current_step, text=""
        )


# --- Mail ----------------------------------------------------------------------------------------


def test_gate_waiting_mail_goes_to_sponsor_once_in_their_language(
    coordinator: Any, sponsor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sponsor.preferred_language = "sv"
    sponsor.save(update_fields=["preferred_language"])
    partnership = make_partnership(step_key="needs", coordinator=coordinator)
    items = list(partnership.current_step.checklist.filter(required=True))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for item in items:
            checklist_set(actor=coordinator, partnership=partnership, item=item, done=True)
    to_sponsor = [m for m in mail.outbox if m.to == [sponsor.email]]
    assert len(to_sponsor) == 1
    assert "väntar på ditt godkännande" in to_sponsor[0].subject.lower() or (
        # Until the lead merges the catalogs, the Swedish text may still be English.
        partnership.title in to_sponsor[0].subject
    )
    # Unticking and ticking again on the same arrival does not send it again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        checklist_set(actor=coordinator, partnership=partnership, item=items[0], done=False)
        checklist_set(actor=coordinator, partnership=partnership, item=items[0], done=True)
    assert not [m for m in mail.outbox if m.to == [sponsor.email]]


def test_gate_waiting_mail_not_sent_when_muted(
    coordinator: Any, sponsor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sponsor.muted_mail = ["gate_waiting"]
    sponsor.save(update_fields=["muted_mail"])
    partnership = make_partnership(step_key="needs", coordinator=coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for item in partnership.current_step.checklist.filter(required=True):
            checklist_set(actor=coordinator, partnership=partnership, item=item, done=True)
    assert not [m for m in mail.outbox if m.to == [sponsor.email]]


def test_moves_and_messages_tell_party_members(
    partnership: Any, coordinator: Any, company_member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complete_step(partnership, actor=coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        partnership_advance(
            actor=coordinator,
            partnership=partnership,
            expected_step_id=partnership.current_step_id,
        )
    assert [m.to for m in mail.outbox if partnership.title in m.subject] == [[company_member.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_post(actor=company_member, partnership=partnership, body="When do we meet?")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "When do we meet?" in mail.outbox[0].body
