"""Reads for the partnership pages, in a fixed number of queries however much has happened."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from ..models import (
    Agreement,
    ChecklistCheck,
    ChecklistItem,
    GateApproval,
    GateRole,
    ObstacleNote,
    Partnership,
    PartnershipDocument,
    PartnershipEvent,
    PartnershipMessage,
    PartnershipParty,
    PartyMember,
    ProcessStep,
)
from ..workflow import AgreementStatus

TIMELINE_LENGTH = 50


@dataclass
class StepRow:
    step: ProcessStep
    state: str  # "done", "current" or "upcoming"


@dataclass
class ChecklistRow:
    item: ChecklistItem
    check: ChecklistCheck | None


@dataclass
class PartnershipDetail:
    partnership: Partnership
    steps: list[StepRow]
    current_step: ProcessStep
    checklist: list[ChecklistRow]
    checks: dict[int, ChecklistCheck]
    approvals: dict[int, GateApproval]
    agreement_in_force: bool
    parties: list[PartnershipParty]
    documents: list[PartnershipDocument]
    events: list[PartnershipEvent]
    messages: list[PartnershipMessage]
    obstacle_notes: list[ObstacleNote]
    blockers: list[str] = field(default_factory=list)
    current_approval: GateApproval | None = None
    is_last_step: bool = False
    previous_step: ProcessStep | None = None
    next_step: ProcessStep | None = None


def _gate_met(step: ProcessStep, approvals: dict[int, GateApproval], in_force: bool) -> bool:
    if step.gate_role == GateRole.NONE:
        return True
    if step.gate_role == GateRole.PARTIES:
        return in_force
    return step.pk in approvals


def partnership_detail(*, partnership: Partnership) -> PartnershipDetail:
    """Everything the partnership page shows, in a fixed number of queries.

    Steps of its own template revision with their checklists, the ticks, the valid gate approvals,
    the parties with their named people, documents, the last 50 timeline events, messages and
    obstacle notes; and what still blocks the move to the next step (the same rule as
    `services.partnerships.advance_blockers`, computed from the rows already read).
    """
    from ..services.partnerships import gate_description

    steps = list(
        ProcessStep.objects.filter(template_id=partnership.template_id)
        .order_by("order")
        .prefetch_related(Prefetch("checklist", queryset=ChecklistItem.objects.order_by("order")))
    )
    checks = {
        c.item_id: c
        for c in ChecklistCheck.objects.filter(partnership=partnership).select_related("checked_by")
    }
    approvals = {
        a.step_id: a
        for a in GateApproval.objects.filter(
            partnership=partnership, voided_at__isnull=True
        ).select_related("approved_by")
    }
    in_force = Agreement.objects.filter(
        partnership=partnership, status=AgreementStatus.IN_FORCE
    ).exists()
    parties = list(
        PartnershipParty.objects.filter(partnership=partnership)
        .select_related("organisation", "region", "unit")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=PartyMember.objects.select_related("user").order_by("created_at"),
            )
        )
    )
    documents = list(
        PartnershipDocument.objects.filter(partnership=partnership).select_related(
            "step", "uploaded_by"
        )
    )
    events = list(
        PartnershipEvent.objects.filter(partnership=partnership).select_related(
            "actor", "from_step", "to_step"
        )[:TIMELINE_LENGTH]
    )
    messages = list(
        PartnershipMessage.objects.filter(partnership=partnership).select_related("author")
    )
    notes = list(
        ObstacleNote.objects.filter(partnership=partnership).select_related(
            "step", "author", "obstacle"
        )
    )

    current = next(s for s in steps if s.pk == partnership.current_step_id)
    rows = [
        StepRow(
            step=s,
            state="done"
            if s.order < current.order
            else ("current" if s.pk == current.pk else "upcoming"),
        )
        for s in steps
    ]
    checklist = [ChecklistRow(item=i, check=checks.get(i.pk)) for i in current.checklist.all()]
    blockers = [r.item.text for r in checklist if r.item.required and r.check is None]
    if not _gate_met(current, approvals, in_force):
        blockers.append(gate_description(current))
    before = [s for s in steps if s.order < current.order]
    after = [s for s in steps if s.order > current.order]
    return PartnershipDetail(
        partnership=partnership,
        steps=rows,
        current_step=current,
        checklist=checklist,
        checks=checks,
        approvals=approvals,
        agreement_in_force=in_force,
        parties=parties,
        documents=documents,
        events=events,
        messages=messages,
        obstacle_notes=notes,
        blockers=blockers,
        current_approval=approvals.get(current.pk),
        is_last_step=not after,
        previous_step=before[-1] if before else None,
        next_step=after[0] if after else None,
    )


def partnership_checklist(*, partnership: Partnership) -> tuple[ProcessStep, list[ChecklistRow]]:
    """The current step's checklist with the partnership's ticks (the htmx fragment)."""
    step = partnership.current_step
    items = list(step.checklist.order_by("order"))
    checks = {
        c.item_id: c
        for c in ChecklistCheck.objects.filter(
            partnership=partnership, item__step=step
        ).select_related("checked_by")
    }
    return step, [ChecklistRow(item=i, check=checks.get(i.pk)) for i in items]


def templates_for_list(*, queryset: Any) -> list[Any]:
    """Templates with their region, current revisions first within each family."""
    return list(queryset.select_related("region").order_by("region_id", "family", "-revision"))
