"""The permission matrix of obstacle entries: who sees, edits, submits, reviews and moves what,
in every state (author, reviewer, portal admin, another signed-in user, anonymous)."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from obstacles.models import Obstacle
from obstacles.permissions.entries import (
    can_claim_obstacle,
    can_edit_obstacle,
    can_move_obstacle,
    can_review_obstacle,
    can_submit_obstacle,
    claim_is_active,
    claimed_by_other,
    get_obstacle_for_user_or_404,
    is_obstacle_reviewer,
    obstacles_visible_to,
)
from obstacles.services import entries as services
from obstacles.workflow import OBSTACLE_MOVES, ObstacleMove, ObstacleStatus
from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from tests.factories_process import make_region_person

from .test_entry_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

S, M = ObstacleStatus, ObstacleMove
WHO = ["author", "reviewer", "portal_admin", "stranger", "anonymous"]


@pytest.fixture
def people(author: Any, reviewer: Any, portal_admin: Any, stranger: Any) -> dict[str, Any]:
    return {
        "author": author,
        "reviewer": reviewer,
        "portal_admin": portal_admin,
        "stranger": stranger,
        "anonymous": AnonymousUser(),
    }


# --- Seeing -------------------------------------------------------------------------------------

# status -> who sees it (merged: see the tests below, it follows the surviving entry)
SEES = {
    S.DRAFT: {"author"},
    S.SUBMITTED: {"author", "reviewer", "portal_admin"},
    S.IN_REVIEW: {"author", "reviewer", "portal_admin"},
    S.CHANGES_REQUESTED: {"author", "reviewer", "portal_admin"},
    S.PUBLISHED: set(WHO),
    S.REJECTED: {"author", "reviewer", "portal_admin"},
    S.WITHDRAWN: {"author", "reviewer", "portal_admin"},
}


@pytest.mark.parametrize("status", list(SEES))
@pytest.mark.parametrize("who", WHO)
def test_who_sees_an_entry_in_each_state(
    status: str, who: str, entry_in: Any, people: dict[str, Any]
) -> None:
    entry = entry_in(status)
    user = people[who]
    expected = who in SEES[status]

    assert obstacles_visible_to(user).filter(pk=entry.pk).exists() is expected
    if expected:
        assert get_obstacle_for_user_or_404(user, entry.pk) == entry
    else:
        with pytest.raises(Http404):
            get_obstacle_for_user_or_404(user, entry.pk)


def test_a_reviewer_sees_their_own_draft(entry_in: Any, reviewer: Any) -> None:
    own = entry_in(S.DRAFT, by=reviewer)
    assert get_obstacle_for_user_or_404(reviewer, own.pk) == own


@pytest.mark.parametrize("pk", [999999, "abc", None, "1;drop"])
def test_missing_or_malformed_ids_are_404(pk: Any, reviewer: Any) -> None:
    with pytest.raises(Http404):
        get_obstacle_for_user_or_404(reviewer, pk)


@pytest.mark.parametrize("who", WHO)
def test_a_merged_entry_is_found_by_whoever_may_see_the_survivor(
    who: str, entry_in: Any, people: dict[str, Any], survivor: Obstacle
) -> None:
    merged = entry_in(S.PUBLISHED, title="Dubbletten")
    services.obstacle_move(
        obstacle=merged, actor=people["reviewer"], move=M.MERGE, merge_target=survivor
    )

    found = get_obstacle_for_user_or_404(people[who], merged.pk)

    assert found.status == S.MERGED
    assert found.merged_into == survivor


@pytest.mark.parametrize(
    ("who", "sees"),
    [("anonymous", False), ("stranger", False), ("reviewer", True), ("author", True)],
)
def test_an_entry_merged_into_one_still_in_review_is_hidden_like_the_survivor(
    who: str, sees: bool, entry_in: Any, people: dict[str, Any], other_reviewer: Any
) -> None:
    waiting = entry_in(S.SUBMITTED, by=other_reviewer, title="Väntar på granskning")
    merged = entry_in(S.SUBMITTED, title="Dubbletten")
    services.obstacle_move(
        obstacle=merged, actor=people["reviewer"], move=M.MERGE, merge_target=waiting
    )
    if sees:
        assert get_obstacle_for_user_or_404(people[who], merged.pk).merged_into == waiting
    else:
        with pytest.raises(Http404):
            get_obstacle_for_user_or_404(people[who], merged.pk)


def test_the_public_list_rule_never_includes_merged_entries_for_the_public(
    entry_in: Any, reviewer: Any, survivor: Obstacle
) -> None:
    merged = entry_in(S.PUBLISHED, title="Dubbletten")
    services.obstacle_move(obstacle=merged, actor=reviewer, move=M.MERGE, merge_target=survivor)
    visible = set(obstacles_visible_to(AnonymousUser()).values_list("pk", flat=True))
    assert visible == {survivor.pk}


# --- Roles --------------------------------------------------------------------------------------


def test_who_is_an_obstacle_reviewer(reviewer: Any, portal_admin: Any, stranger: Any) -> None:
    coordinator = make_region_person("uppsala")
    inactive = make_region_person("uppsala", email="gone@example.se")
    role_grant(user=inactive, role=Role.OBSTACLE_REVIEWER)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    assert is_obstacle_reviewer(reviewer)
    assert is_obstacle_reviewer(portal_admin)
    assert not is_obstacle_reviewer(stranger)
    assert not is_obstacle_reviewer(coordinator)
    assert not is_obstacle_reviewer(inactive)
    assert not is_obstacle_reviewer(AnonymousUser())


# --- Editing, submitting, reviewing -------------------------------------------------------------

# status -> who may edit (the reviewer in review holds the claim: entry_in claims as `reviewer`)
EDITS = {
    S.DRAFT: {"author"},
    S.SUBMITTED: set(),
    S.IN_REVIEW: {"reviewer"},
    S.CHANGES_REQUESTED: {"author"},
    S.PUBLISHED: {"reviewer", "portal_admin"},
    S.REJECTED: set(),
    S.MERGED: set(),
    S.WITHDRAWN: set(),
}


@pytest.mark.parametrize("status", list(EDITS))
@pytest.mark.parametrize("who", WHO)
def test_who_may_edit_in_each_state(
    status: str, who: str, entry_in: Any, people: dict[str, Any]
) -> None:
    entry = entry_in(status)
    assert can_edit_obstacle(people[who], entry) is (who in EDITS[status])


def test_a_reviewer_whose_claim_lapsed_may_no_longer_edit(
    entry_in: Any, reviewer: Any, settings: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    settings.OBSTACLE_CLAIM_MINUTES = 0
    assert not can_edit_obstacle(reviewer, entry)


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("who", WHO)
def test_only_the_author_submits_and_only_from_draft_or_changes_requested(
    status: str, who: str, entry_in: Any, people: dict[str, Any]
) -> None:
    entry = entry_in(status)
    expected = who == "author" and status in {S.DRAFT, S.CHANGES_REQUESTED}
    assert can_submit_obstacle(people[who], entry) is expected


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("who", WHO)
def test_reviewers_review_every_entry_but_drafts(
    status: str, who: str, entry_in: Any, people: dict[str, Any]
) -> None:
    entry = entry_in(status)
    expected = who in {"reviewer", "portal_admin"} and status != S.DRAFT
    assert can_review_obstacle(people[who], entry) is expected


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("move", M.values)
@pytest.mark.parametrize("who", WHO)
def test_can_move_is_the_workflow_table_and_the_role(
    status: str, move: str, who: str, entry_in: Any, people: dict[str, Any]
) -> None:
    entry = entry_in(status)
    legal = status in OBSTACLE_MOVES[move][0]
    role = who == "author" if move == M.SUBMIT else who in {"reviewer", "portal_admin"}
    assert can_move_obstacle(people[who], entry, move) is (legal and role)


def test_can_move_says_no_to_an_unknown_move(entry_in: Any, reviewer: Any) -> None:
    assert not can_move_obstacle(reviewer, entry_in(S.SUBMITTED), "delete")


@pytest.mark.parametrize("status", S.values)
def test_reviewers_may_take_entries_a_reviewer_may_still_move(
    status: str, entry_in: Any, reviewer: Any, author: Any
) -> None:
    entry = entry_in(status)
    claimable = status in {S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.WITHDRAWN}
    assert can_claim_obstacle(reviewer, entry) is claimable
    assert not can_claim_obstacle(author, entry)


# --- Claims as predicates -----------------------------------------------------------------------


def test_a_claim_is_active_for_the_configured_minutes(
    entry_in: Any, reviewer: Any, other_reviewer: Any, settings: Any
) -> None:
    settings.OBSTACLE_CLAIM_MINUTES = 30
    entry = entry_in(S.IN_REVIEW)
    taken = entry.claimed_at
    assert claim_is_active(entry, now=taken + dt.timedelta(minutes=29))
    assert not claim_is_active(entry, now=taken + dt.timedelta(minutes=30))
    assert claimed_by_other(other_reviewer, entry)
    assert not claimed_by_other(reviewer, entry)


def test_an_entry_nobody_took_is_not_claimed(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.SUBMITTED)
    assert not claim_is_active(entry, now=timezone.now())
    assert not claimed_by_other(reviewer, entry)
