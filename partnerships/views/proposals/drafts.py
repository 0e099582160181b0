"""Proposals: the list, a new draft, the page, the editor and its htmx autosave."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.core.concurrency import ConcurrentEditError
from portal.core.forms import apply_validation_error, rebase_on_conflict

from ...forms.proposals import AttachmentForm, ProposalForm, ProposalNewForm
from ...permissions.base import (
    can_edit_proposal,
    get_proposal_for_user_or_404,
    member_organisation_ids,
)
from ...permissions.proposals import (
    company_memberships,
    get_call_for_viewer_or_404,
    get_editable_proposal_or_404,
)
from ...selectors import proposals as selectors
from ...services import proposals as services
from ._common import _detail_context


@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The proposals of the user's organisations."""
    page = Paginator(selectors.proposals_of_user_organisations(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "partnerships/proposal_list.html",
        {"page": page, "can_propose": bool(company_memberships(request.user))},
    )


@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    """Choose organisation and region (or answer the call in ?call=), then edit the draft."""
    memberships = company_memberships(request.user)
    if not memberships:
        return render(request, "partnerships/proposal_no_company.html")
    call = None
    call_pk = request.GET.get("call") or request.POST.get("call")
    if call_pk:
        call = get_call_for_viewer_or_404(request.user, call_pk)
        if not call.is_open():
            messages.error(request, _("The call is not open for proposals."))
            return redirect(call)
    form = ProposalNewForm(request.POST or None, memberships=memberships, call=call)
    if request.method == "POST" and form.is_valid():
        organisation = next(
            m.organisation
            for m in memberships
            if m.organisation_id == form.cleaned_data["organisation"]
        )
        try:
            proposal = services.proposal_create_draft(
                actor=request.user,
                organisation=organisation,
                region=form.cleaned_data["region"],
                call=call,
                data={"title": form.cleaned_data["title"]},
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            return redirect("partnerships:proposal_edit", pk=proposal.pk)
    return render(request, "partnerships/proposal_new.html", {"form": form, "call": call})


@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user_or_404(request.user, pk)
    return render(request, "partnerships/proposal_detail.html", _detail_context(request, proposal))


@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_editable_proposal_or_404(request.user, pk)
    form = ProposalForm(request.POST or None, instance=proposal)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                actor=request.user,
                proposal=proposal,
                expected_version=form.cleaned_data["version"],
                data=form.changes(),
            )
        except ConcurrentEditError as exc:
            if form.matches_stored(exc.current):  # type: ignore[arg-type]
                # What was sent is what is stored: the user's own autosave (in flight when
                # Save was pressed) or a double submit got there first.
                messages.success(request, _("The proposal was saved."))
                return redirect(proposal)
            conflict = rebase_on_conflict(form, exc)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The proposal was saved."))
            return redirect(proposal)
    return render(
        request,
        "partnerships/proposal_edit.html",
        {
            "proposal": proposal,
            "form": form,
            "conflict": conflict,
            "attachments": selectors.proposal_attachments(proposal=proposal),
            "attachment_form": AttachmentForm(),
        },
        status=409 if conflict else 200,
    )


def proposal_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx autosave: saves the fields that were sent and validate, answers a status and the
    new version.

    Every refusal answers the status fragment (never a full page), so the page can say that the
    text was not saved: 409 when someone else saved or the proposal can no longer be edited here
    (it was submitted or withdrawn meanwhile), 400 when nothing could be saved.
    """
    proposal = get_proposal_for_user_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    template = "partnerships/partials/proposal_autosave.html"
    context: dict[str, Any] = {"proposal": proposal}
    if not can_edit_proposal(request.user, proposal):
        if proposal.organisation_id not in member_organisation_ids(request.user):
            raise Http404  # the same check as the editing page: others never edit it
        context["state"] = "locked"
        return render(request, template, context, status=409)
    form = ProposalForm(request.POST, instance=proposal)
    changes = form.valid_changes()
    version = form.cleaned_data.get("version") if hasattr(form, "cleaned_data") else None
    context["invalid"] = sorted(set(form.errors) - {"__all__"})
    if version is None:
        context["state"] = "error"
        return render(request, template, context, status=400)
    try:
        saved = services.proposal_autosave(
            actor=request.user, proposal=proposal, expected_version=version, data=changes
        )
    except ConcurrentEditError as exc:
        current: Any = exc.current
        if form.matches_stored(current):
            # This text is already stored (an earlier save of the same text got there first):
            # nothing is lost, and the page moves on to the stored version.
            context.update(state="saved", version=current.version, saved_at=timezone.localtime())
            return render(request, template, context)
        context.update(state="conflict", version=current.version)
        return render(request, template, context, status=409)
    except ValidationError:
        # The proposal left the editable states between the check above and the lock.
        proposal.refresh_from_db()
        context["state"] = "locked" if not can_edit_proposal(request.user, proposal) else "error"
        return render(
            request, template, context, status=409 if context["state"] == "locked" else 400
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    context.update(state="saved", version=saved.version, saved_at=timezone.localtime())
    return render(request, template, context)
