"""A partnership's public summary: public only once something public reports on it (a published
lesson, a public event, a published publication), 404 otherwise for everyone; what it shows, what
it never shows, and a fixed query count."""

from typing import Any

import pytest
from django.urls import reverse

from dissemination.workflow import EventStatus, LessonStatus, PublicationStatus
from partnerships.models import PartnershipDocument, PartnershipMessage
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_dissemination import EventFactory, LessonFactory, PublicationFactory
from tests.factories_process import make_partnership
from tests.utils import count_queries, sign_in

pytestmark = pytest.mark.django_db


def url(partnership: Any) -> str:
    return reverse("partnerships:public_summary", args=[partnership.pk])


@pytest.fixture
def viewers(
    coordinator: Any, company_member: Any, other_company_member: Any, portal_admin: Any
) -> list[Any]:
    return [None, UserFactory(), other_company_member, company_member, coordinator, portal_admin]


def status_for(client: Any, partnership: Any, who: Any) -> int:
    client.logout()
    sign_in(client, who)
    return int(client.get(url(partnership)).status_code)


def test_with_nothing_public_it_is_a_404_for_everyone(
    client: Any, partnership: Any, viewers: list[Any]
) -> None:
    # Not public, even for people who may open the partnership itself.
    for who in viewers:
        assert status_for(client, partnership, who) == 404


@pytest.mark.parametrize(
    "status",
    [
        LessonStatus.DRAFT,
        LessonStatus.SUBMITTED,
        LessonStatus.CHANGES_REQUESTED,
        LessonStatus.WITHDRAWN,
    ],
)
def test_a_lesson_that_is_not_published_does_not_make_it_public(
    client: Any, partnership: Any, status: str
) -> None:
    LessonFactory(partnership=partnership, status=status)

    assert client.get(url(partnership)).status_code == 404


@pytest.mark.parametrize(
    ("make", "public"),
    [
        (lambda p: LessonFactory(partnership=p), True),
        (lambda p: EventFactory(status=EventStatus.PUBLISHED).partnerships.add(p), True),
        (lambda p: EventFactory(status=EventStatus.POSTPONED).partnerships.add(p), True),
        (lambda p: EventFactory(status=EventStatus.CANCELLED).partnerships.add(p), True),
        (lambda p: EventFactory(status=EventStatus.DRAFT).partnerships.add(p), False),
        (lambda p: PublicationFactory().partnerships.add(p), True),
        (
            lambda p: PublicationFactory(status=PublicationStatus.DRAFT).partnerships.add(p),
            False,
        ),
        (
            lambda p: PublicationFactory(status=PublicationStatus.WITHDRAWN).partnerships.add(p),
            False,
        ),
    ],
    ids=[
        "published lesson",
        "published event",
        "postponed event",
        "cancelled event",
        "draft event",
        "published publication",
        "draft publication",
        "withdrawn publication",
    ],
)
def test_what_makes_the_summary_public(
    client: Any, partnership: Any, viewers: list[Any], make: Any, public: bool
) -> None:
    make(partnership)

    for who in viewers:
        assert status_for(client, partnership, who) == (200 if public else 404)


def test_an_unknown_partnership_is_a_404(client: Any) -> None:
    assert client.get("/partnerships/999999/summary/").status_code == 404


def test_the_summary_shows_what_is_public(client: Any, partnership: Any, company: Any) -> None:
    LessonFactory(
        partnership=partnership,
        title="Förankra tidigt",
        body="<p>Utan ledningen stannade testet.</p>",
        step=partnership.current_step,
    )
    LessonFactory(
        partnership=partnership, title="Zunpublished lesson", status=LessonStatus.SUBMITTED
    )
    event = EventFactory(title="Webbinarium om testbädden")
    event.partnerships.add(partnership)
    EventFactory(title="Zdraft event", status=EventStatus.DRAFT).partnerships.add(partnership)
    PublicationFactory(title="Rapport från testbädden").partnerships.add(partnership)
    PublicationFactory(title="Zdraft report", status=PublicationStatus.DRAFT).partnerships.add(
        partnership
    )

    body = client.get(url(partnership)).content.decode()

    assert f"<h1>{partnership.title}</h1>" in body
    assert '<a href="/regions/uppsala/">Region Uppsala</a>' in body
    step = partnership.current_step
    assert f'href="{reverse("partnerships:guide")}#step-{step.key}">{step.name}</a>' in body
    assert f"<li>{company.name}</li>" in body
    assert "Förankra tidigt" in body and "Utan ledningen stannade testet." in body
    assert "Webbinarium om testbädden" in body
    assert "Rapport från testbädden" in body
    for hidden in ("Zunpublished lesson", "Zdraft event", "Zdraft report"):
        assert hidden not in body


def test_the_summary_shows_nothing_private(
    client: Any, partnership: Any, coordinator: Any, company_member: Any
) -> None:
    partnership.summary = "Zsecret proposal text about pricing"
    partnership.save(update_fields=["summary"])
    PartnershipMessage.objects.create(
        partnership=partnership, author=company_member, body="Zsecret message"
    )
    PartnershipDocument.objects.create(
        partnership=partnership,
        title="Zsecret budget",
        name="budget.xlsx",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        file="private/partnerships/budget.xlsx",
    )
    LessonFactory(partnership=partnership, author=company_member)

    body = client.get(url(partnership)).content.decode()

    for private in (
        "Zsecret proposal text",
        "Zsecret message",
        "Zsecret budget",
        company_member.email,
        coordinator.email,
        "Ulla Coord",
        f'href="{reverse("partnerships:detail", args=[partnership.pk])}"',
    ):
        assert private not in body


@pytest.mark.parametrize(
    ("who", "gets_link"),
    [
        ("anonymous", False),
        ("stranger", False),
        ("other_company_member", False),
        ("company_member", True),
        ("coordinator", True),
        ("portal_admin", True),
    ],
)
def test_people_who_may_open_the_partnership_get_a_link_to_it(
    client: Any,
    partnership: Any,
    coordinator: Any,
    company_member: Any,
    other_company_member: Any,
    portal_admin: Any,
    who: str,
    gets_link: bool,
) -> None:
    LessonFactory(partnership=partnership)
    person = {
        "anonymous": None,
        "stranger": UserFactory(),
        "other_company_member": other_company_member,
        "company_member": company_member,
        "coordinator": coordinator,
        "portal_admin": portal_admin,
    }[who]
    sign_in(client, person)

    body = client.get(url(partnership)).content.decode()

    detail = reverse("partnerships:detail", args=[partnership.pk])
    assert (f'href="{detail}"' in body) == gets_link


def test_a_region_variant_links_to_that_regions_guide(client: Any, partnership: Any) -> None:
    template = partnership.template
    template.region = partnership.region
    template.save(update_fields=["region"])
    LessonFactory(partnership=partnership)

    body = client.get(url(partnership)).content.decode()

    key = partnership.current_step.key
    assert f'href="{reverse("partnerships:guide")}?region=uppsala#step-{key}"' in body


def test_the_summary_costs_the_same_queries_with_3_or_30_rows(
    client: Any, partnership: Any, company_member: Any
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            LessonFactory(partnership=partnership, step=partnership.current_step)
            EventFactory().partnerships.add(partnership)
            PublicationFactory().partnerships.add(partnership)
            partnership.parties.create(kind="company", organisation=OrganisationFactory())

    add(3)
    anonymous = count_queries(client, url(partnership))
    client.force_login(company_member)
    signed_in = count_queries(client, url(partnership))
    add(27)
    assert count_queries(client, url(partnership)) == signed_in
    client.logout()
    assert count_queries(client, url(partnership)) == anonymous


def test_another_regions_partnership_is_judged_on_its_own(client: Any) -> None:
    other = make_partnership(region_slug="ostergotland")
    LessonFactory(partnership=other)

    assert client.get(url(other)).status_code == 200
