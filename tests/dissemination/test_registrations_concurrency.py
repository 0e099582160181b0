"""People registering and cancelling at the same moment, on real PostgreSQL.

Each call runs in a thread of its own with its own database connection, all released together
by a barrier; the lock on the event row decides them one at a time, so the last seat goes to one
person only, every freed seat to a different person, and a double submit makes one registration.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from dissemination.models import Registration
from dissemination.selectors.registrations import queue_position
from dissemination.services.registrations import registration_cancel, registration_create
from dissemination.workflow import RegistrationStatus
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RS = RegistrationStatus
THREADS = 8


def _at_once(*calls: Callable[[], Any]) -> list[str]:
    """Run the calls in threads released together; each outcome as a short word."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            result = call()
            outcome = getattr(result, "status", "done")
        except ValidationError as exc:
            outcome = "refused: " + " ".join(exc.messages)
        except Exception as exc:
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def _register(user: Any, event: Any) -> Callable[[], Registration]:
    return lambda: registration_create(user=user, event=event, name=user.name or user.email)


def test_many_people_taking_the_last_seat_at_once_one_gets_it_the_rest_wait_in_order(
    reference_data: None,
) -> None:
    event = EventFactory(capacity=3)
    for _ in range(2):
        registration_create(user=UserFactory(), event=event, name="Redan anmäld")
    people = [UserFactory() for _ in range(THREADS)]
    mail.outbox.clear()

    outcomes = _at_once(*[_register(person, event) for person in people])

    assert outcomes == [RS.CONFIRMED] + [RS.WAITLISTED] * (THREADS - 1)
    rows = Registration.objects.filter(event=event, user__in=people)
    assert rows.filter(status=RS.CONFIRMED).count() == 1
    assert Registration.objects.filter(event=event, status=RS.CONFIRMED).count() == 3
    waiting = list(rows.filter(status=RS.WAITLISTED).order_by("queued_at", "pk"))
    assert [queue_position(registration=r) for r in waiting] == list(range(1, THREADS))
    assert len({r.queued_at for r in waiting}) == THREADS - 1  # one after another
    subjects = sorted(m.subject.split(":")[0] for m in mail.outbox)
    assert subjects == ["On the waiting list"] * (THREADS - 1) + ["You are registered"]


def test_two_cancellations_at_once_promote_two_different_people(reference_data: None) -> None:
    event = EventFactory(capacity=2)
    holders = [UserFactory() for _ in range(2)]
    waiting = [UserFactory() for _ in range(3)]
    for person in holders + waiting:
        registration_create(user=person, event=event, name=person.name)
    mail.outbox.clear()

    outcomes = _at_once(*[lambda p=p: registration_cancel(user=p, event=event) for p in holders])

    assert outcomes == [RS.CANCELLED, RS.CANCELLED]
    statuses = {
        r.user_id: r.status for r in Registration.objects.filter(event=event, user__in=waiting)
    }
    assert statuses == {
        waiting[0].pk: RS.CONFIRMED,
        waiting[1].pk: RS.CONFIRMED,
        waiting[2].pk: RS.WAITLISTED,
    }
    assert Registration.objects.filter(event=event, status=RS.CONFIRMED).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([waiting[0].email, waiting[1].email])
    assert all(m.subject.startswith("You have a seat") for m in mail.outbox)


def test_a_double_submitted_registration_makes_one_registration_and_one_mail(
    reference_data: None,
) -> None:
    event = EventFactory(capacity=10)
    person = UserFactory()
    mail.outbox.clear()

    outcomes = _at_once(_register(person, event), _register(person, event))

    assert outcomes == [RS.CONFIRMED, RS.CONFIRMED]
    assert Registration.objects.filter(event=event, user=person).count() == 1
    assert len(mail.outbox) == 1


def test_a_cancellation_and_a_registration_at_once_never_overfill_the_event(
    reference_data: None,
) -> None:
    event = EventFactory(capacity=1)
    holder, waiting, newcomer = UserFactory(), UserFactory(), UserFactory()
    registration_create(user=holder, event=event, name="Först")
    registration_create(user=waiting, event=event, name="Väntar")

    _at_once(lambda: registration_cancel(user=holder, event=event), _register(newcomer, event))

    assert Registration.objects.filter(event=event, status=RS.CONFIRMED).count() == 1
    # The person waiting got the seat, whichever call ran first.
    assert Registration.objects.get(event=event, user=waiting).status == RS.CONFIRMED
    assert Registration.objects.get(event=event, user=newcomer).status == RS.WAITLISTED
