"""Fixtures the events tests share (imported with `from .test_events_scene import *`).

Events are made through `event_create` / `event_move`, as organisers make them; registrations
directly with the factory (these tests are about the organisers' side).
"""

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dissemination.models import Event, EventKind, Registration
from dissemination.services.events import event_create, event_move
from dissemination.workflow import EventStatus, RegistrationStatus
from regions.models import Region
from tests.factories import UserFactory
from tests.factories_dissemination import RegistrationFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")

__all__ = [
    "STOCKHOLM",
    "event_in",
    "form_data",
    "local",
    "make_event",
    "register",
    "soon",
]


def local(year: int, month: int, day: int, hour: int, minute: int = 0, fold: int = 0) -> Any:
    """A Stockholm wall-clock time as an aware datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM, fold=fold)


def soon(days: int = 20, hour: int = 13) -> Any:
    """`days` from now at `hour` o'clock Stockholm time."""
    day = timezone.localtime(timezone.now() + dt.timedelta(days=days)).date()
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


@pytest.fixture
def make_event(coordinator: Any, region: Region) -> Callable[..., Event]:
    """An event of Uppsala made by its coordinator through the service (published unless
    `publish=False`)."""

    def _make(**overrides: Any) -> Event:
        starts_at = overrides.pop("starts_at", soon())
        values: dict[str, Any] = {
            "actor": coordinator,
            "kind": EventKind.WEBINAR,
            "title": "Webbinarium: så når företag vården",
            "description": "Hur regionen och företagen hittar varandra.",
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(hours=1, minutes=30),
            "online_url": "https://meet.example.se/secret-room",
            "region": region,
            "capacity": 2,
            "publish": True,
        }
        values.update(overrides)
        return event_create(**values)

    return _make


@pytest.fixture
def event_in(make_event: Callable[..., Event], coordinator: Any) -> Callable[[str], Event]:
    """An event in the given status, reached through the moves."""

    def _in(status: str, **overrides: Any) -> Event:
        event = make_event(publish=status != EventStatus.DRAFT, **overrides)
        if status == EventStatus.POSTPONED:
            event = event_move(actor=coordinator, event=event, move="postpone", reason="Sjukdom.")
        elif status == EventStatus.CANCELLED:
            event = event_move(actor=coordinator, event=event, move="cancel", reason="Inställt.")
        assert event.status == status
        return event

    return _in


def register(
    event: Event,
    *,
    status: str = RegistrationStatus.CONFIRMED,
    language: str = "en",
    email: str | None = None,
) -> Registration:
    user = UserFactory(preferred_language=language, **({"email": email} if email else {}))
    return RegistrationFactory(event=event, user=user, status=status)


def _typed(value: Any) -> str:
    """A datetime as a datetime-local input sends it (Stockholm time); strings as they are."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
    return str(value)


def form_data(**overrides: Any) -> dict[str, Any]:
    """A valid POST of the event form (Uppsala is the coordinator's only region). Datetimes
    given for the time fields are typed in Stockholm time; strings are sent as they are."""
    starts_at = overrides.pop("starts_at", soon())
    ends_at = overrides.pop(
        "ends_at",
        starts_at + dt.timedelta(hours=1, minutes=30)
        if isinstance(starts_at, dt.datetime)
        else soon() + dt.timedelta(hours=1, minutes=30),
    )
    data: dict[str, Any] = {
        "kind": EventKind.WEBINAR.value,
        "title": "Webinar: how companies reach the regions",
        "description": "First paragraph.\n\nSecond paragraph.",
        "starts_at": _typed(starts_at),
        "ends_at": _typed(ends_at),
        "location": "",
        "online_url": "https://meet.example.se/room",
        "region": Region.objects.get(slug="uppsala").pk,
        "language": "sv",
        "capacity": "30",
        "registration_deadline": "",
    }
    data.update(overrides)
    return data
