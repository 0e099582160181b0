"""Registering, the waiting list, cancelling and attendance, through the services.

Seats are decided one at a time under a lock on the event row (see
test_registrations_concurrency.py for the races); these tests prove the rules themselves:
capacity, the queue order, promotion with its mail in the person's language, the deadline and the
states that take no registrations, idempotent repeats, and attendance.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dissemination.models import Registration
from dissemination.selectors.registrations import queue_position
from dissemination.services.registrations import (
    attendance_mark,
    registration_cancel,
    registration_consent,
    registration_create,
    registrations_promote,
)
from dissemination.workflow import EventStatus, RegistrationStatus
from portal.core.models import AuditEvent
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

RS = RegistrationStatus


def _register(user: Any, event: Any, **kwargs: Any) -> Registration:
    return registration_create(user=user, event=event, name=kwargs.pop("name", user.name), **kwargs)


def _status(registration: Registration) -> str:
    registration.refresh_from_db()
    return registration.status


@pytest.fixture
def two_seats(db: Any) -> Any:
    return EventFactory(capacity=2, title="Webbinarium om upphandling")


# --- Capacity and the waiting list --------------------------------------------------------------


def test_two_seats_three_register_the_third_is_put_on_the_waiting_list(
    two_seats: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people = [UserFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third = (_register(person, two_seats) for person in people)

    assert [first.status, second.status, third.status] == [
        RS.CONFIRMED,
        RS.CONFIRMED,
        RS.WAITLISTED,
    ]
    assert third.queued_at is not None and third.confirmed_at is None
    assert first.confirmed_at is not None and first.queued_at is None
    assert queue_position(registration=third) == 1
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        "You are registered: Webbinarium om upphandling",
        "You are registered: Webbinarium om upphandling",
        "On the waiting list: Webbinarium om upphandling",
    ]
    assert mail.outbox[2].to == [people[2].email]
    assert "as number 1" in mail.outbox[2].body


def test_cancelling_a_seat_promotes_the_first_waiting_person_and_mails_them_in_their_language(
    two_seats: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = UserFactory(), UserFactory()
    swede = UserFactory(preferred_language="sv", name="Sara Svensson")
    english = UserFactory(preferred_language="en", name="Emma English")
    for person in (first, second, swede, english):
        _register(person, two_seats)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = registration_cancel(user=first, event=two_seats)

    assert cancelled.status == RS.CANCELLED and cancelled.cancelled_at is not None
    promoted = Registration.objects.get(event=two_seats, user=swede)
    assert promoted.status == RS.CONFIRMED and promoted.confirmed_at is not None
    assert Registration.objects.get(event=two_seats, user=english).status == RS.WAITLISTED
    assert queue_position(registration=Registration.objects.get(user=english)) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [swede.email]
    # Swedish: the greeting is an existing translation; the weekday is Django's own.
    assert message.body.startswith("Hej Sara,")
    assert "Hello" not in message.body
    assert "https://meet.example.se/webbinarium" in message.body
    assert AuditEvent.objects.filter(action="registration.promote").count() == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(user=second, event=two_seats)
    assert [m.to for m in mail.outbox] == [[english.email]]
    assert mail.outbox[0].subject == f"You have a seat: {two_seats.title}"
    assert mail.outbox[0].body.startswith("Hello Emma,")


def test_the_waiting_list_moves_in_the_order_people_joined_it(db: Any) -> None:
    event = EventFactory(capacity=1)
    holder, *queue = [UserFactory() for _ in range(4)]
    _register(holder, event)
    waiting = [_register(person, event) for person in queue]
    assert [queue_position(registration=r) for r in waiting] == [1, 2, 3]

    registration_cancel(user=holder, event=event)
    assert [_status(r) for r in waiting] == [RS.CONFIRMED, RS.WAITLISTED, RS.WAITLISTED]
    registration_cancel(user=queue[1], event=event)  # leaves the queue: no seat freed
    assert [_status(r) for r in waiting] == [RS.CONFIRMED, RS.CANCELLED, RS.WAITLISTED]
    assert queue_position(registration=waiting[2]) == 1


def test_leaving_the_waiting_list_promotes_nobody_and_sends_no_mail(
    two_seats: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people = [UserFactory() for _ in range(4)]
    for person in people:
        _register(person, two_seats)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(user=people[2], event=two_seats)
    assert mail.outbox == []
    assert Registration.objects.get(user=people[3]).status == RS.WAITLISTED


def test_no_capacity_means_no_limit(db: Any) -> None:
    event = EventFactory(capacity=None)
    statuses = {_register(UserFactory(), event).status for _ in range(5)}
    assert statuses == {RS.CONFIRMED}


def test_a_newcomer_does_not_take_a_free_seat_before_the_people_waiting(db: Any) -> None:
    event = EventFactory(capacity=1)
    _register(UserFactory(), event)
    waiting = _register(UserFactory(), event)
    # A seat freed outside the services (a capacity raised in the admin).
    type(event).objects.filter(pk=event.pk).update(capacity=2)

    newcomer = _register(UserFactory(), event)

    assert _status(waiting) == RS.CONFIRMED
    assert newcomer.status == RS.WAITLISTED


def test_raising_the_capacity_promotes_as_many_people_as_there_are_new_seats(
    two_seats: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for _ in range(5):
        _register(UserFactory(), two_seats)
    waiting = list(
        Registration.objects.filter(event=two_seats, status=RS.WAITLISTED).order_by("queued_at")
    )
    type(two_seats).objects.filter(pk=two_seats.pk).update(capacity=4)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = registrations_promote(event=two_seats)

    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    assert _status(waiting[2]) == RS.WAITLISTED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in promoted)
    assert registrations_promote(event=two_seats) == []  # nothing left to fill


def test_removing_the_limit_promotes_everyone_waiting(two_seats: Any) -> None:
    for _ in range(4):
        _register(UserFactory(), two_seats)
    type(two_seats).objects.filter(pk=two_seats.pk).update(capacity=None)
    assert len(registrations_promote(event=two_seats)) == 2
    assert not Registration.objects.filter(status=RS.WAITLISTED).exists()


@pytest.mark.parametrize("status", [EventStatus.CANCELLED])
def test_a_cancelled_event_promotes_nobody(two_seats: Any, status: str) -> None:
    for _ in range(3):
        _register(UserFactory(), two_seats)
    type(two_seats).objects.filter(pk=two_seats.pk).update(status=status, capacity=5)
    assert registrations_promote(event=two_seats) == []


# --- Once per person ----------------------------------------------------------------------------


def test_registering_twice_returns_the_same_registration_and_sends_one_mail(
    two_seats: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = _register(person, two_seats, needs="Vegetariskt")
        again = _register(person, two_seats, needs="Något annat")

    assert again.pk == first.pk
    assert Registration.objects.filter(event=two_seats, user=person).count() == 1
    assert Registration.objects.get(pk=first.pk).needs == "Vegetariskt"
    assert len(mail.outbox) == 1


def test_registering_again_after_cancelling_reuses_the_row_at_the_back_of_the_queue(
    db: Any,
) -> None:
    event = EventFactory(capacity=1)
    person, other = UserFactory(), UserFactory()
    first = _register(person, event, needs="Rullstol")
    registration_cancel(user=person, event=event)
    _register(other, event)  # takes the freed seat

    again = _register(person, event, needs="")

    assert again.pk == first.pk
    assert again.status == RS.WAITLISTED and again.cancelled_at is None
    assert again.needs == ""
    assert Registration.objects.filter(event=event, user=person).count() == 1


def test_cancelling_twice_changes_nothing_the_second_time(two_seats: Any) -> None:
    person = UserFactory()
    _register(person, two_seats)
    first = registration_cancel(user=person, event=two_seats)
    second = registration_cancel(user=person, event=two_seats)
    assert second.cancelled_at == first.cancelled_at
    assert AuditEvent.objects.filter(action="registration.cancel").count() == 1


def test_cancelling_without_a_registration_is_refused(two_seats: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        registration_cancel(user=UserFactory(), event=two_seats)
    assert caught.value.code == "not_registered"


# --- When registration is closed ----------------------------------------------------------------


def test_registration_closes_at_the_deadline(db: Any) -> None:
    deadline = timezone.now() - timedelta(minutes=1)
    event = EventFactory(registration_deadline=deadline)

    with pytest.raises(ValidationError) as caught:
        _register(UserFactory(), event)

    assert caught.value.code == "closed"
    local = timezone.localtime(deadline)
    assert caught.value.messages == [
        f"Registration closed on {local:%a} {local.day} {local:%b %Y}, {local:%H:%M}."
    ]
    assert not Registration.objects.exists()


def test_registration_is_open_until_the_deadline(db: Any) -> None:
    event = EventFactory(registration_deadline=timezone.now() + timedelta(minutes=5))
    assert _register(UserFactory(), event).status == RS.CONFIRMED


def test_without_a_deadline_registration_closes_when_the_event_starts(db: Any) -> None:
    now = timezone.now()
    event = EventFactory(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    with pytest.raises(ValidationError, match="closed when the event started"):
        _register(UserFactory(), event)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (EventStatus.CANCELLED, "The event is cancelled."),
        (EventStatus.POSTPONED, "The event is postponed."),
        (EventStatus.DRAFT, "Registration opens when the event is published."),
    ],
)
def test_events_that_are_not_published_take_no_registrations(
    db: Any, status: str, message: str
) -> None:
    event = EventFactory(status=status)
    with pytest.raises(ValidationError) as caught:
        _register(UserFactory(), event)
    assert caught.value.code == "closed"
    assert caught.value.messages[0].startswith(message)
    assert not Registration.objects.exists()


def test_a_person_registered_before_a_postponement_may_still_cancel(two_seats: Any) -> None:
    person = UserFactory()
    _register(person, two_seats)
    type(two_seats).objects.filter(pk=two_seats.pk).update(status=EventStatus.POSTPONED)
    assert registration_cancel(user=person, event=two_seats).status == RS.CANCELLED


def test_cancelling_after_the_start_is_refused(db: Any) -> None:
    now = timezone.now()
    event = EventFactory(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    registration = RegistrationFactory(event=event)
    with pytest.raises(ValidationError) as caught:
        registration_cancel(user=registration.user, event=event)
    assert caught.value.code == "started"
    assert _status(registration) == RS.CONFIRMED


def test_signed_out_people_cannot_register(two_seats: Any) -> None:
    with pytest.raises(PermissionDenied):
        registration_create(user=AnonymousUser(), event=two_seats, name="Någon")


# --- What is stored -----------------------------------------------------------------------------


def test_a_name_is_required_and_text_is_cleaned(two_seats: Any) -> None:
    person = UserFactory()
    with pytest.raises(ValidationError) as caught:
        registration_create(user=person, event=two_seats, name="  \n ")
    assert "name" in caught.value.error_dict
    assert not Registration.objects.exists()

    registration = registration_create(
        user=person,
        event=two_seats,
        name=" Anna\nAndersson\u202e ",
        organisation="CareSense\tAB",
        needs="Glutenfritt\r\nHörslinga\x00",
        consent_to_list=True,
    )
    assert registration.name == "Anna Andersson"
    assert registration.organisation == "CareSense AB"
    assert registration.needs == "Glutenfritt\nHörslinga"
    assert registration.consent_to_list is True


def test_the_confirmation_mail_carries_the_time_the_online_link_and_the_calendar_file(
    two_seats: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _register(UserFactory(), two_seats)
    body = mail.outbox[0].body
    assert "https://meet.example.se/webbinarium" in body
    assert f"/events/{two_seats.pk}/event.ics" in body
    assert f"/events/{two_seats.pk}/" in body
    local = timezone.localtime(two_seats.starts_at)
    assert f"{local:%H:%M}–" in body


def test_the_waiting_list_mail_keeps_the_online_link_back(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory(capacity=1)
    _register(UserFactory(), event)
    with django_capture_on_commit_callbacks(execute=True):
        _register(UserFactory(), event)
    assert "meet.example.se" not in mail.outbox[0].body
    assert "you get the link when you have a seat" in mail.outbox[0].body


# --- Attendance ---------------------------------------------------------------------------------


@pytest.fixture
def held_event(db: Any) -> Any:
    now = timezone.now()
    return EventFactory(starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1))


def test_organisers_mark_attendance_after_the_start(held_event: Any, coordinator: Any) -> None:
    came, absent, unknown = (RegistrationFactory(event=held_event) for _ in range(3))

    changed = attendance_mark(
        actor=coordinator,
        event=held_event,
        attended={came.pk: True, absent.pk: False, unknown.pk: None},
    )

    assert changed == 2  # the third was not marked before either
    assert [Registration.objects.get(pk=r.pk).attended for r in (came, absent, unknown)] == [
        True,
        False,
        None,
    ]
    assert attendance_mark(actor=coordinator, event=held_event, attended={came.pk: True}) == 0
    assert AuditEvent.objects.filter(action="event.attendance").count() == 1


def test_attendance_before_the_start_is_refused(two_seats: Any, coordinator: Any) -> None:
    registration = RegistrationFactory(event=two_seats)
    with pytest.raises(ValidationError) as caught:
        attendance_mark(actor=coordinator, event=two_seats, attended={registration.pk: True})
    assert caught.value.code == "not_started"
    assert _refreshed_attended(registration) is None


def _refreshed_attended(registration: Registration) -> bool | None:
    registration.refresh_from_db()
    return registration.attended


def test_attendance_of_a_cancelled_event_is_refused(held_event: Any, coordinator: Any) -> None:
    registration = RegistrationFactory(event=held_event)
    type(held_event).objects.filter(pk=held_event.pk).update(status=EventStatus.CANCELLED)
    held_event.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        attendance_mark(actor=coordinator, event=held_event, attended={registration.pk: True})
    assert caught.value.code == "not_held"


def test_only_organisers_mark_attendance(
    held_event: Any, other_coordinator: Any, company_member: Any
) -> None:
    registration = RegistrationFactory(event=held_event, user=company_member)
    for person in (other_coordinator, company_member, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            attendance_mark(actor=person, event=held_event, attended={registration.pk: True})
    assert _refreshed_attended(registration) is None


def test_attendance_is_only_for_seats_at_this_event(held_event: Any, coordinator: Any) -> None:
    waiting = RegistrationFactory(event=held_event, status=RS.WAITLISTED)
    elsewhere = RegistrationFactory()
    seat = RegistrationFactory(event=held_event)
    for stray in (waiting, elsewhere):
        with pytest.raises(ValidationError) as caught:
            attendance_mark(
                actor=coordinator, event=held_event, attended={seat.pk: True, stray.pk: True}
            )
        assert caught.value.code == "not_attendee"
    assert _refreshed_attended(seat) is None


# --- Showing one's name to the other attendees ---------------------------------------------------


def test_consent_changes_only_the_choice_and_is_audited_once(two_seats: Any) -> None:
    person = UserFactory()
    registration = _register(person, two_seats, consent_to_list=True)

    changed = registration_consent(user=person, event=two_seats, consent_to_list=False)
    again = registration_consent(user=person, event=two_seats, consent_to_list=False)

    assert changed.pk == again.pk == registration.pk
    registration.refresh_from_db()
    assert not registration.consent_to_list
    assert registration.status == RS.CONFIRMED and registration.confirmed_at is not None
    audits = AuditEvent.objects.filter(action="registration.consent")
    assert [a.data for a in audits] == [{"event": two_seats.pk, "consent_to_list": False}]
    registration_consent(user=person, event=two_seats, consent_to_list=True)
    registration.refresh_from_db()
    assert registration.consent_to_list


def test_consent_keeps_the_place_in_the_queue(two_seats: Any) -> None:
    for _ in range(2):
        _register(UserFactory(), two_seats)
    person = UserFactory()
    waiting = _register(person, two_seats)
    registration_consent(user=person, event=two_seats, consent_to_list=True)
    waiting.refresh_from_db()
    assert waiting.status == RS.WAITLISTED and waiting.consent_to_list
    assert queue_position(registration=waiting) == 1


@pytest.mark.parametrize("who", ["stranger", "cancelled", "anonymous"])
def test_consent_needs_an_active_registration(two_seats: Any, who: str) -> None:
    user: Any = UserFactory() if who != "anonymous" else AnonymousUser()
    if who == "cancelled":
        RegistrationFactory(event=two_seats, user=user, status=RS.CANCELLED, consent_to_list=True)
    with pytest.raises(ValidationError) as exc:
        registration_consent(user=user, event=two_seats, consent_to_list=False)
    assert exc.value.code == "not_registered"
    assert not AuditEvent.objects.filter(action="registration.consent").exists()
