"""Reads for the Co-sharing entry page, the region pipeline and its CSV export.

Every read here runs a fixed number of queries however many rows there are: the facts a page
needs per partnership (is the gate waiting, are required checklist items open, is the agreement
waiting for a party) are computed in SQL as annotations, and rows are grouped in Python.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
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
from django.http import Http404
from django.utils import timezone

from portal.accounts.models import Membership
from portal.accounts.permissions import is_portal_admin
from portal.accounts.selectors import user_memberships
from regions.models import Region

from ..models import (
    AgreementAcceptance,
    AgreementVersion,
    Call,
    ChecklistCheck,
    ChecklistItem,
    GateApproval,
    GateRole,
    Partnership,
    PartnershipParty,
    PartyKind,
    ProcessStep,
    ProcessTemplate,
    Proposal,
)
from ..permissions.base import coordinated_region_ids, sponsored_region_ids
from ..workflow import AgreementStatus, PartnershipStatus, ProposalStatus

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


# --- Pipeline lanes ----------------------------------------------------------------------------


def default_template() -> ProcessTemplate | None:
    """The current national default template (family "co-sharing"), with its steps."""
    return (
        ProcessTemplate.objects.filter(family=DEFAULT_FAMILY, region__isnull=True, is_current=True)
        .prefetch_related(Prefetch("steps", queryset=ProcessStep.objects.order_by("order")))
        .first()
    )


@dataclass
class Lane:
    """One step of the pipeline and the open partnerships currently in it."""

    key: str
    name: str
    order: int
    gate_role: str = GateRole.NONE
    partnerships: list[Partnership] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.partnerships)


def build_lanes(
    partnerships: Iterable[Partnership], template: ProcessTemplate | None
) -> list[Lane]:
    """One lane per step of the default template, in order; partnerships sorted into lanes by the
    step key (stable across template revisions and regional variants). Steps a variant added
    that the default does not have get a lane of their own after the default's."""
    lanes: dict[str, Lane] = {}
    if template is not None:
        for step in template.steps.all():
            lanes[step.key] = Lane(
                key=step.key, name=step.name, order=step.order, gate_role=step.gate_role
            )
    extra_order = 1000
    for partnership in partnerships:
        step = partnership.current_step
        lane = lanes.get(step.key)
        if lane is None:
            extra_order += 1
            lane = lanes[step.key] = Lane(
                key=step.key,
                name=step.name,
                order=step.order if template is None else extra_order,
                gate_role=step.gate_role,
            )
        lane.partnerships.append(partnership)
    return sorted(lanes.values(), key=lambda lane: (lane.order, lane.key))


@dataclass
class RegionPipeline:
    region: Region
    lanes: list[Lane]
    open: list[Partnership]
    closed: list[Partnership]
    gates_waiting: list[Partnership]
    stale: list[Partnership]
    paused: list[Partnership]
    intake: list[tuple[str, str, int]] = field(default_factory=list)  # (status, label, count)

    @property
    def open_count(self) -> int:
        return len(self.open)


def region_partnerships(*, region_ids: Iterable[int]) -> QuerySet[Partnership]:
    """Every partnership of the regions, with the dashboard annotations and parties."""
    qs = Partnership.objects.filter(region_id__in=list(region_ids))
    return _with_parties(_annotated(qs)).order_by("-last_activity_at", "-id")


def _intake_counts(region_ids: list[int]) -> dict[int, dict[str, int]]:
    """Submitted proposals per region and status: to the region's one way in, or to a call the
    region is behind (a proposal counts once per region). Two aggregate queries."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    submitted = Proposal.objects.filter(submitted_at__isnull=False).order_by()
    for row in (
        submitted.filter(region_id__in=region_ids)
        .values("region_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts[row["region_id"]][row["status"]] += row["n"]
    for row in (
        submitted.filter(call__regions__in=region_ids)
        .exclude(region_id=F("call__regions"))
        .values("call__regions", "status")
        .annotate(n=Count("pk", distinct=True))
    ):
        counts[row["call__regions"]][row["status"]] += row["n"]
    return counts


INTAKE_STATUSES = (
    ProposalStatus.SUBMITTED,
    ProposalStatus.CHANGES_REQUESTED,
    ProposalStatus.ACCEPTED,
    ProposalStatus.DECLINED,
    ProposalStatus.WITHDRAWN,
)


def region_pipelines(
    *, regions: list[Region], with_intake: bool = True, now: dt.datetime | None = None
) -> list[RegionPipeline]:
    """The pipeline of each region: lanes per step, gates waiting, stale and paused ones, and
    the intake counts. Fixed number of queries for any number of regions and rows."""
    now = now or timezone.now()
    if not regions:
        return []
    template = default_template()
    by_region: dict[int, list[Partnership]] = defaultdict(list)
    for partnership in region_partnerships(region_ids=[r.pk for r in regions]):
        by_region[partnership.region_id].append(_decorate(partnership, now))
    intake = _intake_counts([r.pk for r in regions]) if with_intake else {}
    result = []
    for region in regions:
        rows = by_region.get(region.pk, [])
        open_rows = [p for p in rows if p.status in OPEN_STATUSES]
        counts = intake.get(region.pk, {})
        result.append(
            RegionPipeline(
                region=region,
                lanes=build_lanes(open_rows, template),
                open=open_rows,
                closed=[p for p in rows if p.status not in OPEN_STATUSES],
                gates_waiting=[p for p in open_rows if getattr(p, "gate_waiting", False)],
                stale=[p for p in open_rows if getattr(p, "stale", False)],
                paused=[p for p in open_rows if p.status == PartnershipStatus.PAUSED],
                intake=[
                    (str(s), str(ProposalStatus(s).label), counts.get(str(s), 0))
                    for s in INTAKE_STATUSES
                ],
            )
        )
    return result


# --- Who sees which region -----------------------------------------------------------------------


def can_view_region_pipeline(user: Any, region: Region) -> bool:
    """The region's coordinators and management sponsors, and portal admins."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_portal_admin(user):
        return True
    return region.pk in coordinated_region_ids(user) | sponsored_region_ids(user)


def get_pipeline_region_for_user_or_404(user: Any, slug: str) -> Region:
    """The region whose pipeline the user may see; 404 for missing and forbidden alike."""
    region = Region.objects.filter(slug=slug).first()
    if region is None or not can_view_region_pipeline(user, region):
        raise Http404
    return region


# --- The entry page ------------------------------------------------------------------------------


@dataclass
class CompanyPartnership:
    """A partnership as one party organisation sees it, with what waits for that party."""

    partnership: Partnership
    party: PartnershipParty
    agreement_waiting: bool
    open_required: int
    gate_waiting: bool

    @property
    def waiting_for_us(self) -> bool:
        return self.agreement_waiting or (
            self.partnership.status == PartnershipStatus.ACTIVE and self.open_required > 0
        )


@dataclass
class CompanyDashboard:
    organisation: Any
    drafts: list[Proposal] = field(default_factory=list)
    submitted: list[Proposal] = field(default_factory=list)
    partnerships: list[CompanyPartnership] = field(default_factory=list)

    @property
    def waiting_count(self) -> int:
        waiting = sum(1 for p in self.submitted if p.status == ProposalStatus.CHANGES_REQUESTED)
        return waiting + sum(1 for p in self.partnerships if p.waiting_for_us)


def _company_parties(organisation_ids: list[int]) -> QuerySet[PartnershipParty]:
    """The organisations' parties in partnerships, each annotated with what waits for it.

    The agreement waits for a party while it is being drafted and the party has not accepted its
    latest version (a voided acceptance does not count).
    """
    latest = AgreementVersion.objects.filter(
        agreement__partnership_id=OuterRef("partnership_id")
    ).order_by("-number")
    accepted = AgreementAcceptance.objects.filter(
        party_id=OuterRef("pk"), version_id=OuterRef("latest_version"), voided_at__isnull=True
    )
    ticked = ChecklistCheck.objects.filter(
        partnership_id=OuterRef(OuterRef("partnership_id")), item_id=OuterRef("pk")
    )
    open_items = (
        ChecklistItem.objects.filter(
            step_id=OuterRef("partnership__current_step_id"), required=True
        )
        .exclude(Exists(ticked))
        .order_by()
        .values("step_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    approved = GateApproval.objects.filter(
        partnership_id=OuterRef("partnership_id"),
        step_id=OuterRef("partnership__current_step_id"),
        voided_at__isnull=True,
    )
    return (
        PartnershipParty.objects.filter(organisation_id__in=organisation_ids)
        .exclude(kind=PartyKind.REGION)
        .select_related("partnership__region", "partnership__current_step", "organisation")
        .annotate(
            agreement_status=F("partnership__agreement__status"),
            latest_version=Subquery(latest.values("pk")[:1]),
            accepted_latest=Exists(accepted),
            open_required=Coalesce(Subquery(open_items, output_field=IntegerField()), Value(0)),
            gate_approved=Exists(approved),
        )
        .order_by("-partnership__last_activity_at", "-partnership_id")
    )


def company_dashboards(*, user: Any) -> list[CompanyDashboard]:
    """For each organisation the user belongs to: its drafts, its submitted proposals (changes
    requested first: they wait for the company), and its partnerships with what waits for it.
    Only the user's own organisations' rows are read. Three queries whatever the number of
    organisations and rows (memberships are cached on the user)."""
    memberships: list[Membership] = user_memberships(user)
    if not memberships:
        return []
    boards = {m.organisation_id: CompanyDashboard(organisation=m.organisation) for m in memberships}
    ids = list(boards)
    proposals = (
        Proposal.objects.filter(organisation_id__in=ids)
        .select_related("region", "call")
        .order_by("-updated_at", "-id")
    )
    for proposal in proposals:
        board = boards[proposal.organisation_id]
        if proposal.status == ProposalStatus.DRAFT:
            board.drafts.append(proposal)
        else:
            board.submitted.append(proposal)
    for board in boards.values():
        board.submitted.sort(key=lambda p: p.status != ProposalStatus.CHANGES_REQUESTED)
    for party in _company_parties(ids):
        row: Any = party
        partnership = party.partnership
        agreement_waiting = bool(
            row.agreement_status == AgreementStatus.DRAFT
            and row.latest_version is not None
            and not row.accepted_latest
            and partnership.status in OPEN_STATUSES
        )
        gate_waiting = (
            partnership.status == PartnershipStatus.ACTIVE
            and partnership.current_step.gate_role in PERSON_GATES
            and not row.open_required
            and not row.gate_approved
        )
        boards[row.organisation_id].partnerships.append(
            CompanyPartnership(
                partnership=partnership,
                party=party,
                agreement_waiting=agreement_waiting,
                open_required=row.open_required,
                gate_waiting=gate_waiting,
            )
        )
    return list(boards.values())


def open_calls(*, limit: int = 10, now: dt.datetime | None = None) -> list[Call]:
    """Published calls open for proposals now, closing soonest first."""
    now = now or timezone.now()
    return list(
        Call.objects.filter(published=True, opens_at__lte=now, closes_at__gt=now)
        .select_related("lead_region")
        .order_by("closes_at", "id")[:limit]
    )


def sponsor_gates_waiting(*, user: Any, now: dt.datetime | None = None) -> list[Partnership]:
    """Active partnerships in the user's sponsored regions whose sponsor gate waits for approval."""
    region_ids = sponsored_region_ids(user)
    if not region_ids:
        return []
    now = now or timezone.now()
    qs = Partnership.objects.filter(
        region_id__in=region_ids,
        status=PartnershipStatus.ACTIVE,
        current_step__gate_role=GateRole.SPONSOR,
    )
    rows = [_decorate(p, now) for p in _with_parties(_annotated(qs)).order_by("last_activity_at")]
    return [p for p in rows if getattr(p, "gate_waiting", False)]


def sponsor_regions(*, user: Any) -> list[Region]:
    """The regions the user is a management sponsor for (their pipelines are open to them)."""
    ids = sponsored_region_ids(user)
    return list(Region.objects.filter(pk__in=ids).order_by("name_sv")) if ids else []


def coordinator_regions(*, user: Any, picked: str = "") -> tuple[list[Region], list[Region]]:
    """(regions whose pipeline the entry page shows, regions an admin may pick from).

    Coordinators get every region they coordinate; a portal admin picks one with `?region=`.
    """
    if is_portal_admin(user):
        choices = list(Region.objects.order_by("name_sv"))
        chosen = [r for r in choices if r.slug == picked]
        return chosen, choices
    ids = coordinated_region_ids(user)
    if not ids:
        return [], []
    return list(Region.objects.filter(pk__in=ids).order_by("name_sv")), []


__all__ = [
    "STALE_AFTER",
    "CompanyDashboard",
    "CompanyPartnership",
    "Lane",
    "RegionPipeline",
    "build_lanes",
    "can_view_region_pipeline",
    "company_dashboards",
    "coordinator_regions",
    "default_template",
    "get_pipeline_region_for_user_or_404",
    "is_gate_waiting",
    "is_stale",
    "open_calls",
    "region_partnerships",
    "region_pipelines",
    "sponsor_gates_waiting",
    "sponsor_regions",
]
