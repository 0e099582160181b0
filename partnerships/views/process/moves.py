"""Moves of a partnership: advance, move back, change status and approve a gate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext as _

from portal.core.forms import apply_validation_error

from ...forms.process import AdvanceForm, GateApproveForm, MoveBackForm, StatusForm
from ...permissions.base import can_approve_gate, get_partnership_for_user_or_404
from ...services import partnerships as services
from ._common import _allowed_status_actions, _back, _coordinator_partnership, _fail, _render_detail


def advance(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            moved = services.partnership_advance(
                actor=request.user,
                partnership=partnership,
                expected_step_id=form.cleaned_data["expected_step_id"],
            )
        except ValidationError as exc:
            status = 409 if getattr(exc, "code", None) == "stale_step" else 400
            partnership.refresh_from_db()
            return _render_detail(request, partnership, status=status, move_error=_fail(exc))
        messages.success(
            request, _("The partnership moved to %(step)s.") % {"step": moved.current_step.name}
        )
        return _back(partnership)
    return _render_detail(request, partnership, status=400, advance_form=form)


def move_back(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = MoveBackForm(request.POST)
    if form.is_valid():
        try:
            moved = services.partnership_move_back(
                actor=request.user,
                partnership=partnership,
                expected_step_id=form.cleaned_data["expected_step_id"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            status = 409 if getattr(exc, "code", None) == "stale_step" else 400
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
                return _render_detail(request, partnership, status=status, back_form=form)
            partnership.refresh_from_db()
            return _render_detail(
                request, partnership, status=status, back_form=form, move_error=_fail(exc)
            )
        messages.success(
            request,
            _("The partnership moved back to %(step)s.") % {"step": moved.current_step.name},
        )
        return _back(partnership)
    return _render_detail(request, partnership, status=400, back_form=form)


def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = StatusForm(request.POST, allowed=_allowed_status_actions(partnership))
    if form.is_valid():
        try:
            changed = services.partnership_set_status(
                actor=request.user,
                partnership=partnership,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The partnership is now %(status)s.")
                % {"status": changed.get_status_display().lower()},
            )
            return _back(partnership)
    return _render_detail(request, partnership, status=400, status_form=form)


def gate_approve(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    step = partnership.current_step
    if not can_approve_gate(request.user, partnership, step):
        raise Http404
    form = GateApproveForm(request.POST)
    if form.is_valid():
        try:
            services.gate_approve(
                actor=request.user,
                partnership=partnership,
                step=step,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("You approved the step %(step)s.") % {"step": step.name})
            return _back(partnership, "gate")
    return _render_detail(request, partnership, status=400, gate_form=form)
