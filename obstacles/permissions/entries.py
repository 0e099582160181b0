"""Who may see and do what with obstacle entries. Predicates never write.

State first, then role: a predicate answers False for a move the workflow does not allow from
the entry's status, whoever asks. Fetchers answer 404 for missing and forbidden entries alike.

- Everyone (anonymous too) sees published entries.
- An author sees their own entries in every state.
- Obstacle reviewers (and portal admins) see every entry except other people's drafts.
- A merged entry is visible to whoever may see the entry it was merged into, so its old address
  can redirect there.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.accounts.permissions import is_portal_admin
from portal.accounts.roles import Role
from portal.accounts.selectors import user_has_role
from portal.core.security import access_refused

from ..models import Obstacle
from ..workflow import (
    AUTHOR_EDITABLE,
    AUTHOR_MOVES,
    AWAITING_REVIEW,
    OBSTACLE_MOVES,
    ObstacleMove,
    ObstacleStatus,
    obstacle_move_allowed,
)

# How many merges a redirect follows at most (merging re-points earlier merges, so one is usual).
MAX_MERGE_HOPS = 5

# States from which some reviewer move exists: the ones a reviewer may take.
CLAIMABLE = frozenset(
    status
    for move, (sources, _target) in OBSTACLE_MOVES.items()
    if move not in AUTHOR_MOVES
    for status in sources
)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


def _is_author(user: Any, obstacle: Obstacle) -> bool:
    return _signed_in(user) and obstacle.author_id is not None and obstacle.author_id == user.pk


def is_obstacle_reviewer(user: Any) -> bool:
    """Obstacle reviewers (role `obstacle_reviewer`) and portal admins review entries."""
    if not _signed_in(user):
        return False
    return user_has_role(user, Role.OBSTACLE_REVIEWER) or is_portal_admin(user)


def obstacles_visible_to(user: Any) -> QuerySet[Obstacle]:
    """Entries the user may open: published ones for everyone; the user's own in every state;
    for reviewers every entry except other people's drafts."""
    qs = Obstacle.objects.all()
    if not _signed_in(user):
        return qs.filter(status=ObstacleStatus.PUBLISHED)
    if is_obstacle_reviewer(user):
        return qs.filter(~Q(status=ObstacleStatus.DRAFT) | Q(author_id=user.pk))
    return qs.filter(Q(status=ObstacleStatus.PUBLISHED) | Q(author_id=user.pk))


def _may_see_row(user: Any, obstacle: Obstacle) -> bool:
    """`obstacles_visible_to` for one row already loaded (no query)."""
    if obstacle.status == ObstacleStatus.PUBLISHED or _is_author(user, obstacle):
        return True
    return obstacle.status != ObstacleStatus.DRAFT and is_obstacle_reviewer(user)


def surviving_entry(obstacle: Obstacle) -> Obstacle | None:
    """The entry a merged one lives on in (following at most MAX_MERGE_HOPS merges), or None
    when the chain is broken (the target was deleted) or loops."""
    current = obstacle
    seen = {obstacle.pk}
    for _hop in range(MAX_MERGE_HOPS):
        if current.status != ObstacleStatus.MERGED:
            return current
        target = current.merged_into
        if target is None or target.pk in seen:
            return None
        seen.add(target.pk)
        current = target
    return None if current.status == ObstacleStatus.MERGED else current


def can_view_obstacle(user: Any, obstacle: Obstacle) -> bool:
    """The row rule of `obstacles_visible_to`; a merged entry also to those who may see the
    entry it was merged into (its old address redirects there)."""
    if _may_see_row(user, obstacle):
        return True
    if obstacle.status != ObstacleStatus.MERGED:
        return False
    survivor = surviving_entry(obstacle)
    return survivor is not None and _may_see_row(user, survivor)


def get_obstacle_for_user_or_404(user: Any, pk: Any) -> Obstacle:
    """The entry if the user may see it; 404 for missing and forbidden alike.

    Merged entries come back too (for those who may see the surviving entry): the caller
    redirects to `obstacle.merged_into`.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    obstacle = (
        Obstacle.objects.select_related(
            "category", "region", "author", "organisation", "claimed_by", "merged_into"
        )
        .filter(pk=pk)
        .first()
    )
    if obstacle is None:
        raise Http404
    if not can_view_obstacle(user, obstacle):
        access_refused("obstacle", pk, user=user)
        raise Http404
    return obstacle


def claim_is_active(obstacle: Obstacle, *, now: dt.datetime | None = None) -> bool:
    """A reviewer's claim holds for settings.OBSTACLE_CLAIM_MINUTES after it was taken; an
    older claim counts as released."""
    if obstacle.claimed_by_id is None or obstacle.claimed_at is None:
        return False
    now = now or timezone.now()
    return now - obstacle.claimed_at < dt.timedelta(minutes=settings.OBSTACLE_CLAIM_MINUTES)


def claimed_by_other(user: Any, obstacle: Obstacle) -> bool:
    """Another reviewer holds an active claim on the entry: this user must not act on it now."""
    if not claim_is_active(obstacle):
        return False
    return obstacle.claimed_by_id != getattr(user, "pk", None)


def can_edit_obstacle(user: Any, obstacle: Obstacle) -> bool:
    """Who may change the text now:

    - the author while the entry is a draft or changes were requested;
    - a reviewer holding the active claim while the entry is submitted or in review;
    - a reviewer on a published entry (corrections after publication).
    """
    if obstacle.status in AUTHOR_EDITABLE:
        return _is_author(user, obstacle)
    if obstacle.status in AWAITING_REVIEW:
        return (
            is_obstacle_reviewer(user)
            and claim_is_active(obstacle)
            and obstacle.claimed_by_id == user.pk
        )
    if obstacle.status == ObstacleStatus.PUBLISHED:
        return is_obstacle_reviewer(user)
    return False


def can_submit_obstacle(user: Any, obstacle: Obstacle) -> bool:
    """The author submits a draft, or resubmits after a reviewer requested changes."""
    if not obstacle_move_allowed(move=ObstacleMove.SUBMIT, status=obstacle.status):
        return False
    return _is_author(user, obstacle)


def can_review_obstacle(user: Any, obstacle: Obstacle) -> bool:
    """Reviewers open the review page of any entry that left the draft state."""
    if obstacle.status == ObstacleStatus.DRAFT:
        return False
    return is_obstacle_reviewer(user)


def can_move_obstacle(user: Any, obstacle: Obstacle, move: str) -> bool:
    """The move is legal from the entry's status (workflow.OBSTACLE_MOVES) and the user's role
    makes it: the author submits; reviewers make every other move.

    Claims are not part of this answer: see `claimed_by_other` (the move service refuses a
    move on an entry another reviewer holds).
    """
    if move not in OBSTACLE_MOVES:
        return False
    if not obstacle_move_allowed(move=move, status=obstacle.status):
        return False
    if move in AUTHOR_MOVES:
        return _is_author(user, obstacle)
    return is_obstacle_reviewer(user)


def can_claim_obstacle(user: Any, obstacle: Obstacle) -> bool:
    """Reviewers take entries that a reviewer may still move (waiting for review, published or
    withdrawn); the claim itself is refused while another reviewer holds it."""
    if obstacle.status not in CLAIMABLE:
        return False
    return is_obstacle_reviewer(user)


__all__ = [
    "CLAIMABLE",
    "can_claim_obstacle",
    "can_edit_obstacle",
    "can_move_obstacle",
    "can_review_obstacle",
    "can_submit_obstacle",
    "can_view_obstacle",
    "claim_is_active",
    "claimed_by_other",
    "get_obstacle_for_user_or_404",
    "is_obstacle_reviewer",
    "obstacles_visible_to",
    "surviving_entry",
]
