"""Two people acting on one entry at the same moment: PostgreSQL's row locks let one through and
tell the other, so nothing happens twice and nothing is silently overwritten."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from obstacles.models import Obstacle, ObstacleTransition
from obstacles.services import entries as services
from obstacles.workflow import ObstacleMove, ObstacleStatus
from portal.core.concurrency import ConcurrentEditError

from .test_entry_scene import *  # noqa: F403  (fixtures)
from .test_entry_scene import entry_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S, M = ObstacleStatus, ObstacleMove


def _at_once(*calls: Callable[[], Any]) -> list[str]:
    """Run the calls in threads released together; each outcome as a short word."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except ConcurrentEditError:
            outcomes.append("conflict")
        except ValidationError as exc:
            outcomes.append("refused: " + " ".join(exc.messages))
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_reviewers_publishing_the_same_version_at_once_publish_once(
    reference_data: None, entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    seen = entry.version

    outcomes = _at_once(
        *[
            lambda who=who: services.obstacle_move(
                obstacle=entry, actor=who, move=M.PUBLISH, expected_version=seen
            )
            for who in (reviewer, other_reviewer)
        ]
    )

    assert outcomes == ["conflict", "done"]
    assert ObstacleTransition.objects.filter(obstacle=entry, move=M.PUBLISH).count() == 1
    assert Obstacle.objects.get(pk=entry.pk).version == seen + 1


def test_two_reviewers_publishing_without_a_version_at_once_publish_once(
    reference_data: None, entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.SUBMITTED)

    outcomes = _at_once(
        *[
            lambda who=who: services.obstacle_move(obstacle=entry, actor=who, move=M.PUBLISH)
            for who in (reviewer, other_reviewer)
        ]
    )

    assert outcomes[0] == "done"
    assert "cannot be moved that way" in outcomes[1]
    assert ObstacleTransition.objects.filter(obstacle=entry, move=M.PUBLISH).count() == 1


def test_two_reviewers_taking_an_entry_at_once_one_gets_it_the_other_is_told_who(
    reference_data: None, entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.SUBMITTED)

    outcomes = _at_once(
        *[
            lambda who=who: services.obstacle_claim(obstacle=entry, reviewer=who)
            for who in (reviewer, other_reviewer)
        ]
    )

    stored = Obstacle.objects.select_related("claimed_by").get(pk=entry.pk)
    assert outcomes[0] == "done"
    assert f"{stored.claimed_by.name} is working on this entry" in outcomes[1]
    assert ObstacleTransition.objects.filter(obstacle=entry, move=M.START_REVIEW).count() == 1


def test_merging_two_entries_into_each_other_at_once_merges_one(
    reference_data: None, entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    first = entry_in(S.PUBLISHED, title="Första")
    second = entry_in(S.PUBLISHED, title="Andra")

    outcomes = _at_once(
        lambda: services.obstacle_move(
            obstacle=first, actor=reviewer, move=M.MERGE, merge_target=second
        ),
        lambda: services.obstacle_move(
            obstacle=second, actor=other_reviewer, move=M.MERGE, merge_target=first
        ),
    )

    assert outcomes[0] == "done" and outcomes[1].startswith("refused")
    statuses = sorted(
        Obstacle.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == [S.MERGED, S.PUBLISHED]


def test_a_double_submitted_create_with_one_token_makes_one_entry(
    reference_data: None, author: Any
) -> None:
    outcomes = _at_once(
        *[
            lambda: services.obstacle_create(author=author, data=entry_data(client_token="tok"))
            for _ in range(2)
        ]
    )
    assert outcomes == ["done", "done"]
    assert Obstacle.objects.filter(author=author).count() == 1
