"""Organisers: their dashboard, creating, editing and moving events.

Every view here is for the event's organisers only (the region's coordinators; portal admins
for national events and every region's): everyone else gets 404, for GET and POST alike, and
anonymous visitors are sent to sign in (LoginRequiredMiddleware). Each view fetches through a
permission helper, binds a form, calls one service and chooses the response.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.core.concurrency import ConcurrentEditError
from portal.core.editing import done_already, form_on_stored_version, save_edit, save_new
from portal.core.forms import apply_validation_error

from ..forms.events import EventForm, EventMoveForm
from ..models import Event
from ..permissions.base import get_event_to_organise_or_404
from ..permissions.events import can_edit_event, can_organise_any, can_organise_national
from ..selectors import events as selectors
from ..services import events as services
from ..workflow import EVENT_MOVES, EventMove, EventStatus, event_move_allowed

DONE = {
    EventMove.PUBLISH: gettext_lazy("The event is published and open for registration."),
    EventMove.RESCHEDULE: gettext_lazy(
        "The event has its new time. Everyone registered has been told."
    ),
    EventMove.POSTPONE: gettext_lazy("The event is postponed. Everyone registered has been told."),
    EventMove.CANCEL: gettext_lazy("The event is cancelled. Everyone registered has been told."),
}
CONFIRM = {
    EventMove.PUBLISH: gettext_lazy("Publish the event"),
    EventMove.RESCHEDULE: gettext_lazy("Move the event to the new time"),
    EventMove.POSTPONE: gettext_lazy("Postpone the event"),
    EventMove.CANCEL: gettext_lazy("Cancel the event"),
}


def _organiser_or_404(request: HttpRequest) -> None:
    if not can_organise_any(request.user):
        raise Http404


# --- The dashboard -------------------------------------------------------------------------------


def manage(request: HttpRequest) -> HttpResponse:
    """The organiser's events (coming and drafts first, with seats and waiting list), their
    publications, and the lessons learned waiting for their review. `?region=<slug>` (or
    `?region=national` for portal admins) narrows the lists."""
    _organiser_or_404(request)
    if request.method not in ("GET", "HEAD"):  # after the check: 404 for outsiders, any method
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    regions = list(selectors.manage_regions(user))
    chosen = request.GET.get("region", "")
    region = next((r for r in regions if r.slug == chosen), None)
    national = chosen == "national" and can_organise_national(user)
    if chosen and region is None and not national:
        chosen = ""
    coming, past_page = selectors.manage_events(
        user=user, region=region, national=national, past_page=request.GET.get("page")
    )
    publications = selectors.manage_publications(
        user=user, region=region, national=national, page=request.GET.get("publications_page")
    )
    return render(
        request,
        "dissemination/manage.html",
        {
            "regions": regions,
            "chosen_region": chosen,
            "may_organise_national": can_organise_national(user),
            "coming": [(event, selectors.seat_summary(event)) for event in coming],
            "past_page": past_page,
            "past": [(event, selectors.seat_summary(event)) for event in past_page.object_list],
            "publications_page": publications,
            "lessons_waiting": selectors.lessons_waiting_count(user=user),
        },
    )


# --- Creating and editing ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    """A new event, saved as a draft or published at once (the button pressed says which).
    The form's hidden token makes a double submit return the first event, never a second."""
    _organiser_or_404(request)
    form = EventForm(request.POST or None, user=request.user)
    done = save_new(
        request,
        form=form,
        create=lambda: services.event_create(
            actor=request.user,
            **form.changes(),
            publish=request.POST.get("publish") == "1",
            client_token=form.submitted_token(),
        ),
        saved=lambda event: (
            _("The event is saved as a draft. Only organisers can see it.")
            if event.status == EventStatus.DRAFT
            else _("The event is published and open for registration.")
        ),
    )
    if done is not None:
        return done
    return render(request, "dissemination/event_form.html", {"form": form, "event": None})


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft, published or postponed event. A stale version is answered 409: the form
    keeps what was typed and shows what is stored now. A new time of a published or postponed
    event is a reschedule: everyone registered is told."""
    event = get_event_to_organise_or_404(request.user, pk)
    if not can_edit_event(request.user, event):
        messages.error(
            request,
            _("The event is %(status)s: it can no longer be changed.")
            % {"status": event.get_status_display().lower()},
        )
        return redirect(event)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    done, conflict = save_edit(
        request,
        form=form,
        instance=event,
        save=lambda: services.event_update(
            actor=request.user,
            event=event,
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        ),
        saved=_("The event was saved."),
        matches=form.matches_stored,
    )
    if done is not None:
        return done
    return render(
        request,
        "dissemination/event_form.html",
        {"form": form, "event": event, "conflict": conflict},
        status=409 if conflict is not None else 200,
    )


# --- Moves -------------------------------------------------------------------------------------


def _move_page(
    request: HttpRequest,
    event: Event,
    move: str,
    form: EventMoveForm | None,
    *,
    status: int = 200,
    refused: str = "",
) -> HttpResponse:
    return render(
        request,
        "dissemination/event_move.html",
        {
            "event": event,
            "move": move,
            "move_label": EventMove(move).label,
            "confirm_label": CONFIRM[EventMove(move)],
            "form": form,
            "refused": refused,
            "seats": selectors.seat_summary(event),
        },
        status=status,
    )


def _refused_text(event: Event) -> str:
    return _("The event is %(status)s: it cannot be moved that way now.") % {
        "status": event.get_status_display().lower()
    }


@require_http_methods(["GET", "POST"])
def event_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """GET: the confirmation of one move (the new time, or the reason everyone registered reads).
    POST: the move. A move the event cannot make now is explained (409) to its organisers; a
    page that was stale is shown again on the stored version with what was typed (409)."""
    if move not in EVENT_MOVES:
        raise Http404
    event = get_event_to_organise_or_404(request.user, pk)
    target = EVENT_MOVES[move][1]
    if (
        request.method == "POST"
        and event.status == target
        and move != EventMove.RESCHEDULE
        and not event_move_allowed(move=move, status=event.status)
    ):
        # Done already: a double click, or another organiser made the same move.
        return done_already(request, DONE[EventMove(move)], event)
    if not event_move_allowed(move=move, status=event.status):
        return _move_page(request, event, move, None, status=409, refused=_refused_text(event))
    form = EventMoveForm(request.POST or None, move=move, event=event)
    if request.method != "POST":
        return _move_page(request, event, move, form)
    if not form.is_valid():
        return _move_page(request, event, move, form, status=400)
    try:
        moved = services.event_move(
            actor=request.user, event=event, move=move, **form.service_arguments()
        )
    except ConcurrentEditError as exc:
        current: Any = exc.current
        if current.status == target and move != EventMove.RESCHEDULE:
            # A double click, or another organiser made the same move.
            return done_already(request, DONE[EventMove(move)], current)
        fresh = get_event_to_organise_or_404(request.user, pk)
        changed = _(
            "The event changed while you were looking at it (it is now %(status)s). "
            "Check it and confirm again."
        ) % {"status": fresh.get_status_display().lower()}
        if not event_move_allowed(move=move, status=fresh.status):
            return _move_page(request, fresh, move, None, status=409, refused=changed)
        stale = form_on_stored_version(
            EventMoveForm, request.POST, fresh, changed, move=move, event=fresh
        )
        return _move_page(request, fresh, move, stale, status=409)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "illegal_move":
            fresh = get_event_to_organise_or_404(request.user, pk)
            return _move_page(request, fresh, move, None, status=409, refused=_refused_text(fresh))
        apply_validation_error(form, exc)
        return _move_page(request, event, move, form, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, DONE[EventMove(move)])
    return redirect(moved)


urlpatterns: list[URLPattern] = [
    path("manage/", manage, name="manage"),
    path("new/", event_create, name="event_create"),
    path("<int:pk>/edit/", event_edit, name="event_edit"),
    path("<int:pk>/move/<slug:move>/", event_move, name="event_move"),
]
