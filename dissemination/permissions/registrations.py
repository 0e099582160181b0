"""Who may register for an event, see its online link, see who is coming and manage its
attendee list.

Registration is open while the event is published and before its registration deadline (or its
start when there is none). Postponed and cancelled events take no registrations. The online link
is for people with a confirmed registration and for the organisers; the names of the other
attendees (only those who consented) for confirmed attendees and the organisers; the full
attendee list, with needs and email addresses, for the organisers only.
"""

import datetime as dt
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import Event, Registration
from ..workflow import ACTIVE_REGISTRATION, EventStatus, RegistrationStatus
from .base import can_organise, get_event_to_organise_or_404


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def local_moment(value: dt.datetime) -> str:
    """'Tue 27 Oct 2026, 13:00' in Stockholm time, in the active language (as `when_text`)."""
    local = timezone.localtime(value)
    day = formats.date_format(local, _("D j M Y"))
    return f"{day}, {local:%H:%M}"


def registration_closes_at(event: Event) -> dt.datetime:
    """When registration closes: the deadline, or the start when there is none."""
    return event.registration_deadline or event.starts_at


def why_registration_closed(event: Event, *, now: dt.datetime | None = None) -> str:
    """Why nobody can register now (translated), or "" while registration is open."""
    now = now or timezone.now()
    if event.status == EventStatus.CANCELLED:
        return _("The event is cancelled.")
    if event.status == EventStatus.POSTPONED:
        return _(
            "The event is postponed. Registration opens again when it has a new time; "
            "registrations already made are kept."
        )
    if event.status != EventStatus.PUBLISHED:
        return _("Registration opens when the event is published.")
    if now >= registration_closes_at(event):
        if event.registration_deadline is None:
            return _("Registration closed when the event started.")
        return _("Registration closed on %(when)s.") % {
            "when": local_moment(event.registration_deadline)
        }
    return ""


def registration_open(event: Event, *, now: dt.datetime | None = None) -> bool:
    return not why_registration_closed(event, now=now)


def can_register(user: Any, event: Event, *, now: dt.datetime | None = None) -> bool:
    """Signed-in people, while registration is open (state first, then the person)."""
    return registration_open(event, now=now) and _signed_in(user)


def event_has_started(event: Event, *, now: dt.datetime | None = None) -> bool:
    """Has the event begun? A postponed event has not, whatever its old `starts_at` says: it
    keeps the old time until it is given a new one."""
    if event.status == EventStatus.POSTPONED:
        return False
    return (now or timezone.now()) >= event.starts_at


def can_cancel_registration(
    user: Any, registration: Registration | None, *, now: dt.datetime | None = None
) -> bool:
    """The person themselves, for a seat or a place in the queue, until the event starts
    (a postponed event has not started). Nothing to cancel once the event itself is
    cancelled."""
    if registration is None or registration.status not in ACTIVE_REGISTRATION:
        return False
    if not _signed_in(user) or registration.user_id != user.pk:
        return False
    event = registration.event
    if event.status == EventStatus.CANCELLED:
        return False
    return not event_has_started(event, now=now)


# "Not given": the predicate looks the user's registration up itself.
_LOOK_UP: Any = object()


def _confirmed(user: Any, event: Event, registration: Any) -> bool:
    """Does `user` hold a confirmed seat at `event`? `registration` is their registration for
    it when the caller has read it already (None: they have none)."""
    if registration is _LOOK_UP:
        return Registration.objects.filter(
            event=event, user=user, status=RegistrationStatus.CONFIRMED
        ).exists()
    return (
        registration is not None
        and registration.status == RegistrationStatus.CONFIRMED
        and registration.user_id == user.pk
        and registration.event_id == event.pk
    )


def can_see_online_link(user: Any, event: Event, registration: Any = _LOOK_UP) -> bool:
    """The online link: people with a confirmed registration and the organisers; never the
    waiting list, never the public. Pass the user's registration (or None) when it is read
    already, to save a query."""
    if not event.online_url or not _signed_in(user):
        return False
    return can_organise(user, event) or _confirmed(user, event, registration)


def can_see_attendee_names(user: Any, event: Event, registration: Any = _LOOK_UP) -> bool:
    """ "Who's coming" (the consenting confirmed attendees' names and organisations): confirmed
    attendees and the organisers. `registration` as for `can_see_online_link`."""
    if not _signed_in(user):
        return False
    return can_organise(user, event) or _confirmed(user, event, registration)


def can_manage_attendees(user: Any, event: Event) -> bool:
    """The full attendee list (needs, email addresses), its export and attendance: organisers."""
    return can_organise(user, event)


def why_attendance_closed(event: Event, *, now: dt.datetime | None = None) -> str:
    """Why attendance cannot be marked now (translated), or "" when it can."""
    if event.status != EventStatus.PUBLISHED:
        return _("Attendance is marked only for events that took place.")
    if (now or timezone.now()) < event.starts_at:
        return _("You can mark attendance once the event has started.")
    return ""


def can_mark_attendance(user: Any, event: Event, *, now: dt.datetime | None = None) -> bool:
    return can_manage_attendees(user, event) and not why_attendance_closed(event, now=now)


def get_event_attendees_or_404(user: Any, pk: Any) -> Event:
    """The event for its attendee pages: organisers only, 404 for everyone else."""
    return get_event_to_organise_or_404(user, pk)
