"""The public calendar: what it lists to whom, grouped by month in Stockholm time, the filters
and their combinations, bad filter values, paging, htmx, the feed links and a fixed query count."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from dissemination.models import EventKind
from dissemination.workflow import EventStatus
from regions.models import Region
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory
from tests.utils import count_queries, sign_in

pytestmark = pytest.mark.django_db

CALENDAR = reverse("dissemination:calendar")
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def titles(response: Any) -> list[str]:
    """The events listed on the page, in order."""
    return [event.title for event in response.context["page"].object_list]


def in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def make_event(title: str, days: float = 14, **kwargs: Any) -> Any:
    start = in_days(days)
    return EventFactory(
        title=title, starts_at=start, ends_at=start + dt.timedelta(hours=2), **kwargs
    )


def test_the_calendar_is_public_and_lists_upcoming_events_soonest_first(client: Any) -> None:
    make_event("Later", days=30)
    make_event("Soon", days=2)
    make_event("Already over", days=-3)
    # Started an hour ago and still going: still on the calendar.
    make_event("Going on now", days=-1 / 24)

    response = client.get(CALENDAR)

    assert response.status_code == 200
    assert titles(response) == ["Going on now", "Soon", "Later"]
    assert "3 upcoming events" in response.content.decode()


def test_drafts_never_appear_whoever_asks(client: Any, coordinator: Any, portal_admin: Any) -> None:
    make_event("Public one")
    make_event("Draft one", status=EventStatus.DRAFT)

    for who in (None, UserFactory(), coordinator, portal_admin):
        sign_in(client, who)
        response = client.get(CALENDAR)
        assert titles(response) == ["Public one"]
        assert "Draft one" not in response.content.decode()


def test_cancelled_and_postponed_events_are_listed_and_marked(client: Any) -> None:
    make_event("Called off", days=3, status=EventStatus.CANCELLED)
    make_event("Put off", days=4, status=EventStatus.POSTPONED)
    make_event("Going ahead", days=5)

    response = client.get(CALENDAR)
    body = response.content.decode()

    assert titles(response) == ["Called off", "Put off", "Going ahead"]
    assert body.count('class="dissemination-status dissemination-status-cancelled">Cancelled') == 1
    assert (
        'class="dissemination-status dissemination-status-postponed">Postponed – a new time will '
        "be announced" in body
    )
    assert "dissemination-card dissemination-card-cancelled" in body


def test_the_online_link_is_never_in_the_calendar(client: Any) -> None:
    make_event("Webinar", online_url="https://meet.example.se/secret-room-123")

    body = client.get(CALENDAR).content.decode()

    assert "secret-room-123" not in body
    assert "Online" in body


def test_events_are_grouped_by_their_month_in_stockholm_time(client: Any) -> None:
    # 00:30 on the first of next month in Stockholm is still the month before in UTC.
    now = timezone.localtime(timezone.now(), STOCKHOLM)
    first = (now.replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    start = dt.datetime(first.year, first.month, 1, 0, 30, tzinfo=STOCKHOLM)
    assert start.astimezone(dt.UTC).month != start.month
    EventFactory(
        title="Just after midnight", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    before = start - dt.timedelta(days=2)
    EventFactory(title="Month before", starts_at=before, ends_at=before + dt.timedelta(hours=1))

    response = client.get(CALENDAR)
    months = response.context["months"]

    assert [(g.month, [e.title for e in g.events]) for g in months] == [
        (dt.date(before.year, before.month, 1), ["Month before"]),
        (dt.date(first.year, first.month, 1), ["Just after midnight"]),
    ]
    body = response.content.decode()
    assert f'id="month-{first:%Y-%m}"' in body
    assert f"{start:%B} {start.year}" in body


def test_times_are_shown_in_stockholm_time(client: Any) -> None:
    start = dt.datetime(2099, 10, 27, 12, 0, tzinfo=dt.UTC)  # 13:00 in Stockholm (CET)
    EventFactory(title="Autumn", starts_at=start, ends_at=start + dt.timedelta(minutes=90))

    body = client.get(CALENDAR).content.decode()

    assert "Tue 27 Oct 2099, 13:00–14:30" in body


@pytest.mark.parametrize(
    ("params", "wanted"),
    [
        ({"kind": "clinic"}, ["Clinic"]),
        ({"kind": "race_final"}, ["Race final"]),
        ({"region": "vasterbotten"}, ["Clinic"]),
        ({"region": "national"}, ["National"]),
        ({"language": "en"}, ["English"]),
        ({"mode": "online"}, ["Race final", "National", "English", "Hybrid"]),
        ({"mode": "onsite"}, ["Clinic", "Hybrid"]),
    ],
)
def test_each_filter_narrows_the_calendar(
    client: Any, params: dict[str, str], wanted: list[str]
) -> None:
    skane = Region.objects.get(slug="skane")
    onsite = {"location": "Universitetssjukhuset, Umeå", "online_url": ""}
    make_event(
        "Clinic",
        days=1,
        kind=EventKind.CLINIC,
        region=Region.objects.get(slug="vasterbotten"),
        **onsite,
    )
    make_event("Race final", days=2, kind=EventKind.RACE_FINAL, region=skane)
    make_event("National", days=3, region=None)
    make_event("English", days=4, language="en", region=skane)
    make_event(
        "Hybrid",
        days=5,
        region=skane,
        location="Regionens hus, Malmö",
        online_url="https://meet.example.se/hybrid",
    )

    response = client.get(CALENDAR, params)

    assert response.status_code == 200
    assert titles(response) == wanted


def test_filters_combine(client: Any) -> None:
    uppsala = Region.objects.get(slug="uppsala")
    make_event("Uppsala webinar in English", days=1, region=uppsala, language="en")
    make_event("Uppsala webinar in Swedish", days=2, region=uppsala, language="sv")
    make_event(
        "Uppsala workshop in English", days=3, region=uppsala, language="en", kind="workshop"
    )
    make_event("Elsewhere in English", days=4, region=None, language="en")

    response = client.get(CALENDAR, {"region": "uppsala", "language": "en", "kind": "webinar"})

    assert titles(response) == ["Uppsala webinar in English"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"kind": "party"}, "kind", "Choose a kind of event from the list."),
        ({"region": "atlantis"}, "region", "Choose a region from the list."),
        ({"language": "fi"}, "language", "Choose a language from the list."),
        ({"mode": "<script>"}, "mode", "Choose online or on site from the list."),
    ],
)
def test_bad_filter_values_are_reported_and_left_out_and_the_rest_still_applies(
    client: Any, params: dict[str, str], field: str, message: str
) -> None:
    make_event("English one", days=1, language="en")
    make_event("Swedish one", days=2, language="sv")
    other = {} if field == "language" else {"language": "en"}

    response = client.get(CALENDAR, {**params, **other})

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    body = response.content.decode()
    assert "could not be used and were left out" in body
    assert message in body
    assert "<script>" not in body
    assert titles(response) == (["English one", "Swedish one"] if not other else ["English one"])


def test_twenty_five_a_page_and_the_pages_keep_the_filters(client: Any) -> None:
    for n in range(27):
        make_event(f"Event {n:02d}", days=1 + n, language="en")
    make_event("Swedish", days=1)

    first = client.get(CALENDAR, {"language": "en"})
    second = client.get(CALENDAR, {"language": "en", "page": "2"})

    assert len(titles(first)) == 25
    assert titles(second) == ["Event 25", "Event 26"]
    body = first.content.decode()
    assert "language=en&amp;page=2" in body
    assert "27 upcoming events – page 1 of 2" in body


@pytest.mark.parametrize(
    # Not named `page`: that is pytest-playwright's fixture.
    ("number", "wanted"),
    [("999", "Event 25"), ("abc", "Event 00"), ("-1", "Event 25")],
)
def test_a_page_out_of_range_shows_the_last_page_and_a_bad_one_the_first(
    client: Any, number: str, wanted: str
) -> None:
    for n in range(26):
        make_event(f"Event {n:02d}", days=1 + n)

    response = client.get(CALENDAR, {"page": number})

    assert response.status_code == 200
    assert titles(response)[0] == wanted


def test_htmx_gets_only_the_results_with_the_count_and_feeds_out_of_band(client: Any) -> None:
    make_event("Webinar about procurement", region=Region.objects.get(slug="uppsala"))

    full = client.get(CALENDAR, {"region": "uppsala"})
    partial = client.get(CALENDAR, {"region": "uppsala"}, headers={"HX-Request": "true"})

    full_body, partial_body = full.content.decode(), partial.content.decode()
    assert "<html" in full_body and "<html" not in partial_body
    assert 'id="event-results"' in full_body
    assert "Webinar about procurement" in partial_body
    assert 'id="event-count" class="dissemination-count" role="status" aria-live="polite"' in (
        full_body
    )
    assert 'id="event-count" hx-swap-oob="innerHTML"' in partial_body
    assert 'id="event-feeds" hx-swap-oob="innerHTML"' in partial_body
    assert "1 upcoming event" in partial_body
    assert reverse("dissemination:feed_region", args=["uppsala"]) in partial_body
    assert "HX-Request" in full["Vary"] and "HX-Request" in partial["Vary"]


def test_htmx_history_restore_gets_the_full_page(client: Any) -> None:
    response = client.get(
        CALENDAR, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


def test_the_filter_form_works_with_and_without_javascript(client: Any) -> None:
    body = client.get(CALENDAR).content.decode()

    assert f'method="get" action="{CALENDAR}"' in body
    assert f'hx-get="{CALENDAR}" hx-target="#event-results"' in body
    assert 'hx-push-url="true"' in body
    assert '<button type="submit">Show events</button>' in body
    for name in ("kind", "region", "language", "mode"):
        assert f'<label for="id_{name}">' in body
    # The 21 regions and "National" are offered.
    assert body.count('<option value="national"') == 1
    assert response_regions(body) == 21


def response_regions(body: str) -> int:
    return sum(
        f'<option value="{slug}"' in body for slug in Region.objects.values_list("slug", flat=True)
    )


def test_the_feed_of_everything_is_always_offered_and_the_region_feed_when_filtered(
    client: Any,
) -> None:
    feed_all = reverse("dissemination:feed_all")
    feed_region = reverse("dissemination:feed_region", args=["uppsala"])

    plain = client.get(CALENDAR).content.decode()
    filtered = client.get(CALENDAR, {"region": "uppsala"}).content.decode()
    national = client.get(CALENDAR, {"region": "national"}).content.decode()

    assert "Subscribe in your calendar program" in plain
    assert f"http://testserver{feed_all}" in plain
    assert feed_region not in plain
    assert f"http://testserver{feed_region}" in filtered
    assert "Events organised by Region Uppsala" in filtered
    assert "/regions/" not in national.split('id="event-feeds"')[1].split("</section>")[0]


def test_titles_and_excerpts_are_escaped_and_marked_with_their_language(client: Any) -> None:
    make_event(
        "<script>alert(1)</script> Data in the cloud",
        description="<p>Tom &amp; Jerry</p><p>meet</p>",
        language="en",
    )

    body = client.get(CALENDAR).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Data in the cloud" in body
    assert '<p class="dissemination-excerpt" lang="en">Tom &amp; Jerry meet</p>' in body


@pytest.mark.parametrize(
    "params", [{}, {"region": "uppsala", "mode": "online"}, {"page": "2"}], ids=str
)
def test_the_calendar_costs_the_same_queries_for_3_or_30_events(
    client: Any, params: dict[str, str]
) -> None:
    url = CALENDAR + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    for n in range(3 if "page" not in params else 28):
        make_event(f"Event {n}", days=1 + n)
    few = count_queries(client, url)
    for n in range(30):
        make_event(
            f"More {n}", days=40 + n, region=None if n % 2 else Region.objects.get(slug="uppsala")
        )
    assert count_queries(client, url) == few

    client.force_login(UserFactory())
    signed_in = count_queries(client, url)
    make_event("One more", days=90)
    assert count_queries(client, url) == signed_in


def test_a_postponed_event_stays_on_the_calendar_after_its_old_date(client: Any) -> None:
    # Postponed means "a new time will follow": the old date passing does not make it history.
    make_event("Put off long ago", days=-20, status=EventStatus.POSTPONED)

    calendar = client.get(CALENDAR).content.decode()
    archive = client.get(reverse("dissemination:archive")).content.decode()

    assert "Put off long ago" in calendar
    assert "Put off long ago" not in archive
