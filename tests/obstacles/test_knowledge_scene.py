"""People, obstacles, solutions (mitigations) and knowledge articles for the knowledge and
mitigation tests, built through the services. The people both scenes share (`company`, `reviewer`,
`portal_admin`, `stranger`) are fixtures of tests/obstacles/conftest.py.

Imported by the other `test_knowledge_*` and `test_mitigation_*` modules (`from
.test_knowledge_scene import *`). Obstacles go through the entry services (create, submit,
publish, withdraw) as people bring them there; solutions and articles through this part's own
services (`mitigation_in(status)`, `article_in(status)`).
"""

from collections.abc import Callable
from typing import Any

import pytest

from obstacles.models import KnowledgeArticle, Mitigation, Obstacle
from obstacles.services import knowledge as article_services
from obstacles.services import mitigations as mitigation_services
from obstacles.services.entries import obstacle_create, obstacle_move
from obstacles.workflow import ArticleStatus, MitigationStatus, ObstacleMove, ObstacleStatus
from partnerships.models import Partnership
from regions.models import Region
from tests.factories_obstacles import actor, category, make_reviewer
from tests.factories_process import (
    make_company_member,
    make_partnership,
    make_region_person,
)

__all__ = [
    "article_data",
    "article_in",
    "author",
    "coordinator",
    "mitigation_data",
    "mitigation_in",
    "obstacle",
    "obstacle_in",
    "other_coordinator",
    "partnership",
]


# --- People -------------------------------------------------------------------------------------


@pytest.fixture
def author(company: Any) -> Any:
    """A company member who writes solutions (mail in Swedish)."""
    return make_company_member(
        company, email="kim@caresense.example", name="Kim Berg", preferred_language="sv"
    )


@pytest.fixture
def coordinator(db: Any) -> Any:
    """Uppsala's coordinator: drafts knowledge articles (mail in English)."""
    return make_region_person(
        "uppsala", email="coordinator@uppsala.example.se", name="Cora Samordnare"
    )


@pytest.fixture
def other_coordinator(db: Any) -> Any:
    return make_region_person(
        "ostergotland", email="coordinator@ostergotland.example.se", name="Otto Samordnare"
    )


@pytest.fixture
def partnership(company: Any, coordinator: Any, author: Any) -> Partnership:
    """A partnership of Uppsala with the author's company: private to its parties and region."""
    partnership = make_partnership(
        "uppsala", company=company, coordinator=coordinator, author=author
    )
    partnership.title = "Hemmonitorering med CareSense"
    partnership.save(update_fields=["title"])
    return partnership


# --- Obstacles ----------------------------------------------------------------------------------


def _entry_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Journalsystemet saknar öppna gränssnitt",
        "description": "Vi kunde inte hämta mätvärden från hemmet.",
        "category": category("data-protection-cloud"),
        "step_key": "test",
        "actors": [actor("company")],
        "region": Region.objects.get(slug="uppsala"),
        "severity": 3,
        "evidence": "",
        "known_mitigation": "",
        "language": "sv",
    }
    data.update(overrides)
    return data


@pytest.fixture
def obstacle_in(db: Any) -> Callable[..., Obstacle]:
    """`obstacle_in(status, **data)`: an entry brought to draft, published or withdrawn."""
    people: dict[str, Any] = {}

    def make(status: str = ObstacleStatus.PUBLISHED, **data: Any) -> Obstacle:
        if not people:
            people["author"] = make_company_member(email="entry.author@example.se")
            people["reviewer"] = make_reviewer(email="entry.reviewer@example.se")
        entry = obstacle_create(author=people["author"], data=_entry_data(**data))
        if status == ObstacleStatus.DRAFT:
            return entry
        entry = obstacle_move(obstacle=entry, actor=people["author"], move=ObstacleMove.SUBMIT)
        entry = obstacle_move(obstacle=entry, actor=people["reviewer"], move=ObstacleMove.PUBLISH)
        if status == ObstacleStatus.WITHDRAWN:
            entry = obstacle_move(
                obstacle=entry,
                actor=people["reviewer"],
                move=ObstacleMove.WITHDRAW,
                reason="Inaktuellt.",
            )
        assert entry.status == status
        return entry

    return make


@pytest.fixture
def obstacle(obstacle_in: Callable[..., Obstacle]) -> Obstacle:
    return obstacle_in(ObstacleStatus.PUBLISHED, title="Molnlagring av patientdata nekas")


# --- Solutions (mitigations) --------------------------------------------------------------------


def mitigation_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Svensk molnleverantör med biträdesavtal",
        "description": "Vi valde en svensk leverantör.\n\nAvtalet om personuppgiftsbiträde tog "
        "två veckor.",
        "region": Region.objects.get(slug="uppsala"),
        "partnership": None,
        "language": "sv",
    }
    data.update(overrides)
    return data


@pytest.fixture
def mitigation_in(author: Any, reviewer: Any, obstacle: Obstacle) -> Callable[..., Mitigation]:
    """`mitigation_in(status, by=author, obstacles=[obstacle], **data)` through the services."""

    def make(
        status: str = MitigationStatus.SUBMITTED,
        *,
        by: Any = None,
        obstacles: list[Obstacle] | None = None,
        **data: Any,
    ) -> Mitigation:
        mitigation = mitigation_services.mitigation_create(
            author=by or author, obstacles=obstacles or [obstacle], data=mitigation_data(**data)
        )
        if status == MitigationStatus.REJECTED:
            mitigation = mitigation_services.mitigation_move(
                mitigation=mitigation, actor=reviewer, move="reject", reason="Inte en lösning."
            )
        elif status in (MitigationStatus.PUBLISHED, MitigationStatus.WITHDRAWN):
            mitigation = mitigation_services.mitigation_move(
                mitigation=mitigation, actor=reviewer, move="publish"
            )
            if status == MitigationStatus.WITHDRAWN:
                mitigation = mitigation_services.mitigation_move(
                    mitigation=mitigation, actor=reviewer, move="withdraw", reason="Föråldrad."
                )
        assert mitigation.status == status
        return mitigation

    return make


# --- Knowledge articles -------------------------------------------------------------------------


def article_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Molntjänster och sekretess i vården",
        "summary": "Vad sekretesslagen innebär när vården använder molntjänster.",
        "body": "Röjande av uppgifter till en leverantör kräver en sekretessprövning.\n\n"
        "Kryptering med egna nycklar minskar risken.",
        "references": "Offentlighets- och sekretesslag (2009:400)\nhttps://example.se/vagledning",
        "topic": "cloud_secrecy",
        "language": "sv",
        "last_reviewed": None,
    }
    data.update(overrides)
    return data


@pytest.fixture
def article_in(coordinator: Any, reviewer: Any) -> Callable[..., KnowledgeArticle]:
    """`article_in(status, by=coordinator, obstacles=(), **data)` through the services."""

    def make(
        status: str = ArticleStatus.DRAFT,
        *,
        by: Any = None,
        obstacles: tuple[Obstacle, ...] | list[Obstacle] = (),
        **data: Any,
    ) -> KnowledgeArticle:
        article = article_services.article_create(
            author=by or coordinator, data=article_data(**data), obstacles=obstacles
        )
        if status in (ArticleStatus.PUBLISHED, ArticleStatus.UNPUBLISHED):
            article = article_services.article_move(article=article, actor=reviewer, move="publish")
        if status == ArticleStatus.UNPUBLISHED:
            article = article_services.article_move(
                article=article, actor=reviewer, move="unpublish"
            )
        assert article.status == status
        return article

    return make
