"""Times are entered and shown in Europe/Stockholm and stored in UTC, right across the clock
changes: 25 October 2026 (back from 03:00 to 02:00) and 29 March 2026 (forward from 02:00 to
03:00). A time the change skips or repeats is refused with a form error that says so."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from dissemination.forms.events import EventMoveForm, local_time_problem
from dissemination.models import Event
from dissemination.services.events import event_update
from dissemination.templatetags.dissemination_tags import when_text
from dissemination.workflow import EventMove

from .test_events_scene import *  # noqa: F403  (fixtures and helpers)
from .test_events_scene import form_data, local, soon

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


def _next_change(month: int) -> dt.date:
    """The next last-Sunday-of-`month` (a clock change) that is still ahead: the new-event
    form refuses past starts, so its tests must not depend on today's date."""
    today = timezone.localdate()
    year = today.year
    while _last_sunday(year, month) <= today + dt.timedelta(days=1):
        year += 1
    return _last_sunday(year, month)


# --- Which local times exist ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("naive", "problem"),
    [
        (dt.datetime(2026, 3, 29, 2, 30), "missing"),
        (dt.datetime(2026, 3, 29, 2, 0), "missing"),
        (dt.datetime(2026, 3, 29, 1, 59), None),
        (dt.datetime(2026, 3, 29, 3, 0), None),
        (dt.datetime(2026, 10, 25, 2, 30), "repeated"),
        (dt.datetime(2026, 10, 25, 2, 0), "repeated"),
        (dt.datetime(2026, 10, 25, 1, 59), None),
        (dt.datetime(2026, 10, 25, 3, 0), None),
        (dt.datetime(2026, 7, 1, 2, 30), None),
    ],
)
def test_which_stockholm_times_are_skipped_or_repeated(naive: Any, problem: Any) -> None:
    assert local_time_problem(naive) == problem


# --- Stored instants and shown times -------------------------------------------------------------


def _case(
    case_id: str, day: str, hours: tuple[int, int], offsets: tuple[int, int], shown: str
) -> Any:
    """A row of CASES: the local start and end (`hours` of `day`), the UTC instants stored
    (each local time less its UTC `offsets`: 2 in summer time, 1 in winter time), and the
    English text pages show."""
    local_times = [dt.datetime.fromisoformat(day).replace(hour=hour) for hour in hours]
    pairs = zip(local_times, offsets, strict=True)
    utc = [(t - dt.timedelta(hours=offset)).replace(tzinfo=UTC) for t, offset in pairs]
    return pytest.param(*local_times, *utc, shown, id=case_id)


CASES = [
    _case("october-summer-time", "2026-10-24", (10, 12), (2, 2), "Sat 24 Oct 2026, 10:00–12:00"),
    _case("october-winter-time", "2026-10-25", (10, 12), (1, 1), "Sun 25 Oct 2026, 10:00–12:00"),
    # 01:00 is still summer time, 04:00 already winter time: four hours, not three
    _case(
        "october-across-the-change", "2026-10-25", (1, 4), (2, 1), "Sun 25 Oct 2026, 01:00–04:00"
    ),
    _case("march-winter-time", "2026-03-28", (10, 12), (1, 1), "Sat 28 Mar 2026, 10:00–12:00"),
    _case("march-summer-time", "2026-03-29", (10, 12), (2, 2), "Sun 29 Mar 2026, 10:00–12:00"),
    # 01:00 is still winter time, 04:00 already summer time: two hours, not three
    _case("march-across-the-change", "2026-03-29", (1, 4), (1, 2), "Sun 29 Mar 2026, 01:00–04:00"),
]


def _typed(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(("start", "end", "utc_start", "utc_end", "shown"), CASES)
def test_the_edit_form_stores_the_right_instants_and_pages_show_the_typed_times(
    start: dt.datetime,
    end: dt.datetime,
    utc_start: Any,
    utc_end: Any,
    shown: str,
    make_event: Callable[..., Event],
    coordinator: Any,
    client: Any,
) -> None:
    # An event already held may have its times corrected to any date; a coming one could not
    # be moved to these dates once they have passed, whatever today's date.
    event = make_event(starts_at=soon(-30))
    client.force_login(coordinator)
    response = client.post(
        reverse("dissemination:event_edit", args=[event.pk]),
        form_data(
            starts_at=_typed(start),
            ends_at=_typed(end),
            version=event.version,
            capacity="2",
            online_url=event.online_url,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert (event.starts_at, event.ends_at) == (utc_start, utc_end)
    assert when_text(event.starts_at, event.ends_at) == shown
    manage = client.get(reverse("dissemination:manage")).content.decode()
    assert shown in manage
    edit = client.get(reverse("dissemination:event_edit", args=[event.pk])).content.decode()
    assert f'value="{_typed(start)}"' in edit
    assert f'value="{_typed(end)}"' in edit


def test_swedish_readers_see_the_same_local_times() -> None:
    across = [case.values for case in CASES if case.id.endswith("across-the-change")]
    with translation.override("sv"):
        shown = [when_text(utc_start, utc_end) for _, _, utc_start, utc_end, _ in across]
    assert shown == ["sön 25 okt 2026, 01:00–04:00", "sön 29 mar 2026, 01:00–04:00"]


def test_the_service_keeps_the_instants_it_is_given(
    make_event: Callable[..., Event], coordinator: Any
) -> None:
    event = make_event()
    first = local(2026, 10, 25, 2, 30, fold=0)  # the first 02:30: summer time
    second = local(2026, 10, 25, 2, 30, fold=1)  # the second 02:30: winter time
    event = event_update(
        actor=coordinator,
        event=event,
        expected_version=event.version,
        starts_at=first,
        ends_at=second,
    )
    event.refresh_from_db()
    assert event.starts_at == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert event.ends_at == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert event.ends_at - event.starts_at == dt.timedelta(hours=1)


# --- Times that do not exist or exist twice ------------------------------------------------------

REFUSED = [
    pytest.param("2026-03-29T02:30", "does not exist in Swedish time", id="march-gap"),
    pytest.param("2026-10-25T02:30", "happens twice in Swedish time", id="october-repeat"),
]


@pytest.mark.parametrize(("typed", "message"), REFUSED)
@pytest.mark.parametrize("field", ["starts_at", "ends_at", "registration_deadline"])
def test_the_edit_form_refuses_a_skipped_or_repeated_time(
    typed: str,
    message: str,
    field: str,
    make_event: Callable[..., Event],
    coordinator: Any,
    client: Any,
) -> None:
    event = make_event()
    client.force_login(coordinator)
    data = form_data(
        starts_at="2026-03-29T01:00" if "03-29" in typed else "2026-10-25T01:00",
        ends_at="2026-03-29T05:00" if "03-29" in typed else "2026-10-25T05:00",
        version=event.version,
        title="Nattmöte",
    )
    if field == "registration_deadline":
        data["starts_at"] = data["starts_at"].replace("T01:00", "T04:00")
    data[field] = typed
    response = client.post(reverse("dissemination:event_edit", args=[event.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    body = response.content.decode()
    assert f'value="{typed}"' in body  # what was typed is kept
    assert 'value="Nattmöte"' in body
    stored = Event.objects.get(pk=event.pk)
    assert (stored.version, stored.starts_at) == (event.version, event.starts_at)


def _create_on_the_next_change(client: Any, user: Any, month: int, start: str, end: str) -> Any:
    """`user` posts the new-event form for `start` to `end` (local "HH:MM") on the day of the
    next clock change in `month`; the day and the response."""
    day = _next_change(month)
    client.force_login(user)
    response = client.post(
        reverse("dissemination:event_create"),
        form_data(starts_at=f"{day:%Y-%m-%d}T{start}", ends_at=f"{day:%Y-%m-%d}T{end}"),
    )
    return day, response


@pytest.mark.parametrize("month", [3, 10])
def test_the_new_event_form_refuses_the_skipped_or_repeated_hour_of_the_next_change(
    month: int, coordinator: Any, client: Any
) -> None:
    _, response = _create_on_the_next_change(client, coordinator, month, "02:30", "05:00")
    assert response.status_code == 200
    error = response.context["form"].errors["starts_at"][0]
    assert "02:30" in error
    assert ("forward" if month == 3 else "back") in error
    assert not Event.objects.exists()


@pytest.mark.parametrize("month", [3, 10])
def test_the_new_event_form_stores_the_next_change_day_right(
    month: int, coordinator: Any, client: Any
) -> None:
    day, _ = _create_on_the_next_change(client, coordinator, month, "01:00", "04:00")
    event = Event.objects.get()
    midnight_utc = dt.datetime(day.year, day.month, day.day, tzinfo=UTC)
    if month == 3:  # 01:00 is winter time (UTC+1), 04:00 summer time (UTC+2)
        assert event.starts_at == midnight_utc
        assert event.ends_at == midnight_utc + dt.timedelta(hours=2)
    else:  # 01:00 is summer time (UTC+2), 04:00 winter time (UTC+1)
        assert event.starts_at == midnight_utc - dt.timedelta(hours=1)
        assert event.ends_at == midnight_utc + dt.timedelta(hours=3)


def test_the_swedish_form_error_names_the_time_and_the_day(
    make_event: Callable[..., Event],
) -> None:
    event = make_event()
    with translation.override("sv"):
        form = EventMoveForm(
            {"version": event.version, "starts_at": "2026-03-29T02:30", "ends_at": ""},
            move=EventMove.RESCHEDULE,
            event=event,
        )
        assert not form.is_valid()
        assert form.errors["starts_at"] == [
            "Klockan 02:30 den 29 mars 2026 finns inte i svensk tid: klockan ställs fram en "
            "timme den natten. Välj en annan tid."
        ]


def test_the_reschedule_form_refuses_a_repeated_time(make_event: Callable[..., Event]) -> None:
    event = make_event()
    form = EventMoveForm(
        {"version": event.version, "starts_at": "2026-10-25T02:15", "ends_at": "2026-10-25T04:00"},
        move=EventMove.RESCHEDULE,
        event=event,
    )
    assert not form.is_valid()
    assert "happens twice" in form.errors["starts_at"][0]


def test_the_mail_shows_local_times_across_the_change() -> None:
    body = render_to_string(
        "dissemination/mail/event_rescheduled_body.txt",
        {
            "recipient": None,
            "event": Event(
                pk=1,
                title="Nattmöte",
                starts_at=dt.datetime(2026, 10, 24, 23, tzinfo=UTC),
                ends_at=dt.datetime(2026, 10, 25, 3, tzinfo=UTC),
            ),
            "old_starts_at": dt.datetime(2026, 3, 29, 0, tzinfo=UTC),
            "old_ends_at": dt.datetime(2026, 3, 29, 2, tzinfo=UTC),
            "site_url": "https://portal.example.se",
        },
    )
    assert "Before: Sun 29 Mar 2026, 01:00–04:00" in body
    assert "Now: Sun 25 Oct 2026, 01:00–04:00" in body
