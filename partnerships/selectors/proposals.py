"""Reads for calls, proposals, the intake queue, reviews and the ranking of a scored call."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.accounts.permissions import is_portal_admin
from regions.models import Region

from ..models import (
    Call,
    CallCriterion,
    CriterionScore,
    Proposal,
    ProposalAttachment,
    ReviewAssignment,
)
from ..permissions.base import (
    coordinated_region_ids,
    member_organisation_ids,
    submitted_to_regions,
)
from ..workflow import ProposalStatus

# --- Calls --------------------------------------------------------------------------------------


def call_list_public(*, now: dt.datetime | None = None) -> QuerySet[Call]:
    """Published calls: open ones first (closing soonest first), then upcoming, then closed."""
    now = now or timezone.now()
    return (
        Call.objects.filter(published=True)
        .select_related("lead_region")
        .annotate(
            is_open_now=Case(
                When(opens_at__lte=now, closes_at__gt=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_upcoming=Case(
                When(opens_at__gt=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-is_open_now", "-is_upcoming", "closes_at", "id")
    )


def calls_managed_by(*, user: Any) -> QuerySet[Call]:
    """Calls the user may edit (their regions lead them), published or not, newest first."""
    qs = Call.objects.select_related("lead_region")
    if not is_portal_admin(user):
        qs = qs.filter(lead_region_id__in=coordinated_region_ids(user))
    return qs.order_by("-opens_at", "-id")


def call_criteria(*, call: Call) -> list[CallCriterion]:
    return list(call.criteria.order_by("order", "id"))


def call_regions(*, call: Call) -> list[Any]:
    return list(call.regions.order_by("code"))


# --- Proposals ------------------------------------------------------------------------------


def proposal_attachments(*, proposal: Proposal) -> QuerySet[Any]:
    return proposal.attachments.order_by("created_at", "id")


def proposals_of_user_organisations(*, user: Any) -> QuerySet[Proposal]:
    """The proposals of the user's organisations, drafts included, latest first."""
    return (
        Proposal.objects.filter(organisation_id__in=member_organisation_ids(user))
        .select_related("organisation", "region", "call")
        .order_by("-updated_at", "-id")
    )


@dataclass
class IntakeFilters:
    status: str = ""
    call: int | None = None
    kind: str = ""
    trl_min: int | None = None
    trl_max: int | None = None
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    region: str = ""  # a region's slug


def intake_list(*, user: Any, filters: IntakeFilters) -> QuerySet[Proposal]:
    """Submitted proposals to the user's regions (or to calls they are behind), newest first.

    Portal admins see every region's intake. Drafts never appear: they were not sent.
    """
    qs = Proposal.objects.filter(submitted_at__isnull=False)
    if not is_portal_admin(user):
        qs = qs.filter(submitted_to_regions(coordinated_region_ids(user)))
    if filters.region:
        qs = qs.filter(
            submitted_to_regions(Region.objects.filter(slug=filters.region).values("pk"))
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.call:
        qs = qs.filter(call_id=filters.call)
    if filters.kind:
        qs = qs.filter(collaboration_kind=filters.kind)
    if filters.trl_min is not None:
        qs = qs.filter(trl__gte=filters.trl_min)
    if filters.trl_max is not None:
        qs = qs.filter(trl__lte=filters.trl_max)
    tz = timezone.get_current_timezone()
    if filters.submitted_from:
        start = dt.datetime.combine(filters.submitted_from, dt.time.min, tzinfo=tz)
        qs = qs.filter(submitted_at__gte=start)
    if filters.submitted_to:
        end = dt.datetime.combine(
            filters.submitted_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz
        )
        qs = qs.filter(submitted_at__lt=end)
    # The attachments are counted in a subquery: a join and GROUP BY over every column of the
    # page's rows would also be what the page's COUNT(*) runs.
    attachments = (
        ProposalAttachment.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.select_related("organisation", "region", "call")
        .annotate(attachment_count=Coalesce(Subquery(attachments), 0))
        .order_by("-submitted_at", "-id")
    )


def intake_regions(*, user: Any) -> QuerySet[Region]:
    """The regions the intake filter offers: those the user coordinates (admins: all)."""
    if is_portal_admin(user):
        return Region.objects.order_by("-participating", "code")
    return Region.objects.filter(pk__in=coordinated_region_ids(user)).order_by("code")


def intake_calls(*, user: Any) -> QuerySet[Call]:
    """The calls the intake filter offers: those behind the user's regions."""
    qs = Call.objects.all()
    if not is_portal_admin(user):
        qs = qs.filter(regions__in=coordinated_region_ids(user)).distinct()
    return qs.order_by("-opens_at", "-id")


# --- Reviews ----------------------------------------------------------------------------------


def review_list_for_reviewer(*, user: Any) -> QuerySet[ReviewAssignment]:
    """The user's review assignments, open ones first."""
    return (
        ReviewAssignment.objects.filter(reviewer=user)
        .exclude(proposal__status=ProposalStatus.WITHDRAWN)
        .select_related("proposal", "proposal__organisation", "proposal__call")
        .order_by(Case(When(submitted_at__isnull=True, then=Value(0)), default=Value(1)), "-id")
    )


def review_scores(*, review: ReviewAssignment) -> dict[int, CriterionScore]:
    return {s.criterion_id: s for s in review.scores.all()}


def proposal_reviews(*, proposal: Proposal) -> list[ReviewAssignment]:
    """A proposal's reviews with their scores (coordinators; reviewers after submitting)."""
    return list(
        proposal.reviews.select_related("reviewer").prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion"))
        )
    )


@dataclass
class RankedProposal:
    proposal: Proposal
    score: float | None
    criterion_averages: dict[int, float] = field(default_factory=dict)
    reviews: list[ReviewAssignment] = field(default_factory=list)
    submitted_reviews: int = 0
    # The averages in the order of the call's criteria (None where nobody scored it yet).
    averages: list[float | None] = field(default_factory=list)


def weighted_score(criteria: list[CallCriterion], averages: dict[int, float]) -> float | None:
    """sum(weight × average score) / sum(weight), over the criteria that have a score."""
    scored = [c for c in criteria if c.pk in averages]
    total_weight = sum(c.weight for c in scored)
    if not total_weight:
        return None
    return sum(c.weight * averages[c.pk] for c in scored) / total_weight


def call_ranking(*, call: Call) -> tuple[list[CallCriterion], list[RankedProposal]]:
    """The call's sent proposals ranked by weighted average score; unscored ones last.

    Only submitted reviews count. Four queries, however many proposals and reviews.
    """
    criteria = call_criteria(call=call)
    proposals = (
        Proposal.objects.filter(call=call, submitted_at__isnull=False)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=ReviewAssignment.objects.select_related("reviewer").prefetch_related(
                    Prefetch(
                        "scores",
                        queryset=CriterionScore.objects.select_related("criterion").order_by(
                            "criterion__order", "criterion_id"
                        ),
                    )
                ),
            )
        )
    )
    rows = []
    for proposal in proposals:
        per_criterion: dict[int, list[int]] = {}
        reviews = list(proposal.reviews.all())
        submitted = [r for r in reviews if r.submitted_at is not None]
        for review in submitted:
            for score in review.scores.all():
                per_criterion.setdefault(score.criterion_id, []).append(score.score)
        averages = {pk: sum(v) / len(v) for pk, v in per_criterion.items()}
        rows.append(
            RankedProposal(
                proposal=proposal,
                score=weighted_score(criteria, averages),
                criterion_averages=averages,
                reviews=reviews,
                submitted_reviews=len(submitted),
                averages=[averages.get(c.pk) for c in criteria],
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.proposal.pk))
    return criteria, rows
