"""Registrations of postponed and cancelled events.

A postponed event keeps its old `starts_at` until it gets a new time; it has not started, so once
the old time has passed people may still cancel and the waiting list still moves up. A cancelled
event takes the registrations with it: nothing is left to cancel, and "My events" and the
registration panel say the event was cancelled, with the organisers' reason.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dissemination.models import Event, Registration
from dissemination.permissions.registrations import can_cancel_registration, event_has_started
from dissemination.selectors.registrations import (
    registration_panel_context,
    registrations_of_user,
)
from dissemination.services.registrations import registration_cancel, registrations_promote
from dissemination.workflow import EventStatus, RegistrationStatus
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory, RegistrationFactory
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

RS = RegistrationStatus
HTMX = {"HTTP_HX_REQUEST": "true"}
REASON = "Talaren är sjuk."
MINE = reverse("dissemination:my_registrations")


def _cancel_url(event: Event) -> str:
    return reverse("dissemination:registration_cancel", args=[event.pk])


def _event_whose_old_time_passed(*, status: str, capacity: int | None = 1) -> Event:
    """An event planned for yesterday, put in `status` afterwards (as the organisers' move
    leaves it: the old time is kept)."""
    start = timezone.now() - timedelta(days=1)
    return EventFactory(
        title="Workshop om testbäddar",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=capacity,
        status=status,
        status_reason=REASON,
    )


def _seat_and_queue(event: Event) -> tuple[Registration, Registration]:
    holder = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RS.WAITLISTED, confirmed_at=None)
    return holder, waiting


def _panel(user: Any, event: Event) -> str:
    request = RequestFactory().get(event.get_absolute_url())
    request.user = user
    return render_to_string(
        "dissemination/partials/registration_panel.html",
        registration_panel_context(user=user, event=event),
        request=request,
    )


def _status(registration: Registration) -> str:
    registration.refresh_from_db()
    return registration.status


# --- The predicate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "old_time_passed", "may_cancel"),
    [
        (EventStatus.PUBLISHED, False, True),
        (EventStatus.PUBLISHED, True, False),
        (EventStatus.POSTPONED, False, True),
        (EventStatus.POSTPONED, True, True),
        (EventStatus.CANCELLED, False, False),
        (EventStatus.CANCELLED, True, False),
    ],
)
def test_who_may_cancel_by_the_state_of_the_event(
    status: str, old_time_passed: bool, may_cancel: bool
) -> None:
    event = (
        _event_whose_old_time_passed(status=status)
        if old_time_passed
        else EventFactory(status=status, status_reason=REASON)
    )
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RS.WAITLISTED, confirmed_at=None)
    assert can_cancel_registration(confirmed.user, confirmed) is may_cancel
    assert can_cancel_registration(waiting.user, waiting) is may_cancel
    assert event_has_started(event) is (old_time_passed and status != EventStatus.POSTPONED)


def test_a_postponed_event_has_not_started_even_at_its_old_time() -> None:
    event = _event_whose_old_time_passed(status=EventStatus.POSTPONED)
    assert not event_has_started(event, now=event.starts_at)
    assert not event_has_started(event, now=event.ends_at + timedelta(days=30))
    event.status = EventStatus.PUBLISHED
    assert event_has_started(event, now=event.starts_at)


# --- Postponed: cancelling and the waiting list after the old time ------------------------------


def test_after_the_old_time_of_a_postponed_event_cancelling_promotes_the_first_waiting(
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = _event_whose_old_time_passed(status=EventStatus.POSTPONED)
    holder, waiting = _seat_and_queue(event)

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = registration_cancel(user=holder.user, event=event)

    assert cancelled.status == RS.CANCELLED
    assert _status(waiting) == RS.CONFIRMED
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]
    assert mail.outbox[0].subject == f"You have a seat: {event.title}"


def test_after_the_old_time_of_a_postponed_event_the_queue_can_be_left() -> None:
    event = _event_whose_old_time_passed(status=EventStatus.POSTPONED)
    _holder, waiting = _seat_and_queue(event)
    assert registration_cancel(user=waiting.user, event=event).status == RS.CANCELLED


def test_raising_the_capacity_of_a_postponed_event_promotes_after_its_old_time() -> None:
    event = _event_whose_old_time_passed(status=EventStatus.POSTPONED)
    _holder, waiting = _seat_and_queue(event)
    Event.objects.filter(pk=event.pk).update(capacity=2)
    assert [r.pk for r in registrations_promote(event=event)] == [waiting.pk]
    assert _status(waiting) == RS.CONFIRMED


def test_a_published_event_that_started_still_refuses_cancelling_and_promotes_nobody() -> None:
    event = _event_whose_old_time_passed(status=EventStatus.PUBLISHED)
    holder, waiting = _seat_and_queue(event)
    with pytest.raises(ValidationError) as caught:
        registration_cancel(user=holder.user, event=event)
    assert caught.value.code == "started"
    Event.objects.filter(pk=event.pk).update(capacity=2)
    assert registrations_promote(event=event) == []
    assert (_status(holder), _status(waiting)) == (RS.CONFIRMED, RS.WAITLISTED)


def test_cancelling_a_postponed_event_through_the_page_after_its_old_time(client: Any) -> None:
    event = _event_whose_old_time_passed(status=EventStatus.POSTPONED)
    holder, waiting = _seat_and_queue(event)
    client.force_login(holder.user)
    html = client.post(_cancel_url(event), **HTMX).content.decode()
    assert "Your registration is cancelled." in html
    assert (_status(holder), _status(waiting)) == (RS.CANCELLED, RS.CONFIRMED)


def test_my_events_keeps_a_postponed_event_upcoming_with_its_cancel_button(client: Any) -> None:
    event = _event_whose_old_time_passed(status=EventStatus.POSTPONED)
    holder, _waiting = _seat_and_queue(event)
    mine = registrations_of_user(user=holder.user)
    assert [r.event for r in mine.upcoming] == [event] and mine.past == []
    assert mine.upcoming[0].can_cancel  # type: ignore[attr-defined]

    client.force_login(holder.user)
    html = client.get(MINE).content.decode()
    upcoming = html.split('id="past-heading"')[0]
    assert "Workshop om testbäddar" in upcoming
    assert "the event is postponed" in upcoming
    assert "A new time will be announced." in upcoming
    assert "Cancel my registration" in upcoming
    assert _cancel_url(event) in upcoming


# --- Cancelled: nothing left to cancel, and it says so ------------------------------------------


@pytest.mark.parametrize("status", [RS.CONFIRMED, RS.WAITLISTED])
def test_the_service_refuses_to_cancel_a_registration_of_a_cancelled_event(status: str) -> None:
    event = EventFactory(status=EventStatus.CANCELLED, status_reason=REASON)
    registration = RegistrationFactory(event=event, status=status)
    with pytest.raises(ValidationError) as caught:
        registration_cancel(user=registration.user, event=event)
    assert caught.value.code == "event_cancelled"
    assert _status(registration) == status


def test_posting_cancel_for_a_cancelled_event_changes_nothing(client: Any) -> None:
    event = EventFactory(status=EventStatus.CANCELLED, status_reason=REASON)
    registration = RegistrationFactory(event=event)
    client.force_login(registration.user)
    fragment = client.post(_cancel_url(event), **HTMX).content.decode()
    assert 'role="alert"' in fragment and "The event is cancelled" in fragment
    response = client.post(_cancel_url(event), {"next": MINE})
    assert response.status_code == 302 and response["Location"] == MINE
    assert _status(registration) == RS.CONFIRMED


@pytest.mark.parametrize(
    ("status", "lapse"),
    [
        (RS.CONFIRMED, "Your seat lapses with it"),
        (RS.WAITLISTED, "The waiting list lapses with it"),
    ],
)
def test_the_panel_says_the_event_is_cancelled_with_the_reason(status: str, lapse: str) -> None:
    event = EventFactory(
        status=EventStatus.CANCELLED, status_reason="Talaren är sjuk.\nVi hör av oss."
    )
    registration = RegistrationFactory(event=event, status=status)
    context = registration_panel_context(user=registration.user, event=event)
    assert context["registration_panel_can_cancel"] is False
    html = _panel(registration.user, event)
    assert "The event is cancelled." in html
    assert lapse in html
    assert "Talaren är sjuk.<br>Vi hör av oss." in html
    assert "You are registered." not in html
    assert "You are number" not in html
    assert "Cancel my registration" not in html and "Leave the waiting list" not in html
    assert "/registration/cancel/" not in html
    assert "/registration/consent/" not in html


def test_my_events_says_the_event_is_cancelled_with_the_reason_and_offers_no_cancel(
    client: Any,
) -> None:
    person = UserFactory()
    cancelled = EventFactory(
        title="Inställt webbinarium", status=EventStatus.CANCELLED, status_reason=REASON
    )
    RegistrationFactory(event=cancelled, user=person)
    now = timezone.now()
    held_then_cancelled = EventFactory(
        title="Inställd konferens",
        starts_at=now - timedelta(days=20),
        ends_at=now - timedelta(days=20) + timedelta(hours=3),
        status=EventStatus.CANCELLED,
        status_reason="Lokalen brann.",
    )
    RegistrationFactory(event=held_then_cancelled, user=person)
    mine = registrations_of_user(user=person)
    assert not any(r.can_cancel for r in mine.upcoming + mine.past)  # type: ignore[attr-defined]

    client.force_login(person)
    html = client.get(MINE).content.decode()
    upcoming, past = html.split('id="past-heading"')
    row = upcoming.split("Inställt webbinarium")[1].split("</tr>")[0]
    assert "The event is cancelled." in row
    assert f"Reason given: {REASON}" in row
    assert "Registered" not in row
    assert "Cancel my registration" not in row and "/registration/cancel/" not in row
    assert "Add to calendar" not in row
    past_row = past.split("Inställd konferens")[1].split("</tr>")[0]
    assert "The event is cancelled." in past_row and "Lokalen brann." in past_row
    assert "Registered" not in past_row


def test_my_events_makes_the_same_queries_with_postponed_and_cancelled_rows(
    client: Any,
) -> None:
    person = UserFactory()
    client.force_login(person)
    counts = []
    for rows in (2, 12):
        Registration.objects.filter(user=person).delete()
        for i in range(rows):
            status = [EventStatus.PUBLISHED, EventStatus.POSTPONED, EventStatus.CANCELLED][i % 3]
            RegistrationFactory(event=_event_whose_old_time_passed(status=status), user=person)
            RegistrationFactory(event=EventFactory(status=status), user=person)
        counts.append(count_queries(client, MINE))
    assert counts[0] == counts[1]
