"""Reach per quarter: Stockholm quarters (an event at 23:30 on 30 June is Q2), what counts
(cancelled, postponed, draft and future events do not; downloads by day; portal and logged
figures summed), region scoping, and the per-item rows that add up to the quarters."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from dissemination.models import DownloadCount, ReachMetric
from dissemination.selectors.reach import (
    last_quarters,
    quarter_label,
    reach_by_quarter,
    reach_items,
    reach_top_items,
    reach_total,
    year_quarters,
)
from dissemination.workflow import EventStatus, PublicationStatus, RegistrationStatus
from tests.factories_dissemination import (
    EventFactory,
    PublicationFactory,
    ReachEntryFactory,
    RegistrationFactory,
)
from tests.factories_dissemination import region as region_named

pytestmark = pytest.mark.django_db

STHLM = ZoneInfo("Europe/Stockholm")
YEAR = 2025
QUARTERS = year_quarters(YEAR)


def at(year: int, month: int, day: int, hour: int = 13, minute: int = 0) -> dt.datetime:
    """A Stockholm wall-clock time, stored in UTC."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=STHLM)


def event_at(when: dt.datetime, **kwargs: Any) -> Any:
    return EventFactory(starts_at=when, ends_at=when + dt.timedelta(hours=1), **kwargs)


def figures(rows: list[Any], name: str) -> list[int]:
    return [getattr(row, name) for row in rows]


def everything(quarters: list[tuple[int, int]] = QUARTERS) -> list[Any]:
    return reach_by_quarter(region_ids=None, include_national=True, quarters=quarters)


# --- Quarters -------------------------------------------------------------------------------


def test_last_four_quarters_end_with_todays_quarter() -> None:
    assert last_quarters(today=dt.date(2026, 2, 10)) == [(2025, 2), (2025, 3), (2025, 4), (2026, 1)]
    assert last_quarters(today=dt.date(2026, 12, 31)) == [
        (2026, 1),
        (2026, 2),
        (2026, 3),
        (2026, 4),
    ]


def test_quarter_labels_are_translated() -> None:
    assert quarter_label((2026, 3)) == "Q3 2026"
    with translation.override("sv"):
        # The Swedish catalogue says "kv 3 2026" once the fragment is merged; until then the
        # English text comes back. Either way the numbers are in place.
        assert quarter_label((2026, 3)) in ("kv 3 2026", "Q3 2026")


def test_an_event_at_half_past_eleven_on_30_june_is_held_in_q2() -> None:
    # 23:30 on 30 June in Stockholm is 21:30 UTC: the same day either way, but 00:30 on
    # 1 July is still 30 June in UTC and belongs to Q3.
    event_at(at(YEAR, 6, 30, 23, 30))
    event_at(at(YEAR, 7, 1, 0, 30))
    # 00:30 on 1 January Stockholm time is 23:30 on 31 December in UTC.
    event_at(at(YEAR, 1, 1, 0, 30))
    rows = everything()
    assert figures(rows, "events") == [1, 1, 1, 0]


def test_quarters_hold_across_the_daylight_saving_changes() -> None:
    event_at(at(YEAR, 3, 30, 3, 30))  # the morning summer time begins
    event_at(at(YEAR, 10, 26, 2, 30))  # the night winter time begins
    event_at(at(YEAR, 9, 30, 23, 59))
    rows = everything()
    assert figures(rows, "events") == [1, 0, 1, 1]


def test_cancelled_postponed_draft_and_future_events_are_not_held() -> None:
    event_at(at(YEAR, 5, 5))
    event_at(at(YEAR, 5, 6), status=EventStatus.CANCELLED)
    event_at(at(YEAR, 5, 7), status=EventStatus.POSTPONED)
    event_at(at(YEAR, 5, 8), status=EventStatus.DRAFT)
    future = timezone.now() + dt.timedelta(days=3)
    event_at(future)
    rows = everything()
    assert figures(rows, "events") == [0, 1, 0, 0]
    this_quarter = reach_by_quarter(
        region_ids=None, include_national=True, quarters=last_quarters(count=1)
    )
    assert this_quarter[0].events == 0


def test_portal_registrations_and_attendance_count_in_the_event_quarter() -> None:
    spring = event_at(at(YEAR, 4, 10))
    RegistrationFactory.create_batch(3, event=spring)
    RegistrationFactory(event=spring, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=spring, status=RegistrationStatus.CANCELLED)
    RegistrationFactory(event=spring, attended=True)
    RegistrationFactory(event=spring, attended=False)
    cancelled = event_at(at(YEAR, 4, 11), status=EventStatus.CANCELLED)
    RegistrationFactory.create_batch(4, event=cancelled)
    rows = everything()
    assert figures(rows, "registrations") == [0, 5, 0, 0]
    assert figures(rows, "attendance") == [0, 1, 0, 0]
    assert figures(rows, "events") == [0, 1, 0, 0]


def test_logged_and_portal_figures_are_summed() -> None:
    event = event_at(at(YEAR, 8, 20))
    RegistrationFactory.create_batch(2, event=event, attended=True)
    ReachEntryFactory(
        event=event, metric=ReachMetric.REGISTRATIONS, value=10, counted_on=dt.date(YEAR, 8, 21)
    )
    ReachEntryFactory(
        event=event, metric=ReachMetric.ATTENDANCE, value=7, counted_on=dt.date(YEAR, 8, 21)
    )
    ReachEntryFactory(
        event=event, metric=ReachMetric.VIEWS, value=300, counted_on=dt.date(YEAR, 10, 2)
    )
    publication = PublicationFactory(published_on=dt.date(YEAR, 8, 1))
    DownloadCount.objects.create(publication=publication, day=dt.date(YEAR, 8, 1), count=4)
    DownloadCount.objects.create(publication=publication, day=dt.date(YEAR, 9, 30), count=6)
    DownloadCount.objects.create(publication=publication, day=dt.date(YEAR, 10, 1), count=5)
    ReachEntryFactory(
        publication=publication,
        metric=ReachMetric.DOWNLOADS,
        value=100,
        counted_on=dt.date(YEAR, 9, 1),
    )
    ReachEntryFactory(
        publication=publication,
        metric=ReachMetric.LISTENERS,
        value=40,
        counted_on=dt.date(YEAR, 7, 1),
    )
    rows = everything()
    q3 = rows[2]
    assert (q3.registrations_portal, q3.registrations_logged, q3.registrations) == (2, 10, 12)
    assert (q3.attendance_portal, q3.attendance_logged, q3.attendance) == (2, 7, 9)
    assert (q3.downloads_portal, q3.downloads_logged, q3.downloads) == (10, 100, 110)
    assert q3.listeners == 40
    assert q3.publications == 1
    assert rows[3].views == 300
    assert rows[3].downloads == 5
    total = reach_total(rows)
    assert (total.registrations, total.downloads, total.views) == (12, 115, 300)


def test_figures_of_drafts_and_cancelled_events_are_left_out() -> None:
    cancelled = event_at(at(YEAR, 2, 1), status=EventStatus.CANCELLED)
    draft = event_at(at(YEAR, 2, 2), status=EventStatus.DRAFT)
    ReachEntryFactory(
        event=cancelled, metric=ReachMetric.ATTENDANCE, value=9, counted_on=dt.date(YEAR, 2, 1)
    )
    ReachEntryFactory(
        event=draft, metric=ReachMetric.ATTENDANCE, value=9, counted_on=dt.date(YEAR, 2, 2)
    )
    draft_publication = PublicationFactory(
        status=PublicationStatus.DRAFT, published_on=dt.date(YEAR, 2, 1)
    )
    ReachEntryFactory(
        publication=draft_publication,
        metric=ReachMetric.VIEWS,
        value=9,
        counted_on=dt.date(YEAR, 2, 1),
    )
    withdrawn = PublicationFactory(
        status=PublicationStatus.WITHDRAWN, published_on=dt.date(YEAR, 2, 1)
    )
    ReachEntryFactory(
        publication=withdrawn, metric=ReachMetric.VIEWS, value=3, counted_on=dt.date(YEAR, 2, 3)
    )
    rows = everything()
    assert rows[0].attendance == 0
    # A withdrawn publication's reach happened; it is no longer counted as published.
    assert (rows[0].views, rows[0].publications) == (3, 0)
    assert (
        reach_items(region_ids=None, include_national=True, quarters=QUARTERS)[0].item == withdrawn
    )


def test_publications_count_in_the_quarter_of_their_date() -> None:
    PublicationFactory(published_on=dt.date(YEAR, 3, 31))
    PublicationFactory(published_on=dt.date(YEAR, 4, 1))
    PublicationFactory(published_on=dt.date(YEAR, 4, 2), status=PublicationStatus.DRAFT)
    assert figures(everything(), "publications") == [1, 1, 0, 0]


def test_region_scope_and_national(region: Any, other_region: Any) -> None:
    event_at(at(YEAR, 5, 1), region=region)
    event_at(at(YEAR, 5, 2), region=other_region)
    event_at(at(YEAR, 5, 3), region=None)
    national_pub = PublicationFactory(region=None, published_on=dt.date(YEAR, 5, 1))
    DownloadCount.objects.create(publication=national_pub, day=dt.date(YEAR, 5, 2), count=3)

    def q2(region_ids: Any, include_national: bool) -> tuple[int, int, int]:
        row = reach_by_quarter(
            region_ids=region_ids, include_national=include_national, quarters=[(YEAR, 2)]
        )[0]
        return row.events, row.publications, row.downloads

    assert q2(frozenset({region.pk}), False) == (1, 0, 0)
    assert q2(frozenset({region.pk, other_region.pk}), False) == (2, 0, 0)
    assert q2(frozenset(), True) == (1, 1, 3)
    assert q2(frozenset(), False) == (0, 0, 0)
    assert q2(None, False) == (2, 0, 0)
    assert q2(None, True) == (3, 1, 3)


def test_quarters_come_back_in_the_order_asked_and_outside_figures_are_ignored() -> None:
    event_at(at(YEAR - 1, 12, 31, 23, 30))
    event_at(at(YEAR, 1, 15))
    rows = reach_by_quarter(region_ids=None, include_national=True, quarters=[(YEAR, 1)])
    assert [(r.year, r.quarter, r.events) for r in rows] == [(YEAR, 1, 1)]
    assert reach_by_quarter(region_ids=None, include_national=True, quarters=[]) == []


def test_items_add_up_to_the_quarters(region: Any) -> None:
    held = event_at(at(YEAR, 6, 30, 23, 30))
    RegistrationFactory.create_batch(2, event=held, attended=True)
    ReachEntryFactory(
        event=held, metric=ReachMetric.VIEWS, value=50, counted_on=dt.date(YEAR, 7, 3)
    )
    # An event of last year with a figure logged this year is a row too (no "held").
    old = event_at(at(YEAR - 1, 11, 5))
    RegistrationFactory(event=old)
    ReachEntryFactory(
        event=old, metric=ReachMetric.ATTENDANCE, value=30, counted_on=dt.date(YEAR, 1, 10)
    )
    podcast = PublicationFactory(published_on=dt.date(YEAR, 2, 1), kind="podcast")
    ReachEntryFactory(
        publication=podcast, metric=ReachMetric.LISTENERS, value=80, counted_on=dt.date(YEAR, 3, 1)
    )
    older = PublicationFactory(published_on=dt.date(YEAR - 1, 2, 1))
    DownloadCount.objects.create(publication=older, day=dt.date(YEAR, 5, 5), count=12)
    PublicationFactory(published_on=dt.date(YEAR - 1, 2, 2))  # nothing in the period

    items = reach_items(region_ids=None, include_national=True, quarters=QUARTERS)
    assert [i.item for i in items] == [older, old, podcast, held]
    by_item = {i.item: i for i in items}
    assert (by_item[held].events, by_item[held].registrations, by_item[held].attendance) == (
        1,
        2,
        2,
    )
    assert by_item[held].views == 50
    assert (by_item[old].events, by_item[old].registrations, by_item[old].attendance) == (0, 0, 30)
    assert (by_item[podcast].publications, by_item[podcast].listeners) == (1, 80)
    assert (by_item[older].publications, by_item[older].downloads) == (0, 12)

    quarters = reach_total(everything())
    summed = reach_total(items)
    assert summed.figures() == quarters.figures()


def test_items_respect_the_region(region: Any, other_region: Any) -> None:
    mine = event_at(at(YEAR, 4, 1), region=region)
    theirs = event_at(at(YEAR, 4, 2), region=other_region)
    ReachEntryFactory(
        event=theirs, metric=ReachMetric.VIEWS, value=5, counted_on=dt.date(YEAR, 4, 3)
    )
    items = reach_items(
        region_ids=frozenset({region.pk}), include_national=False, quarters=QUARTERS
    )
    assert [i.item for i in items] == [mine]


@pytest.mark.parametrize("size", [2, 20])
def test_the_quarters_take_four_queries_and_the_items_six(size: int) -> None:
    for n in range(size):
        event = event_at(at(YEAR, 1 + n % 12, 10))
        RegistrationFactory(event=event)
        ReachEntryFactory(
            event=event, metric=ReachMetric.VIEWS, value=n, counted_on=dt.date(YEAR, 5, 1)
        )
        publication = PublicationFactory(
            published_on=dt.date(YEAR, 1 + n % 12, 3), region=region_named()
        )
        DownloadCount.objects.create(publication=publication, day=dt.date(YEAR, 6, 1), count=1)
    with CaptureQueriesContext(connection) as ctx:
        rows = everything()
    assert len(ctx.captured_queries) == 4
    assert reach_total(rows).events == size
    with CaptureQueriesContext(connection) as ctx:
        items = reach_items(region_ids=None, include_national=True, quarters=QUARTERS)
        [(i.item.region.name if i.item.region else "") for i in items]
    assert len(ctx.captured_queries) == 6
    assert len(items) == 2 * size
    with CaptureQueriesContext(connection) as ctx:
        # Half of them: the events that reached the most, then one publication.
        top = reach_top_items(region_ids=None, include_national=True, quarters=QUARTERS, limit=size)
        [(i.item.region.name if i.item.region else "") for i in top.items]
    assert len(ctx.captured_queries) == 6
    assert (len(top.items), top.total) == (size, 2 * size)
    assert {i.is_event for i in top.items} == {True, False}


# --- The overview's top events and publications ---------------------------------------------


def test_people_reached_counts_registrations_or_attendance_once() -> None:
    from dissemination.selectors.reach import ReachFigures

    row = ReachFigures(
        registrations_portal=30, attendance_portal=25, attendance_logged=10, views=7, listeners=2
    )
    # 35 came (more than the 30 registered: some at the door) + 7 views + 2 listeners.
    assert row.people_reached == 35 + 7 + 2
    assert ReachFigures(registrations_portal=4, downloads_portal=3).people_reached == 7


def test_the_top_items_are_those_that_reached_the_most_people(
    region: Any, other_region: Any
) -> None:
    small = event_at(at(YEAR, 2, 1))
    RegistrationFactory.create_batch(2, event=small, attended=True)
    big = event_at(at(YEAR, 3, 1))
    RegistrationFactory.create_batch(3, event=big)
    ReachEntryFactory(
        event=big, metric=ReachMetric.VIEWS, value=100, counted_on=dt.date(YEAR, 3, 2)
    )
    podcast = PublicationFactory(kind="podcast", published_on=dt.date(YEAR, 1, 5))
    ReachEntryFactory(
        publication=podcast,
        metric=ReachMetric.LISTENERS,
        value=50,
        counted_on=dt.date(YEAR, 1, 6),
    )
    report = PublicationFactory(published_on=dt.date(YEAR, 4, 1))
    DownloadCount.objects.create(publication=report, day=dt.date(YEAR, 4, 2), count=50)
    # Nothing reached: listed last, by day.
    quiet = event_at(at(YEAR, 1, 2), region=other_region)
    draft = event_at(at(YEAR, 1, 3), status=EventStatus.DRAFT)
    ReachEntryFactory(
        event=draft, metric=ReachMetric.VIEWS, value=999, counted_on=dt.date(YEAR, 1, 4)
    )

    top = reach_top_items(region_ids=None, include_national=True, quarters=QUARTERS)
    assert [(i.item, i.people_reached) for i in top.items] == [
        (big, 103),
        (podcast, 50),  # a tie with the report: the earlier day first
        (report, 50),
        (small, 2),
        (quiet, 0),
    ]
    assert top.total == 5 and not top.is_partial
    by_item = {i.item: i for i in top.items}
    assert (by_item[big].events, by_item[big].registrations, by_item[big].views) == (1, 3, 100)
    assert (by_item[report].publications, by_item[report].downloads_portal) == (1, 50)

    first_two = reach_top_items(region_ids=None, include_national=True, quarters=QUARTERS, limit=2)
    assert [i.item for i in first_two.items] == [big, podcast]
    assert first_two.total == 5 and first_two.is_partial
    mine = reach_top_items(
        region_ids=frozenset({region.pk}), include_national=False, quarters=QUARTERS
    )
    assert [i.item for i in mine.items] == [big, podcast, report, small]
    assert mine.total == 4
    assert reach_top_items(region_ids=None, include_national=True, quarters=[]).total == 0


def test_the_top_items_agree_with_the_full_list(region: Any, other_region: Any) -> None:
    for n in range(12):
        event = event_at(at(YEAR, 1 + n % 12, 10), region=region if n % 2 else other_region)
        RegistrationFactory.create_batch(n % 4, event=event, attended=bool(n % 3))
        ReachEntryFactory(
            event=event, metric=ReachMetric.VIEWS, value=n * 7 % 11, counted_on=dt.date(YEAR, 5, 1)
        )
        publication = PublicationFactory(published_on=dt.date(YEAR, 1 + n % 12, 3), region=None)
        DownloadCount.objects.create(
            publication=publication, day=dt.date(YEAR, 6, 1), count=n * 5 % 13
        )
    full = reach_items(region_ids=None, include_national=True, quarters=QUARTERS)
    top = reach_top_items(region_ids=None, include_national=True, quarters=QUARTERS, limit=7)
    ranked = sorted(full, key=lambda i: -i.people_reached)
    assert [i.people_reached for i in top.items] == [i.people_reached for i in ranked[:7]]
    assert top.total == len(full) == 24
    # Each row carries the same figures as in the full list (and the CSV).
    full_by_item = {i.item: i for i in full}
    for row in top.items:
        assert row.figures() == full_by_item[row.item].figures()
