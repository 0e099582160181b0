"""The Co-sharing entry page: each company's proposals and partnerships with what waits for it,
open calls, the sponsor's waiting gates and the regions a sponsor or coordinator sees.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.accounts.models import Membership
from portal.accounts.permissions import is_portal_admin
from portal.accounts.selectors import user_memberships
from regions.models import Region

from ...models import (
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
    Proposal,
)
from ...permissions.base import coordinated_region_ids, sponsored_region_ids
from ...workflow import AgreementStatus, PartnershipStatus, ProposalStatus
from ._common import OPEN_STATUSES, PERSON_GATES, _annotated, _decorate, _with_parties

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
