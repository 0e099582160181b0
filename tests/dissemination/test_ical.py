"""The calendar files, parsed back with `icalendar`: one per event, a feed per region and one
for everything. Valid VCALENDARs with the Stockholm VTIMEZONE, stable UIDs, a SEQUENCE that
grows with each change, the right local times across the clock changes, cancelled and
postponed events marked, never an online link, drafts absent, a fixed number of queries.
The feeds send an ETag made of a cheap fingerprint, answer 304 to it while nothing changed and
keep the built file in the cache under the scope, the language and the fingerprint."""

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import icalendar
import pytest
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dissemination import ical
from dissemination.ical import calendar_bytes, plain_text
from dissemination.models import Event
from dissemination.selectors.events import (
    calendar_events,
    calendar_fingerprint,
    feed_window_start,
)
from dissemination.services.events import event_move, event_update
from dissemination.views import calendars
from dissemination.workflow import EventStatus
from regions.models import Region
from tests.factories_dissemination import EventFactory
from tests.utils import count_queries

from .test_events_scene import *  # noqa: F403  (fixtures and helpers)
from .test_events_scene import STOCKHOLM, local, soon

pytestmark = pytest.mark.django_db

S = EventStatus
SECRET = "secret-room"


def _calendar(response: Any) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _events(calendar: icalendar.Calendar) -> dict[str, Any]:
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def _uid(event: Event) -> str:
    return f"event-{event.ical_uid}@127.0.0.1"


def _ics(client: Any, event: Event) -> Any:
    return client.get(reverse("dissemination:event_ics", args=[event.pk]))


def test_an_event_file_is_a_valid_calendar(make_event: Callable[..., Event], client: Any) -> None:
    event = make_event(title="Webbinarium: vård & företag", location="")
    response = _ics(client, event)
    calendar = _calendar(response)
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".ics" in response["Content-Disposition"]
    assert "/" not in response["Content-Disposition"].split("filename", 1)[1]
    assert str(calendar["VERSION"]) == "2.0"
    assert "Innovation Accelerator" in str(calendar["PRODID"])
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == event.title
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Stockholm"]
    (component,) = calendar.walk("VEVENT")
    assert str(component["UID"]) == _uid(event)
    assert component["SEQUENCE"] == 0
    assert component["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert component["DTEND"].params["TZID"] == "Europe/Stockholm"
    assert component.decoded("DTSTART") == event.starts_at
    assert component.decoded("DTEND") == event.ends_at
    assert "DTSTAMP" in component and "LAST-MODIFIED" in component
    assert str(component["SUMMARY"]) == event.title
    assert str(component["LOCATION"]) == "Online"
    assert str(component["URL"]) == f"http://127.0.0.1:8000/events/{event.pk}/"
    assert str(component["STATUS"]) == "CONFIRMED"
    description = str(component["DESCRIPTION"])
    assert "Hur regionen och företagen hittar varandra." in description
    assert description.endswith(f"/events/{event.pk}/")
    assert "<p>" not in description


def test_the_event_file_is_public_and_never_carries_the_online_link(
    make_event: Callable[..., Event], client: Any
) -> None:
    event = make_event(description=f"Länken kommer senare. https://meet.example.se/{SECRET}x")
    event_update(
        actor=event.created_by,
        event=event,
        expected_version=event.version,
        description="Länken får du när du har en plats.",
    )
    response = _ics(client, event)
    assert response.status_code == 200  # anonymous
    assert SECRET.encode() not in response.content
    assert b"meet.example.se" not in response.content


@pytest.mark.parametrize(
    ("status", "ical_status", "summary"),
    [
        (S.PUBLISHED, "CONFIRMED", "{title}"),
        (S.POSTPONED, "TENTATIVE", "Postponed: {title}"),
        (S.CANCELLED, "CANCELLED", "Cancelled: {title}"),
    ],
)
def test_public_events_carry_their_status(
    status: str, ical_status: str, summary: str, event_in: Callable[..., Event], client: Any
) -> None:
    event = event_in(status)
    (component,) = _calendar(_ics(client, event)).walk("VEVENT")
    assert str(component["STATUS"]) == ical_status
    assert str(component["SUMMARY"]) == summary.format(title=event.title)
    if status != S.PUBLISHED:
        assert event.status_reason in str(component["DESCRIPTION"])


def test_drafts_and_events_cancelled_as_drafts_have_no_calendar_file(
    event_in: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    draft = event_in(S.DRAFT)
    never_published = event_move(
        actor=coordinator, event=event_in(S.DRAFT), move="cancel", reason="x"
    )
    client.force_login(coordinator)  # not even for its organiser
    assert _ics(client, draft).status_code == 404
    assert _ics(client, never_published).status_code == 404
    assert client.get(reverse("dissemination:event_ics", args=[999999])).status_code == 404
    feed = _events(_calendar(client.get(reverse("dissemination:feed_all"))))
    assert _uid(draft) not in feed and _uid(never_published) not in feed


def test_the_uid_stays_and_the_sequence_grows_with_each_change(
    make_event: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = make_event()
    seen = []
    for change in (
        lambda e: event_update(
            actor=coordinator, event=e, expected_version=e.version, location="Sal B"
        ),
        lambda e: event_update(
            actor=coordinator,
            event=e,
            expected_version=e.version,
            starts_at=e.starts_at + dt.timedelta(hours=1),
            ends_at=e.ends_at + dt.timedelta(hours=1),
        ),
        lambda e: event_move(actor=coordinator, event=e, move="postpone", reason="Sjukdom."),
        lambda e: event_move(
            actor=coordinator,
            event=e,
            move="reschedule",
            starts_at=soon(45),
            ends_at=soon(45) + dt.timedelta(hours=1),
        ),
        lambda e: event_move(actor=coordinator, event=e, move="cancel", reason="Inställt."),
    ):
        (component,) = _calendar(_ics(client, event)).walk("VEVENT")
        seen.append((str(component["UID"]), int(component["SEQUENCE"])))
        event = change(event)
    (component,) = _calendar(_ics(client, event)).walk("VEVENT")
    seen.append((str(component["UID"]), int(component["SEQUENCE"])))
    assert {uid for uid, _seq in seen} == {_uid(event)}
    sequences = [seq for _uid_, seq in seen]
    assert sequences == sorted(set(sequences)), sequences
    assert component.decoded("DTSTART") == soon(45)
    assert str(component["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(
    ("start", "end", "utc_start"),
    [
        (
            local(2026, 10, 25, 1),
            local(2026, 10, 25, 4),
            dt.datetime(2026, 10, 24, 23, tzinfo=dt.UTC),
        ),
        (
            local(2026, 10, 25, 10),
            local(2026, 10, 25, 12),
            dt.datetime(2026, 10, 25, 9, tzinfo=dt.UTC),
        ),
        (local(2026, 3, 29, 1), local(2026, 3, 29, 4), dt.datetime(2026, 3, 29, 0, tzinfo=dt.UTC)),
        (
            local(2026, 3, 29, 10),
            local(2026, 3, 29, 12),
            dt.datetime(2026, 3, 29, 8, tzinfo=dt.UTC),
        ),
    ],
)
def test_local_times_are_right_across_the_clock_changes(
    start: Any, end: Any, utc_start: Any, client: Any
) -> None:
    event = EventFactory(starts_at=start, ends_at=end)
    response = _ics(client, event)
    text = response.content.decode()
    assert f"DTSTART;TZID=Europe/Stockholm:{start:%Y%m%dT%H%M%S}" in text
    assert f"DTEND;TZID=Europe/Stockholm:{end:%Y%m%dT%H%M%S}" in text
    calendar = _calendar(response)
    (component,) = calendar.walk("VEVENT")
    assert component.decoded("DTSTART") == utc_start
    assert component.decoded("DTEND") - component.decoded("DTSTART") == end - start
    # The VTIMEZONE describes both offsets, so programs in other zones read the same instants.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    offsets = {sub.decoded("TZOFFSETTO") for sub in vtimezone.subcomponents}
    assert {dt.timedelta(hours=1), dt.timedelta(hours=2)} <= offsets
    assert vtimezone.to_tz().utcoffset(dt.datetime(2026, 7, 1)) == dt.timedelta(hours=2)


def test_the_programme_feed_carries_every_public_event_of_the_last_year(
    other_region: Region, client: Any
) -> None:
    now = timezone.now()
    upcoming = EventFactory()
    elsewhere = EventFactory(region=other_region)
    national = EventFactory(region=None)
    recent = EventFactory(
        starts_at=now - dt.timedelta(days=300), ends_at=now - dt.timedelta(days=300, hours=-1)
    )
    old = EventFactory(
        starts_at=now - dt.timedelta(days=400), ends_at=now - dt.timedelta(days=400, hours=-1)
    )
    draft = EventFactory(status=S.DRAFT)
    cancelled = EventFactory(status=S.CANCELLED, status_reason="Inställt.")
    calendar = _calendar(client.get(reverse("dissemination:feed_all")))
    uids = set(_events(calendar))
    assert uids == {_uid(e) for e in (upcoming, elsewhere, national, recent, cancelled)}
    assert _uid(old) not in uids and _uid(draft) not in uids
    assert str(calendar["X-WR-CALNAME"]) == "Innovation Accelerator – events"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT6H"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Stockholm"]


def test_a_region_feed_carries_that_regions_events_only(
    region: Region, other_region: Region, client: Any
) -> None:
    own = EventFactory()
    EventFactory(region=other_region)
    EventFactory(region=None)
    calendar = _calendar(client.get(reverse("dissemination:feed_region", args=[region.slug])))
    assert set(_events(calendar)) == {_uid(own)}
    assert region.name in str(calendar["X-WR-CALNAME"])
    assert client.get(reverse("dissemination:feed_region", args=["atlantis"])).status_code == 404


def test_an_empty_feed_is_still_a_valid_calendar(region: Region, client: Any) -> None:
    calendar = _calendar(client.get(reverse("dissemination:feed_region", args=[region.slug])))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"


def test_the_calendars_own_uid_is_the_same_on_every_download(client: Any) -> None:
    first = _calendar(client.get(reverse("dissemination:feed_all")))
    second = _calendar(client.get(reverse("dissemination:feed_all")))
    assert str(first["UID"]) == str(second["UID"])


@pytest.mark.parametrize("feed", ["feed_all", "feed_region"])
def test_a_feed_makes_the_same_number_of_queries_for_5_and_30_events(
    feed: str, region: Region, client: Any
) -> None:
    url = _feed_url(feed, region)
    EventFactory.create_batch(5)
    few_warm = count_queries(client, url)
    with mock.patch.object(calendars, "cache", DummyCache("none", {})):
        few_cold = count_queries(client, url)
    EventFactory.create_batch(25, status=S.POSTPONED)
    many_warm = count_queries(client, url)
    with mock.patch.object(calendars, "cache", DummyCache("none", {})):
        many_cold = count_queries(client, url)
    assert few_warm == many_warm
    assert few_cold == many_cold == few_warm + 1  # the events themselves, when built
    assert len(_events(_calendar(client.get(url)))) == 30


def test_plain_text_of_text_without_markup_is_the_text() -> None:
    assert plain_text("") == ""
    assert plain_text("  Rad ett.  \r\nRad två.\n\n\n\nSlut. ") == "Rad ett.\nRad två.\n\nSlut."


def test_plain_text_keeps_paragraphs_lists_and_link_addresses() -> None:
    html = (
        "<p>Hej &amp; välkommen!</p><ul><li>Ett</li><li>Två</li></ul>"
        '<p>Läs <a href="https://example.se/a?b=1&amp;c=2" rel="noopener">mer här</a>.<br>Rad.</p>'
    )
    assert plain_text(html) == (
        "Hej & välkommen!\n\n- Ett\n- Två\n\nLäs mer här (https://example.se/a?b=1&c=2).\nRad."
    )


def test_times_are_written_in_stockholm_time_whatever_the_server_zone(
    make_event: Callable[..., Event], client: Any, settings: Any
) -> None:
    event = make_event(starts_at=soon(10, hour=9))
    with timezone.override("America/New_York"):
        text = _ics(client, event).content.decode()
    assert (
        f"DTSTART;TZID=Europe/Stockholm:{event.starts_at.astimezone(STOCKHOLM):%Y%m%dT%H%M%S}"
        in text
    )


# --- Feeds: fingerprint, ETag, 304 and the cache -------------------------------------------------


FEEDS = ["feed_all", "feed_region"]


def _feed_url(feed: str, region: Region) -> str:
    return reverse(f"dissemination:{feed}", args=[region.slug] if feed == "feed_region" else [])


@pytest.mark.parametrize("feed", FEEDS)
def test_a_feed_answers_304_to_the_etag_it_sent_with_one_cheap_query(
    feed: str, region: Region, client: Any
) -> None:
    EventFactory.create_batch(3)
    url = _feed_url(feed, region)
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"') and etag.endswith('"')
    assert first["Last-Modified"].endswith(" GMT")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Last-Modified"] == first["Last-Modified"]
    # The fingerprint (and, for a region's feed, the region).
    assert len(queries.captured_queries) == (1 if feed == "feed_all" else 2)
    assert "COUNT(" in queries.captured_queries[-1]["sql"].upper()
    other = client.get(url, headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.content == first.content


@pytest.mark.parametrize("feed", FEEDS)
def test_any_change_in_the_window_makes_a_new_etag_and_file(
    feed: str, region: Region, coordinator: Any, client: Any
) -> None:
    event = EventFactory(created_by=coordinator)
    url = _feed_url(feed, region)
    seen = [client.get(url)["ETag"]]
    changes: list[Callable[[Event], Any]] = [
        lambda e: event_update(
            actor=coordinator, event=e, expected_version=e.version, title="Ny titel"
        ),
        lambda e: event_update(
            actor=coordinator, event=e, expected_version=e.version, description="Ny text."
        ),
        lambda e: event_move(actor=coordinator, event=e, move="postpone", reason="Sjukdom."),
        lambda e: event_move(actor=coordinator, event=e, move="cancel", reason="Inställt."),
        lambda e: EventFactory(),
    ]
    for change in changes:
        change(Event.objects.get(pk=event.pk))
        response = client.get(url, headers={"If-None-Match": seen[-1]})
        assert response.status_code == 200
        seen.append(response["ETag"])
    assert len(set(seen)) == len(seen)
    (component,) = [c for c in _calendar(response).walk("VEVENT") if str(c["UID"]) == _uid(event)]
    assert str(component["SUMMARY"]) == "Cancelled: Ny titel"
    assert "Ny text." in str(component["DESCRIPTION"])


def test_an_event_leaving_the_window_at_midnight_makes_a_new_file(client: Any) -> None:
    since = feed_window_start()
    leaving = EventFactory(
        starts_at=since - dt.timedelta(hours=2), ends_at=since + dt.timedelta(hours=1)
    )
    staying = EventFactory()
    url = reverse("dissemination:feed_all")
    today = client.get(url)
    assert set(_events(_calendar(today))) == {_uid(leaving), _uid(staying)}
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        response = client.get(url, headers={"If-None-Match": today["ETag"]})
        assert response.status_code == 200
        assert set(_events(_calendar(response))) == {_uid(staying)}
        assert response["ETag"] != today["ETag"]
        # The window moved at midnight: that is when the file last changed.
        assert response["Last-Modified"] != today["Last-Modified"]


def test_the_window_begins_at_midnight_swedish_time_a_year_back() -> None:
    since = feed_window_start(dt.date(2026, 3, 29))
    assert since == dt.datetime(2025, 3, 29, 0, 0, tzinfo=STOCKHOLM)
    assert since.utcoffset() == dt.timedelta(hours=1)
    assert feed_window_start(dt.date(2026, 10, 25)).utcoffset() == dt.timedelta(hours=2)
    just_in = EventFactory(starts_at=since - dt.timedelta(hours=1), ends_at=since)
    EventFactory(starts_at=since - dt.timedelta(hours=2), ends_at=since - dt.timedelta(minutes=1))
    assert list(calendar_events(since=since)) == [just_in]
    fingerprint = calendar_fingerprint(since=since)
    assert (fingerprint.since, fingerprint.count) == (dt.date(2025, 3, 29), 1)
    assert fingerprint.changed == Event.objects.get(pk=just_in.pk).updated_at


def test_the_file_is_built_once_and_then_served_from_the_cache(client: Any) -> None:
    EventFactory.create_batch(4)
    url = reverse("dissemination:feed_all")
    with mock.patch.object(calendars, "calendar_bytes", wraps=calendar_bytes) as build:
        first = client.get(url)
        with CaptureQueriesContext(connection) as queries:
            second = client.get(url)
    assert build.call_count == 1
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert len(queries.captured_queries) == 1  # the fingerprint only


def test_the_cache_holds_a_file_per_scope_and_language(region: Region, client: Any) -> None:
    EventFactory(status=S.CANCELLED, status_reason="Inställt.", title="Vårmötet")
    everything = reverse("dissemination:feed_all")
    own = _feed_url("feed_region", region)
    with mock.patch.object(calendars, "calendar_bytes", wraps=calendar_bytes) as build:
        english = client.get(everything)
        in_swedish = client.get(everything, headers={"Accept-Language": "sv"})
        regional = client.get(own)
        assert build.call_count == 3
        assert client.get(everything).content == english.content
        assert client.get(everything, headers={"Accept-Language": "sv"}).content == (
            in_swedish.content
        )
        assert client.get(own).content == regional.content
        assert build.call_count == 3
    assert len({english["ETag"], in_swedish["ETag"], regional["ETag"]}) == 3
    assert "Cancelled: Vårmötet" in english.content.decode()
    assert "Inställt: Vårmötet" in in_swedish.content.decode()
    # An English ETag is no match for the Swedish file.
    swedish_again = client.get(
        everything, headers={"Accept-Language": "sv", "If-None-Match": english["ETag"]}
    )
    assert swedish_again.status_code == 200


def test_a_renamed_region_gets_a_new_feed(region: Region, client: Any) -> None:
    EventFactory()
    url = _feed_url("feed_region", region)
    before = client.get(url)
    region.name_en = "Region Uppsala (renamed)"
    region.save()
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert "Region Uppsala (renamed)" in str(_calendar(after)["X-WR-CALNAME"])


def test_if_modified_since_is_answered_from_the_fingerprint_too(
    coordinator: Any, client: Any
) -> None:
    event = EventFactory(created_by=coordinator)
    url = reverse("dissemination:feed_all")
    first = client.get(url)
    since = first["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304
    later = timezone.now() + dt.timedelta(seconds=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        event_update(actor=coordinator, event=event, expected_version=event.version, title="Ny")
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 200


def test_one_vtimezone_is_built_for_every_event_of_a_file() -> None:
    ical.stockholm_vtimezone.cache_clear()
    EventFactory.create_batch(20)
    EventFactory(status=S.CANCELLED, status_reason="Inställt.")
    with mock.patch.object(
        icalendar.Timezone, "from_tzid", wraps=icalendar.Timezone.from_tzid
    ) as build:
        first = calendar_bytes(calendar_events(), key="all", name="x")
        second = calendar_bytes(calendar_events(), key="all", name="x")
    assert build.call_count == 1
    for body in (first, second):
        calendar = icalendar.Calendar.from_ical(body)
        assert len(calendar.walk("VTIMEZONE")) == 1
        assert len(calendar.walk("VEVENT")) == 21
