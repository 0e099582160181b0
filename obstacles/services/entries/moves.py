"""Moves through `workflow.OBSTACLE_MOVES`: the author submits; reviewers start a review,
request changes, publish, reject, merge and withdraw."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.concurrency import ConcurrentEditError
from portal.core.notifications import MailKind, notify

from ...models import Obstacle, ObstacleTransition
from ...permissions.entries import can_move_obstacle, can_view_obstacle, claimed_by_other
from ...workflow import (
    AUTHOR_MOVES,
    AWAITING_REVIEW,
    MOVES_NEEDING_REASON,
    OBSTACLE_MOVES,
    ObstacleMove,
    ObstacleStatus,
    obstacle_move_allowed,
    obstacle_move_target,
)
from ..merge import check_merge_target, merge_links
from ._common import REPEAT_WINDOW, _lock, _signed_in, taken_message

# Moves whose outcome the author is told about by mail.
DECISION_MOVES = frozenset(
    {
        ObstacleMove.REQUEST_CHANGES,
        ObstacleMove.PUBLISH,
        ObstacleMove.REJECT,
        ObstacleMove.MERGE,
        ObstacleMove.WITHDRAW,
    }
)


def _lock_for_move(
    obstacle: Obstacle, merge_target: Obstacle | None
) -> tuple[Obstacle, Obstacle | None]:
    """Lock the entry (and the merge target), always in primary-key order: two merges of the
    same pair in opposite directions wait for each other instead of deadlocking."""
    if merge_target is None or merge_target.pk == obstacle.pk:
        return _lock(obstacle), merge_target
    rows = {
        row.pk: row
        for row in Obstacle.objects.select_for_update()
        .filter(pk__in=[obstacle.pk, merge_target.pk])
        .order_by("pk")
    }
    if obstacle.pk not in rows:
        raise Obstacle.DoesNotExist
    return rows[obstacle.pk], rows.get(merge_target.pk)


def _is_repeat(
    locked: Obstacle, *, actor: Any, move: str, expected_version: int | None, target_pk: Any
) -> bool:
    """The same person made this very move a moment ago (a double submit): the form carried
    the version the entry had before that move, or (without a version) it was within
    REPEAT_WINDOW."""
    if locked.status != obstacle_move_target(move):
        return False
    if expected_version is not None and expected_version != locked.version - 1:
        return False
    last = locked.transitions.order_by("-created_at", "-id").first()
    if last is None or last.move != move or last.actor_id != getattr(actor, "pk", None):
        return False
    if move == ObstacleMove.MERGE and last.merged_into_id != target_pk:
        return False
    return expected_version is not None or timezone.now() - last.created_at < REPEAT_WINDOW


def _check_move(locked: Obstacle, *, actor: Any, move: str, reason: str) -> None:
    if not obstacle_move_allowed(move=move, status=locked.status):
        raise ValidationError(
            _("An entry that is “%(status)s” cannot be moved that way (%(move)s).")
            % {"status": locked.get_status_display(), "move": ObstacleMove(move).label}
        )
    if not can_move_obstacle(actor, locked, move):
        raise PermissionDenied
    if move not in AUTHOR_MOVES and claimed_by_other(actor, locked):
        raise ValidationError(taken_message(locked))
    if move in MOVES_NEEDING_REASON and not reason:
        raise ValidationError({"reason": _("Give a reason: the author will read it.")})


def _apply_move(
    locked: Obstacle,
    *,
    actor: Any,
    move: str,
    reason: str = "",
    target: Obstacle | None = None,
) -> Obstacle:
    """Change the status and what goes with it, keep the transition and the audit row."""
    previous = locked.status
    to_status = obstacle_move_target(move)
    now = timezone.now()
    changes: dict[str, Any] = {"status": to_status}
    if move == ObstacleMove.SUBMIT:
        changes.update(submitted_at=now, decision_reason="")
    elif move in DECISION_MOVES:
        changes["decision_reason"] = reason
    if move == ObstacleMove.PUBLISH and locked.published_at is None:
        # A republished entry keeps the date it was first published.
        changes["published_at"] = now
    if move == ObstacleMove.MERGE:
        changes["merged_into"] = target
    # Starting a review takes the entry; every other move ends the work on it.
    if to_status in AWAITING_REVIEW and move != ObstacleMove.SUBMIT:
        changes.update(claimed_by=actor, claimed_at=now)
    else:
        changes.update(claimed_by=None, claimed_at=None)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*changes.keys(), "version", "updated_at"])
    ObstacleTransition.objects.create(
        obstacle=locked,
        actor=actor if _signed_in(actor) else None,
        move=move,
        from_status=previous,
        to_status=to_status,
        reason=reason,
        merged_into=target,
    )
    details: dict[str, Any] = {"from": previous, "to": to_status}
    if target is not None:
        details["merged_into"] = target.pk
        details["moved"] = merge_links(source=locked, target=target)
    audit_record(actor=actor, action=f"obstacle.{move}", target=locked, reason=reason, data=details)
    return locked


def _tell_author(
    obstacle: Obstacle, *, actor: Any, move: str, previous: str, target: Obstacle | None
) -> None:
    """The author reads each reviewer decision in their own language, after the commit.

    A merge names the entry it was merged into only when the author may see that entry: one
    still waiting for review is someone else's unpublished text (its title and number too).
    """
    author = obstacle.author
    if move not in DECISION_MOVES or author is None or author.pk == getattr(actor, "pk", None):
        return
    target_visible = target is not None and can_view_obstacle(author, target)
    notify(
        users=[author],
        template=f"obstacles/mail/obstacle_{move}",
        context={
            "obstacle": obstacle,
            "reason": obstacle.decision_reason,
            "target": target if target_visible else None,
            "republished": previous == ObstacleStatus.WITHDRAWN,
        },
        kind=MailKind.OBSTACLE_DECISION,
    )


@transaction.atomic
def obstacle_move(
    *,
    obstacle: Obstacle,
    actor: Any,
    move: str,
    expected_version: int | None = None,
    reason: str = "",
    merge_target: Obstacle | None = None,
) -> Obstacle:
    """The one way an entry changes state (workflow.OBSTACLE_MOVES).

    Refused with a translated ValidationError: a move the status does not allow, a missing
    reason (request changes, reject, withdraw), a bad merge target, an entry another reviewer
    holds. PermissionDenied: the actor's role does not make this move (authors submit,
    reviewers make the others). ConcurrentEditError: `expected_version` is stale.

    A reviewer starting a review takes the entry (the claim); every other move releases it.
    Merging moves endorsements, partnership notes, mitigation and article links to the target
    (see `merge.merge_links`). The author is told of each decision by mail after the commit.
    """
    if move not in OBSTACLE_MOVES:
        raise ValidationError(_("Unknown move."))
    reason = (reason or "").strip()
    locked, target = _lock_for_move(obstacle, merge_target if move == ObstacleMove.MERGE else None)
    if _is_repeat(
        locked,
        actor=actor,
        move=move,
        expected_version=expected_version,
        target_pk=getattr(merge_target, "pk", None),
    ):
        return locked
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    _check_move(locked, actor=actor, move=move, reason=reason)
    if move == ObstacleMove.MERGE:
        check_merge_target(source=locked, target=target)
    previous = locked.status
    moved = _apply_move(locked, actor=actor, move=move, reason=reason, target=target)
    _tell_author(moved, actor=actor, move=move, previous=previous, target=target)
    return moved
