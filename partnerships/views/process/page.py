"""The partnership page itself, its timeline page and its checklist (the htmx fragment and the
tick)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.core.pagecache import cached_page

from ...models import ChecklistItem, Partnership
from ...permissions.base import can_work_on_partnership, get_partnership_for_user_or_404
from ...selectors.partnerships import partnership_checklist
from ...selectors.timeline import partnership_timeline
from ...services import partnerships as services
from ...workflow import PARTNERSHIP_OPEN
from ._common import _back, _fail, _render_detail


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_GET
@cached_page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    return _render_detail(request, partnership)


@require_GET
@cached_page
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything that has happened in the partnership, newest first, 50 events a page; the same
    check as the partnership page."""
    partnership = get_partnership_for_user_or_404(request.user, pk)
    events = partnership_timeline(partnership=partnership, page_number=request.GET.get("page"))
    return render(
        request,
        "partnerships/partnership_timeline.html",
        {"partnership": partnership, "page": events},
    )


def _checklist_response(
    request: HttpRequest,
    partnership: Partnership,
    *,
    error: str = "",
    status: int = 200,
    focus: str = "",
) -> HttpResponse:
    step, rows = partnership_checklist(partnership=partnership)
    return render(
        request,
        "partnerships/partials/process_checklist.html",
        {
            "partnership": partnership,
            "step": step,
            "checklist": rows,
            "can_work": can_work_on_partnership(request.user, partnership)
            and partnership.status in PARTNERSHIP_OPEN,
            "checklist_error": error,
            "focus": focus,
        },
        status=status,
    )


@require_GET
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The current step's checklist as a fragment (htmx); the same check as the page."""
    partnership = get_partnership_for_user_or_404(request.user, pk)
    return _checklist_response(request, partnership)


def checklist_tick(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    item = (
        ChecklistItem.objects.filter(pk=item_pk, step__template_id=partnership.template_id)
        .select_related("step")
        .first()
    )
    if item is None or not can_work_on_partnership(request.user, partnership):
        raise Http404
    done_value = request.POST.get("done")
    if done_value not in ("0", "1"):
        # Only the checklist's own buttons are understood; a missing or odd value changes nothing.
        error = _("The checklist could not tell whether to mark the item as done or not done.")
        if _is_htmx(request):
            return _checklist_response(request, partnership, error=error, status=400)
        messages.error(request, error)
        return _render_detail(request, partnership, status=400)
    done = done_value == "1"
    error = ""
    try:
        services.checklist_set(
            actor=request.user,
            partnership=partnership,
            item=item,
            done=done,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        error = _fail(exc)
    if _is_htmx(request):
        partnership.refresh_from_db()
        return _checklist_response(
            request,
            partnership,
            error=error,
            status=400 if error else 200,
            focus=f"tick-{item.pk}",  # the keyboard stays on the box just pressed
        )
    if error:
        messages.error(request, error)
    return _back(partnership, "checklist")
