"""Writes for registrations: registering, the waiting list, cancelling and attendance.

Every write that decides who holds a seat locks the event row first (SELECT … FOR UPDATE), so
registrations for one event are decided one at a time: two people taking the last seat at the
same moment never both get it, and a double submit finds the row the first request made. One row
per person and event (a unique constraint): cancelling keeps it, registering again reuses it.

Mail (no MailKind: it is about the person's own registration, so it always goes) is sent after
the commit, in the person's language: registration_confirmed, registration_waitlisted and
registration_promoted ("You have a seat") in templates/dissemination/mail/.
"""

import unicodedata
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from obstacles.sanitize import single_line
from portal.core.audit import audit_record
from portal.core.notifications import notify

from ..models import Event, Registration
from ..permissions.registrations import (
    can_manage_attendees,
    event_has_started,
    why_attendance_closed,
)
from ..permissions.registrations import why_registration_closed as _why_closed
from ..selectors.registrations import queue_position
from ..workflow import ACTIVE_REGISTRATION, EventStatus, RegistrationStatus

RS = RegistrationStatus
MAIL = "dissemination/mail/registration_"
# Statuses in which a freed seat goes to the next person in the queue.
_SEATS_MOVE = frozenset({EventStatus.PUBLISHED, EventStatus.POSTPONED})


def _lock_event(event: Event) -> Event:
    """The event row, locked until the transaction ends, with its stored state."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _plain_text(text: str, *, max_length: int) -> str:
    """Free text kept as typed (shown escaped): line ends normalised, control and format
    characters except line breaks and tabs dropped, outer whitespace stripped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        char for char in text if char in "\n\t" or unicodedata.category(char) not in {"Cc", "Cf"}
    )
    return kept.strip()[:max_length]


def _clean_details(
    *,
    name: str,
    organisation: str,
    needs: str,
    consent_to_list: bool,
    consent_to_share_contact: bool,
) -> dict[str, Any]:
    fields = {
        "name": single_line(name)[:150],
        "organisation": single_line(organisation)[:200],
        "needs": _plain_text(needs, max_length=2000),
        "consent_to_list": bool(consent_to_list),
        "consent_to_share_contact": bool(consent_to_share_contact),
    }
    if not fields["name"]:
        raise ValidationError(
            {"name": _("Write the name the organisers should know you by.")}, code="required"
        )
    return fields


def _urls(event: Event) -> dict[str, str]:
    site = settings.PORTAL_SITE_URL
    return {
        "event_url": site + event.get_absolute_url(),
        "ics_url": site + reverse("dissemination:event_ics", args=[event.pk]),
        "mine_url": site + reverse("dissemination:my_registrations"),
    }


def _mail(registration: Registration, event: Event, name: str) -> None:
    """Tell the person where they stand (after the commit, in their language)."""
    context: dict[str, Any] = {
        "event": event,
        "registration": registration,
        **_urls(event),
        # The link is for confirmed seats only; the waiting list gets it once promoted.
        "online_url": event.online_url if registration.status == RS.CONFIRMED else "",
    }
    if registration.status == RS.WAITLISTED:
        context["position"] = queue_position(registration=registration)
    notify(users=[registration.user], template=MAIL + name, context=context)


def _seats_taken(event: Event) -> int:
    return event.registrations.filter(status=RS.CONFIRMED).count()


def _fill_free_seats(event: Event) -> list[Registration]:
    """Give every free seat of the locked `event` to the waiting list, first come first served,
    and mail each person promoted. Nothing moves for a cancelled event or one that started; a
    postponed event has not started, whatever its old time says, so its queue keeps moving."""
    if event.status not in _SEATS_MOVE or event_has_started(event):
        return []
    waiting = (
        event.registrations.select_for_update(of=("self",))
        .filter(status=RS.WAITLISTED)
        .select_related("user")
        .order_by("queued_at", "id")
    )
    if event.capacity is not None:
        free = event.capacity - _seats_taken(event)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    now = timezone.now()
    for registration in promoted:
        registration.status = RS.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        audit_record(
            actor=None,
            action="registration.promote",
            target=registration,
            data={"event": event.pk},
        )
        _mail(registration, event, "promoted")
    return promoted


@transaction.atomic
def registration_create(
    *,
    user: Any,
    event: Event,
    name: str,
    organisation: str = "",
    needs: str = "",
    consent_to_list: bool = False,
    consent_to_share_contact: bool = False,
) -> Registration:
    """Register `user` for `event`: a seat while there is one, else a place at the back of the
    waiting list (`queued_at` = now).

    Refused (ValidationError, code "closed") unless the event is published and before its
    registration deadline (or its start). A person who already holds a seat or a place in the
    queue gets that registration back unchanged and no second mail (a double submit); a person
    who cancelled earlier gets their row back, with the new details. Mails the person:
    registration_confirmed (time, online link, calendar file) or registration_waitlisted (their
    place in the queue).
    """
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        raise PermissionDenied
    locked = _lock_event(event)
    existing = Registration.objects.select_for_update().filter(event=locked, user=user).first()
    if existing is not None and existing.status in ACTIVE_REGISTRATION:
        return existing
    reason = _why_closed(locked)
    if reason:
        raise ValidationError(reason, code="closed")
    fields = _clean_details(
        name=name,
        organisation=organisation,
        needs=needs,
        consent_to_list=consent_to_list,
        consent_to_share_contact=consent_to_share_contact,
    )
    # People already waiting come before a newcomer: seats that are free while someone waits
    # (a capacity raised outside the services) go to the queue first.
    _fill_free_seats(locked)
    now = timezone.now()
    has_seat = locked.capacity is None or _seats_taken(locked) < locked.capacity
    state = {
        "status": RS.CONFIRMED if has_seat else RS.WAITLISTED,
        "confirmed_at": now if has_seat else None,
        "queued_at": None if has_seat else now,
        "cancelled_at": None,
        "attended": None,
    }
    if existing is None:
        registration = Registration.objects.create(event=locked, user=user, **fields, **state)
    else:
        registration = existing
        for field, value in {**fields, **state}.items():
            setattr(registration, field, value)
        registration.save(update_fields=[*fields, *state, "updated_at"])
    audit_record(
        actor=user,
        action="registration.create",
        target=registration,
        data={"event": locked.pk, "status": registration.status, "again": existing is not None},
    )
    _mail(registration, locked, "confirmed" if has_seat else "waitlisted")
    return registration


@transaction.atomic
def registration_cancel(*, user: Any, event: Event) -> Registration:
    """Cancel `user`'s seat or place in the queue, until the event starts (a postponed event
    has not started, even once its old time has passed).

    A freed seat goes at once, in the same transaction, to the first person waiting, who is
    mailed (registration_promoted). Cancelling what is already cancelled changes nothing (a
    double click). Refused (ValidationError) when the person never registered (code
    "not_registered"), the event is cancelled (code "event_cancelled": the registration lapsed
    with it) or the event has started (code "started").
    """
    locked = _lock_event(event)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .filter(event=locked, user=user)
        .select_related("user")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if registration is None:
        raise ValidationError(_("You are not registered for this event."), code="not_registered")
    if registration.status == RS.CANCELLED:
        return registration
    if locked.status == EventStatus.CANCELLED:
        raise ValidationError(
            _("The event is cancelled, so there is no registration left to cancel."),
            code="event_cancelled",
        )
    if event_has_started(locked):
        raise ValidationError(
            _("The event has started; the registration can no longer be cancelled."),
            code="started",
        )
    held_seat = registration.status == RS.CONFIRMED
    previous = registration.status
    registration.status = RS.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_record(
        actor=user,
        action="registration.cancel",
        target=registration,
        data={"event": locked.pk, "from": previous},
    )
    if held_seat:
        _fill_free_seats(locked)
    return registration


@transaction.atomic
def registration_consent(
    *,
    user: Any,
    event: Event,
    consent_to_list: bool | None = None,
    consent_to_share_contact: bool | None = None,
) -> Registration:
    """Change what the person lets others see, keeping their seat or place in the queue: their
    name and organisation on the attendee list ("Who's coming", `consent_to_list`), and their
    email address to the organisers and, beside their name, to the other attendees
    (`consent_to_share_contact`). None leaves a choice as it is.

    Locks the person's active registration (a seat or a place in the queue); a choice that is
    already stored changes nothing and writes no audit row (a double click). Refused
    (ValidationError, code "not_registered") when the person holds neither. The organisers see
    the choices in their attendee list; nobody is mailed.
    """
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, user=user, status__in=ACTIVE_REGISTRATION)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if registration is None:
        raise ValidationError(_("You are not registered for this event."), code="not_registered")
    wanted = {
        field: bool(value)
        for field, value in (
            ("consent_to_list", consent_to_list),
            ("consent_to_share_contact", consent_to_share_contact),
        )
        if value is not None and bool(value) != getattr(registration, field)
    }
    if not wanted:
        return registration
    for field, value in wanted.items():
        setattr(registration, field, value)
    registration.save(update_fields=[*wanted, "updated_at"])
    audit_record(
        actor=user,
        action="registration.consent",
        target=registration,
        data={"event": event.pk, **wanted},
    )
    return registration


@transaction.atomic
def registrations_promote(*, event: Event) -> list[Registration]:
    """Fill every free seat of `event` from its waiting list, in queue order, and mail each
    person promoted (registration_promoted). Locks the event row itself and reads the stored
    capacity, so callers (e.g. `event_update` raising the capacity) call it after saving.
    Returns the promoted registrations (none for a cancelled event or one that started; a
    postponed one has not started)."""
    return _fill_free_seats(_lock_event(event))


@transaction.atomic
def attendance_mark(*, actor: Any, event: Event, attended: Mapping[int, bool | None]) -> int:
    """Record who came: registration id → True (came), False (did not come) or None (not
    marked). Organisers only (PermissionDenied otherwise), once the event has started and only
    for a published event (ValidationError, code "not_started" / "not_held"); only confirmed
    registrations of this event can be marked (ValidationError, code "not_attendee"). Returns
    how many rows changed."""
    if not can_manage_attendees(actor, event):
        raise PermissionDenied
    locked = _lock_event(event)
    reason = why_attendance_closed(locked)
    if reason:
        code = "not_started" if locked.status == EventStatus.PUBLISHED else "not_held"
        raise ValidationError(reason, code=code)
    wanted = {int(pk): value for pk, value in attended.items()}
    if any(value not in (True, False, None) for value in wanted.values()):
        raise ValidationError(_("Mark each person as attended, not attended or not marked."))
    rows = {
        r.pk: r
        for r in locked.registrations.select_for_update().filter(pk__in=wanted, status=RS.CONFIRMED)
    }
    if len(rows) != len(wanted):
        raise ValidationError(
            _("Attendance can be marked only for people with a seat at this event."),
            code="not_attendee",
        )
    changed = [r for pk, r in rows.items() if r.attended is not wanted[pk]]
    now = timezone.now()
    for registration in changed:
        registration.attended = wanted[registration.pk]
        registration.updated_at = now
    if changed:
        Registration.objects.bulk_update(changed, ["attended", "updated_at"])
        audit_record(
            actor=actor,
            action="event.attendance",
            target=locked,
            data={"attended": {str(r.pk): r.attended for r in changed}},
        )
    return len(changed)
