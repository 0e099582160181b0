"""The events services: the move table (every move from every state), reasons, the calendar
revision, published_at, the mails to everyone confirmed or waiting (in their language, with the
old and new time), the edit rules (version, capacity, deadline) and who may write."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from dissemination.models import Event, EventKind
from dissemination.services.events import event_create, event_move, event_update
from dissemination.workflow import (
    EVENT_MOVES,
    EventMove,
    EventStatus,
    RegistrationStatus,
)
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import make_partnership

from .test_events_scene import *  # noqa: F403  (fixtures and helpers)
from .test_events_scene import local, register, soon

pytestmark = pytest.mark.django_db

S, M = EventStatus, EventMove
REASONS = {M.POSTPONE: "Talaren är sjuk.", M.CANCEL: "För få anmälda."}
# status -> the moves the table allows from it
ALLOWED = {
    S.DRAFT: {M.PUBLISH, M.CANCEL},
    S.PUBLISHED: {M.RESCHEDULE, M.POSTPONE, M.CANCEL},
    S.POSTPONED: {M.RESCHEDULE, M.CANCEL},
    S.CANCELLED: set(),
}


def _reschedule(actor: Any, event: Event, starts_at: Any, ends_at: Any, **extra: Any) -> Event:
    return event_move(
        actor=actor, event=event, move=M.RESCHEDULE, starts_at=starts_at, ends_at=ends_at, **extra
    )


def _arguments(move: str, event: Event) -> dict[str, Any]:
    if move == M.RESCHEDULE:
        return {
            "starts_at": event.starts_at + dt.timedelta(days=7),
            "ends_at": event.ends_at + dt.timedelta(days=7),
        }
    return {"reason": REASONS.get(move, "")}  # type: ignore[call-overload]


def test_the_table_in_the_test_is_the_workflow_table() -> None:
    for status, moves in ALLOWED.items():
        assert {m for m, (sources, _t) in EVENT_MOVES.items() if status in sources} == moves


@pytest.mark.parametrize("move", list(M))
@pytest.mark.parametrize("status", list(S))
def test_every_move_from_every_state(
    status: str, move: str, event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(status)
    before = (event.version, event.ical_sequence)
    if move in ALLOWED[S(status)]:
        moved = event_move(actor=coordinator, event=event, move=move, **_arguments(move, event))
        assert moved.status == EVENT_MOVES[move][1]
        assert moved.version == before[0] + 1
        assert AuditEvent.objects.filter(action=f"event.{move}", target_id=str(event.pk)).exists()
    else:
        with pytest.raises(ValidationError) as exc:
            event_move(actor=coordinator, event=event, move=move, **_arguments(move, event))
        assert exc.value.code == "illegal_move"
        event.refresh_from_db()
        assert (event.status, event.version, event.ical_sequence) == (status, *before)


def test_an_unknown_move_is_refused(event_in: Callable[..., Event], coordinator: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        event_move(actor=coordinator, event=event_in(S.PUBLISHED), move="delete")
    assert exc.value.code == "unknown_move"


@pytest.mark.parametrize("move", [M.POSTPONE, M.CANCEL])
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_postponing_and_cancelling_need_a_reason(
    move: str, reason: str, event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(S.PUBLISHED)
    register(event)
    with pytest.raises(ValidationError) as exc:
        event_move(actor=coordinator, event=event, move=move, reason=reason)
    assert "reason" in exc.value.message_dict
    event.refresh_from_db()
    assert event.status == S.PUBLISHED
    assert mail.outbox == []


def test_the_reason_is_kept_and_cleared_when_the_event_gets_a_new_time(
    event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(S.PUBLISHED)
    event = event_move(actor=coordinator, event=event, move=M.POSTPONE, reason="Talaren är sjuk.")
    assert event.status_reason == "Talaren är sjuk."
    event = _reschedule(coordinator, event, soon(40), soon(40) + dt.timedelta(hours=2))
    assert (event.status, event.status_reason) == (S.PUBLISHED, "")


def test_publishing_sets_published_at_once(
    event_in: Callable[..., Event], coordinator: Any
) -> None:
    draft = event_in(S.DRAFT)
    assert draft.published_at is None
    published = event_move(actor=coordinator, event=draft, move=M.PUBLISH)
    assert published.published_at is not None
    assert published.ical_sequence == draft.ical_sequence  # nobody held the draft


def test_every_change_people_hold_raises_the_calendar_revision(
    event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(S.PUBLISHED)
    sequence = event.ical_sequence
    for change in (
        {"location": "Uppsala konsert och kongress"},
        {"online_url": "https://meet.example.se/another"},
        {"title": "Ny titel"},
        {"starts_at": event.starts_at + dt.timedelta(hours=1)},
    ):
        event = event_update(
            actor=coordinator, event=event, expected_version=event.version, **change
        )
        assert event.ical_sequence == sequence + 1, change
        sequence = event.ical_sequence
    event = event_update(
        actor=coordinator, event=event, expected_version=event.version, capacity=40
    )
    assert event.ical_sequence == sequence  # the seats are not in anyone's calendar
    for move, extra in (
        (M.POSTPONE, {"reason": "Sjukdom."}),
        (M.RESCHEDULE, {"starts_at": soon(50), "ends_at": soon(50) + dt.timedelta(hours=1)}),
        (M.CANCEL, {"reason": "Inställt."}),
    ):
        event = event_move(actor=coordinator, event=event, move=move, **extra)
        assert event.ical_sequence == sequence + 1, move
        sequence = event.ical_sequence


# --- Mail ---------------------------------------------------------------------------------------


@pytest.fixture
def audience(event_in: Callable[..., Event]) -> tuple[Event, dict[str, Any]]:
    event = event_in(S.PUBLISHED, starts_at=local(2027, 10, 26, 13), capacity=None)
    people = {
        "confirmed_en": register(event, language="en", email="confirmed.en@example.se"),
        "confirmed_sv": register(event, language="sv", email="confirmed.sv@example.se"),
        "waiting": register(
            event, status=RegistrationStatus.WAITLISTED, email="waiting@example.se"
        ),
        "cancelled": register(
            event, status=RegistrationStatus.CANCELLED, email="cancelled@example.se"
        ),
    }
    return event, people


TOLD = {"confirmed.en@example.se", "confirmed.sv@example.se", "waiting@example.se"}


def _by_recipient() -> dict[str, Any]:
    return {message.to[0]: message for message in mail.outbox}


def test_a_new_time_is_mailed_with_the_old_and_the_new_time(
    audience: tuple[Event, dict[str, Any]],
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event, _people = audience
    with django_capture_on_commit_callbacks(execute=True):
        _reschedule(
            coordinator,
            event,
            local(2027, 11, 3, 9, 30),
            local(2027, 11, 3, 11),
            reason="Lokalen blev dubbelbokad.",
        )
    sent = _by_recipient()
    assert set(sent) == TOLD
    english = sent["confirmed.en@example.se"]
    assert english.subject == f"New time: {event.title}"
    assert "Tue 26 Oct 2027, 13:00–14:30" in english.body
    assert "Wed 3 Nov 2027, 09:30–11:00" in english.body
    assert "Lokalen blev dubbelbokad." in english.body
    assert f"/events/{event.pk}/" in english.body
    assert "meet.example.se" not in english.body
    swedish = sent["confirmed.sv@example.se"]
    assert swedish.subject == f"Ny tid: {event.title}"
    assert "tis 26 okt 2027, 13:00–14:30" in swedish.body
    assert "ons 3 nov 2027, 09:30–11:00" in swedish.body
    assert "waiting list" in sent["waiting@example.se"].body


def test_a_new_time_from_the_edit_form_is_mailed_too(
    audience: tuple[Event, dict[str, Any]],
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event, _people = audience
    with django_capture_on_commit_callbacks(execute=True):
        event_update(
            actor=coordinator,
            event=event,
            expected_version=event.version,
            starts_at=local(2027, 10, 26, 15),
            ends_at=local(2027, 10, 26, 16),
        )
    sent = _by_recipient()
    assert set(sent) == TOLD
    assert "13:00–14:30" in sent["confirmed.en@example.se"].body
    assert "15:00–16:00" in sent["confirmed.en@example.se"].body


@pytest.mark.parametrize(
    ("move", "subject_en", "subject_sv"),
    [
        (M.POSTPONE, "Postponed: ", "Uppskjutet: "),
        (M.CANCEL, "Cancelled: ", "Inställt: "),
    ],
)
def test_postponing_and_cancelling_are_mailed_with_the_reason(
    move: str,
    subject_en: str,
    subject_sv: str,
    audience: tuple[Event, dict[str, Any]],
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event, _people = audience
    with django_capture_on_commit_callbacks(execute=True):
        event_move(actor=coordinator, event=event, move=move, reason="Talaren är sjuk.")
    sent = _by_recipient()
    assert set(sent) == TOLD
    assert sent["confirmed.en@example.se"].subject == subject_en + event.title
    assert sent["confirmed.sv@example.se"].subject == subject_sv + event.title
    for message in sent.values():
        assert "Talaren är sjuk." in message.body
        assert "26" in message.body and "13:00–14:30" in message.body


def test_edits_that_change_neither_time_place_nor_link_mail_nobody(
    audience: tuple[Event, dict[str, Any]],
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event, _people = audience
    with django_capture_on_commit_callbacks(execute=True):
        event = event_update(
            actor=coordinator,
            event=event,
            expected_version=event.version,
            title="Ny titel",
            description="Ny text.",
            capacity=80,
        )
    assert mail.outbox == []
    # (A new place or link is mailed: see test_events_changes.py.)


def test_a_refused_move_mails_nobody(
    audience: tuple[Event, dict[str, Any]],
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event, _people = audience
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        _reschedule(coordinator, event, local(2027, 11, 3, 11), local(2027, 11, 3, 9))
    assert mail.outbox == []


# --- Edits --------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_is_saved(
    event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(S.PUBLISHED)
    event_update(actor=coordinator, event=event, expected_version=event.version, title="Först")
    with pytest.raises(ConcurrentEditError) as exc:
        event_update(actor=coordinator, event=event, expected_version=event.version, title="Sen")
    assert exc.value.current.title == "Först"
    event.refresh_from_db()
    assert event.title == "Först"


def test_a_stale_version_refuses_a_move(event_in: Callable[..., Event], coordinator: Any) -> None:
    event = event_in(S.PUBLISHED)
    stale = event.version
    event_update(actor=coordinator, event=event, expected_version=stale, title="Ny")
    with pytest.raises(ConcurrentEditError):
        event_move(
            actor=coordinator, event=event, move=M.CANCEL, reason="x", expected_version=stale
        )


def test_a_cancelled_event_cannot_be_edited(
    event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(S.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        event_update(actor=coordinator, event=event, expected_version=event.version, title="Ny")
    assert exc.value.code == "not_editable"


def test_a_new_time_for_a_postponed_event_puts_it_back_on_the_calendar(
    event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(S.POSTPONED)
    event = event_update(
        actor=coordinator,
        event=event,
        expected_version=event.version,
        starts_at=soon(60),
        ends_at=soon(60) + dt.timedelta(hours=1),
    )
    assert (event.status, event.status_reason) == (S.PUBLISHED, "")


def test_a_reschedule_keeps_the_deadline_as_far_before_the_start(
    make_event: Callable[..., Event], coordinator: Any
) -> None:
    start = soon(20)
    event = make_event(starts_at=start, registration_deadline=start - dt.timedelta(days=2))
    moved = _reschedule(
        coordinator, event, start + dt.timedelta(days=10), start + dt.timedelta(days=10, hours=1)
    )
    assert moved.registration_deadline == start + dt.timedelta(days=8)


def test_a_reschedule_to_the_same_time_is_refused(
    event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(S.PUBLISHED)
    with pytest.raises(ValidationError) as exc:
        _reschedule(coordinator, event, event.starts_at, event.ends_at)
    assert "starts_at" in exc.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "party"}, "kind"),
        ({"location": "", "online_url": ""}, "location"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"online_url": "ftp://example.se/file"}, "online_url"),
        ({"language": "de"}, "language"),
        ({"capacity": 0}, "capacity"),
        ({"ends_at": "start"}, "ends_at"),
        ({"registration_deadline": "after start"}, "registration_deadline"),
        ({"starts_at": dt.datetime(2027, 1, 1, 10)}, "starts_at"),  # naive
    ],
)
def test_bad_values_are_refused_by_the_service(
    changes: dict[str, Any], field: str, event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(S.PUBLISHED)
    if changes.get("ends_at") == "start":
        changes["ends_at"] = event.starts_at
    if changes.get("registration_deadline") == "after start":
        changes["registration_deadline"] = event.starts_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        event_update(actor=coordinator, event=event, expected_version=event.version, **changes)
    assert field in exc.value.message_dict
    stored = Event.objects.get(pk=event.pk)
    assert (stored.version, stored.title) == (event.version, event.title)


def test_the_capacity_cannot_go_below_the_seats_taken(
    event_in: Callable[..., Event], coordinator: Any
) -> None:
    event = event_in(S.PUBLISHED, capacity=3)
    register(event)
    register(event)
    with pytest.raises(ValidationError) as exc:
        event_update(actor=coordinator, event=event, expected_version=event.version, capacity=1)
    assert "capacity" in exc.value.message_dict
    event = event_update(actor=coordinator, event=event, expected_version=event.version, capacity=2)
    assert event.capacity == 2


@pytest.mark.parametrize("new_capacity", [3, None])
def test_raising_the_capacity_gives_seats_to_the_waiting_list(
    new_capacity: int | None,
    event_in: Callable[..., Event],
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = event_in(S.PUBLISHED, capacity=1)
    register(event)
    first = register(event, status=RegistrationStatus.WAITLISTED, email="first@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        event = event_update(
            actor=coordinator,
            event=event,
            expected_version=event.version,
            capacity=new_capacity,
        )
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED
    assert [m.to for m in mail.outbox] == [["first@example.se"]]


def test_description_is_stored_sanitised(make_event: Callable[..., Event]) -> None:
    typed = make_event(description="Hej!\n\nLäs mer på https://example.se")
    assert typed.description.startswith("<p>Hej!</p>")
    assert '<a href="https://example.se"' in typed.description
    marked_up = make_event(
        description='<p>Hej <script>alert(1)</script><a href="javascript:x">länk</a></p>'
    )
    assert "<script" not in marked_up.description
    assert "javascript:" not in marked_up.description
    assert "länk" in marked_up.description


def test_title_and_place_are_single_lines(make_event: Callable[..., Event]) -> None:
    event = make_event(title="Rad ett\r\nBcc: x@example.se", location="Sal A\nSal B")
    assert event.title == "Rad ett Bcc: x@example.se"
    assert event.location == "Sal A Sal B"


# --- Links --------------------------------------------------------------------------------------


def test_links_are_the_regions_partnerships_and_published_obstacles(
    make_event: Callable[..., Event], partnership: Any, coordinator: Any
) -> None:
    elsewhere = make_partnership("ostergotland")
    published = ObstacleFactory()
    draft = ObstacleFactory(status="draft")
    event = make_event(partnerships=[partnership], obstacles=[published])
    assert list(event.partnerships.all()) == [partnership]
    assert list(event.obstacles.all()) == [published]
    with pytest.raises(ValidationError) as exc:
        event_update(
            actor=coordinator,
            event=event,
            expected_version=event.version,
            partnerships=[partnership, elsewhere],
        )
    assert "partnerships" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        event_update(
            actor=coordinator, event=event, expected_version=event.version, obstacles=[draft]
        )
    assert "obstacles" in exc.value.message_dict


def test_moving_an_event_to_another_region_keeps_its_partnerships_in_that_region(
    make_event: Callable[..., Event], partnership: Any, portal_admin: Any
) -> None:
    from regions.models import Region

    event = make_event(partnerships=[partnership])
    with pytest.raises(ValidationError) as exc:
        event_update(
            actor=portal_admin,
            event=event,
            expected_version=event.version,
            region=Region.objects.get(slug="ostergotland"),
        )
    assert "partnerships" in exc.value.message_dict


# --- Who may write --------------------------------------------------------------------------------


def test_only_organisers_write(
    event_in: Callable[..., Event],
    other_coordinator: Any,
    sponsor: Any,
    company_member: Any,
    portal_admin: Any,
    region: Any,
) -> None:
    event = event_in(S.PUBLISHED)
    for outsider in (other_coordinator, sponsor, company_member):
        with pytest.raises(PermissionDenied):
            event_update(actor=outsider, event=event, expected_version=event.version, title="x")
        with pytest.raises(PermissionDenied):
            event_move(actor=outsider, event=event, move=M.CANCEL, reason="x")
        with pytest.raises(PermissionDenied):
            event_create(
                actor=outsider,
                kind=EventKind.WORKSHOP,
                title="x",
                starts_at=soon(),
                ends_at=soon() + dt.timedelta(hours=1),
                location="Uppsala",
                region=region,
            )
    event = event_update(
        actor=portal_admin, event=event, expected_version=event.version, title="Av admin"
    )
    assert event.title == "Av admin"


def test_national_events_are_for_portal_admins(coordinator: Any, portal_admin: Any) -> None:
    values: dict[str, Any] = {
        "kind": EventKind.CONFERENCE,
        "title": "Nationell konferens",
        "starts_at": soon(),
        "ends_at": soon() + dt.timedelta(hours=6),
        "location": "Stockholm",
        "region": None,
    }
    with pytest.raises(PermissionDenied):
        event_create(actor=coordinator, **values)
    event = event_create(actor=portal_admin, **values)
    assert event.is_national
    with pytest.raises(PermissionDenied):
        event_move(actor=coordinator, event=event, move=M.PUBLISH)


def test_the_same_form_token_creates_one_event(coordinator: Any, region: Any) -> None:
    values: dict[str, Any] = {
        "actor": coordinator,
        "kind": EventKind.WORKSHOP,
        "title": "Workshop",
        "starts_at": soon(),
        "ends_at": soon() + dt.timedelta(hours=1),
        "location": "Uppsala",
        "region": region,
        "client_token": "d6d3e3c2-5f5e-4c1e-9a3c-1f2f3a4b5c6d",
    }
    first = event_create(**values)
    second = event_create(**values)
    assert first.pk == second.pk
    assert Event.objects.count() == 1
    third = event_create(**{**values, "client_token": ""})
    assert third.pk != first.pk
