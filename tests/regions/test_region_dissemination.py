"""The region page's "Events" and "Published outcomes" sections: the region's next public
events, its latest publications and published lessons learned, the links to the calendar, the
region's feed and the lessons list, and a fixed query count."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dissemination.workflow import EventStatus, LessonStatus, PublicationStatus
from regions.models import Region
from tests.factories_dissemination import EventFactory, LessonFactory, PublicationFactory
from tests.factories_process import make_partnership
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

PAGE = reverse("regions:detail", args=["uppsala"])


def section(body: str, heading_id: str) -> str:
    """The HTML of the section labelled by `heading_id`."""
    return body.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</section>", 1)[0]


def in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def event(title: str, days: float, **kwargs: Any) -> Any:
    start = in_days(days)
    return EventFactory(
        title=title, starts_at=start, ends_at=start + dt.timedelta(hours=1), **kwargs
    )


def test_the_events_section_lists_the_next_five_public_events_of_the_region(client: Any) -> None:
    for n in range(6):
        event(f"Uppsala event {n}", days=1 + n)
    event("Zpostponed", days=0.5, status=EventStatus.POSTPONED)
    event("Zdraft", days=1, status=EventStatus.DRAFT)
    event("Zcancelled", days=1, status=EventStatus.CANCELLED)
    event("Zpast", days=-2)
    event("Zother region", days=1, region=Region.objects.get(slug="ostergotland"))
    event("Znational", days=1, region=None)

    response = client.get(PAGE)
    events = section(response.content.decode(), "events-heading")

    assert [e.title for e in response.context["outreach_events"]] == [
        "Zpostponed",
        *[f"Uppsala event {n}" for n in range(4)],
    ]
    assert "Uppsala event 4" not in events
    for hidden in ("Zdraft", "Zcancelled", "Zpast", "Zother region", "Znational"):
        assert hidden not in events
    assert "Postponed" in events
    assert f'href="{reverse("dissemination:calendar")}?region=uppsala"' in events
    assert f'href="{reverse("dissemination:feed_region", args=["uppsala"])}"' in events


def test_without_events_the_section_says_so_and_still_links_the_calendar(client: Any) -> None:
    events = section(client.get(PAGE).content.decode(), "events-heading")

    assert "The region has no upcoming events published right now." in events
    assert "?region=uppsala" in events


def test_the_outcomes_section_lists_the_latest_publications_and_lessons(client: Any) -> None:
    today = timezone.localdate()
    for n in range(6):
        PublicationFactory(title=f"Report {n}", published_on=today - dt.timedelta(days=n))
    PublicationFactory(title="Zdraft report", status=PublicationStatus.DRAFT)
    PublicationFactory(title="Zwithdrawn report", status=PublicationStatus.WITHDRAWN)
    PublicationFactory(title="Zother report", region=Region.objects.get(slug="skane"))
    partnership = make_partnership("uppsala")
    other = make_partnership("ostergotland")
    now = timezone.now()
    for n in range(6):
        LessonFactory(
            partnership=partnership,
            title=f"Lesson {n}",
            published_at=now - dt.timedelta(days=n),
            step=partnership.current_step,
        )
    LessonFactory(partnership=partnership, title="Zsubmitted lesson", status=LessonStatus.SUBMITTED)
    LessonFactory(partnership=other, title="Zother lesson")

    response = client.get(PAGE)
    outcomes = section(response.content.decode(), "outcomes-heading")

    for n in range(5):
        assert f"Report {n}" in outcomes
        assert f"Lesson {n}" in outcomes
    assert "Report 5" not in outcomes and "Lesson 5" not in outcomes
    for hidden in (
        "Zdraft report",
        "Zwithdrawn report",
        "Zother report",
        "Zsubmitted",
        "Zother lesson",
    ):
        assert hidden not in outcomes
    lesson = response.context["outreach_lessons"][0]
    assert f'href="{reverse("dissemination:lesson_detail", args=[lesson.pk])}"' in outcomes
    assert f'href="{reverse("dissemination:lesson_list")}"' in outcomes
    assert partnership.current_step.name in outcomes
    assert f'href="{reverse("dissemination:archive")}?region=uppsala"' in outcomes


def test_without_outcomes_the_section_says_so(client: Any) -> None:
    outcomes = section(client.get(PAGE).content.decode(), "outcomes-heading")

    assert "The region has not published anything yet." in outcomes
    assert "No lessons learned in the region's partnerships are published yet." in outcomes


def test_the_page_loads_the_dissemination_styles(client: Any) -> None:
    assert "css/dissemination" in client.get(PAGE).content.decode()


def test_the_region_page_costs_the_same_queries_with_3_or_30_rows(client: Any) -> None:
    partnership = make_partnership("uppsala")

    def add(n: int) -> None:
        for i in range(n):
            event(f"Event {i}", days=1 + i)
            PublicationFactory()
            LessonFactory(partnership=partnership, step=partnership.current_step)

    add(3)
    few = count_queries(client, PAGE)
    add(27)
    assert count_queries(client, PAGE) == few
