"""Calls, proposals (with autosave and attachments), the intake queue, reviews and ranking.

Each view authenticates (LoginRequiredMiddleware, except the public call pages), fetches through a
permission helper that answers 404 for missing and forbidden alike, binds a form, calls one
service and chooses the response.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.permissions import is_portal_admin
from portal.core.concurrency import ConcurrentEditError
from portal.core.forms import apply_validation_error, rebase_on_conflict
from portal.core.uploads import file_response
from regions.models import Region

from ..forms.proposals import (
    AttachmentForm,
    CallForm,
    CriterionFormSet,
    DecisionForm,
    IntakeFilterForm,
    ProposalForm,
    ProposalNewForm,
    ReviewAssignForm,
    ReviewForm,
    WithdrawForm,
    criteria_data,
    criteria_initial,
)
from ..models import Proposal, ReviewAssignment
from ..permissions.base import (
    can_edit_proposal,
    can_triage_proposal,
    coordinated_region_ids,
    coordinates_proposal,
    get_proposal_for_user_or_404,
    member_organisation_ids,
)
from ..permissions.proposals import (
    can_assign_reviewers,
    can_change_attachments,
    can_edit_call,
    can_edit_review,
    can_manage_calls,
    can_submit_proposal,
    can_view_intake,
    can_withdraw_proposal,
    company_memberships,
    get_attachment_for_user_or_404,
    get_call_for_editor_or_404,
    get_call_for_viewer_or_404,
    get_editable_proposal_or_404,
    get_review_for_reviewer_or_404,
)
from ..selectors import proposals as selectors
from ..services import calls as call_services
from ..services import proposals as services
from ..workflow import ProposalAction

# --- Calls ------------------------------------------------------------------------------------

CALLS_PER_PAGE = 20


@login_not_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    """Published calls, open ones first, 20 a page; coordinators also see their own calls."""
    managed = (
        list(selectors.calls_managed_by(user=request.user))
        if can_manage_calls(request.user)
        else []
    )
    page = Paginator(selectors.call_list_public(), CALLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/call_list.html",
        {
            "page": page,
            "managed": managed,
            "can_create": can_manage_calls(request.user),
        },
    )


@login_not_required
@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_viewer_or_404(request.user, pk)
    now = timezone.now()
    memberships = company_memberships(request.user) if request.user.is_authenticated else []
    return render(
        request,
        "partnerships/call_detail.html",
        {
            "call": call,
            "criteria": selectors.call_criteria(call=call),
            "regions": selectors.call_regions(call=call),
            "is_open": call.is_open(now),
            "not_yet_open": call.published and now < call.opens_at,
            "is_closed": now >= call.closes_at,
            "can_answer": call.is_open(now) and bool(memberships),
            "can_edit": can_edit_call(request.user, call),
        },
    )


def _lead_regions(user: Any) -> Any:
    qs = Region.objects.order_by("code")
    if is_portal_admin(user):
        return qs
    return qs.filter(pk__in=coordinated_region_ids(user))


def _call_form_page(request: HttpRequest, call: Any = None) -> HttpResponse:
    lead_regions = _lead_regions(request.user)
    data = request.POST if request.method == "POST" else None
    form = CallForm(data, instance=call, lead_regions=lead_regions)
    initial = criteria_initial(selectors.call_criteria(call=call)) if call else []
    formset = CriterionFormSet(data, prefix="criteria", initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        kwargs = {
            "actor": request.user,
            "lead_region": form.cleaned_data["lead_region"],
            "regions": form.cleaned_data["regions"],
            "data": form.call_data(),
            "criteria": criteria_data(formset),
        }
        try:
            if call is None:
                saved = call_services.call_create(
                    client_token=form.cleaned_data.get("client_token"), **kwargs
                )
            else:
                saved = call_services.call_update(
                    call=call, expected_version=form.cleaned_data["version"], **kwargs
                )
        except ConcurrentEditError as exc:
            conflict = rebase_on_conflict(form, exc)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The call was saved."))
            return redirect(saved)
    return render(
        request,
        "partnerships/call_form.html",
        {"call": call, "form": form, "formset": formset, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_calls(request.user):
        raise Http404
    return _call_form_page(request)


@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_form_page(request, get_call_for_editor_or_404(request.user, pk))


def call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_editor_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    publish = request.POST.get("published") == "1"
    call_services.call_set_published(actor=request.user, call=call, published=publish)
    messages.success(
        request, _("The call was published.") if publish else _("The call was unpublished.")
    )
    return redirect(call)


@require_GET
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's proposals ranked by weighted score, with every reviewer's scores."""
    call = get_call_for_editor_or_404(request.user, pk)
    criteria, rows = selectors.call_ranking(call=call)
    return render(
        request,
        "partnerships/call_ranking.html",
        {"call": call, "criteria": criteria, "rows": rows},
    )


# --- Proposals ------------------------------------------------------------------------------


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


def _render_detail(request: HttpRequest, proposal: Proposal, status: int = 400, **forms: Any):
    return render(
        request,
        "partnerships/proposal_detail.html",
        _detail_context(request, proposal, **forms),
        status=status,
    )


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


# --- Attachments ---------------------------------------------------------------------------


def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_editable_proposal_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                actor=request.user, proposal=proposal, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("%(name)s was attached.") % {"name": attachment.name})
            return redirect(reverse("partnerships:proposal_edit", args=[proposal.pk]) + "#files")
    return render(
        request,
        "partnerships/proposal_edit.html",
        {
            "proposal": proposal,
            "form": ProposalForm(instance=proposal),
            "attachments": selectors.proposal_attachments(proposal=proposal),
            "attachment_form": form,
        },
        status=400,
    )


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = get_attachment_for_user_or_404(request.user, pk, attachment_pk)
    return file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )


def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_attachment_for_user_or_404(request.user, pk, attachment_pk)
    proposal = attachment.proposal
    if not can_change_attachments(request.user, proposal):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.attachment_remove(actor=request.user, proposal=proposal, attachment=attachment)
    messages.success(request, _("%(name)s was removed.") % {"name": attachment.name})
    return redirect(reverse("partnerships:proposal_edit", args=[proposal.pk]) + "#files")


# --- Intake --------------------------------------------------------------------------------


@require_GET
def intake(request: HttpRequest) -> HttpResponse:
    """Coordinators' queue of submitted proposals (their regions; portal admins: all)."""
    if not can_view_intake(request.user):
        raise Http404
    form = IntakeFilterForm(
        request.GET or None,
        calls=selectors.intake_calls(user=request.user),
        regions=selectors.intake_regions(user=request.user),
    )
    filters = selectors.IntakeFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.IntakeFilters(
            status=data["status"] or "",
            call=data["call"],
            kind=data["kind"] or "",
            trl_min=data["trl_min"],
            trl_max=data["trl_max"],
            submitted_from=data["submitted_from"],
            submitted_to=data["submitted_to"],
            region=data.get("region") or "",
        )
    page = Paginator(selectors.intake_list(user=request.user, filters=filters), 25).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnerships/intake.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


# --- Reviews -------------------------------------------------------------------------------


def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user_or_404(request.user, pk)
    if not can_assign_reviewers(request.user, proposal):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ReviewAssignForm(request.POST)
    if form.is_valid() and form.reviewer is not None:
        try:
            review = services.review_assign(
                actor=request.user, proposal=proposal, reviewer=form.reviewer
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("%(name)s was asked to review the proposal.")
                % {"name": review.reviewer.get_full_name()},
            )
            return redirect(
                reverse("partnerships:proposal_detail", args=[proposal.pk]) + "#reviews"
            )
    return _render_detail(request, proposal, assign_form=form)


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partnerships/review_list.html",
        {"reviews": selectors.review_list_for_reviewer(user=request.user)},
    )


@require_http_methods(["GET", "POST"])
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Score each criterion 1–5; save as often as needed, then submit (read-only afterwards).

    Other reviewers' scores are shown only once the reviewer's own review is submitted.
    """
    review = get_review_for_reviewer_or_404(request.user, pk)
    proposal = review.proposal
    criteria = selectors.call_criteria(call=proposal.call) if proposal.call else []
    editable = can_edit_review(request.user, review)
    own = selectors.review_scores(review=review)
    initial: dict[str, Any] = {"version": review.version, "comment": review.comment}
    for criterion in criteria:
        if criterion.pk in own:
            initial[f"score_{criterion.pk}"] = own[criterion.pk].score
            initial[f"note_{criterion.pk}"] = own[criterion.pk].comment
    data = request.POST if request.method == "POST" and editable else None
    form = ReviewForm(data, initial=initial, criteria=criteria)
    status = 200
    if data is not None and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.review_save(
                actor=request.user,
                review=review,
                expected_version=form.cleaned_data["version"],
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except ConcurrentEditError:
            form.add_error(None, ConcurrentEditError.message)
            status = 409
        except ValidationError as exc:
            apply_validation_error(form, exc)
            status = 400
        else:
            messages.success(
                request,
                _("Your review was submitted.") if submit else _("Your scores were saved."),
            )
            return redirect("partnerships:review_submit", pk=review.pk)
    elif data is not None:
        status = 400
    others: list[ReviewAssignment] = []
    if review.submitted_at is not None:
        others = [
            r
            for r in selectors.proposal_reviews(proposal=proposal)
            if r.pk != review.pk and r.submitted_at is not None
        ]
    return render(
        request,
        "partnerships/review_form.html",
        {
            "review": review,
            "proposal": proposal,
            "criteria": criteria,
            "own_scores": own,
            "form": form,
            "editable": editable,
            "others": others,
        },
        status=status,
    )


urlpatterns = [
    path("calls/", call_list, name="call_list"),
    path("calls/new/", call_create, name="call_create"),
    path("calls/<int:pk>/", call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", call_edit, name="call_edit"),
    path("calls/<int:pk>/publish/", call_publish, name="call_publish"),
    path("calls/<int:pk>/ranking/", call_ranking, name="call_ranking"),
    path("proposals/", proposal_list, name="proposal_list"),
    path("proposals/new/", proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/autosave/", proposal_autosave, name="proposal_autosave"),
    path("proposals/<int:pk>/submit/", proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/decide/", proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/reviewers/", review_assign, name="review_assign"),
    path("proposals/<int:pk>/attachments/", attachment_add, name="attachment_add"),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/",
        attachment_download,
        name="attachment_download",
    ),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/remove/",
        attachment_remove,
        name="attachment_remove",
    ),
    path("intake/", intake, name="intake"),
    path("reviews/", review_list, name="review_list"),
    path("reviews/<int:pk>/", review_submit, name="review_submit"),
]
