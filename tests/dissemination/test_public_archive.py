"""The archive: past events and published publications in one list, newest first; what never
appears; the filters (kind, region, year in Stockholm time), bad values, paging, htmx and a fixed
query count."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from dissemination.workflow import EventStatus, PublicationStatus
from regions.models import Region
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory, PublicationFactory
from tests.utils import count_queries, sign_in

pytestmark = pytest.mark.django_db

ARCHIVE = reverse("dissemination:archive")
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def titles(response: Any) -> list[str]:
    return [entry.obj.title for entry in response.context["page"].object_list]


def past_event(title: str, days_ago: float = 10, **kwargs: Any) -> Any:
    start = timezone.now() - dt.timedelta(days=days_ago)
    return EventFactory(
        title=title, starts_at=start, ends_at=start + dt.timedelta(hours=2), **kwargs
    )


def publication(title: str, days_ago: int = 10, **kwargs: Any) -> Any:
    return PublicationFactory(
        title=title, published_on=timezone.localdate() - dt.timedelta(days=days_ago), **kwargs
    )


def test_past_events_and_publications_newest_first(client: Any) -> None:
    past_event("Event 20 days ago", 20)
    publication("Report 15 days ago", 15)
    past_event("Event 5 days ago", 5)
    publication("Podcast 1 day ago", 1, kind="podcast")

    response = client.get(ARCHIVE)

    assert response.status_code == 200
    assert titles(response) == [
        "Podcast 1 day ago",
        "Event 5 days ago",
        "Report 15 days ago",
        "Event 20 days ago",
    ]
    assert "4 events and publications" in response.content.decode()


def test_on_the_same_day_the_later_comes_first(client: Any) -> None:
    day = timezone.localtime(timezone.now() - dt.timedelta(days=3)).replace(hour=9, minute=0)
    EventFactory(title="Morning", starts_at=day, ends_at=day + dt.timedelta(hours=1))
    afternoon = day.replace(hour=15)
    EventFactory(title="Afternoon", starts_at=afternoon, ends_at=afternoon + dt.timedelta(hours=1))

    assert titles(client.get(ARCHIVE)) == ["Afternoon", "Morning"]


def test_what_is_not_public_or_not_past_never_appears(
    client: Any, coordinator: Any, portal_admin: Any
) -> None:
    past_event("Held")
    past_event("Cancelled, marked", status=EventStatus.CANCELLED)
    past_event("Zdraftevent", status=EventStatus.DRAFT)
    EventFactory(title="Zupcoming")
    # Started an hour ago and not over yet: still on the calendar, not in the archive.
    start = timezone.now() - dt.timedelta(hours=1)
    EventFactory(title="Going on", starts_at=start, ends_at=start + dt.timedelta(hours=3))
    publication("Published report")
    publication("Zdraftreport", status=PublicationStatus.DRAFT)
    publication("Zwithdrawnreport", status=PublicationStatus.WITHDRAWN)

    for who in (None, UserFactory(), coordinator, portal_admin):
        sign_in(client, who)
        response = client.get(ARCHIVE)
        assert sorted(titles(response)) == ["Cancelled, marked", "Held", "Published report"]
        body = response.content.decode()
        for hidden in ("Zdraftevent", "Zupcoming", "Going on", "Zdraftreport", "Zwithdrawnreport"):
            assert hidden not in body
    assert "dissemination-status-cancelled" in body


@pytest.mark.parametrize(
    ("params", "wanted"),
    [
        ({"kind": "clinic"}, ["Clinic"]),
        ({"kind": "podcast"}, ["Podcast"]),
        ({"kind": "events"}, ["Clinic", "Webinar"]),
        ({"kind": "publications"}, ["Podcast", "Report"]),
        ({"region": "vasterbotten"}, ["Clinic", "Podcast"]),
        ({"region": "national"}, ["Report"]),
    ],
)
def test_each_filter_narrows_the_archive(
    client: Any, params: dict[str, str], wanted: list[str]
) -> None:
    vasterbotten = Region.objects.get(slug="vasterbotten")
    past_event("Clinic", 4, kind="clinic", region=vasterbotten)
    past_event("Webinar", 5)
    publication("Podcast", 2, kind="podcast", region=vasterbotten)
    publication("Report", 6, region=None)

    response = client.get(ARCHIVE, params)

    assert response.status_code == 200
    assert sorted(titles(response)) == wanted


def test_the_year_is_counted_in_stockholm_time(client: Any) -> None:
    # 00:30 on New Year's Day in Stockholm is still the old year in UTC.
    new_year = dt.datetime(2025, 1, 1, 0, 30, tzinfo=STOCKHOLM)
    EventFactory(title="New Year", starts_at=new_year, ends_at=new_year + dt.timedelta(hours=1))
    eve = dt.datetime(2024, 12, 31, 22, 0, tzinfo=STOCKHOLM)
    EventFactory(title="New Year's Eve", starts_at=eve, ends_at=eve + dt.timedelta(hours=1))
    PublicationFactory(title="Report 2025", published_on=dt.date(2025, 1, 1))
    PublicationFactory(title="Report 2024", published_on=dt.date(2024, 12, 31))

    assert titles(client.get(ARCHIVE, {"year": "2025"})) == ["Report 2025", "New Year"]
    assert titles(client.get(ARCHIVE, {"year": "2024"})) == ["Report 2024", "New Year's Eve"]


def test_filters_combine(client: Any) -> None:
    PublicationFactory(title="Uppsala podcast", kind="podcast", published_on=dt.date(2025, 3, 1))
    PublicationFactory(title="Uppsala report", kind="report", published_on=dt.date(2025, 3, 1))
    PublicationFactory(
        title="Uppsala podcast 2024", kind="podcast", published_on=dt.date(2024, 3, 1)
    )
    PublicationFactory(
        title="National podcast", kind="podcast", region=None, published_on=dt.date(2025, 3, 1)
    )

    response = client.get(ARCHIVE, {"kind": "podcast", "region": "uppsala", "year": "2025"})

    assert titles(response) == ["Uppsala podcast"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"kind": "novel"}, "kind", "Choose a kind from the list."),
        ({"region": "atlantis"}, "region", "Choose a region from the list."),
        ({"year": "1999"}, "year", "Choose a year from the list."),
        ({"year": "next"}, "year", "Choose a year from the list."),
        ({"year": "99999999999999999999"}, "year", "Choose a year from the list."),
    ],
)
def test_bad_filter_values_are_reported_and_left_out(
    client: Any, params: dict[str, str], field: str, message: str
) -> None:
    past_event("Webinar")
    publication("Report")

    response = client.get(ARCHIVE, params)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert "could not be used and were left out" in response.content.decode()
    assert sorted(titles(response)) == ["Report", "Webinar"]


def test_paging_keeps_the_filters_and_a_page_out_of_range_shows_the_last(client: Any) -> None:
    for n in range(26):
        publication(f"Report {n:02d}", n + 1)
    past_event("Event")

    first = client.get(ARCHIVE, {"kind": "publications"})
    last = client.get(ARCHIVE, {"kind": "publications", "page": "99"})

    assert len(titles(first)) == 25
    assert "kind=publications&amp;page=2" in first.content.decode()
    assert titles(last) == ["Report 25"]


def test_htmx_gets_only_the_results_and_the_count_out_of_band(client: Any) -> None:
    publication("A report")

    partial = client.get(ARCHIVE, {"kind": "report"}, headers={"HX-Request": "true"})
    body = partial.content.decode()

    assert "<html" not in body
    assert 'id="archive-count" hx-swap-oob="innerHTML"' in body
    assert "A report" in body
    assert "HX-Request" in partial["Vary"]


@pytest.mark.parametrize("params", [{}, {"kind": "events"}, {"region": "uppsala", "page": "2"}])
def test_the_archive_costs_the_same_queries_for_3_or_30_rows(
    client: Any, params: dict[str, str]
) -> None:
    url = ARCHIVE + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    for n in range(3):
        past_event(f"Event {n}", n + 1)
        publication(f"Report {n}", n + 1)
    few = count_queries(client, url)
    for n in range(30):
        past_event(
            f"More event {n}", n + 5, region=None if n % 3 else Region.objects.get(slug="uppsala")
        )
        publication(f"More report {n}", n + 5)
    assert count_queries(client, url) == few
