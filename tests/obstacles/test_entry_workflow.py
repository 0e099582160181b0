"""The entry lifecycle: create, edit, and every legal and illegal move of the workflow table."""

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from obstacles.models import Category, Obstacle, ObstacleTransition
from obstacles.services import entries as services
from obstacles.workflow import (
    MOVES_NEEDING_REASON,
    OBSTACLE_MOVES,
    ObstacleMove,
    ObstacleStatus,
)
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent
from tests.factories_obstacles import category

from .test_entry_scene import *  # noqa: F403  (fixtures)
from .test_entry_scene import entry_data

pytestmark = pytest.mark.django_db

S, M = ObstacleStatus, ObstacleMove

ALL_PAIRS = list(itertools.product(M.values, S.values))
LEGAL = [(m, s) for m, s in ALL_PAIRS if s in OBSTACLE_MOVES[m][0]]
ILLEGAL = [(m, s) for m, s in ALL_PAIRS if s not in OBSTACLE_MOVES[m][0]]


def _mover(move: str, author: Any, reviewer: Any) -> Any:
    return author if move == M.SUBMIT else reviewer


def _move(
    entry: Obstacle, move: str, actor: Any, make: Callable[..., Obstacle], **kwargs: Any
) -> Obstacle:
    if move == M.MERGE and "merge_target" not in kwargs:
        kwargs["merge_target"] = make(S.PUBLISHED, title="Den överlevande posten")
    return services.obstacle_move(
        obstacle=entry, actor=actor, move=move, reason=kwargs.pop("reason", "Skälet."), **kwargs
    )


# --- The workflow table -------------------------------------------------------------------------


@pytest.mark.parametrize(("move", "status"), LEGAL)
def test_every_legal_move_reaches_its_target_and_is_kept_with_who_and_why(
    move: str, status: str, entry_in: Any, author: Any, reviewer: Any
) -> None:
    entry = entry_in(status)
    before = entry.transitions.count()
    actor = _mover(move, author, reviewer)

    moved = _move(entry, move, actor, entry_in, expected_version=entry.version)

    moved.refresh_from_db()
    assert moved.status == OBSTACLE_MOVES[move][1]
    assert moved.version == entry.version + 1
    last = moved.transitions.last()
    assert moved.transitions.count() == before + 1
    assert (last.move, last.from_status, last.to_status) == (move, status, moved.status)
    assert last.actor == actor
    assert last.reason == "Skälet."
    audit = AuditEvent.objects.filter(action=f"obstacle.{move}", target_id=str(entry.pk)).first()
    assert audit is not None and audit.actor == actor
    assert audit.data["from"] == status and audit.data["to"] == moved.status


@pytest.mark.parametrize(("move", "status"), ILLEGAL)
def test_every_illegal_move_is_refused_and_changes_nothing(
    move: str, status: str, entry_in: Any, author: Any, reviewer: Any
) -> None:
    entry = entry_in(status)
    before = entry.transitions.count()

    with pytest.raises(ValidationError) as refused:
        # The current version: not mistaken for a double submit of the move that got it here.
        _move(entry, move, _mover(move, author, reviewer), entry_in, expected_version=entry.version)

    assert "cannot be moved that way" in " ".join(refused.value.messages)
    stored = Obstacle.objects.get(pk=entry.pk)
    assert (stored.status, stored.version) == (status, entry.version)
    assert stored.transitions.count() == before


@pytest.mark.parametrize(("move", "status"), [p for p in LEGAL if p[0] != M.SUBMIT])
def test_the_author_cannot_make_a_reviewer_move(
    move: str, status: str, entry_in: Any, author: Any
) -> None:
    entry = entry_in(status)
    with pytest.raises(PermissionDenied):
        _move(entry, move, author, entry_in)
    assert Obstacle.objects.get(pk=entry.pk).status == status


@pytest.mark.parametrize("status", [S.DRAFT, S.CHANGES_REQUESTED])
def test_only_the_author_submits(
    status: str, entry_in: Any, reviewer: Any, stranger: Any, portal_admin: Any
) -> None:
    entry = entry_in(status)
    for someone in (reviewer, stranger, portal_admin):
        with pytest.raises(PermissionDenied):
            services.obstacle_move(obstacle=entry, actor=someone, move=M.SUBMIT)
    assert Obstacle.objects.get(pk=entry.pk).status == status


@pytest.mark.parametrize(("move", "status"), [p for p in LEGAL if p[0] != M.SUBMIT])
def test_a_signed_in_stranger_cannot_make_a_reviewer_move(
    move: str, status: str, entry_in: Any, stranger: Any
) -> None:
    entry = entry_in(status)
    with pytest.raises(PermissionDenied):
        _move(entry, move, stranger, entry_in)


def test_a_portal_admin_may_review(entry_in: Any, portal_admin: Any) -> None:
    entry = entry_in(S.SUBMITTED)
    published = services.obstacle_move(obstacle=entry, actor=portal_admin, move=M.PUBLISH)
    assert published.status == S.PUBLISHED


def test_an_unknown_move_is_refused(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.SUBMITTED)
    with pytest.raises(ValidationError, match="Unknown move"):
        services.obstacle_move(obstacle=entry, actor=reviewer, move="delete")


# --- Reasons ------------------------------------------------------------------------------------

REASON_CASES = [
    (M.REQUEST_CHANGES, S.IN_REVIEW),
    (M.REJECT, S.SUBMITTED),
    (M.WITHDRAW, S.PUBLISHED),
]


def test_the_reason_cases_cover_every_move_needing_a_reason() -> None:
    assert {move for move, _status in REASON_CASES} == set(MOVES_NEEDING_REASON)


@pytest.mark.parametrize(("move", "status"), REASON_CASES)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_move_needing_a_reason_is_refused_without_one(
    move: str, status: str, reason: str, entry_in: Any, reviewer: Any
) -> None:
    entry = entry_in(status)
    with pytest.raises(ValidationError) as refused:
        services.obstacle_move(obstacle=entry, actor=reviewer, move=move, reason=reason)
    assert "reason" in refused.value.message_dict
    assert Obstacle.objects.get(pk=entry.pk).status == status


@pytest.mark.parametrize(("move", "status"), REASON_CASES)
def test_the_author_sees_the_reason_of_the_decision(
    move: str, status: str, entry_in: Any, reviewer: Any
) -> None:
    entry = entry_in(status)
    services.obstacle_move(obstacle=entry, actor=reviewer, move=move, reason="  Källa saknas.  ")
    entry.refresh_from_db()
    assert entry.decision_reason == "Källa saknas."


def test_resubmitting_clears_the_old_reason_but_history_keeps_it(
    entry_in: Any, author: Any
) -> None:
    entry = entry_in(S.CHANGES_REQUESTED)
    services.obstacle_move(obstacle=entry, actor=author, move=M.SUBMIT)
    entry.refresh_from_db()
    assert entry.decision_reason == ""
    assert entry.transitions.filter(move=M.REQUEST_CHANGES, reason="Lägg till källor.").exists()


# --- Timestamps, withdrawal and republishing ----------------------------------------------------


def test_submit_sets_submitted_at_and_publish_sets_published_at(
    entry_in: Any, author: Any, reviewer: Any
) -> None:
    draft = entry_in(S.DRAFT)
    assert draft.submitted_at is None and draft.published_at is None
    submitted = services.obstacle_move(obstacle=draft, actor=author, move=M.SUBMIT)
    assert submitted.submitted_at is not None
    published = services.obstacle_move(obstacle=submitted, actor=reviewer, move=M.PUBLISH)
    assert published.published_at is not None
    assert published.is_published


def test_a_withdrawn_entry_is_published_again_keeping_its_first_publication_date(
    entry_in: Any, reviewer: Any
) -> None:
    published = entry_in(S.PUBLISHED)
    first_published = published.published_at
    withdrawn = services.obstacle_move(
        obstacle=published, actor=reviewer, move=M.WITHDRAW, reason="Lagen har ändrats."
    )
    assert withdrawn.status == S.WITHDRAWN
    assert withdrawn.decision_reason == "Lagen har ändrats."

    again = services.obstacle_move(obstacle=withdrawn, actor=reviewer, move=M.PUBLISH)

    assert again.status == S.PUBLISHED
    assert again.published_at == first_published
    assert again.decision_reason == ""
    moves = list(again.transitions.values_list("move", flat=True))
    assert moves[-2:] == [M.WITHDRAW, M.PUBLISH]


def test_a_decision_releases_the_reviewers_claim(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.IN_REVIEW)
    assert entry.claimed_by == reviewer
    published = services.obstacle_move(obstacle=entry, actor=reviewer, move=M.PUBLISH)
    assert published.claimed_by is None and published.claimed_at is None


# --- Versions and double submits -----------------------------------------------------------------


def test_a_move_with_a_stale_version_raises_a_conflict(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.IN_REVIEW)
    stale = entry.version
    services.obstacle_update(
        obstacle=entry, actor=reviewer, expected_version=stale, data={"title": "Ny titel"}
    )
    with pytest.raises(ConcurrentEditError) as conflict:
        services.obstacle_move(
            obstacle=entry, actor=reviewer, move=M.PUBLISH, expected_version=stale
        )
    assert conflict.value.current.title == "Ny titel"
    assert Obstacle.objects.get(pk=entry.pk).status == S.IN_REVIEW


def test_pressing_publish_twice_publishes_once(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.IN_REVIEW)
    seen = entry.version
    first = services.obstacle_move(
        obstacle=entry, actor=reviewer, move=M.PUBLISH, expected_version=seen
    )
    second = services.obstacle_move(
        obstacle=entry, actor=reviewer, move=M.PUBLISH, expected_version=seen
    )
    assert first.pk == second.pk and second.status == S.PUBLISHED
    assert entry.transitions.filter(move=M.PUBLISH).count() == 1


def test_submitting_twice_submits_once(entry_in: Any, author: Any) -> None:
    draft = entry_in(S.DRAFT)
    services.obstacle_move(obstacle=draft, actor=author, move=M.SUBMIT, expected_version=1)
    services.obstacle_move(obstacle=draft, actor=author, move=M.SUBMIT, expected_version=1)
    assert draft.transitions.filter(move=M.SUBMIT).count() == 1


def test_the_same_move_again_without_a_version_within_a_minute_is_a_double_submit(
    entry_in: Any, reviewer: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    services.obstacle_move(obstacle=entry, actor=reviewer, move=M.REJECT, reason="Nej.")
    again = services.obstacle_move(obstacle=entry, actor=reviewer, move=M.REJECT, reason="Nej.")
    assert again.status == S.REJECTED
    assert entry.transitions.filter(move=M.REJECT).count() == 1


def test_a_second_reviewer_publishing_the_same_version_gets_a_conflict(
    entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    seen = entry.version
    services.obstacle_move(obstacle=entry, actor=reviewer, move=M.PUBLISH, expected_version=seen)
    with pytest.raises(ConcurrentEditError):
        services.obstacle_move(
            obstacle=entry, actor=other_reviewer, move=M.PUBLISH, expected_version=seen
        )
    assert entry.transitions.filter(move=M.PUBLISH).count() == 1


# --- Create -------------------------------------------------------------------------------------


def test_create_makes_a_draft_of_the_authors_organisation_with_sanitised_text(
    author: Any, company: Any
) -> None:
    entry = services.obstacle_create(
        author=author,
        data=entry_data(
            description="Första stycket.\nRad två.\n\n<script>alert(1)</script>Andra",
            evidence='<a href="javascript:alert(1)">källa</a> <b>fet</b>',
        ),
    )
    assert entry.status == S.DRAFT
    assert entry.author == author and entry.organisation == company
    assert "<script" not in entry.description and "alert" not in entry.description
    assert "<b>fet</b>" in entry.evidence and "javascript" not in entry.evidence
    assert sorted(entry.actors.values_list("slug", flat=True)) == ["company", "healthcare"]
    assert entry.version == 1
    assert not ObstacleTransition.objects.filter(obstacle=entry).exists()
    assert AuditEvent.objects.filter(action="obstacle.create", target_id=str(entry.pk)).exists()


def test_plain_text_becomes_paragraphs_and_line_breaks(author: Any) -> None:
    entry = services.obstacle_create(
        author=author, data=entry_data(description="Ett.\nTvå.\n\nTre < fyra & fem")
    )
    assert entry.description == "<p>Ett.<br>Två.</p><p>Tre &lt; fyra &amp; fem</p>"


def test_an_author_without_an_organisation_writes_in_their_own_name(stranger: Any) -> None:
    entry = services.obstacle_create(author=stranger, data=entry_data())
    assert entry.organisation is None


def test_anonymous_cannot_create() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.obstacle_create(author=AnonymousUser(), data=entry_data())


def test_the_same_client_token_twice_returns_the_first_entry(author: Any) -> None:
    first = services.obstacle_create(author=author, data=entry_data(client_token="tok-1"))
    second = services.obstacle_create(author=author, data=entry_data(client_token="tok-1"))
    assert first.pk == second.pk
    assert Obstacle.objects.filter(author=author).count() == 1


def test_a_new_client_token_or_another_author_makes_a_new_entry(author: Any, stranger: Any) -> None:
    first = services.obstacle_create(author=author, data=entry_data(client_token="tok-1"))
    other_token = services.obstacle_create(author=author, data=entry_data(client_token="tok-2"))
    other_author = services.obstacle_create(author=stranger, data=entry_data(client_token="tok-1"))
    assert len({first.pk, other_token.pk, other_author.pk}) == 3


BAD_INPUT = [
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"description": ""}, "description"),
    ({"description": "<script>bara skript</script>"}, "description"),
    ({"description": "<p> <img src=x> </p>"}, "description"),
    ({"description": "x" * 20001}, "description"),
    ({"category": None}, "category"),
    ({"step_key": "no-such-step"}, "step_key"),
    ({"severity": 9}, "severity"),
    ({"severity": "very"}, "severity"),
    ({"language": "de"}, "language"),
    ({"region": "uppsala"}, "region"),
    ({"actors": ["company"]}, "actors"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUT)
def test_bad_input_is_refused_on_its_field_and_nothing_is_created(
    overrides: dict[str, Any], field: str, author: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.obstacle_create(author=author, data=entry_data(**overrides))
    assert field in refused.value.message_dict
    assert not Obstacle.objects.exists()


def test_a_retired_category_is_not_offered_for_new_entries(author: Any) -> None:
    retired = category("financing")
    Category.objects.filter(pk=retired.pk).update(is_active=False)
    retired.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.obstacle_create(author=author, data=entry_data(category=retired))
    assert "category" in refused.value.message_dict


def test_blank_step_means_several_steps(author: Any) -> None:
    entry = services.obstacle_create(author=author, data=entry_data(step_key=""))
    assert entry.step_key == ""


# --- Edit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.CHANGES_REQUESTED])
def test_the_author_edits_a_draft_or_an_entry_sent_back(
    status: str, entry_in: Any, author: Any
) -> None:
    entry = entry_in(status)
    updated = services.obstacle_update(
        obstacle=entry,
        actor=author,
        expected_version=entry.version,
        data={"title": "Bättre titel", "description": "<p onclick='x()'>Ny text</p>"},
    )
    assert updated.title == "Bättre titel"
    assert updated.description == "<p>Ny text</p>"
    assert updated.version == entry.version + 1
    audit = AuditEvent.objects.get(action="obstacle.update", target_id=str(entry.pk))
    assert audit.data["fields"] == ["description", "title"]


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.REJECTED])
def test_the_author_cannot_edit_once_submitted(status: str, entry_in: Any, author: Any) -> None:
    entry = entry_in(status)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.obstacle_update(
            obstacle=entry, actor=author, expected_version=entry.version, data={"title": "Nej"}
        )
    assert Obstacle.objects.get(pk=entry.pk).title == entry.title


def test_a_stranger_cannot_edit_at_all(entry_in: Any, stranger: Any) -> None:
    entry = entry_in(S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.obstacle_update(
            obstacle=entry, actor=stranger, expected_version=entry.version, data={"title": "X"}
        )


def test_the_reviewer_holding_the_claim_edits_and_others_are_told_who_holds_it(
    entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    updated = services.obstacle_update(
        obstacle=entry, actor=reviewer, expected_version=entry.version, data={"severity": 4}
    )
    assert updated.severity == 4
    with pytest.raises(ValidationError, match="Rut Granskare is working on this entry"):
        services.obstacle_update(
            obstacle=entry,
            actor=other_reviewer,
            expected_version=updated.version,
            data={"severity": 1},
        )


def test_a_reviewer_must_take_a_submitted_entry_before_editing(
    entry_in: Any, reviewer: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    with pytest.raises(ValidationError, match="Take the entry"):
        services.obstacle_update(
            obstacle=entry, actor=reviewer, expected_version=entry.version, data={"severity": 4}
        )


def test_a_reviewer_corrects_a_published_entry(entry_in: Any, other_reviewer: Any) -> None:
    entry = entry_in(S.PUBLISHED)
    updated = services.obstacle_update(
        obstacle=entry,
        actor=other_reviewer,
        expected_version=entry.version,
        data={"actors": []},
    )
    assert not updated.actors.exists()
    assert updated.status == S.PUBLISHED


def test_a_stale_edit_raises_a_conflict_and_keeps_the_stored_text(
    entry_in: Any, author: Any
) -> None:
    entry = entry_in(S.DRAFT)
    services.obstacle_update(
        obstacle=entry, actor=author, expected_version=1, data={"title": "Första ändringen"}
    )
    with pytest.raises(ConcurrentEditError) as conflict:
        services.obstacle_update(
            obstacle=entry, actor=author, expected_version=1, data={"title": "Andra ändringen"}
        )
    assert conflict.value.current.title == "Första ändringen"
    assert Obstacle.objects.get(pk=entry.pk).title == "Första ändringen"


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUT)
def test_a_bad_edit_is_refused_on_its_field_and_the_stored_entry_is_kept(
    overrides: dict[str, Any], field: str, entry_in: Any, author: Any
) -> None:
    entry = entry_in(S.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.obstacle_update(
            obstacle=entry, actor=author, expected_version=entry.version, data=overrides
        )
    assert field in refused.value.message_dict
    stored = Obstacle.objects.get(pk=entry.pk)
    assert (stored.title, stored.description, stored.version) == (
        entry.title,
        entry.description,
        entry.version,
    )


def test_an_edit_keeps_a_retired_category_the_entry_already_has(entry_in: Any, author: Any) -> None:
    entry = entry_in(S.DRAFT)
    Category.objects.filter(pk=entry.category_id).update(is_active=False)
    updated = services.obstacle_update(
        obstacle=entry,
        actor=author,
        expected_version=entry.version,
        data={"category": Category.objects.get(pk=entry.category_id), "title": "Ny"},
    )
    assert updated.category_id == entry.category_id


# --- Reviewer notes -----------------------------------------------------------------------------


def test_reviewers_leave_private_notes_and_a_double_submit_keeps_one(
    entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    first = services.reviewer_note_add(obstacle=entry, reviewer=reviewer, text=" Liknar #12. ")
    again = services.reviewer_note_add(obstacle=entry, reviewer=reviewer, text="Liknar #12.")
    services.reviewer_note_add(obstacle=entry, reviewer=other_reviewer, text="Håller med.")
    assert first.pk == again.pk and first.text == "Liknar #12."
    assert list(entry.reviewer_notes.values_list("text", flat=True)) == [
        "Liknar #12.",
        "Håller med.",
    ]


def test_a_note_needs_text_and_a_reviewer(
    entry_in: Any, reviewer: Any, author: Any, stranger: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    with pytest.raises(ValidationError) as empty:
        services.reviewer_note_add(obstacle=entry, reviewer=reviewer, text="  ")
    assert "text" in empty.value.message_dict
    with pytest.raises(ValidationError) as long:
        services.reviewer_note_add(obstacle=entry, reviewer=reviewer, text="x" * 5001)
    assert "text" in long.value.message_dict
    for someone in (author, stranger):
        with pytest.raises(PermissionDenied):
            services.reviewer_note_add(obstacle=entry, reviewer=someone, text="Hej")
    assert not entry.reviewer_notes.exists()


def test_no_notes_on_someone_elses_draft(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.reviewer_note_add(obstacle=entry, reviewer=reviewer, text="Hej")
