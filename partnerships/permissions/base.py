"""The tenancy rules every Co-sharing page, fragment and download goes through."""

from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404

from portal.accounts.permissions import is_portal_admin
from portal.accounts.selectors import REGION_CODENAMES, user_memberships, user_role_names
from portal.core.security import access_refused
from portal.core.sql import in_subquery
from regions.models import RegionUserObjectPermission

from ..models import (
    GateRole,
    Partnership,
    PartnershipUserObjectPermission,
    ProcessStep,
    Proposal,
    ReviewAssignment,
)
from ..workflow import PROPOSAL_EDITABLE, ProposalStatus

WORK_PERM = "work_on_partnership"


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def _region_ids_with(user: Any, codename: str) -> frozenset[int]:
    """Regions where the user holds a guardian permission, read once per request (the
    coordinator and the sponsor permissions with the user's roles, in their one query)."""
    if not _signed_in(user):
        return frozenset()
    if codename in REGION_CODENAMES:
        user_role_names(user)  # read with the roles, in the same query (once per request)
    cache = user.__dict__.setdefault("_portal_region_perms", {})
    if codename not in cache:
        wanted = REGION_CODENAMES if codename in REGION_CODENAMES else (codename,)
        found: dict[str, set[int]] = {name: set() for name in wanted}
        for region_id, name in RegionUserObjectPermission.objects.filter(
            user=user, permission__codename__in=wanted
        ).values_list("content_object_id", "permission__codename"):
            found[name].add(region_id)
        cache.update({name: frozenset(ids) for name, ids in found.items()})
    return cache[codename]


def coordinated_region_ids(user: Any) -> frozenset[int]:
    """The regions the user coordinates (guardian `regions.coordinate_region`)."""
    return _region_ids_with(user, "coordinate_region")


def sponsored_region_ids(user: Any) -> frozenset[int]:
    """The regions whose management the user sponsors for (guardian `regions.sponsor_region`)."""
    return _region_ids_with(user, "sponsor_region")


def member_organisation_ids(user: Any) -> frozenset[int]:
    return frozenset(m.organisation_id for m in user_memberships(user))


# --- Proposals -------------------------------------------------------------------------


def submitted_to_regions(regions: Any) -> Q:
    """Proposals to one of `regions` (ids), or to a call one of them is behind.

    The call's regions are a subquery, not a join: the two halves are then each an index scan
    (region, and call) that PostgreSQL ORs together, where the join (or an IN subquery) made it
    read every proposal."""
    from ..models import Call

    calls = Call.regions.through.objects.filter(region_id__in=regions).values("call_id")
    return Q(region_id__in=regions) | in_subquery("call_id", calls)


def proposals_visible_to(user: Any) -> QuerySet[Proposal]:
    """Proposals the user may open.

    Members see their organisation's proposals in every state, drafts included. Coordinators see
    what was submitted to their region or to a call their region is behind (never a draft that
    was not submitted). Reviewers see the proposals they are assigned. Portal admins see all.
    """
    qs = Proposal.objects.all()
    if not _signed_in(user):
        return qs.none()
    if is_portal_admin(user):
        return qs
    rule = Q(organisation_id__in=member_organisation_ids(user))
    regions = coordinated_region_ids(user)
    if regions:
        rule |= submitted_to_regions(regions) & Q(submitted_at__isnull=False)
    # A reviewer loses sight of a proposal its company withdrew.
    rule |= Q(
        Exists(ReviewAssignment.objects.filter(proposal=OuterRef("pk"), reviewer=user)),
        ~Q(status=ProposalStatus.WITHDRAWN),
        submitted_at__isnull=False,
    )
    # A call behind several regions joins through call.regions: keep each proposal once.
    return qs.filter(pk__in=Proposal.objects.filter(rule).values("pk"))


def get_proposal_for_user_or_404(user: Any, pk: Any) -> Proposal:
    """The proposal if the user may see it; 404 for missing and forbidden alike."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    proposal = (
        proposals_visible_to(user)
        .select_related("organisation", "region", "call", "created_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        access_refused("proposal", pk, user=user, exists=Proposal.objects.filter(pk=pk).exists)
        raise Http404
    return proposal


def can_edit_proposal(user: Any, proposal: Proposal) -> bool:
    """Members of the proposing organisation edit it while it is a draft or changes are asked."""
    if proposal.status not in PROPOSAL_EDITABLE or not _signed_in(user):
        return False
    return proposal.organisation_id in member_organisation_ids(user)


def coordinates_proposal(user: Any, proposal: Proposal) -> bool:
    """A coordinator of the target region or of a region behind the call (or a portal admin)."""
    if is_portal_admin(user):
        return True
    regions = coordinated_region_ids(user)
    if proposal.region_id in regions:
        return True
    if proposal.call is None or not regions:
        return False
    return proposal.call.regions.filter(pk__in=regions).exists()


def can_see_proposal_contact(user: Any, proposal: Proposal) -> bool:
    """The contact person's name, email and phone: the proposing organisation's members and the
    coordinators who handle the proposal (portal admins too). Reviewers of a scored call judge
    the proposal, not the people, and never need them (privacy: only those who need it)."""
    if not _signed_in(user):
        return False
    if proposal.organisation_id in member_organisation_ids(user):
        return True
    return coordinates_proposal(user, proposal)


def can_triage_proposal(user: Any, proposal: Proposal) -> bool:
    """The target region's coordinators (and portal admins) decide on a submitted proposal."""
    if proposal.status != ProposalStatus.SUBMITTED or not _signed_in(user):
        return False
    return coordinates_proposal(user, proposal)


# --- Partnerships -------------------------------------------------------------------------


def partnerships_visible_to(user: Any) -> QuerySet[Partnership]:
    """Partnerships the user may open: their organisation is a party, they coordinate or sponsor
    for its region, they were named in it (guardian grant), or they are a portal admin."""
    qs = Partnership.objects.all()
    if not _signed_in(user):
        return qs.none()
    if is_portal_admin(user):
        return qs
    rule = Q(region_id__in=coordinated_region_ids(user) | sponsored_region_ids(user))
    orgs = member_organisation_ids(user)
    if orgs:
        rule |= Q(parties__organisation_id__in=orgs)
    rule |= Q(
        Exists(
            PartnershipUserObjectPermission.objects.filter(
                content_object=OuterRef("pk"), user=user, permission__codename=WORK_PERM
            )
        )
    )
    return qs.filter(pk__in=Partnership.objects.filter(rule).values("pk"))


def get_partnership_for_user_or_404(user: Any, pk: Any) -> Partnership:
    """The partnership if the user may see it; 404 for missing and forbidden alike."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    visible = partnerships_visible_to(user).select_related(
        "region", "current_step", "template", "proposal"
    )
    if _signed_in(user):
        # Whether they may work on it comes with it (every partnership page asks).
        visible = visible.annotate(
            portal_can_work=ExpressionWrapper(_works_on(user), output_field=BooleanField())
        )
    partnership = visible.filter(pk=pk).first()
    if partnership is None:
        access_refused(
            "partnership", pk, user=user, exists=Partnership.objects.filter(pk=pk).exists
        )
        raise Http404
    if _signed_in(user):
        user.__dict__.setdefault("_portal_can_work", {})[partnership.pk] = bool(
            getattr(partnership, "portal_can_work", False)
        )
    return partnership


def can_view_partnership(user: Any, partnership: Partnership) -> bool:
    return partnerships_visible_to(user).filter(pk=partnership.pk).exists()


def can_coordinate_partnership(user: Any, partnership: Partnership) -> bool:
    """The region's coordinators (and portal admins) move the partnership and manage parties."""
    if not _signed_in(user):
        return False
    return is_portal_admin(user) or partnership.region_id in coordinated_region_ids(user)


def can_work_on_partnership(user: Any, partnership: Partnership) -> bool:
    """Coordinators, members of a party organisation and named people tick checklists, add
    documents, post messages and edit the agreement. Sponsors only look and approve."""
    if not _signed_in(user):
        return False
    if can_coordinate_partnership(user, partnership):
        return True
    # Read once per request and partnership: a page asks several times (its forms, its
    # lessons, its report panel), and the answer is one query (party member or named person).
    cache = user.__dict__.setdefault("_portal_can_work", {})
    if partnership.pk not in cache:
        cache[partnership.pk] = Partnership.objects.filter(
            _works_on(user), pk=partnership.pk
        ).exists()
    return bool(cache[partnership.pk])


def _works_on(user: Any) -> Q:
    """The partnership (the outer query's row) names the user (guardian grant) or one of their
    organisations is a party: the "member of a party or named person" half of
    `can_work_on_partnership`, as an expression (a filter, or an annotation on a fetch)."""
    from ..models import PartnershipParty

    rule = Q(
        Exists(
            PartnershipUserObjectPermission.objects.filter(
                content_object=OuterRef("pk"), user=user, permission__codename=WORK_PERM
            )
        )
    )
    orgs = member_organisation_ids(user)
    if orgs:
        rule |= Q(
            Exists(
                PartnershipParty.objects.filter(
                    partnership=OuterRef("pk"), organisation_id__in=orgs
                )
            )
        )
    return rule


def can_approve_gate(user: Any, partnership: Partnership, step: ProcessStep) -> bool:
    """The step's gate role approves it: a coordinator, or the region's management sponsor.

    A gate of kind `parties` is met by the agreement coming into force, not by a person.
    Portal admins may approve a coordinator gate but not stand in for management.
    """
    if not _signed_in(user):
        return False
    if step.gate_role == GateRole.COORDINATOR:
        return can_coordinate_partnership(user, partnership)
    if step.gate_role == GateRole.SPONSOR:
        return partnership.region_id in sponsored_region_ids(user)
    return False
