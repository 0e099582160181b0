"""Writes for mitigations: how someone got past one or more published obstacles.

Anyone signed in submits a mitigation; an obstacle reviewer publishes or rejects it (with a
reason the author sees) and may withdraw a published one (with a reason). Every write locks the
row, checks the move against `workflow.MITIGATION_MOVES`, writes an audit row and tells the
author of each decision by mail after the commit, in their language.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.permissions import partnerships_visible_to
from portal.core.concurrency import ConcurrentEditError
from portal.core.idempotency import created_before, form_token

from ..models import Mitigation, Obstacle
from ..models.obstacles import CONTENT_LANGUAGES
from ..permissions.entries import is_obstacle_reviewer
from ..permissions.knowledge import (
    can_edit_mitigation,
    can_submit_mitigation,
)
from ..sanitize import as_rich_text, single_line
from ..workflow import MITIGATION_MOVES, MitigationStatus, ObstacleStatus
from ._reviewed import (
    create_linked,
    linkable_obstacles,
    lock,
    lock_for_move,
    relink,
    require_obstacles,
    save_move,
    update_linked,
)

MITIGATION_FIELDS = ("title", "description", "region", "partnership", "language")
MOVES_NEEDING_REASON = frozenset({"reject", "withdraw"})
# The mail each decision sends the author: obstacles/mail/mitigation_<name>_{subject,body}.txt
DECISION_MAIL = {"publish": "published", "reject": "rejected", "withdraw": "withdrawn"}


# --- Validation ------------------------------------------------------------------------------


def _clean_fields(
    *, author: Any, data: dict[str, Any], current: Mitigation | None
) -> dict[str, Any]:
    """The mitigation's own fields from `data`: text sanitised, the partnership checked."""

    fields = {key: data[key] for key in MITIGATION_FIELDS if key in data}
    errors: dict[str, str] = {}
    if "title" in fields:
        fields["title"] = single_line(str(fields["title"] or ""))
        if not fields["title"]:
            errors["title"] = _("Give the solution a title.")
    if "description" in fields:
        fields["description"] = as_rich_text(fields["description"])
        if not fields["description"]:
            errors["description"] = _("Describe what worked.")
    if "language" in fields and fields["language"] not in dict(CONTENT_LANGUAGES):
        errors["language"] = _("Choose Swedish or English.")
    partnership = fields.get("partnership")
    if partnership is not None:
        # Only a partnership the author may open can be named (a reviewer editing someone
        # else's mitigation keeps the one the author named).
        newly_named = current is None or partnership.pk != current.partnership_id
        if newly_named and not partnerships_visible_to(author).filter(pk=partnership.pk).exists():
            errors["partnership"] = _("Choose a partnership you take part in.")
        if "region" in fields and fields["region"] is None:
            # The region where it worked is the partnership's, unless another one was given.
            fields["region"] = partnership.region
    if errors:
        raise ValidationError(errors)
    return fields


# --- Writes -------------------------------------------------------------------------------------


@transaction.atomic
def mitigation_create(
    *, author: Any, obstacles: Iterable[Obstacle], data: dict[str, Any]
) -> Mitigation:
    """Anyone signed in submits a mitigation for one or more published obstacles.

    `data`: title, description (typed text; stored as sanitised HTML), region, partnership (one
    the author may open; its region is used when no region is given), language, and an optional
    `client_token`: the same token again (a double submit) returns the mitigation the first
    request created instead of a second one. The mitigation waits for a reviewer (submitted).
    """
    if not can_submit_mitigation(author):
        raise PermissionDenied
    token = form_token(data.get("client_token"))
    earlier = created_before(
        Mitigation, actor=author, action="mitigation.create", client_token=token
    )
    if earlier is not None:
        return earlier
    linked = linkable_obstacles(require_obstacles(obstacles))
    fields = _clean_fields(author=author, data={"title": "", **data}, current=None)
    if "description" not in fields:
        raise ValidationError({"description": _("Describe what worked.")})
    return create_linked(
        Mitigation,
        author=author,
        action="mitigation.create",
        client_token=token,
        fields={"status": MitigationStatus.SUBMITTED, **fields},
        linked=linked,
    )


@transaction.atomic
def mitigation_update(
    *,
    mitigation: Mitigation,
    actor: Any,
    expected_version: int,
    data: dict[str, Any],
    obstacles: Iterable[Obstacle] | None = None,
) -> Mitigation:
    """The author changes the text until a reviewer decides; reviewers while it waits or is
    published. A stale `expected_version` raises ConcurrentEditError (nobody's edit is lost);
    `obstacles`, when given, replaces the links (published obstacles, or ones already linked).
    """
    locked = lock(mitigation)
    if not can_edit_mitigation(actor, locked):
        if locked.author_id != actor.pk and not is_obstacle_reviewer(actor):
            raise PermissionDenied
        raise ValidationError(_("This solution can no longer be changed."))
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    # A newly named partnership must be one the mitigation's author may open.
    fields = _clean_fields(author=locked.author or actor, data=data, current=locked)
    return update_linked(
        locked,
        actor=actor,
        action="mitigation.update",
        expected_version=expected_version,
        fields=fields,
        linked=relink(locked, obstacles, required=True),
    )


@transaction.atomic
def mitigation_move(
    *,
    mitigation: Mitigation,
    actor: Any,
    move: str,
    expected_version: int | None = None,
    reason: str = "",
) -> Mitigation:
    """A reviewer publishes, rejects (a reason is required) or withdraws (a reason is required)
    a mitigation. Only moves listed in `workflow.MITIGATION_MOVES` from the current status
    happen; a stale `expected_version` raises ConcurrentEditError. Publishing needs at least one
    linked obstacle that is published. The author is told of the decision by mail.
    """
    locked, target = lock_for_move(
        mitigation,
        actor=actor,
        move=move,
        moves=MITIGATION_MOVES,
        expected_version=expected_version,
        not_a_move=_("This is not a move a solution can make."),
        wrong_status=_("The solution is %(status)s: it cannot be moved that way now."),
    )
    reason = (reason or "").strip()
    if move in MOVES_NEEDING_REASON and not reason:
        raise ValidationError({"reason": _("Give a reason: the author will see it.")})
    if move == "publish" and not locked.obstacles.filter(status=ObstacleStatus.PUBLISHED).exists():
        raise ValidationError(
            _("None of the obstacles this solution is for is published: it cannot be shown.")
        )
    changes: dict[str, Any] = {"reviewed_by": actor, "decision_reason": reason}
    if move == "publish":
        changes["published_at"] = timezone.now()
    save_move(
        locked,
        actor=actor,
        move=move,
        target=target,
        changes=changes,
        reason=reason,
        action=f"mitigation.{move}",
        mail_template=f"obstacles/mail/mitigation_{DECISION_MAIL[move]}",
        mail_context={"mitigation": locked},
    )
    return locked
