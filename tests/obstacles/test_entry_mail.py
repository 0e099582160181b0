"""Authors are told of each reviewer decision by mail, in their own language, after the commit."""

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from obstacles.models import Obstacle
from obstacles.services import entries as services
from obstacles.workflow import ObstacleMove, ObstacleStatus
from portal.core.notifications import MailKind
from tests.factories_obstacles import make_reviewer

from .test_entry_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

S, M = ObstacleStatus, ObstacleMove

TITLE = "Journalsystemet saknar öppna gränssnitt"

# move, from status, reason, English subject
DECISIONS = [
    (M.REQUEST_CHANGES, S.IN_REVIEW, "Lägg till en källa.", f"Changes requested: {TITLE}"),
    (M.PUBLISH, S.IN_REVIEW, "Tack, tydligt beskrivet.", f"Published: {TITLE}"),
    (M.PUBLISH, S.WITHDRAWN, "", f"Published again: {TITLE}"),
    (M.REJECT, S.SUBMITTED, "Det här är inte ett hinder.", f"Not published: {TITLE}"),
    (M.WITHDRAW, S.PUBLISHED, "Lagen har ändrats.", f"Withdrawn from the compilation: {TITLE}"),
    (M.MERGE, S.PUBLISHED, "Samma som det äldre.", f"Merged with an existing entry: {TITLE}"),
]


def _decide(
    entry: Obstacle, move: str, reviewer: Any, reason: str, target: Obstacle | None
) -> Obstacle:
    return services.obstacle_move(
        obstacle=entry,
        actor=reviewer,
        move=move,
        reason=reason,
        merge_target=target if move == M.MERGE else None,
    )


@pytest.mark.parametrize(("move", "status", "reason", "subject"), DECISIONS)
def test_the_author_is_told_of_each_decision_after_the_commit(
    move: str,
    status: str,
    reason: str,
    subject: str,
    entry_in: Any,
    author: Any,
    reviewer: Any,
    survivor: Obstacle,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = entry_in(status, title=TITLE)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as pending:
        _decide(entry, move, reviewer, reason, survivor)
        assert mailoutbox == []  # nothing leaves before the commit
    for callback in pending:
        callback()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [author.email]
    assert message.subject == subject
    assert message.body.startswith("Hello Kim,")
    if reason:
        assert reason in message.body
    link = {
        M.REQUEST_CHANGES: reverse("obstacles:edit", args=[entry.pk]),
        M.MERGE: survivor.get_absolute_url(),
    }.get(move, entry.get_absolute_url())
    assert f"{settings.PORTAL_SITE_URL}{link}\n" in message.body


def test_a_swedish_author_reads_the_decision_in_swedish(
    entry_in: Any,
    author: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    author.preferred_language = "sv"
    author.save(update_fields=["preferred_language"])
    entry = entry_in(S.IN_REVIEW, title=TITLE)

    with django_capture_on_commit_callbacks(execute=True):
        services.obstacle_move(
            obstacle=entry, actor=reviewer, move=M.REQUEST_CHANGES, reason="Lägg till en källa."
        )

    (message,) = mailoutbox
    assert message.subject == f"Ändringar begärda: {TITLE}"
    assert message.body.startswith("Hej Kim,")
    assert "Granskarens meddelande:\nLägg till en källa." in message.body
    assert "Redigera hindret och skicka in det igen här:" in message.body


def test_an_english_author_reads_the_decision_in_english_whatever_the_reviewer_uses(
    entry_in: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    reviewer.preferred_language = "sv"
    reviewer.save(update_fields=["preferred_language"])
    entry = entry_in(S.SUBMITTED, title=TITLE)

    with django_capture_on_commit_callbacks(execute=True):
        services.obstacle_move(obstacle=entry, actor=reviewer, move=M.REJECT, reason="Nej.")

    (message,) = mailoutbox
    assert message.subject == f"Not published: {TITLE}"
    assert "The reviewer's reason:\nNej." in message.body


@pytest.mark.parametrize("move", [M.SUBMIT, M.START_REVIEW])
def test_submitting_and_starting_a_review_send_the_author_nothing(
    move: str,
    entry_in: Any,
    author: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = entry_in(S.DRAFT if move == M.SUBMIT else S.SUBMITTED)
    actor = author if move == M.SUBMIT else reviewer
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.obstacle_move(obstacle=entry, actor=actor, move=move)
    assert moved.status in {S.SUBMITTED, S.IN_REVIEW}
    assert mailoutbox == []


def test_a_move_rolled_back_tells_nobody(
    entry_in: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = entry_in(S.IN_REVIEW)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.obstacle_move(obstacle=entry, actor=reviewer, move=M.PUBLISH)
        raise RuntimeError("something later in the same request failed")
    assert mailoutbox == []
    assert Obstacle.objects.get(pk=entry.pk).status == S.IN_REVIEW


def test_a_refused_move_tells_nobody(
    entry_in: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = entry_in(S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.obstacle_move(obstacle=entry, actor=reviewer, move=M.REJECT, reason="")
    assert mailoutbox == []


def test_a_reviewer_deciding_on_their_own_entry_gets_no_mail_about_it(
    entry_in: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    writer = make_reviewer(email="skribent@granskning.example.se")
    entry = entry_in(S.SUBMITTED, by=writer)
    with django_capture_on_commit_callbacks(execute=True):
        services.obstacle_move(obstacle=entry, actor=writer, move=M.PUBLISH)
    assert mailoutbox == []


def test_an_author_who_switched_decision_mail_off_gets_none(
    entry_in: Any,
    author: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    author.muted_mail = [MailKind.OBSTACLE_DECISION.value]
    author.save(update_fields=["muted_mail"])
    entry = entry_in(S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.obstacle_move(obstacle=entry, actor=reviewer, move=M.PUBLISH)
    assert mailoutbox == []


def test_a_double_submitted_decision_sends_one_mail(
    entry_in: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = entry_in(S.IN_REVIEW)
    seen = entry.version
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            services.obstacle_move(
                obstacle=entry, actor=reviewer, move=M.PUBLISH, expected_version=seen
            )
    assert len(mailoutbox) == 1
