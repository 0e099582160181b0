"""The proposal page's context and rendering, shared by the views that answer with it."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import render

from ...forms.proposals import AttachmentForm, DecisionForm, ReviewAssignForm, WithdrawForm
from ...models import Proposal
from ...permissions.base import (
    can_edit_proposal,
    can_see_proposal_contact,
    can_triage_proposal,
)
from ...permissions.proposals import (
    can_assign_reviewers,
    can_change_attachments,
    can_submit_proposal,
    can_withdraw_proposal,
)
from ...selectors import proposals as selectors


def _detail_context(request: HttpRequest, proposal: Proposal, **forms: Any) -> dict[str, Any]:
    user = request.user
    reviews = []
    coordinates = can_assign_reviewers(user, proposal)
    if coordinates:
        reviews = selectors.proposal_reviews(proposal=proposal)
    return {
        "proposal": proposal,
        "attachments": selectors.proposal_attachments(proposal=proposal),
        "can_edit": can_edit_proposal(user, proposal),
        "can_submit": can_submit_proposal(user, proposal),
        "can_withdraw": can_withdraw_proposal(user, proposal),
        "can_triage": can_triage_proposal(user, proposal),
        "show_contact": can_see_proposal_contact(user, proposal),
        "can_attach": can_change_attachments(user, proposal),
        "can_assign": coordinates
        and proposal.call is not None
        and selectors.call_criteria(call=proposal.call),
        "reviews": reviews,
        "partnership": getattr(proposal, "partnership", None)
        if proposal.status == "accepted"
        else None,
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "assign_form": forms.get("assign_form") or ReviewAssignForm(),
        "submit_errors": forms.get("submit_errors") or [],
    }


def _render_detail(request: HttpRequest, proposal: Proposal, status: int = 400, **forms: Any):
    return render(
        request,
        "partnerships/proposal_detail.html",
        _detail_context(request, proposal, **forms),
        status=status,
    )
