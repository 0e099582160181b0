"""Reads for the registrations pages: the registration panel on an event page, the person's own
registrations ("My events") and the organisers' attendee list.

Each read makes a fixed number of queries however many registrations an event has: seat counts
are one aggregate, queue places a correlated subquery.
"""

import dataclasses
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from ..models import Event, Registration
from ..permissions.base import can_organise
from ..permissions.registrations import (
    can_cancel_registration,
    can_see_attendee_names,
    can_see_online_link,
    local_moment,
    why_attendance_closed,
    why_registration_closed,
)
from ..workflow import ACTIVE_REGISTRATION, EventStatus, RegistrationStatus

RS = RegistrationStatus


@dataclasses.dataclass(frozen=True)
class Seats:
    """Seats of one event: taken (confirmed), waiting and cancelled; capacity None = no limit."""

    capacity: int | None
    taken: int
    waiting: int
    cancelled: int = 0
    attended: int = 0

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


def seat_summary(*, event: Event) -> Seats:
    """One query: the event's confirmed, waiting, cancelled and attended registrations."""
    counts = Registration.objects.filter(event=event).aggregate(
        taken=Count("pk", filter=Q(status=RS.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RS.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=RS.CANCELLED)),
        attended=Count("pk", filter=Q(status=RS.CONFIRMED, attended=True)),
    )
    return Seats(capacity=event.capacity, **counts)


def queue_position(*, registration: Registration) -> int | None:
    """1 for the first person waiting; None when the registration is not on the waiting list.
    The queue is ordered by when people joined it (`queued_at`, then id)."""
    if registration.status != RS.WAITLISTED or registration.queued_at is None:
        return None
    ahead = Registration.objects.filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk),
        event_id=registration.event_id,
        status=RS.WAITLISTED,
    ).count()
    return ahead + 1


def with_queue_position(qs: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotate `queue_place`: the place in the event's waiting list (None unless waiting)."""
    ahead = (
        Registration.objects.filter(event_id=OuterRef("event_id"), status=RS.WAITLISTED)
        .filter(
            Q(queued_at__lt=OuterRef("queued_at"))
            | Q(queued_at=OuterRef("queued_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        queue_place=Case(
            When(
                status=RS.WAITLISTED,
                then=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1,
            ),
            default=None,
            output_field=IntegerField(),
        )
    )


def own_registration(*, user: Any, event: Event) -> Registration | None:
    """The user's registration for `event` holding a seat or a place in the queue, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(event=event, user=user, status__in=ACTIVE_REGISTRATION)
        .select_related("event")
        .first()
    )


def attendee_names(*, event: Event) -> list[tuple[str, str, str]]:
    """ "Who's coming": name and organisation of the confirmed attendees who consented to be
    listed, and the email address of those who also consented to share it ("" otherwise)."""
    return list(
        Registration.objects.filter(event=event, status=RS.CONFIRMED, consent_to_list=True)
        .annotate(
            shared_email=Case(
                When(consent_to_share_contact=True, then=F("user__email")),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .order_by("name", "pk")
        .values_list("name", "organisation", "shared_email")
    )


def _login_url(event: Event) -> str:
    return reverse("account_login") + "?" + urlencode({"next": event.get_absolute_url()})


def registration_panel_context(
    *, user: Any, event: Event, form: Any = None, message: str = "", error: str = ""
) -> dict[str, Any]:
    """The registration panel on an event page: the person's registration, the form, seats
    left, the online link (confirmed only) and who is coming (consenting attendees).

    `form` is a bound form to show again with its errors; `message` a confirmation and `error`
    a refusal shown in the panel itself (after an htmx post). Rendered by
    `templates/dissemination/partials/registration_panel.html`.
    """
    from ..forms.registrations import RegistrationForm

    signed_in = bool(getattr(user, "is_authenticated", False))
    registration = own_registration(user=user, event=event)
    closed = why_registration_closed(event)
    if form is None and signed_in and registration is None and not closed:
        form = RegistrationForm.for_user(user)
    return {
        "registration_panel_show": True,
        "registration_panel_event": event,
        "registration_panel_registration": registration,
        "registration_panel_position": queue_position(registration=registration)
        if registration is not None
        else None,
        "registration_panel_seats": seat_summary(event=event),
        "registration_panel_closed_reason": closed,
        # The deadline, when one is set, while registration is open ("" otherwise).
        "registration_panel_closes": local_moment(event.registration_deadline)
        if event.registration_deadline and not closed
        else "",
        "registration_panel_form": form if registration is None and not closed else None,
        "registration_panel_login_url": "" if signed_in else _login_url(event),
        "registration_panel_online_url": event.online_url
        if can_see_online_link(user, event, registration)
        else "",
        "registration_panel_attendees": attendee_names(event=event)
        if can_see_attendee_names(user, event, registration)
        else None,
        "registration_panel_can_cancel": can_cancel_registration(user, registration),
        "registration_panel_ics_url": reverse("dissemination:event_ics", args=[event.pk]),
        "registration_panel_is_organiser": signed_in and can_organise(user, event),
        "registration_panel_message": message,
        "registration_panel_error": error,
    }


@dataclasses.dataclass(frozen=True)
class MyRegistrations:
    upcoming: list[Registration]
    past: list[Registration]


def _is_over(event: Event, now: dt.datetime) -> bool:
    return event.status != EventStatus.POSTPONED and event.ends_at < now


def registrations_of_user(*, user: Any, now: dt.datetime | None = None) -> MyRegistrations:
    """The user's registrations (every status): events not yet over first (soonest first), then
    past ones (latest first). A postponed event is not over, whatever its old time says: it
    waits for a new one. Each row carries `queue_place` and `can_cancel`. One query."""
    now = now or timezone.now()
    rows = list(
        with_queue_position(
            Registration.objects.filter(user=user).select_related("event", "event__region")
        ).order_by("event__starts_at", "event_id")
    )
    for row in rows:
        row.can_cancel = can_cancel_registration(user, row, now=now)  # type: ignore[attr-defined]
    upcoming = [r for r in rows if not _is_over(r.event, now)]
    past = [r for r in reversed(rows) if _is_over(r.event, now)]
    return MyRegistrations(upcoming=upcoming, past=past)


def attendee_rows(*, event: Event) -> QuerySet[Registration]:
    """Every registration of the event for its organisers: confirmed (in the order the seats
    were given), then the waiting list in queue order, then cancelled; with `queue_place`."""
    order = Case(
        When(status=RS.CONFIRMED, then=Value(0)),
        When(status=RS.WAITLISTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    since = Case(
        When(status=RS.CONFIRMED, then=F("confirmed_at")),
        When(status=RS.WAITLISTED, then=F("queued_at")),
        default=F("cancelled_at"),
        output_field=DateTimeField(),
    )
    return (
        with_queue_position(Registration.objects.filter(event=event).select_related("user"))
        .annotate(
            status_order=order,
            status_since=since,
            # When they last registered: a row reused after a cancellation counts from then.
            registered_at=Coalesce("queued_at", "confirmed_at", "created_at"),
        )
        .order_by("status_order", F("status_since").asc(nulls_last=True), "pk")
    )


def attendees_page_context(*, user: Any, event: Event, form: Any = None) -> dict[str, Any]:
    """The organisers' attendee page: seat counts, every registration and, once the event has
    started, the attendance form for the confirmed ones."""
    from ..forms.registrations import AttendanceForm

    rows = list(attendee_rows(event=event))
    closed = why_attendance_closed(event)
    if form is None and not closed:
        form = AttendanceForm(registrations=[r for r in rows if r.status == RS.CONFIRMED])
    fields = dict(form.bound_rows()) if form is not None and not closed else {}
    return {
        "event": event,
        "seats": seat_summary(event=event),
        "rows": [(row, fields.get(row)) for row in rows],
        "attendance_form": form if not closed else None,
        "attendance_closed_reason": closed,
    }
