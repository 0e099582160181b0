"""The partnership's timeline page: everything that has happened, newest first, 50 events a page,
in the same number of queries however long the partnership has run; shown to whoever may see the
partnership and to nobody else."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import EventKind, Partnership, PartnershipEvent
from partnerships.selectors.timeline import EVENTS_PER_PAGE, partnership_timeline
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import make_partnership

pytestmark = pytest.mark.django_db


def _events(partnership: Partnership, count: int, *, actor: Any = None) -> list[PartnershipEvent]:
    """Exactly `count` events on the partnership ("Event 1" the oldest, a minute apart), in place
    of the ones its start left."""
    PartnershipEvent.objects.filter(partnership=partnership).delete()
    events = PartnershipEvent.objects.bulk_create(
        PartnershipEvent(
            partnership=partnership, actor=actor, kind=EventKind.MESSAGE, text=f"Event {n}"
        )
        for n in range(1, count + 1)
    )
    start = timezone.now() - dt.timedelta(days=1)
    for n, event in enumerate(events, start=1):
        PartnershipEvent.objects.filter(pk=event.pk).update(
            created_at=start + dt.timedelta(minutes=n)
        )
    return events


def _timeline(client: Any, partnership: Partnership, page_number: str | None = None) -> Any:
    url = reverse("partnerships:timeline", args=[partnership.pk])
    return client.get(url, {"page": page_number} if page_number is not None else {})


def _shown(response: Any) -> list[str]:
    """The event texts the page lists, in its order."""
    return [event.text for event in response.context["page"].object_list]


def test_the_events_are_listed_newest_first_with_who_and_which_steps(
    partnership: Partnership, coordinator: Any, client: Any
) -> None:
    _events(partnership, 5, actor=coordinator)
    client.force_login(coordinator)

    response = _timeline(client, partnership)

    assert response.status_code == 200
    assert _shown(response) == ["Event 5", "Event 4", "Event 3", "Event 2", "Event 1"]
    html = response.content.decode()
    assert html.index("Event 5") < html.index("Event 1")
    assert partnership.title in html
    assert reverse("partnerships:detail", args=[partnership.pk]) in html
    assert "Ulla Coord" in html  # who did it
    assert "Message posted" in html  # what happened
    assert 'aria-label="Pages of the timeline"' not in html  # one page: no pager


def test_a_step_move_names_both_steps(
    partnership: Partnership, coordinator: Any, client: Any
) -> None:
    steps = list(partnership.template.steps.order_by("order")[:2])
    PartnershipEvent.objects.create(
        partnership=partnership,
        actor=coordinator,
        kind=EventKind.ADVANCED,
        from_step=steps[0],
        to_step=steps[1],
    )
    client.force_login(coordinator)

    html = _timeline(client, partnership).content.decode()

    assert f"({steps[0].name} → {steps[1].name})" in html


def test_120_events_make_three_pages_and_page_two_shows_the_middle_fifty(
    partnership: Partnership, company_member: Any, client: Any
) -> None:
    _events(partnership, 120)
    client.force_login(company_member)

    first = _timeline(client, partnership)
    second = _timeline(client, partnership, "2")
    last = _timeline(client, partnership, "3")

    assert EVENTS_PER_PAGE == 50
    assert first.context["page"].paginator.num_pages == 3
    assert _shown(first) == [f"Event {n}" for n in range(120, 70, -1)]
    assert _shown(second) == [f"Event {n}" for n in range(70, 20, -1)]
    assert _shown(last) == [f"Event {n}" for n in range(20, 0, -1)]
    html = second.content.decode()
    assert 'aria-label="Pages of the timeline"' in html
    assert 'href="?page=1" rel="prev"' in html and 'href="?page=3" rel="next"' in html
    assert "Page 2 of 3" in html
    assert "the portal" in html  # events without a person are the portal's


@pytest.mark.parametrize(
    ("asked", "answered"),
    [("abc", 1), ("", 1), ("1.5", 1), ("-1", 3), ("0", 3), ("99999", 3), ("3", 3)],
)
def test_a_page_number_that_is_not_a_page_gives_the_first_or_the_last(
    partnership: Partnership, coordinator: Any, client: Any, asked: str, answered: int
) -> None:
    _events(partnership, 120)
    client.force_login(coordinator)

    response = _timeline(client, partnership, asked)

    assert response.status_code == 200
    assert response.context["page"].number == answered
    assert len(_shown(response)) == (20 if answered == 3 else 50)


def test_nothing_has_happened_yet(partnership: Partnership, coordinator: Any, client: Any) -> None:
    PartnershipEvent.objects.filter(partnership=partnership).delete()
    client.force_login(coordinator)

    response = _timeline(client, partnership, "7")

    assert response.status_code == 200
    assert "Nothing has happened yet." in response.content.decode()
    assert 'class="process-timeline"' not in response.content.decode()


def test_the_selector_reads_a_page_in_two_queries(
    partnership: Partnership, django_assert_num_queries: Any
) -> None:
    _events(partnership, 120)

    with django_assert_num_queries(2):  # the count and the page, with people and steps
        page = partnership_timeline(partnership=partnership, page_number="2")
        rows = [(e.actor, e.from_step, e.to_step, e.get_kind_display()) for e in page.object_list]

    assert len(rows) == EVENTS_PER_PAGE


def test_the_page_makes_as_many_queries_with_120_events_as_with_5(
    coordinator: Any, company: Any, company_member: Any, client: Any
) -> None:
    short = make_partnership(company=company, coordinator=coordinator, author=company_member)
    long = make_partnership(company=company, coordinator=coordinator, author=company_member)
    _events(short, 5, actor=coordinator)
    _events(long, 120, actor=coordinator)
    client.force_login(coordinator)
    _timeline(client, short)  # the session's first request does its own bookkeeping

    counts = {}
    for name, partnership in (("short", short), ("long", long)):
        with CaptureQueriesContext(connection) as queries:
            response = _timeline(client, partnership)
        assert response.status_code == 200
        counts[name] = len(queries)

    assert counts["short"] == counts["long"], counts
    assert counts["long"] <= 15, counts


@pytest.mark.parametrize("outsider", ["other_company_member", "other_coordinator"])
def test_an_outsider_gets_404(
    partnership: Partnership, client: Any, outsider: str, request: pytest.FixtureRequest
) -> None:
    _events(partnership, 3)
    client.force_login(request.getfixturevalue(outsider))

    response = _timeline(client, partnership)

    assert response.status_code == 404
    assert "Event 3" not in response.content.decode()


def test_a_partnership_that_does_not_exist_is_404(coordinator: Any, client: Any) -> None:
    client.force_login(coordinator)

    response = client.get(reverse("partnerships:timeline", args=[999_999]))

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(partnership: Partnership, client: Any) -> None:
    response = _timeline(client, partnership)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_only_get_is_answered(partnership: Partnership, coordinator: Any, client: Any) -> None:
    client.force_login(coordinator)

    response = client.post(reverse("partnerships:timeline", args=[partnership.pk]))

    assert response.status_code == 405


def test_what_people_wrote_is_escaped(
    partnership: Partnership, coordinator: Any, client: Any
) -> None:
    PartnershipEvent.objects.create(
        partnership=partnership,
        actor=coordinator,
        kind=EventKind.PAUSED,
        text='<script>alert("x")</script><b>bold</b>',
    )
    client.force_login(coordinator)

    html = _timeline(client, partnership).content.decode()

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert '<script>alert("x")' not in html and "<b>bold</b>" not in html


def test_the_partnership_page_links_to_the_timeline_instead_of_listing_it(
    partnership: Partnership, coordinator: Any, client: Any
) -> None:
    _events(partnership, 3, actor=coordinator)
    client.force_login(coordinator)

    html = client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()

    assert 'id="timeline-heading"' in html
    assert reverse("partnerships:timeline", args=[partnership.pk]) in html
    assert "See everything that has happened in the partnership" in html
    assert "Event 3" not in html
