"""The region pipeline: lanes per step, gates waiting, stale and paused partnerships, intake
counts, and who may see a region's pipeline.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    F,
    Prefetch,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from portal.accounts.permissions import is_portal_admin
from regions.models import Region

from ...models import (
    GateRole,
    Partnership,
    ProcessStep,
    ProcessTemplate,
    Proposal,
)
from ...permissions.base import coordinated_region_ids, sponsored_region_ids
from ...workflow import PartnershipStatus, ProposalStatus
from ._common import DEFAULT_FAMILY, OPEN_STATUSES, _annotated, _decorate, _with_parties

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
