"""An event's page: every state × role (public states for everyone, drafts for organisers only,
404 otherwise), the banners, the online link kept off the page, the links to what it reports on,
escaping, and a fixed query count."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dissemination.workflow import EventStatus
from obstacles.workflow import ObstacleStatus
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory, RegistrationFactory
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import make_partnership
from tests.utils import count_queries, sign_in

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://meet.example.se/secret-room-4711"


def url(event: Any) -> str:
    return reverse("dissemination:event_detail", args=[event.pk])


PUBLIC = 200
HIDDEN = 404


@pytest.mark.parametrize(
    ("status", "who", "expected"),
    [
        *[
            (status, who, PUBLIC)
            for status in EventStatus.values
            if status != "draft"
            for who in ("anonymous", "signed_in", "organiser", "other_coordinator", "portal_admin")
        ],
        ("draft", "anonymous", HIDDEN),
        ("draft", "signed_in", HIDDEN),
        ("draft", "organiser", PUBLIC),
        ("draft", "other_coordinator", HIDDEN),
        ("draft", "portal_admin", PUBLIC),
    ],
)
def test_who_sees_an_event_in_each_state(
    client: Any, visitors: dict[str, Any], status: str, who: str, expected: int
) -> None:
    event = EventFactory(title="Innovationsklinik i Uppsala", status=status)
    sign_in(client, visitors[who])

    response = client.get(url(event))

    assert response.status_code == expected
    if expected == PUBLIC:
        assert "Innovationsklinik i Uppsala" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 404),
        ("signed_in", 404),
        ("organiser", 404),
        ("portal_admin", 200),
    ],
)
def test_a_national_draft_is_for_portal_admins_only(
    client: Any, visitors: dict[str, Any], who: str, expected: int
) -> None:
    event = EventFactory(region=None, status=EventStatus.DRAFT)
    sign_in(client, visitors[who])

    assert client.get(url(event)).status_code == expected


def test_an_unknown_event_is_a_404(client: Any) -> None:
    assert client.get("/events/999999/").status_code == 404


def test_the_page_shows_the_facts(client: Any) -> None:
    start = dt.datetime(2099, 3, 31, 11, 0, tzinfo=dt.UTC)  # 13:00 in Stockholm (CEST)
    event = EventFactory(
        title="Innovationstävlingens final",
        kind="race_final",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        location="Uppsala konsert och kongress",
        online_url="",
        description="<p>Fem lag <strong>tävlar</strong>.</p>",
        language="sv",
    )

    body = client.get(url(event)).content.decode()

    assert '<h1 id="event-title" lang="sv">Innovationstävlingens final</h1>' in body
    assert "Innovation-race final" in body
    assert "Tue 31 Mar 2099, 13:00–16:00" in body
    assert "Uppsala konsert och kongress" in body
    assert '<a href="/regions/uppsala/">Region Uppsala</a>' in body
    assert "<p>Fem lag <strong>tävlar</strong>.</p>" in body
    assert reverse("dissemination:event_ics", args=[event.pk]) in body
    assert "Add to calendar" in body


def test_a_national_event_says_so(client: Any) -> None:
    event = EventFactory(region=None)

    assert "The programme (national)" in client.get(url(event)).content.decode()


def test_the_title_is_escaped(client: Any) -> None:
    event = EventFactory(title="<script>alert(1)</script>")

    body = client.get(url(event)).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_cancelled_event_has_a_banner_with_the_reason(client: Any) -> None:
    event = EventFactory(
        status=EventStatus.CANCELLED, status_reason="Talaren är sjuk.\nVi ses i vår."
    )

    body = client.get(url(event)).content.decode()

    assert "This event is cancelled." in body
    assert "Talaren är sjuk.<br>Vi ses i vår." in body


def test_a_postponed_event_has_a_banner_and_shows_the_planned_time(client: Any) -> None:
    event = EventFactory(status=EventStatus.POSTPONED, status_reason="Lokalen är inte klar.")

    body = client.get(url(event)).content.decode()

    assert "This event is postponed." in body
    assert "Lokalen är inte klar." in body
    assert "Planned for" in body


def test_a_draft_says_so_to_its_organiser(client: Any, coordinator: Any) -> None:
    event = EventFactory(status=EventStatus.DRAFT)
    client.force_login(coordinator)

    body = client.get(url(event)).content.decode()

    assert "Draft: not published." in body
    assert reverse("dissemination:event_ics", args=[event.pk]) not in body


@pytest.mark.parametrize(
    "who", ["anonymous", "signed_in", "other_coordinator", "waitlisted", "cancelled"]
)
def test_the_online_link_is_never_on_the_page_for_people_without_a_seat(
    client: Any, visitors: dict[str, Any], who: str
) -> None:
    event = EventFactory(online_url=SECRET_LINK, capacity=1)
    person = visitors.get(who)
    if who in ("waitlisted", "cancelled"):
        person = UserFactory()
        RegistrationFactory(event=event, user=person, status=who, confirmed_at=None)
    sign_in(client, person)

    body = client.get(url(event)).content.decode()

    assert SECRET_LINK not in body
    assert "secret-room-4711" not in body
    assert "Online" in body


def test_links_to_the_partnerships_summary_and_to_published_obstacles_only(
    client: Any, coordinator: Any
) -> None:
    event = EventFactory()
    partnership = make_partnership(coordinator=coordinator)
    published = ObstacleFactory(title="Journalen saknar gränssnitt", language="sv")
    hidden = ObstacleFactory(title="Zhidden obstacle", status=ObstacleStatus.SUBMITTED)
    event.partnerships.add(partnership)
    event.obstacles.add(published, hidden)

    body = client.get(url(event)).content.decode()

    summary = reverse("partnerships:public_summary", args=[partnership.pk])
    assert f'<a href="{summary}">{partnership.title}</a>' in body
    assert (
        f'href="{published.get_absolute_url()}" lang="sv">Journalen saknar gränssnitt</a>' in body
    )
    assert "Zhidden obstacle" not in body


def test_a_drafts_partnerships_link_to_their_own_page_for_the_organiser(
    client: Any, coordinator: Any
) -> None:
    event = EventFactory(status=EventStatus.DRAFT)
    partnership = make_partnership(coordinator=coordinator)
    event.partnerships.add(partnership)
    client.force_login(coordinator)

    body = client.get(url(event)).content.decode()

    assert reverse("partnerships:public_summary", args=[partnership.pk]) not in body
    assert f'<a href="{partnership.get_absolute_url()}">{partnership.title}</a>' in body


@pytest.mark.parametrize("who", ["anonymous", "organiser"])
def test_the_page_costs_the_same_queries_with_3_or_30_links(
    client: Any, visitors: dict[str, Any], coordinator: Any, who: str
) -> None:
    event = EventFactory()
    for _ in range(3):
        event.obstacles.add(ObstacleFactory())
        RegistrationFactory(event=event)
    event.partnerships.add(make_partnership(coordinator=coordinator))
    sign_in(client, visitors[who])
    few = count_queries(client, url(event))
    for _ in range(27):
        event.obstacles.add(ObstacleFactory())
        RegistrationFactory(event=event)
    for _ in range(2):
        event.partnerships.add(make_partnership(coordinator=coordinator))

    assert count_queries(client, url(event)) == few


def test_a_past_event_page_is_still_public(client: Any) -> None:
    start = timezone.now() - dt.timedelta(days=30)
    event = EventFactory(starts_at=start, ends_at=start + dt.timedelta(hours=1))

    assert client.get(url(event)).status_code == 200
