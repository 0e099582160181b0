"""Moves of a proposal: submit, withdraw, and the coordinators' decision."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.forms import apply_validation_error

from ...forms.proposals import DecisionForm, WithdrawForm
from ...permissions.base import (
    can_triage_proposal,
    coordinates_proposal,
    get_proposal_for_user_or_404,
)
from ...permissions.proposals import can_submit_proposal, can_withdraw_proposal
from ...services import proposals as services
from ...workflow import ProposalAction
from ._common import _render_detail


def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if proposal.status != "submitted" and not can_submit_proposal(request.user, proposal):
        raise Http404
    try:
        services.proposal_submit(actor=request.user, proposal=proposal)
    except ValidationError as exc:
        return _render_detail(request, proposal, submit_errors=exc.messages)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("The proposal was submitted. The region has been told."))
    return redirect(proposal)


def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if proposal.status != "withdrawn" and not can_withdraw_proposal(request.user, proposal):
        raise Http404
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, proposal, withdraw_form=form)
    try:
        services.proposal_withdraw(
            actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_detail(request, proposal, withdraw_form=form)
    messages.success(request, _("The proposal was withdrawn."))
    return redirect(proposal)


DECISIONS: dict[str, tuple[Any, str, Any]] = {
    ProposalAction.REQUEST_CHANGES: (
        services.proposal_request_changes,
        "message",
        gettext_lazy("The company was asked for changes."),
    ),
    ProposalAction.DECLINE: (
        services.proposal_decline,
        "reason",
        gettext_lazy("The proposal was declined."),
    ),
    ProposalAction.ACCEPT: (
        services.proposal_accept,
        "message",
        gettext_lazy("The proposal was accepted and the partnership has started."),
    ),
}


def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Coordinators request changes, decline or accept (the button pressed says which)."""
    proposal = get_proposal_for_user_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    action = request.POST.get("action", "")
    if action not in DECISIONS:
        raise Http404
    if not coordinates_proposal(request.user, proposal):
        raise Http404
    if not can_triage_proposal(request.user, proposal):
        messages.error(request, _("The proposal is no longer waiting for a decision."))
        return redirect(proposal)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, proposal, decision_form=form)
    service, argument, done = DECISIONS[action]
    try:
        service(
            actor=request.user,
            proposal=proposal,
            **{argument: form.cleaned_data["message"]},
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _render_detail(request, proposal, decision_form=form)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, str(done))
    return redirect(proposal)
