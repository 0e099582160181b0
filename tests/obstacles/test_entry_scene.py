"""People and obstacle entries for the entry tests, built through the services. The people
both scenes share (`company`, `reviewer`, `portal_admin`, `stranger`) are fixtures of
tests/obstacles/conftest.py.

Imported by the other `test_entry_*` and `test_digest*` modules (`from .test_entry_scene import
*`). `entry_in(status)` builds an entry in any state of the workflow the way people get it
there: create, submit, claim, decide.
"""

from collections.abc import Callable
from typing import Any

import pytest

from obstacles.models import Obstacle
from obstacles.services import entries as services
from obstacles.workflow import ObstacleMove, ObstacleStatus
from regions.models import Region
from tests.factories_obstacles import actor, category, make_reviewer
from tests.factories_process import make_company_member

__all__ = [
    "author",
    "entry_data",
    "entry_in",
    "other_reviewer",
    "survivor",
]

# --- People -------------------------------------------------------------------------------------


@pytest.fixture
def author(company: Any) -> Any:
    return make_company_member(
        company, email="kim@caresense.example", name="Kim Berg", preferred_language="en"
    )


@pytest.fixture
def other_reviewer(db: Any) -> Any:
    return make_reviewer(email="olle@granskning.example.se", name="Olle Andersson")


# --- Entries ------------------------------------------------------------------------------------


def entry_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Journalsystemet saknar öppna gränssnitt",
        "description": "Vi kunde inte hämta mätvärden från hemmet.\n\nIntegrationen tog ett år.",
        "category": category(),
        "step_key": "test",
        "actors": [actor("company"), actor("healthcare")],
        "region": Region.objects.get(slug="ostergotland"),
        "severity": 3,
        "evidence": "Se https://example.se/rapport",
        "known_mitigation": "",
        "language": "sv",
    }
    data.update(overrides)
    return data


def _walk(obstacle: Obstacle, *, author: Any, reviewer: Any, status: str) -> Obstacle:
    """Move a fresh draft to `status` through the services."""
    S, M = ObstacleStatus, ObstacleMove
    if status == S.DRAFT:
        return obstacle
    obstacle = services.obstacle_move(obstacle=obstacle, actor=author, move=M.SUBMIT)
    if status == S.SUBMITTED:
        return obstacle
    obstacle = services.obstacle_claim(obstacle=obstacle, reviewer=reviewer)
    if status == S.IN_REVIEW:
        return obstacle
    if status == S.CHANGES_REQUESTED:
        return services.obstacle_move(
            obstacle=obstacle, actor=reviewer, move=M.REQUEST_CHANGES, reason="Lägg till källor."
        )
    if status == S.REJECTED:
        return services.obstacle_move(
            obstacle=obstacle, actor=reviewer, move=M.REJECT, reason="Inte ett hinder."
        )
    obstacle = services.obstacle_move(obstacle=obstacle, actor=reviewer, move=M.PUBLISH)
    if status == S.PUBLISHED:
        return obstacle
    if status == S.WITHDRAWN:
        return services.obstacle_move(
            obstacle=obstacle, actor=reviewer, move=M.WITHDRAW, reason="Inaktuellt."
        )
    if status == S.MERGED:
        target = _walk(
            services.obstacle_create(author=author, data=entry_data(title="Det andra hindret")),
            author=author,
            reviewer=reviewer,
            status=S.PUBLISHED,
        )
        return services.obstacle_move(
            obstacle=obstacle, actor=reviewer, move=M.MERGE, merge_target=target
        )
    raise AssertionError(status)


@pytest.fixture
def entry_in(author: Any, reviewer: Any) -> Callable[..., Obstacle]:
    """`entry_in(status, **data)`: an entry of `author` brought to `status` by `reviewer`."""

    def make(status: str, *, by: Any = None, **data: Any) -> Obstacle:
        owner = by or author
        draft = services.obstacle_create(author=owner, data=entry_data(**data))
        walked = _walk(draft, author=owner, reviewer=reviewer, status=status)
        walked.refresh_from_db()
        return walked

    return make


@pytest.fixture
def survivor(entry_in: Callable[..., Obstacle]) -> Obstacle:
    """A published entry that duplicates are merged into."""
    return entry_in(ObstacleStatus.PUBLISHED, title="Ingen väg in för journalintegration")
