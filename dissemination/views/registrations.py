"""Registering for events, the waiting list, attendee lists and attendance.

Each view authenticates (LoginRequiredMiddleware: every page here needs a signed-in person),
fetches the event through a permission helper that answers 404 for missing and forbidden alike,
binds a form, calls one service and chooses the response. The registration form, the cancel
button and the choice to be shown to the other attendees live in the registration panel of the
event page: with htmx they post from there and the panel is answered alone; without JavaScript
they post normally and the answer is a redirect back with a message (or the registration page
with the errors).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.core.forms import apply_validation_error
from portal.core.pagecache import cached_page
from portal.core.redirects import next_path
from portal.core.security import export_logged

from ..exports.attendees import attendees_csv_response
from ..forms.registrations import AttendanceForm, RegistrationForm
from ..models import Event, Registration
from ..permissions.base import get_event_for_user_or_404
from ..permissions.registrations import get_event_attendees_or_404
from ..selectors import registrations as selectors
from ..services import registrations as services
from ..workflow import RegistrationStatus

PANEL = "dissemination/partials/registration_panel.html"


def _is_htmx(request: HttpRequest) -> bool:
    """An htmx request for the panel (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _registered_message(registration: Registration) -> str:
    if registration.status == RegistrationStatus.CONFIRMED:
        return _("You are registered. We have sent you a confirmation by email.")
    position = selectors.queue_position(registration=registration)
    return _(
        "The event is full, so you are on the waiting list (number %(position)s). We will email "
        "you if a seat frees up."
    ) % {"position": position}


def _panel(
    request: HttpRequest, event: Event, *, form: Any = None, message: str = "", error: str = ""
) -> HttpResponse:
    """The registration panel alone, for htmx. Errors are answered 200 too: htmx swaps only
    successful answers, and the panel carries its own errors beside the fields."""
    context = selectors.registration_panel_context(
        user=request.user, event=event, form=form, message=message, error=error
    )
    response = render(request, PANEL, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _register_page(
    request: HttpRequest, event: Event, *, form: Any = None, status: int = 200
) -> HttpResponse:
    context = {
        "event": event,
        **selectors.registration_panel_context(user=request.user, event=event, form=form),
    }
    response = render(request, "dissemination/register.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def register(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the registration form on a page of its own (deep links, no JavaScript). POST:
    register; a seat or a place in the queue, or the form again with the errors."""
    event = get_event_for_user_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD", "POST"):  # after the fetch: hidden events 404
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method != "POST":
        return _register_page(request, event)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            registration = services.registration_create(
                user=request.user, event=event, **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            message = _registered_message(registration)
            if _is_htmx(request):
                return _panel(request, event, message=message)
            messages.success(request, message)
            return redirect(event)
    if _is_htmx(request):
        return _panel(request, event, form=form)
    return _register_page(request, event, form=form, status=400)


def _back(request: HttpRequest, event: Event) -> str:
    """Where a cancel button sends the person back: the page it was on (a `next` on this site,
    e.g. My events), else the event page."""
    return next_path(request, request.POST.get("next"), default=event.get_absolute_url())


def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up a seat or a place in the queue (POST only). A freed seat goes to the first
    person waiting at once."""
    event = get_event_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a hidden event answers 404 for any method
        return HttpResponseNotAllowed(["POST"])
    try:
        registration = services.registration_cancel(user=request.user, event=event)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        if _is_htmx(request):
            return _panel(request, event, error=error)
        messages.error(request, error)
        return redirect(_back(request, event))
    # The service keeps `confirmed_at` empty for as long as someone waits for a seat.
    if registration.queued_at is not None and registration.confirmed_at is None:
        message = _("You have left the waiting list.")
    else:
        message = _("Your registration is cancelled.")
    if _is_htmx(request):
        return _panel(request, event, message=message)
    messages.success(request, message)
    return redirect(_back(request, event))


# The consent forms' hidden field: "1" gives the consent, "0" takes it back. One form per choice:
# the name on the attendee list, and the email address to the organisers and attendees.
_CONSENT_VALUES = {"1": True, "0": False}
_CONSENT_FIELDS = ("consent_to_list", "consent_to_share_contact")


def _consent_message(field: str, wanted: bool) -> str:
    if field == "consent_to_list":
        if wanted:
            return _("The other attendees now see your name and organisation.")
        return _("Your name is no longer shown to the other attendees.")
    if wanted:
        return _(
            "The organisers now see your email address, and so do the attendees who see your name."
        )
    return _("Your email address is no longer shown to the organisers or the other attendees.")


def registration_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Give or take back one of the consents given at registration (shown on the attendee list;
    email address shared), keeping the seat or the place in the queue (POST only)."""
    event = get_event_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a hidden event answers 404 for any method
        return HttpResponseNotAllowed(["POST"])
    sent = [field for field in _CONSENT_FIELDS if field in request.POST]
    field = sent[0] if len(sent) == 1 else ""
    wanted = _CONSENT_VALUES.get(request.POST.get(field, "")) if field else None
    try:
        if wanted is None:
            raise ValidationError(
                _("Choose whether the other attendees may see your name."), code="invalid"
            )
        services.registration_consent(user=request.user, event=event, **{field: wanted})
    except ValidationError as exc:
        error = " ".join(exc.messages)
        if _is_htmx(request):
            return _panel(request, event, error=error)
        messages.error(request, error)
        return redirect(_back(request, event))
    message = _consent_message(field, wanted)
    if _is_htmx(request):
        return _panel(request, event, message=message)
    messages.success(request, message)
    return redirect(_back(request, event))


@require_GET
@cached_page
def my_registrations(request: HttpRequest) -> HttpResponse:
    """The person's registrations: upcoming events (with cancel buttons) and past ones."""
    mine = selectors.registrations_of_user(user=request.user)
    return render(
        request,
        "dissemination/my_registrations.html",
        {"upcoming": mine.upcoming, "past": mine.past},
    )


def _attendees_page(
    request: HttpRequest, event: Event, *, form: AttendanceForm | None = None, status: int = 200
) -> HttpResponse:
    context = selectors.attendees_page_context(user=request.user, event=event, form=form)
    return render(request, "dissemination/attendees.html", context, status=status)


def attendees(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: every registration (needs, consent, status, queue place) and, once the event
    has started, the attendance form."""
    event = get_event_attendees_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD"):  # after the fetch: 404 for non-organisers
        return HttpResponseNotAllowed(["GET"])
    return _attendees_page(request, event)


def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers mark who came (POST only); only the rows changed in the form are saved."""
    event = get_event_attendees_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: 404 for everyone but the organisers
        return HttpResponseNotAllowed(["POST"])
    confirmed = selectors.attendee_rows(event=event).filter(status=RegistrationStatus.CONFIRMED)
    form = AttendanceForm(request.POST, registrations=list(confirmed))
    if form.is_valid():
        try:
            changed = services.attendance_mark(
                actor=request.user, event=event, attended=form.changed_attendance()
            )
        except ValidationError as exc:
            if exc.code in ("not_started", "not_held"):
                # The page shows no form then: the reason goes above it.
                messages.error(request, " ".join(exc.messages))
            else:
                apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("Attendance saved (%(count)s changed).") % {"count": changed},
            )
            return redirect(reverse("dissemination:attendees", args=[event.pk]))
    return _attendees_page(request, event, form=form, status=400)


def attendees_csv(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """Organisers: the attendee list as CSV for Swedish Excel, formula-safe."""
    event = get_event_attendees_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD"):  # after the fetch: 404 for non-organisers
        return HttpResponseNotAllowed(["GET"])
    response = attendees_csv_response(event=event, language=get_language() or "sv")
    return export_logged(request, response, export="event_attendees", event_id=event.pk)


urlpatterns: list[URLPattern] = [
    path("mine/", my_registrations, name="my_registrations"),
    path("<int:pk>/register/", register, name="register"),
    path("<int:pk>/registration/cancel/", registration_cancel, name="registration_cancel"),
    path("<int:pk>/registration/consent/", registration_consent, name="registration_consent"),
    path("<int:pk>/attendees/", attendees, name="attendees"),
    path("<int:pk>/attendees.csv", attendees_csv, name="attendees_csv"),
    path("<int:pk>/attendance/", attendance, name="attendance"),
]
