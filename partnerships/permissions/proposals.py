"""Who may do what with calls, proposals, attachments and reviews. Predicates never write.

State first, then role: a predicate answers False for a move the workflow does not allow from the
proposal's status, whoever asks. Fetchers answer 404 for missing and forbidden objects alike.
"""

from typing import Any

from django.http import Http404

from portal.accounts.models import OrganisationKind
from portal.accounts.permissions import is_portal_admin
from portal.accounts.selectors import user_memberships

from ..models import Call, Proposal, ProposalAttachment, ReviewAssignment
from ..workflow import PROPOSAL_EDITABLE, ProposalAction, ProposalStatus, proposal_next_status
from .base import (
    _signed_in,
    can_edit_proposal,
    can_triage_proposal,
    coordinated_region_ids,
    coordinates_proposal,
    get_proposal_for_user_or_404,
    member_organisation_ids,
)


def _int_or_404(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


# --- Calls ------------------------------------------------------------------------------------


def can_manage_calls(user: Any) -> bool:
    """Coordinators of at least one region (and portal admins) create calls."""
    if not _signed_in(user):
        return False
    return is_portal_admin(user) or bool(coordinated_region_ids(user))


def can_lead_call_in(user: Any, region_id: int) -> bool:
    """A call is led by a region its creator coordinates (portal admins: any region)."""
    if not _signed_in(user):
        return False
    return is_portal_admin(user) or region_id in coordinated_region_ids(user)


def can_edit_call(user: Any, call: Call) -> bool:
    """The lead region's coordinators (and portal admins) edit, publish and rank a call."""
    return can_lead_call_in(user, call.lead_region_id)


def get_call_for_editor_or_404(user: Any, pk: Any) -> Call:
    call = Call.objects.select_related("lead_region").filter(pk=_int_or_404(pk)).first()
    if call is None or not can_edit_call(user, call):
        raise Http404
    return call


def get_call_for_viewer_or_404(user: Any, pk: Any) -> Call:
    """A published call for anyone; an unpublished one only for those who may edit it."""
    call = Call.objects.select_related("lead_region").filter(pk=_int_or_404(pk)).first()
    if call is None or not (call.published or can_edit_call(user, call)):
        raise Http404
    return call


# --- Proposals ----------------------------------------------------------------------------------


def company_memberships(user: Any) -> list[Any]:
    """The user's memberships in companies: the organisations they may propose for."""
    return [m for m in user_memberships(user) if m.organisation.kind == OrganisationKind.COMPANY]


def can_propose(user: Any) -> bool:
    """Members of a company organisation send proposals."""
    return _signed_in(user) and bool(company_memberships(user))


def _is_member(user: Any, proposal: Proposal) -> bool:
    return _signed_in(user) and proposal.organisation_id in member_organisation_ids(user)


def can_submit_proposal(user: Any, proposal: Proposal) -> bool:
    """Members submit a draft, or resubmit after the region asked for changes."""
    if proposal_next_status(proposal.status, ProposalAction.SUBMIT) is None:
        return False
    return _is_member(user, proposal)


def can_withdraw_proposal(user: Any, proposal: Proposal) -> bool:
    """Members withdraw a proposal until the region has decided on it."""
    if proposal_next_status(proposal.status, ProposalAction.WITHDRAW) is None:
        return False
    return _is_member(user, proposal)


def can_change_attachments(user: Any, proposal: Proposal) -> bool:
    """Attachments are part of the text: added and removed while the proposal is editable."""
    return can_edit_proposal(user, proposal)


def can_see_decision_message(user: Any, proposal: Proposal) -> bool:
    return bool(proposal.decision_message) and proposal.status != ProposalStatus.DRAFT


def can_view_intake(user: Any) -> bool:
    """The intake queue is for coordinators (their regions) and portal admins."""
    return can_manage_calls(user)


def get_editable_proposal_or_404(user: Any, pk: Any) -> Proposal:
    """A proposal the user may edit now; 404 otherwise (even when they may look at it)."""
    proposal = get_proposal_for_user_or_404(user, pk)
    if not can_edit_proposal(user, proposal):
        raise Http404
    return proposal


def get_attachment_for_user_or_404(user: Any, proposal_pk: Any, pk: Any) -> ProposalAttachment:
    """An attachment of a proposal the user may see; the attachment must belong to it."""
    proposal = get_proposal_for_user_or_404(user, proposal_pk)
    attachment = proposal.attachments.filter(pk=_int_or_404(pk)).first()
    if attachment is None:
        raise Http404
    attachment.proposal = proposal
    return attachment


# --- Reviews ------------------------------------------------------------------------------------


def can_assign_reviewers(user: Any, proposal: Proposal) -> bool:
    """A submitted proposal to a scored call gets reviewers from its region's coordinators."""
    if proposal.call_id is None or proposal.submitted_at is None:
        return False
    if proposal.status in (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN):
        return False
    if not _signed_in(user):
        return False
    return coordinates_proposal(user, proposal)


def get_review_for_reviewer_or_404(user: Any, pk: Any) -> ReviewAssignment:
    """The user's own review assignment (ownership is part of the lookup)."""
    if not _signed_in(user):
        raise Http404
    review = (
        ReviewAssignment.objects.select_related(
            "proposal", "proposal__organisation", "proposal__call", "proposal__region"
        )
        .filter(pk=_int_or_404(pk), reviewer=user)
        .first()
    )
    if review is None or review.proposal.status == ProposalStatus.WITHDRAWN:
        raise Http404
    return review


def can_edit_review(user: Any, review: ReviewAssignment) -> bool:
    """A reviewer scores until they submit; after that the review is read-only."""
    return _signed_in(user) and review.reviewer_id == user.pk and review.submitted_at is None


__all__ = [
    "PROPOSAL_EDITABLE",
    "can_assign_reviewers",
    "can_change_attachments",
    "can_edit_call",
    "can_edit_review",
    "can_lead_call_in",
    "can_manage_calls",
    "can_propose",
    "can_see_decision_message",
    "can_submit_proposal",
    "can_triage_proposal",
    "can_view_intake",
    "can_withdraw_proposal",
    "company_memberships",
    "get_attachment_for_user_or_404",
    "get_call_for_editor_or_404",
    "get_call_for_viewer_or_404",
    "get_editable_proposal_or_404",
    "get_review_for_reviewer_or_404",
]
