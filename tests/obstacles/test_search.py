"""Full-text search of the public compilation on PostgreSQL: Swedish and English stems, Swedish
letters, web-search syntax, ranking, the misspelling fallback, and a search index that follows
every edit."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from obstacles.models import Obstacle
from obstacles.selectors.public import PublicFilters, obstacle_results
from obstacles.services.entries import obstacle_move, obstacle_update
from obstacles.workflow import ObstacleMove, ObstacleStatus
from tests.factories_obstacles import ObstacleFactory, make_reviewer

from .test_public_detail import published

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

LIST = reverse("obstacles:list")


def search(client: Any, q: str, **params: str) -> list[str]:
    response = client.get(LIST, {"q": q, **params})
    assert response.status_code == 200
    return [o.title for o in response.context["page"].object_list]


def entry(
    title: str, description: str = "<p>Ingen närmare beskrivning.</p>", **kw: Any
) -> Obstacle:
    return ObstacleFactory(title=title, description=description, **kw)


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("journalsystemen", "Journalsystem utan öppna gränssnitt"),
        ("molntjänster", "Ingen molntjänst får användas för patientdata"),
        ("molntjänsten", "Ingen molntjänst får användas för patientdata"),
        ("upphandlingar", "Upphandling efter en förstudie"),
    ],
)
def test_swedish_inflected_forms_find_the_stem(client: Any, query: str, stored: str) -> None:
    entry(stored)
    entry("Något helt annat om finansiering")

    assert search(client, query) == [stored]


def test_swedish_letters_are_searched_as_written_and_in_any_case(client: Any) -> None:
    entry("Överföring av hälsodata till tredjeland")
    entry("Åtkomst till journalen för företagets personal")
    entry("Lokal ersättning för vårdens tid")

    assert search(client, "överföringar") == ["Överföring av hälsodata till tredjeland"]
    assert search(client, "ÅTKOMST") == ["Åtkomst till journalen för företagets personal"]
    assert search(client, "vårdens") == ["Lokal ersättning för vårdens tid"]


def test_english_entries_are_found_by_english_inflections(client: Any) -> None:
    entry(
        "Data transfer to third countries",
        "<p>The cloud provider processes data outside the EU.</p>",
        language="en",
    )
    entry("Överföring av hälsodata", language="sv")

    assert search(client, "transfers") == ["Data transfer to third countries"]
    assert search(client, "processing providers") == ["Data transfer to third countries"]
    # An English stop word does not sink the search (the Swedish configuration keeps it).
    assert search(client, "the transfers") == ["Data transfer to third countries"]


def test_the_description_evidence_and_known_mitigation_are_searched(client: Any) -> None:
    entry("A", "<p>Sekretessprövning krävs före röjande.</p>")
    entry("B", evidence="<p>Rapport från Socialstyrelsen</p>")
    entry("C", known_mitigation="<p>Personuppgiftsbiträdesavtal med leverantören</p>")

    assert search(client, "sekretessprövning") == ["A"]
    assert search(client, "socialstyrelsen") == ["B"]
    assert search(client, "personuppgiftsbiträdesavtal") == ["C"]


def test_web_search_syntax_phrases_and_exclusions(client: Any) -> None:
    entry("Molntjänst och sekretess i vården")
    entry("Sekretess vid test av molntjänst i hemmet")

    assert search(client, '"molntjänst och sekretess"') == ["Molntjänst och sekretess i vården"]
    assert search(client, "sekretess -hemmet") == ["Molntjänst och sekretess i vården"]


def test_a_title_match_ranks_above_a_description_match_unless_a_sort_is_chosen(
    client: Any,
) -> None:
    now = timezone.now()
    entry("Avtal om testbädd", "<p>Interoperabilitet saknas.</p>", published_at=now)
    entry(
        "Interoperabilitet med journalen",
        "<p>Standarder saknas.</p>",
        published_at=now - dt.timedelta(days=5),
    )

    assert search(client, "interoperabilitet") == [
        "Interoperabilitet med journalen",
        "Avtal om testbädd",
    ]
    assert search(client, "interoperabilitet", sort="newest") == [
        "Avtal om testbädd",
        "Interoperabilitet med journalen",
    ]


def test_search_combines_with_filters(client: Any) -> None:
    entry("Molntjänst A", severity=4)
    entry("Molntjänst B", severity=1)

    assert search(client, "molntjänster", severity="4") == ["Molntjänst A"]


def test_a_misspelling_falls_back_to_titles_spelt_alike(client: Any) -> None:
    entry("Journalsystemet saknar öppna gränssnitt")
    entry("Finansiering av testbäddar")

    response = client.get(LIST, {"q": "journalsytemet"})

    assert [o.title for o in response.context["page"].object_list] == [
        "Journalsystemet saknar öppna gränssnitt"
    ]
    assert response.context["similar_only"] is True
    assert "titles spelt alike" in response.content.decode()


def test_the_fallback_is_not_used_when_the_words_match(client: Any) -> None:
    entry("Journalsystemet saknar öppna gränssnitt")
    entry("Journalsystemen i regionen")

    results = obstacle_results(filters=PublicFilters(q="journalsystemen"))

    assert [o.title for o in results.obstacles] == ["Journalsystemen i regionen"]
    assert results.similar_only is False


def test_nothing_alike_finds_nothing(client: Any) -> None:
    entry("Journalsystemet saknar öppna gränssnitt")

    response = client.get(LIST, {"q": "zqxwv"})

    assert list(response.context["page"].object_list) == []
    assert "No published obstacle matches" in response.content.decode()


def test_search_never_finds_entries_that_are_not_published(client: Any) -> None:
    entry("Molntjänst publicerad")
    for status in (ObstacleStatus.DRAFT, ObstacleStatus.IN_REVIEW, ObstacleStatus.WITHDRAWN):
        entry(f"Molntjänst {status}", status=status)

    entry("Zebrakonflikt i granskning", status=ObstacleStatus.IN_REVIEW)

    assert search(client, "molntjänster") == ["Molntjänst publicerad"]
    assert search(client, "zebrakonflikt") == []
    # Nor through the misspelling fallback.
    assert search(client, "zebrakonflit") == []


def test_the_search_follows_an_edit_of_a_published_entry(client: Any) -> None:
    reviewer = make_reviewer()
    obstacle = published(reviewer=reviewer, title="Fakturering av testresurser")
    assert search(client, "fakturering") == ["Fakturering av testresurser"]
    assert search(client, "debiteringsmodeller") == []

    obstacle_update(
        obstacle=obstacle,
        actor=reviewer,
        expected_version=obstacle.version,
        data={"title": "Debiteringsmodell saknas för testresurser"},
    )

    assert search(client, "debiteringsmodeller") == ["Debiteringsmodell saknas för testresurser"]
    assert search(client, "fakturering") == []


def test_a_withdrawn_entry_leaves_the_search_at_once(client: Any) -> None:
    reviewer = make_reviewer()
    obstacle = published(reviewer=reviewer, title="Kompetens om MDR saknas")
    assert search(client, "kompetensen") == ["Kompetens om MDR saknas"]

    obstacle_move(obstacle=obstacle, actor=reviewer, move=ObstacleMove.WITHDRAW, reason="Inaktuell")

    assert search(client, "kompetensen") == []


def test_the_search_words_are_shown_escaped_in_the_count(client: Any) -> None:
    entry("Journalsystem")

    body = client.get(LIST, {"q": "<b>journal</b>"}).content.decode()

    assert "<b>journal</b>" not in body
    assert "&lt;b&gt;journal&lt;/b&gt;" in body
