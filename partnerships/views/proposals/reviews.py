"""Reviews: coordinators assign reviewers; reviewers see their list and score a proposal."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.core.concurrency import ConcurrentEditError
from portal.core.forms import apply_validation_error

from ...forms.proposals import ReviewAssignForm, ReviewForm
from ...models import ReviewAssignment
from ...permissions.base import get_proposal_for_user_or_404
from ...permissions.proposals import (
    can_assign_reviewers,
    can_edit_review,
    get_review_for_reviewer_or_404,
)
from ...selectors import proposals as selectors
from ...services import proposals as services
from ._common import _render_detail


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
