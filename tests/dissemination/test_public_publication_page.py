"""A publication's page: every state × role, the link and the download button (name, type,
size), what it reports on, and a fixed query count."""

from typing import Any

import pytest
from django.urls import reverse

from dissemination.models import PublicationFile
from dissemination.workflow import PublicationStatus
from obstacles.workflow import ObstacleStatus
from tests.factories_dissemination import PublicationFactory
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import make_partnership
from tests.utils import count_queries, sign_in

pytestmark = pytest.mark.django_db


def url(publication: Any) -> str:
    return reverse("dissemination:publication_detail", args=[publication.pk])


def attach(
    publication: Any,
    *,
    name: str = "rapport.pdf",
    content_type: str = "application/pdf",
    size: int = 1_572_864,
) -> PublicationFile:
    return PublicationFile.objects.create(
        publication=publication,
        file=f"private/publications/2026/10/{name}",
        name=name,
        content_type=content_type,
        size=size,
        sha256="0" * 64,
    )


@pytest.mark.parametrize(
    ("status", "who", "expected"),
    [
        *[
            ("published", who, 200)
            for who in ("anonymous", "signed_in", "organiser", "other_coordinator", "portal_admin")
        ],
        *[
            (status, who, 404)
            for status in ("draft", "withdrawn")
            for who in ("anonymous", "signed_in", "other_coordinator")
        ],
        ("draft", "organiser", 200),
        ("withdrawn", "organiser", 200),
        ("draft", "portal_admin", 200),
        ("withdrawn", "portal_admin", 200),
    ],
)
def test_who_sees_a_publication_in_each_state(
    client: Any, visitors: dict[str, Any], status: str, who: str, expected: int
) -> None:
    publication = PublicationFactory(title="Podden om samverkan", status=status)
    sign_in(client, visitors[who])

    response = client.get(url(publication))

    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert "Podden om samverkan" in body
        assert ("Not published" in body) == (status != PublicationStatus.PUBLISHED)


def test_the_page_shows_the_facts_and_the_external_link(client: Any) -> None:
    publication = PublicationFactory(
        title="Samverkan i praktiken",
        kind="podcast",
        link="https://podcast.example.se/avsnitt-7",
        summary="<p>Ett <em>samtal</em> om testbäddar.</p>",
        language="sv",
    )

    body = client.get(url(publication)).content.decode()

    assert '<h1 id="publication-title" lang="sv">Samverkan i praktiken</h1>' in body
    assert "Podcast episode" in body
    assert 'href="https://podcast.example.se/avsnitt-7" rel="noopener"' in body
    assert "Listen" in body
    assert "<p>Ett <em>samtal</em> om testbäddar.</p>" in body
    assert reverse("dissemination:publication_download", args=[publication.pk]) not in body


def test_a_file_gets_a_download_button_with_its_name_type_and_size(client: Any) -> None:
    publication = PublicationFactory(link="")
    attach(publication, name="lärdomar-2026.pdf", size=1_572_864)

    body = client.get(url(publication)).content.decode()

    download = reverse("dissemination:publication_download", args=[publication.pk])
    assert f'<a class="button" href="{download}">Download lärdomar-2026.pdf</a>' in body
    assert "(PDF, 1.5\xa0MB)" in body


@pytest.mark.parametrize(
    ("content_type", "name", "label"),
    [
        ("audio/mpeg", "avsnitt.mp3", "MP3"),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "siffror.xlsx",
            "Excel (XLSX)",
        ),
        ("application/x-unknown", "okänd.abc", "ABC"),
    ],
)
def test_the_file_type_is_named_as_people_know_it(
    client: Any, content_type: str, name: str, label: str
) -> None:
    publication = PublicationFactory()
    attach(publication, name=name, content_type=content_type, size=2048)

    assert f"({label}, 2.0\xa0KB)" in client.get(url(publication)).content.decode()


def test_links_to_partnerships_and_published_obstacles(client: Any, coordinator: Any) -> None:
    publication = PublicationFactory()
    partnership = make_partnership(coordinator=coordinator)
    publication.partnerships.add(partnership)
    publication.obstacles.add(
        ObstacleFactory(title="Published obstacle"),
        ObstacleFactory(title="Zrejected", status=ObstacleStatus.REJECTED),
    )

    body = client.get(url(publication)).content.decode()

    assert reverse("partnerships:public_summary", args=[partnership.pk]) in body
    assert "Published obstacle" in body
    assert "Zrejected" not in body


def test_the_title_and_link_are_escaped(client: Any) -> None:
    publication = PublicationFactory(
        title="<img src=x onerror=alert(1)>", link='https://example.se/"onmouseover="x'
    )

    body = client.get(url(publication)).content.decode()

    assert "<img src=x" not in body
    assert '"onmouseover="' not in body


@pytest.mark.parametrize("who", ["anonymous", "organiser"])
def test_the_page_costs_the_same_queries_with_3_or_30_links(
    client: Any, visitors: dict[str, Any], coordinator: Any, who: str
) -> None:
    publication = PublicationFactory()
    attach(publication)
    for _ in range(3):
        publication.obstacles.add(ObstacleFactory())
    publication.partnerships.add(make_partnership(coordinator=coordinator))
    sign_in(client, visitors[who])
    few = count_queries(client, url(publication))
    for _ in range(27):
        publication.obstacles.add(ObstacleFactory())
    publication.partnerships.add(make_partnership(coordinator=coordinator))

    assert count_queries(client, url(publication)) == few
