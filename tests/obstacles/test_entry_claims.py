"""Reviewers take entries while they work on them: others see who holds one and cannot act on
it; a claim lapses after settings.OBSTACLE_CLAIM_MINUTES; the holder refreshes or releases it."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from obstacles.models import Obstacle
from obstacles.services import entries as services
from obstacles.workflow import ObstacleMove, ObstacleStatus
from portal.core.models import AuditEvent

from .test_entry_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

S, M = ObstacleStatus, ObstacleMove


def test_taking_a_submitted_entry_starts_its_review(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.SUBMITTED)

    taken = services.obstacle_claim(obstacle=entry, reviewer=reviewer)

    assert taken.status == S.IN_REVIEW
    assert taken.claimed_by == reviewer and taken.claimed_at is not None
    last = taken.transitions.last()
    assert (last.move, last.actor) == (M.START_REVIEW, reviewer)


def test_the_start_review_move_takes_the_entry(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.SUBMITTED)
    started = services.obstacle_move(obstacle=entry, actor=reviewer, move=M.START_REVIEW)
    assert started.claimed_by == reviewer


def test_an_entry_taken_by_another_reviewer_is_refused_with_their_name(
    entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)  # taken by Rut Granskare

    with pytest.raises(ValidationError, match="Rut Granskare is working on this entry"):
        services.obstacle_claim(obstacle=entry, reviewer=other_reviewer)

    stored = Obstacle.objects.get(pk=entry.pk)
    assert stored.claimed_by == reviewer


@pytest.mark.parametrize(
    ("move", "kwargs"),
    [
        (M.PUBLISH, {}),
        (M.REJECT, {"reason": "Nej."}),
        (M.REQUEST_CHANGES, {"reason": "Mer."}),
    ],
)
def test_another_reviewer_cannot_decide_on_a_taken_entry(
    move: str, kwargs: dict[str, Any], entry_in: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    with pytest.raises(ValidationError, match="Rut Granskare"):
        services.obstacle_move(obstacle=entry, actor=other_reviewer, move=move, **kwargs)
    assert Obstacle.objects.get(pk=entry.pk).status == S.IN_REVIEW


def test_another_reviewer_cannot_merge_a_taken_entry(
    entry_in: Any, other_reviewer: Any, survivor: Obstacle
) -> None:
    entry = entry_in(S.IN_REVIEW)
    with pytest.raises(ValidationError, match="Rut Granskare"):
        services.obstacle_move(
            obstacle=entry, actor=other_reviewer, move=M.MERGE, merge_target=survivor
        )
    assert Obstacle.objects.get(pk=entry.pk).status == S.IN_REVIEW


def test_a_lapsed_claim_is_taken_over(
    entry_in: Any, reviewer: Any, other_reviewer: Any, settings: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    settings.OBSTACLE_CLAIM_MINUTES = 0  # every claim has lapsed

    taken = services.obstacle_claim(obstacle=entry, reviewer=other_reviewer)

    assert taken.claimed_by == other_reviewer
    assert taken.status == S.IN_REVIEW


def test_a_lapsed_claim_does_not_stop_another_reviewers_decision(
    entry_in: Any, other_reviewer: Any, settings: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    settings.OBSTACLE_CLAIM_MINUTES = 0
    published = services.obstacle_move(obstacle=entry, actor=other_reviewer, move=M.PUBLISH)
    assert published.status == S.PUBLISHED
    assert published.transitions.last().actor == other_reviewer


def test_the_holder_refreshes_their_claim_without_changing_the_version(
    entry_in: Any, reviewer: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    first = entry.claimed_at

    refreshed = services.obstacle_claim(obstacle=entry, reviewer=reviewer)

    assert refreshed.claimed_by == reviewer
    assert refreshed.claimed_at > first
    assert refreshed.version == entry.version
    assert refreshed.transitions.filter(move=M.START_REVIEW).count() == 1
    audit = AuditEvent.objects.filter(action="obstacle.claim", target_id=str(entry.pk)).first()
    assert audit is not None and audit.data == {"refresh": True}


def test_the_holder_releases_the_entry_for_others(
    entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    services.obstacle_release(obstacle=entry, reviewer=reviewer)
    entry.refresh_from_db()
    assert entry.claimed_by is None and entry.claimed_at is None
    assert entry.status == S.IN_REVIEW

    taken = services.obstacle_claim(obstacle=entry, reviewer=other_reviewer)
    assert taken.claimed_by == other_reviewer


def test_nobody_releases_another_reviewers_active_claim(
    entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    with pytest.raises(ValidationError, match="Rut Granskare"):
        services.obstacle_release(obstacle=entry, reviewer=other_reviewer)
    assert Obstacle.objects.get(pk=entry.pk).claimed_by == reviewer


def test_a_lapsed_claim_is_cleared_by_any_reviewer(
    entry_in: Any, other_reviewer: Any, settings: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    settings.OBSTACLE_CLAIM_MINUTES = 0
    services.obstacle_release(obstacle=entry, reviewer=other_reviewer)
    assert Obstacle.objects.get(pk=entry.pk).claimed_by is None


def test_releasing_an_untaken_entry_does_nothing(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.SUBMITTED)
    services.obstacle_release(obstacle=entry, reviewer=reviewer)
    assert not AuditEvent.objects.filter(action="obstacle.release").exists()


def test_only_reviewers_take_or_release(entry_in: Any, author: Any, stranger: Any) -> None:
    entry = entry_in(S.SUBMITTED)
    for someone in (author, stranger):
        with pytest.raises(PermissionDenied):
            services.obstacle_claim(obstacle=entry, reviewer=someone)
        with pytest.raises(PermissionDenied):
            services.obstacle_release(obstacle=entry, reviewer=someone)
    assert Obstacle.objects.get(pk=entry.pk).status == S.SUBMITTED


@pytest.mark.parametrize("status", [S.DRAFT, S.CHANGES_REQUESTED, S.REJECTED, S.MERGED])
def test_entries_with_nothing_to_review_cannot_be_taken(
    status: str, entry_in: Any, other_reviewer: Any
) -> None:
    entry = entry_in(status)
    with pytest.raises(ValidationError, match="nothing left to review"):
        services.obstacle_claim(obstacle=entry, reviewer=other_reviewer)


@pytest.mark.parametrize("status", [S.PUBLISHED, S.WITHDRAWN])
def test_a_published_or_withdrawn_entry_can_be_taken_without_moving_it(
    status: str, entry_in: Any, other_reviewer: Any
) -> None:
    entry = entry_in(status)
    taken = services.obstacle_claim(obstacle=entry, reviewer=other_reviewer)
    assert (taken.status, taken.claimed_by) == (status, other_reviewer)


def test_the_author_submitting_again_is_not_blocked_by_an_old_claim(
    entry_in: Any, author: Any
) -> None:
    entry = entry_in(S.CHANGES_REQUESTED)
    resubmitted = services.obstacle_move(obstacle=entry, actor=author, move=M.SUBMIT)
    assert resubmitted.status == S.SUBMITTED and resubmitted.claimed_by is None
