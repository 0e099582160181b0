"""What keeps a partnership on its step (required checklist items, the gate), the checklist
ticks and gate approvals, and telling the approvers when a gate waits for them.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.models import AuditEvent
from portal.core.notifications import MailKind, notify

from ...models import (
    Agreement,
    ChecklistCheck,
    ChecklistItem,
    EventKind,
    GateApproval,
    GateRole,
    Partnership,
    PartnershipEvent,
    ProcessStep,
)
from ...permissions.base import (
    can_approve_gate,
)
from ...workflow import (
    AgreementStatus,
    PartnershipStatus,
)
from ._common import (
    _actor_or_none,
    _event,
    _lock,
    _require_active,
    _require_step_of,
    _require_work,
    _touch,
    region_people,
)

# --- What blocks a move --------------------------------------------------------------------------


def missing_required_items(partnership: Partnership, step: ProcessStep) -> list[ChecklistItem]:
    done = ChecklistCheck.objects.filter(partnership=partnership).values("item_id")
    return list(step.checklist.filter(required=True).exclude(pk__in=done).order_by("order"))


def gate_met(partnership: Partnership, step: ProcessStep) -> bool:
    if step.gate_role == GateRole.NONE:
        return True
    if step.gate_role == GateRole.PARTIES:
        return Agreement.objects.filter(
            partnership=partnership, status=AgreementStatus.IN_FORCE
        ).exists()
    return GateApproval.objects.filter(
        partnership=partnership, step=step, voided_at__isnull=True
    ).exists()


def gate_description(step: ProcessStep) -> str:
    if step.gate_role == GateRole.SPONSOR:
        return _("approval by the management sponsor")
    if step.gate_role == GateRole.COORDINATOR:
        return _("approval by a region coordinator")
    if step.gate_role == GateRole.PARTIES:
        return _("the agreement in force")
    return ""


def advance_blockers(partnership: Partnership) -> list[str]:
    """Exactly what keeps the partnership on its current step: each missing required checklist
    item by name, then the gate (the approval or the agreement in force) if it is not met."""
    step = partnership.current_step
    blockers = [item.text for item in missing_required_items(partnership, step)]
    if not gate_met(partnership, step):
        blockers.append(gate_description(step))
    return blockers


def _maybe_gate_waiting(partnership: Partnership) -> None:
    """Tell the approvers once per arrival at a step, when its required checklist is complete
    and its gate needs a person who has not approved yet."""
    step = partnership.current_step
    if partnership.status != PartnershipStatus.ACTIVE:
        return
    if step.gate_role not in (GateRole.SPONSOR, GateRole.COORDINATOR):
        return
    if missing_required_items(partnership, step) or gate_met(partnership, step):
        return
    arrival = (
        PartnershipEvent.objects.filter(
            partnership=partnership,
            to_step=step,
            kind__in=[EventKind.CREATED, EventKind.ADVANCED, EventKind.MOVED_BACK],
        )
        .order_by("-created_at", "-id")
        .first()
    )
    told = AuditEvent.objects.filter(
        action="partnership.gate_waiting",
        target_type=Partnership._meta.label_lower,
        target_id=str(partnership.pk),
        data__step=step.pk,
    )
    if arrival is not None:
        told = told.filter(data__arrival=arrival.pk)
    if told.exists():
        return
    codename = "sponsor_region" if step.gate_role == GateRole.SPONSOR else "coordinate_region"
    approvers = region_people(partnership.region, codename)
    audit_record(
        actor=None,
        action="partnership.gate_waiting",
        target=partnership,
        data={
            "step": step.pk,
            "arrival": arrival.pk if arrival else None,
            "approvers": [u.pk for u in approvers],
        },
    )
    notify(
        users=approvers,
        template="partnerships/email/gate_waiting",
        context={"partnership": partnership, "step": step},
        kind=MailKind.GATE_WAITING,
    )


# --- Checklist and gate --------------------------------------------------------------------------


@transaction.atomic
def checklist_set(
    *, actor: Any, partnership: Partnership, item: ChecklistItem, done: bool, note: str = ""
) -> ChecklistCheck | None:
    """Tick or untick an item of the partnership's own process (people working on it).

    Idempotent: ticking a ticked item keeps the first tick. Completing the current step's
    required items may tell the gate's approvers that it waits for them.
    """
    _require_work(actor, partnership)
    partnership = _lock(partnership)
    _require_active(partnership)
    if item.step.template_id != partnership.template_id:
        raise ValidationError(_("That item is not part of this partnership's checklist."))
    note = (note or "").strip()[:500]
    existing = ChecklistCheck.objects.filter(partnership=partnership, item=item).first()
    if done and existing is not None:
        return existing
    if not done and existing is None:
        return None
    check: ChecklistCheck | None
    if done:
        check = ChecklistCheck.objects.create(
            partnership=partnership, item=item, checked_by=_actor_or_none(actor), note=note
        )
        says = lambda: _("Ticked: %(item)s") % {"item": item.text}  # noqa: E731
    else:
        assert existing is not None
        existing.delete()
        check = None
        says = lambda: _("Unticked: %(item)s") % {"item": item.text}  # noqa: E731
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.CHECKLIST, says=says, to_step=item.step)
    audit_record(
        actor=actor,
        action="partnership.checklist_tick" if done else "partnership.checklist_untick",
        target=partnership,
        data={"item": item.pk, "note": note},
    )
    if done and item.step_id == partnership.current_step_id:
        _maybe_gate_waiting(partnership)
    return check


@transaction.atomic
def gate_approve(
    *, actor: Any, partnership: Partnership, step: ProcessStep, comment: str = ""
) -> GateApproval:
    """Approve the gate of the current step: its coordinator or management sponsor does.

    Idempotent: a second approval of the same gate returns the first one.
    """
    partnership = _lock(partnership)
    _require_step_of(partnership, step)
    if not can_approve_gate(actor, partnership, step):
        raise PermissionDenied(_("You cannot approve this gate."))
    _require_active(partnership)
    if step.pk != partnership.current_step_id:
        raise ValidationError(_("Only the gate of the current step can be approved."))
    existing = GateApproval.objects.filter(
        partnership=partnership, step=step, voided_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("Keep the comment under 2000 characters.")})
    approval = GateApproval.objects.create(
        partnership=partnership, step=step, approved_by=_actor_or_none(actor), comment=comment
    )
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.GATE_APPROVED, text=comment, to_step=step)
    audit_record(
        actor=actor,
        action="partnership.gate_approve",
        target=partnership,
        reason=comment,
        data={"step": step.key},
    )
    return approval
