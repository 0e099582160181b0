"""The partnership page reads the ticks, the valid gate approvals and whether the agreement is in
force in one query (`partnerships.selectors.partnerships._gate_state`): the same answers as the
rows themselves, with the people named as the page names them."""

from typing import Any

import pytest
from django.utils import timezone

from partnerships.models import Agreement, ChecklistCheck, GateApproval
from partnerships.selectors.partnerships import _gate_state, partnership_detail
from partnerships.services.partnerships import checklist_set, gate_approve
from partnerships.workflow import AgreementStatus
from portal.accounts.models import FORMER_USER
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import complete_step, make_partnership

pytestmark = pytest.mark.django_db


def test_ticks_approvals_and_agreement_match_the_rows(
    partnership: Any, coordinator: Any, company_member: Any, django_assert_num_queries: Any
) -> None:
    step = partnership.current_step
    items = list(step.checklist.order_by("order"))
    checklist_set(
        actor=company_member, partnership=partnership, item=items[0], done=True, note="<b>Klart</b>"
    )
    complete_step(partnership, actor=coordinator)

    with django_assert_num_queries(1):
        checks, approvals, in_force = _gate_state(partnership)

    stored = {c.item_id: c for c in ChecklistCheck.objects.filter(partnership=partnership)}
    assert set(checks) == set(stored)
    first = checks[items[0].pk]
    assert first.pk == stored[items[0].pk].pk
    assert first.note == "<b>Klart</b>"
    assert first.checked_at == stored[items[0].pk].checked_at
    assert str(first.checked_by) == company_member.get_full_name()
    valid = GateApproval.objects.filter(partnership=partnership, voided_at__isnull=True)
    assert set(approvals) == {a.step_id for a in valid}
    assert in_force is False


def test_a_voided_approval_is_not_counted_and_the_agreement_in_force_is(
    coordinator: Any,
) -> None:
    partnership = make_partnership(coordinator=coordinator)
    step = partnership.current_step
    if step.gate_role == "coordinator":
        gate_approve(actor=coordinator, partnership=partnership, step=step)
        GateApproval.objects.filter(partnership=partnership).update(voided_at=timezone.now())
    Agreement.objects.update_or_create(
        partnership=partnership, defaults={"status": AgreementStatus.IN_FORCE}
    )
    _checks, approvals, in_force = _gate_state(partnership)
    assert approvals == {}
    assert in_force is True
    detail = partnership_detail(partnership=partnership)
    assert detail.agreement_in_force is True
    assert detail.current_approval is None


def test_a_person_anonymised_since_is_named_former_user(
    partnership: Any, company_member: Any
) -> None:
    item = partnership.current_step.checklist.order_by("order").first()
    checklist_set(actor=company_member, partnership=partnership, item=item, done=True)
    type(company_member).objects.filter(pk=company_member.pk).update(anonymised_at=timezone.now())
    checks, _approvals, _in_force = _gate_state(partnership)
    assert str(checks[item.pk].checked_by) == str(FORMER_USER)
    assert company_member.email not in str(checks[item.pk].checked_by)
