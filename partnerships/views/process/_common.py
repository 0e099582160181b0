"""What the partnership page's views share: its context and rendering, the redirect back to it,
the error text of a refusal and the fetchers for coordinators and workers.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dissemination.selectors.lessons import partnership_lessons_context
from reports.models import ReportKind
from reports.selectors import report_panel

from ...forms.process import (
    AdvanceForm,
    DocumentForm,
    GateApproveForm,
    MemberAddForm,
    MessageForm,
    MoveBackForm,
    ObstacleNoteForm,
    PartyAddForm,
    StatusForm,
)
from ...models import GateRole, Partnership
from ...permissions.base import (
    can_approve_gate,
    can_coordinate_partnership,
    can_work_on_partnership,
    get_partnership_for_user_or_404,
)
from ...selectors.partnerships import partnership_detail
from ...services import partnerships as services
from ...workflow import PARTNERSHIP_MOVES, PARTNERSHIP_OPEN, PartnershipAction


def _allowed_status_actions(partnership: Partnership) -> list[str]:
    actions = [
        PartnershipAction.PAUSE,
        PartnershipAction.RESUME,
        PartnershipAction.COMPLETE,
        PartnershipAction.STOP,
        PartnershipAction.WITHDRAW,
    ]
    return [a.value for a in actions if (partnership.status, a) in PARTNERSHIP_MOVES]


def _detail_context(request: HttpRequest, partnership: Partnership, **forms: Any) -> dict[str, Any]:
    detail = partnership_detail(partnership=partnership)
    user = request.user
    step = detail.current_step
    is_open = partnership.status in PARTNERSHIP_OPEN
    can_coordinate = can_coordinate_partnership(user, partnership)
    can_work = can_work_on_partnership(user, partnership)
    context: dict[str, Any] = {
        "partnership": partnership,
        "detail": detail,
        "step": step,
        "is_open": is_open,
        "is_active": partnership.status == "active",
        "can_coordinate": can_coordinate and is_open,
        "can_work": can_work and is_open,
        "can_approve": is_open
        and detail.current_approval is None
        and step.gate_role in (GateRole.COORDINATOR, GateRole.SPONSOR)
        and can_approve_gate(user, partnership, step),
        "gate_description": services.gate_description(step),
        "advance_form": forms.get("advance_form")
        or AdvanceForm(initial={"expected_step_id": step.pk}),
        "back_form": forms.get("back_form") or MoveBackForm(initial={"expected_step_id": step.pk}),
        "status_form": forms.get("status_form")
        or StatusForm(allowed=_allowed_status_actions(partnership)),
        "gate_form": forms.get("gate_form") or GateApproveForm(),
        # The steps and parties are already read: the blank forms offer them without a query.
        "document_form": forms.get("document_form")
        or DocumentForm(partnership=partnership, steps=[row.step for row in detail.steps]),
        "message_form": forms.get("message_form") or MessageForm(),
        "obstacle_form": forms.get("obstacle_form") or ObstacleNoteForm(),
        "party_form": forms.get("party_form") or PartyAddForm(),
        "member_form": forms.get("member_form")
        or MemberAddForm(partnership=partnership, parties=detail.parties),
        "move_error": forms.get("move_error"),
        # The partnership came through get_partnership_for_user_or_404 (every caller), so the
        # lessons section and the report panel do not check that rule a second time.
        **partnership_lessons_context(user=user, partnership=partnership, visible=True),
        # The guidance report as PDF, for everyone who may see the partnership (the same rule).
        "report_panel": report_panel(
            request,
            kind=ReportKind.PARTNERSHIP,
            params={"partnership": partnership.pk},
            access_checked=True,
        ),
    }
    return context


def _render_detail(
    request: HttpRequest, partnership: Partnership, *, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "partnerships/partnership_detail.html",
        _detail_context(request, partnership, **forms),
        status=status,
    )


def _back(partnership: Partnership, anchor: str = "") -> HttpResponse:
    url = reverse("partnerships:detail", args=[partnership.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _fail(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _coordinator_partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if not can_coordinate_partnership(request.user, partnership):
        raise Http404
    return partnership


def _worker_partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if not can_work_on_partnership(request.user, partnership):
        raise Http404
    return partnership
