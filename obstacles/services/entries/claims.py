"""Reviewers take an entry while they work on it, so two never act on it unknowingly."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record

from ...models import Obstacle
from ...permissions.entries import (
    CLAIMABLE,
    claim_is_active,
    claimed_by_other,
    is_obstacle_reviewer,
)
from ...workflow import ObstacleMove, ObstacleStatus
from ._common import _lock, taken_message
from .moves import _apply_move


@transaction.atomic
def obstacle_claim(*, obstacle: Obstacle, reviewer: Any) -> Obstacle:
    """A reviewer takes the entry (or refreshes their own claim) so others see it is taken.

    Taking a submitted entry starts its review (the START_REVIEW move). Refused with the name
    of the holder while another reviewer's claim is active; a lapsed claim is simply taken over.
    """
    locked = _lock(obstacle)
    if locked.status not in CLAIMABLE:
        raise ValidationError(
            _("An entry that is “%(status)s” has nothing left to review.")
            % {"status": locked.get_status_display()}
        )
    if not is_obstacle_reviewer(reviewer):
        raise PermissionDenied
    if claimed_by_other(reviewer, locked):
        raise ValidationError(taken_message(locked))
    if locked.status == ObstacleStatus.SUBMITTED:
        return _apply_move(locked, actor=reviewer, move=ObstacleMove.START_REVIEW)
    refresh = locked.claimed_by_id == reviewer.pk and claim_is_active(locked)
    locked.claimed_by = reviewer
    locked.claimed_at = timezone.now()
    # Not a change of the text: the version stays, so open edit forms stay valid.
    locked.save(update_fields=["claimed_by", "claimed_at"])
    audit_record(actor=reviewer, action="obstacle.claim", target=locked, data={"refresh": refresh})
    return locked


@transaction.atomic
def obstacle_release(*, obstacle: Obstacle, reviewer: Any) -> None:
    """A reviewer hands the entry back. Another reviewer's active claim is theirs to release
    (refused with their name); a lapsed claim is cleared by anyone reviewing."""
    locked = _lock(obstacle)
    if not is_obstacle_reviewer(reviewer):
        raise PermissionDenied
    if locked.claimed_by_id is None:
        return
    if claimed_by_other(reviewer, locked):
        raise ValidationError(taken_message(locked))
    holder = locked.claimed_by_id
    locked.claimed_by = None
    locked.claimed_at = None
    locked.save(update_fields=["claimed_by", "claimed_at"])
    audit_record(actor=reviewer, action="obstacle.release", target=locked, data={"holder": holder})
