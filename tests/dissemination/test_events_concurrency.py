"""Two requests at the same moment, on real PostgreSQL connections: the same new-event form
posted twice makes one event; two organisers moving one event at once make one move, and the
people registered get one mail."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from dissemination.models import Event, EventKind
from dissemination.services.events import event_create, event_move
from dissemination.workflow import EventStatus
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent
from tests.utils import at_once

from .test_events_scene import *  # noqa: F403  (fixtures and helpers)
from .test_events_scene import register, soon

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_the_same_new_event_form_posted_twice_at_once_makes_one_event(
    reference_data: None, coordinator: Any, region: Any
) -> None:
    def create() -> Event:
        return event_create(
            actor=coordinator,
            kind=EventKind.CLINIC,
            title="Innovationsklinik",
            starts_at=soon(),
            ends_at=soon().replace(hour=16),
            location="Umeå",
            region=region,
            client_token="0b6a3c2d-1e4f-4a5b-9c8d-7e6f5a4b3c2d",
        )

    first, second = at_once(create, create)

    assert isinstance(first, Event), first
    assert isinstance(second, Event), second
    assert first.pk == second.pk
    assert Event.objects.count() == 1
    assert AuditEvent.objects.filter(action="event.create").count() == 1


def test_two_organisers_cancelling_at_once_make_one_move_and_one_mail(
    reference_data: None,
    make_event: Callable[..., Event],
    coordinator: Any,
    portal_admin: Any,
) -> None:
    event = make_event()
    register(event, email="seat@example.se")
    version = event.version

    def cancel(actor: Any) -> Callable[[], Event]:
        return lambda: event_move(
            actor=actor, event=event, move="cancel", reason="Inställt.", expected_version=version
        )

    results = at_once(cancel(coordinator), cancel(portal_admin))

    done = [r for r in results if isinstance(r, Event)]
    refused = [r for r in results if isinstance(r, ConcurrentEditError | ValidationError)]
    assert len(done) == 1 and len(refused) == 1, results
    stored = Event.objects.get(pk=event.pk)
    assert stored.status == EventStatus.CANCELLED
    assert stored.version == version + 1
    assert stored.ical_sequence == event.ical_sequence + 1
    assert AuditEvent.objects.filter(action="event.cancel").count() == 1
    assert [m.to for m in mail.outbox] == [["seat@example.se"]]
