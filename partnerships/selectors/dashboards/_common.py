"""What every dashboard read shares: the constants, the SQL annotations of a partnership's facts
(open required items, gate approved, agreement status) and the per-row facts computed from them.
"""

import datetime as dt
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ...models import (
    ChecklistCheck,
    ChecklistItem,
    GateApproval,
    GateRole,
    Partnership,
    PartnershipParty,
    PartyKind,
)
from ...workflow import PartnershipStatus

DEFAULT_FAMILY = "co-sharing"
STALE_AFTER = dt.timedelta(days=30)
# Gates a person approves; a `parties` gate is met by the agreement coming into force.
PERSON_GATES = (GateRole.COORDINATOR, GateRole.SPONSOR)
OPEN_STATUSES = (PartnershipStatus.ACTIVE, PartnershipStatus.PAUSED)


# --- Annotations shared by every partnership read ------------------------------------------------


def _open_required_items() -> Subquery:
    """How many required checklist items of the partnership's current step are not ticked."""
    ticked = ChecklistCheck.objects.filter(
        partnership_id=OuterRef(OuterRef("pk")), item_id=OuterRef("pk")
    )
    open_items = (
        ChecklistItem.objects.filter(step_id=OuterRef("current_step_id"), required=True)
        .exclude(Exists(ticked))
        .order_by()
        .values("step_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(open_items, output_field=IntegerField())


def _annotated(qs: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Partnerships with what the dashboards show about each, in the same query.

    `open_required` (required checklist items of the current step not ticked), `gate_approved`
    (a valid approval of the current step's gate exists) and `agreement_status` (None without an
    agreement). `gate_waiting` is derived in Python by `is_gate_waiting`.
    """
    approved = GateApproval.objects.filter(
        partnership_id=OuterRef("pk"), step_id=OuterRef("current_step_id"), voided_at__isnull=True
    )
    return qs.select_related("region", "current_step").annotate(
        open_required=Coalesce(_open_required_items(), Value(0)),
        gate_approved=Exists(approved),
        agreement_status=F("agreement__status"),
    )


def _with_parties(qs: QuerySet[Partnership]) -> QuerySet[Partnership]:
    parties = PartnershipParty.objects.select_related("organisation", "unit").order_by("kind", "id")
    return qs.prefetch_related(Prefetch("parties", queryset=parties))


def is_gate_waiting(partnership: Partnership) -> bool:
    """The gate of the current step waits for a person: the partnership is active, the step has a
    coordinator or sponsor gate, every required checklist item is ticked and nobody approved yet.
    Needs a partnership read through `_annotated`."""
    return (
        partnership.status == PartnershipStatus.ACTIVE
        and partnership.current_step.gate_role in PERSON_GATES
        and not getattr(partnership, "open_required", 0)
        and not getattr(partnership, "gate_approved", False)
    )


def is_stale(partnership: Partnership, *, now: dt.datetime | None = None) -> bool:
    """An active partnership where nothing happened for more than 30 days."""
    now = now or timezone.now()
    return (
        partnership.status == PartnershipStatus.ACTIVE
        and partnership.last_activity_at < now - STALE_AFTER
    )


def companies_of(partnership: Partnership) -> list[str]:
    """Names of the company parties (needs `parties` prefetched)."""
    return [
        p.organisation.name
        for p in partnership.parties.all()
        if p.kind == PartyKind.COMPANY and p.organisation is not None
    ]


def unit_of(partnership: Partnership) -> str:
    """The region party's innovation unit, if one is named (needs `parties` prefetched)."""
    for party in partnership.parties.all():
        if party.kind == PartyKind.REGION and party.unit is not None:
            return str(party.unit.name)
    return ""


def _decorate(partnership: Partnership, now: dt.datetime) -> Partnership:
    """Facts the templates read, set once so templates stay free of logic."""
    p: Any = partnership
    p.gate_waiting = is_gate_waiting(partnership)
    p.stale = is_stale(partnership, now=now)
    p.days_since_activity = max((now - partnership.last_activity_at).days, 0)
    p.company_names = companies_of(partnership)
    return partnership
