"""Moves of a partnership: advance, move back, pause, resume and close."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.notifications import MailKind, notify

from ...models import (
    EventKind,
    GateApproval,
    Partnership,
    PartnershipEvent,
    ProcessStep,
)
from ...workflow import (
    PARTNERSHIP_REASON_REQUIRED,
    PartnershipAction,
    PartnershipStatus,
    partnership_next_status,
)
from ._common import _event, _lock, _require_coordinate, _touch, party_people
from .gates import _maybe_gate_waiting, advance_blockers


def _next_step(partnership: Partnership) -> ProcessStep | None:
    return (
        ProcessStep.objects.filter(
            template_id=partnership.template_id, order__gt=partnership.current_step.order
        )
        .order_by("order")
        .first()
    )


def _previous_step(partnership: Partnership) -> ProcessStep | None:
    return (
        ProcessStep.objects.filter(
            template_id=partnership.template_id, order__lt=partnership.current_step.order
        )
        .order_by("-order")
        .first()
    )


def _check_move(partnership: Partnership, action: str, reason: str) -> str:
    target = partnership_next_status(partnership.status, action)
    if target is None:
        raise ValidationError(
            _("A partnership that is %(status)s cannot do this: %(action)s.")
            % {
                "status": partnership.get_status_display().lower(),
                "action": PartnershipAction(action).label.lower(),
            }
        )
    if action in PARTNERSHIP_REASON_REQUIRED and not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    return target


def _check_expected_step(partnership: Partnership, expected_step_id: Any) -> None:
    try:
        expected = int(expected_step_id)
    except (TypeError, ValueError):
        expected = None
    if expected != partnership.current_step_id:
        raise ValidationError(
            _("The partnership has already moved to step %(step)s. Nothing was changed.")
            % {"step": partnership.current_step.name},
            code="stale_step",
        )


def _notify_moved(partnership: Partnership, *, actor: Any, event: PartnershipEvent) -> None:
    notify(
        users=party_people(partnership, exclude=actor),
        template="partnerships/email/partnership_moved",
        context={"partnership": partnership, "event": event, "actor": actor},
        kind=MailKind.PARTNERSHIP_ACTIVITY,
    )


# --- Moves ---------------------------------------------------------------------------------------


@transaction.atomic
def partnership_advance(
    *, actor: Any, partnership: Partnership, expected_step_id: Any
) -> Partnership:
    """Move to the next step (coordinators). The required checklist must be complete and the gate
    met; `expected_step_id` is the step the actor saw, so a second press moves nothing."""
    _require_coordinate(actor, partnership)
    partnership = _lock(partnership)
    _check_expected_step(partnership, expected_step_id)
    _check_move(partnership, PartnershipAction.ADVANCE, "")
    target = _next_step(partnership)
    if target is None:
        raise ValidationError(
            _("This is the last step: close the partnership as completed instead.")
        )
    blockers = advance_blockers(partnership)
    if blockers:
        raise ValidationError(
            _("The partnership cannot move on yet. Missing: %(missing)s.")
            % {"missing": "; ".join(blockers)},
            code="blocked",
        )
    source = partnership.current_step
    partnership.current_step = target
    _touch(partnership, "current_step")
    event = _event(
        partnership, actor=actor, kind=EventKind.ADVANCED, from_step=source, to_step=target
    )
    audit_record(
        actor=actor,
        action="partnership.advance",
        target=partnership,
        data={"from": source.key, "to": target.key},
    )
    _notify_moved(partnership, actor=actor, event=event)
    _maybe_gate_waiting(partnership)
    return partnership


@transaction.atomic
def partnership_move_back(
    *, actor: Any, partnership: Partnership, expected_step_id: Any, reason: str
) -> Partnership:
    """Move back one step (coordinators), with a reason. Gate approvals of the step moved back to
    and every later step are voided: they must be given again."""
    _require_coordinate(actor, partnership)
    partnership = _lock(partnership)
    _check_expected_step(partnership, expected_step_id)
    reason = (reason or "").strip()
    _check_move(partnership, PartnershipAction.MOVE_BACK, reason)
    target = _previous_step(partnership)
    if target is None:
        raise ValidationError(_("This is the first step: there is nothing to move back to."))
    source = partnership.current_step
    voided = GateApproval.objects.filter(
        partnership=partnership, step__order__gte=target.order, voided_at__isnull=True
    ).update(voided_at=timezone.now())
    partnership.current_step = target
    _touch(partnership, "current_step")
    event = _event(
        partnership,
        actor=actor,
        kind=EventKind.MOVED_BACK,
        from_step=source,
        to_step=target,
        text=reason,
    )
    audit_record(
        actor=actor,
        action="partnership.move_back",
        target=partnership,
        reason=reason,
        data={"from": source.key, "to": target.key, "approvals_voided": voided},
    )
    _notify_moved(partnership, actor=actor, event=event)
    _maybe_gate_waiting(partnership)
    return partnership


EVENT_FOR_ACTION = {
    PartnershipAction.PAUSE: EventKind.PAUSED,
    PartnershipAction.RESUME: EventKind.RESUMED,
    PartnershipAction.COMPLETE: EventKind.CLOSED,
    PartnershipAction.STOP: EventKind.CLOSED,
    PartnershipAction.WITHDRAW: EventKind.CLOSED,
}
CLOSING_ACTIONS = (PartnershipAction.COMPLETE, PartnershipAction.STOP, PartnershipAction.WITHDRAW)


@transaction.atomic
def partnership_set_status(
    *, actor: Any, partnership: Partnership, action: str, reason: str = ""
) -> Partnership:
    """Pause, resume or close the partnership (coordinators), as workflow.PARTNERSHIP_MOVES
    allows. A reason is required except for resuming; closing as completed needs the last step
    reached with its checklist and gate clear, as advancing would."""
    if action not in EVENT_FOR_ACTION:
        raise ValidationError(_("Unknown action."))
    _require_coordinate(actor, partnership)
    partnership = _lock(partnership)
    reason = (reason or "").strip()
    target = _check_move(partnership, action, reason)
    if action == PartnershipAction.COMPLETE:
        if _next_step(partnership) is not None:
            raise ValidationError(
                _("Only a partnership on its last step can be closed as completed.")
            )
        blockers = advance_blockers(partnership)
        if blockers:
            raise ValidationError(
                _("The partnership cannot be completed yet. Missing: %(missing)s.")
                % {"missing": "; ".join(blockers)},
                code="blocked",
            )
    before = partnership.status
    partnership.status = target
    partnership.status_reason = reason
    _touch(partnership, "status", "status_reason")
    closing = action in CLOSING_ACTIONS
    event = _event(
        partnership,
        actor=actor,
        kind=EVENT_FOR_ACTION[PartnershipAction(action)],
        text=reason,
        says=(lambda: PartnershipStatus(target).label) if closing else None,
        from_step=partnership.current_step,
    )
    audit_record(
        actor=actor,
        action=f"partnership.{action}",
        target=partnership,
        reason=reason,
        data={"from": before, "to": target},
    )
    _notify_moved(partnership, actor=actor, event=event)
    if action == PartnershipAction.RESUME:
        _maybe_gate_waiting(partnership)
    return partnership


def partnership_pause(*, actor: Any, partnership: Partnership, reason: str) -> Partnership:
    return partnership_set_status(
        actor=actor, partnership=partnership, action=PartnershipAction.PAUSE, reason=reason
    )


def partnership_resume(*, actor: Any, partnership: Partnership, reason: str = "") -> Partnership:
    return partnership_set_status(
        actor=actor, partnership=partnership, action=PartnershipAction.RESUME, reason=reason
    )


def partnership_close(
    *, actor: Any, partnership: Partnership, action: str, reason: str
) -> Partnership:
    """Close as completed, stopped or withdrawn (`action` is one of those three)."""
    if action not in CLOSING_ACTIONS:
        raise ValidationError(_("Choose how the partnership ends."))
    return partnership_set_status(
        actor=actor, partnership=partnership, action=action, reason=reason
    )
