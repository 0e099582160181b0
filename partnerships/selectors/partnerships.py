"""Reads for the partnership pages, in a fixed number of queries however much has happened."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, F, IntegerField, Prefetch, TextField, Value
from django.db.models.functions import Cast

from portal.accounts.models import User

from ..models import (
    Agreement,
    ChecklistCheck,
    ChecklistItem,
    GateApproval,
    GateRole,
    ObstacleNote,
    Partnership,
    PartnershipDocument,
    PartnershipMessage,
    PartnershipParty,
    PartyMember,
    ProcessStep,
)
from ..workflow import AgreementStatus


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


# The rows of `_gate_state`'s one query: (kind, pk, item or step, when, note or comment, and the
# person: pk, name, email, anonymised).
_CHECK, _APPROVAL, _IN_FORCE = "check", "approval", "in_force"


def _person(pk: int | None, name: str | None, email: str | None, anonymised: Any) -> User | None:
    """The person of a tick or an approval, as far as the page names them (`User.__str__`)."""
    if pk is None:
        return None
    return User(pk=pk, name=name or "", email=email or "", anonymised_at=anonymised)


def _gate_state(
    partnership: Partnership,
) -> tuple[dict[int, ChecklistCheck], dict[int, GateApproval], bool]:
    """The partnership's ticks (by item), its valid gate approvals (by step) and whether its
    agreement is in force, in one query (a UNION of the three), with the names of the people
    who ticked and approved."""
    text: TextField[str, str] = TextField()

    def shape(qs: Any, kind: str, ref: str, user: str, at: str, note: Any) -> Any:
        # No ordering in a part of a UNION (SQLite refuses it; the models have a default one).
        return (
            qs.order_by()
            .annotate(
                row_kind=Value(kind, output_field=CharField()),
                row_ref=F(ref) if ref else Value(None, output_field=IntegerField()),
                row_at=F(at),
                row_text=Cast(note, text) if note else Value("", output_field=text),
                row_user=F(user) if user else Value(None, output_field=IntegerField()),
                row_name=F(f"{user}__name") if user else Value(None, output_field=text),
                row_email=F(f"{user}__email") if user else Value(None, output_field=text),
                row_anonymised=F(f"{user}__anonymised_at") if user else F(at),
            )
            .values_list(
                "row_kind",
                "pk",
                "row_ref",
                "row_at",
                "row_text",
                "row_user",
                "row_name",
                "row_email",
                "row_anonymised",
            )
        )

    rows = shape(
        ChecklistCheck.objects.filter(partnership=partnership),
        _CHECK,
        "item_id",
        "checked_by",
        "checked_at",
        F("note"),
    ).union(
        shape(
            GateApproval.objects.filter(partnership=partnership, voided_at__isnull=True),
            _APPROVAL,
            "step_id",
            "approved_by",
            "approved_at",
            F("comment"),
        ),
        shape(
            Agreement.objects.filter(partnership=partnership, status=AgreementStatus.IN_FORCE),
            _IN_FORCE,
            "",
            "",
            "in_force_at",
            None,
        ),
        all=True,
    )
    checks: dict[int, ChecklistCheck] = {}
    approvals: dict[int, GateApproval] = {}
    in_force = False
    for kind, pk, ref, at, note, user_pk, name, email, anonymised in rows:
        person = _person(user_pk, name, email, anonymised)
        if kind == _CHECK:
            checks[ref] = ChecklistCheck(
                pk=pk,
                partnership=partnership,
                item_id=ref,
                checked_at=at,
                note=note,
                checked_by=person,
            )
        elif kind == _APPROVAL:
            approvals[ref] = GateApproval(
                pk=pk,
                partnership=partnership,
                step_id=ref,
                approved_at=at,
                comment=note,
                approved_by=person,
            )
        else:
            in_force = True
    return checks, approvals, in_force


def partnership_detail(*, partnership: Partnership, messages: bool = True) -> PartnershipDetail:
    """Everything the partnership page shows, in a fixed number of queries (seven).

    Steps of its own template revision with their checklists; the ticks, the valid gate
    approvals and whether the agreement is in force (one query, `_gate_state`); the parties with
    their named people, documents, messages (`messages=False`: not read, for the guidance
    report, which never prints them) and obstacle notes; and what still blocks the move to the
    next step (the same rule as `services.partnerships.advance_blockers`, computed from the rows
    already read). The timeline has its own page (`partnership_timeline`).
    """
    from ..services.partnerships import gate_description

    steps = list(
        ProcessStep.objects.filter(template_id=partnership.template_id)
        .order_by("order")
        .prefetch_related(Prefetch("checklist", queryset=ChecklistItem.objects.order_by("order")))
    )
    checks, approvals, in_force = _gate_state(partnership)
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
    message_rows = (
        list(PartnershipMessage.objects.filter(partnership=partnership).select_related("author"))
        if messages
        else []
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
        messages=message_rows,
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
