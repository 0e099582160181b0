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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.permissions import partnerships_visible_to
from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.concurrency import ConcurrentEditError, versioned_update
from portal.core.models import AuditEvent
from portal.core.notifications import MailKind, notify

from ..models import Mitigation, Obstacle
from ..models.obstacles import CONTENT_LANGUAGES
from ..permissions.entries import is_obstacle_reviewer
from ..permissions.knowledge import (
    can_edit_mitigation,
    can_submit_mitigation,
)
from ..sanitize import as_rich_text, single_line
from ..workflow import MITIGATION_MOVES, MitigationStatus, ObstacleStatus

MITIGATION_FIELDS = ("title", "description", "region", "partnership", "language")
MOVES_NEEDING_REASON = frozenset({"reject", "withdraw"})
# The mail each decision sends the author: obstacles/mail/mitigation_<name>_{subject,body}.txt
DECISION_MAIL = {"publish": "published", "reject": "rejected", "withdraw": "withdrawn"}


# --- Double submits ----------------------------------------------------------------------------


def created_with_token(*, actor: Any, action: str, client_token: Any) -> str | None:
    """The id of the row an earlier request of `actor` created with the same form token, if any.

    The token (a hidden field of the "new" form) is kept in the create's audit row. The actor's
    own row is locked first, so two POSTs of the same form at once are serialised: the second
    waits for the first to commit and then finds its audit row. Call inside the transaction.
    """
    token = str(client_token or "").strip()[:64]
    if not token:
        return None
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).first()
    event = (
        AuditEvent.objects.filter(action=action, actor_id=actor.pk, data__client_token=token)
        .order_by("-id")
        .values_list("target_id", flat=True)
        .first()
    )
    return event


# --- Validation ------------------------------------------------------------------------------


def linkable_obstacles(
    obstacles: Iterable[Obstacle], *, keep: Iterable[int] = ()
) -> list[Obstacle]:
    """The obstacles, each checked to be published now, or already linked (`keep`: a link made
    before the obstacle was withdrawn may stay, so saving a text fix never fails on it)."""
    wanted = {o.pk for o in obstacles}
    kept = set(keep) & wanted
    found = list(
        Obstacle.objects.filter(
            Q(pk__in=wanted, status=ObstacleStatus.PUBLISHED) | Q(pk__in=kept)
        ).order_by("pk")
    )
    missing = sorted(wanted - {o.pk for o in found})
    if missing:
        raise ValidationError(
            {
                "obstacles": _(
                    "Only published obstacles can be linked. Not published: %(numbers)s."
                )
                % {"numbers": ", ".join(str(n) for n in missing)}
            }
        )
    return found


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


def _lock(mitigation: Mitigation) -> Mitigation:
    return Mitigation.objects.select_for_update(of=("self",)).get(pk=mitigation.pk)


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
    token = str(data.get("client_token") or "")
    earlier = created_with_token(actor=author, action="mitigation.create", client_token=token)
    if earlier is not None:
        existing = Mitigation.objects.filter(pk=earlier).first()
        if existing is not None:
            return existing
    obstacles = list(obstacles)
    if not obstacles:
        raise ValidationError({"obstacles": _("Name at least one published obstacle.")})
    linked = linkable_obstacles(obstacles)
    fields = _clean_fields(author=author, data={"title": "", **data}, current=None)
    if "description" not in fields:
        raise ValidationError({"description": _("Describe what worked.")})
    mitigation = Mitigation.objects.create(
        author=author, status=MitigationStatus.SUBMITTED, **fields
    )
    mitigation.obstacles.set(linked)
    audit_record(
        actor=author,
        action="mitigation.create",
        target=mitigation,
        data={"client_token": token[:64], "obstacles": [o.pk for o in linked]},
    )
    return mitigation


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
    locked = _lock(mitigation)
    if not can_edit_mitigation(actor, locked):
        if locked.author_id != actor.pk and not is_obstacle_reviewer(actor):
            raise PermissionDenied
        raise ValidationError(_("This solution can no longer be changed."))
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    # A newly named partnership must be one the mitigation's author may open.
    fields = _clean_fields(author=locked.author or actor, data=data, current=locked)
    linked = None
    if obstacles is not None:
        obstacles = list(obstacles)
        if not obstacles:
            raise ValidationError({"obstacles": _("Name at least one published obstacle.")})
        keep = locked.obstacles.values_list("pk", flat=True)
        linked = linkable_obstacles(obstacles, keep=list(keep))
    updated = versioned_update(instance=locked, expected_version=expected_version, changes=fields)
    if linked is not None:
        updated.obstacles.set(linked)
    audit_record(
        actor=actor,
        action="mitigation.update",
        target=updated,
        data={"fields": sorted(fields), "obstacles": [o.pk for o in linked or []]},
    )
    return updated


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
    if not is_obstacle_reviewer(actor):
        raise PermissionDenied
    if move not in MITIGATION_MOVES:
        raise ValidationError(_("This is not a move a solution can make."))
    locked = _lock(mitigation)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    sources, target = MITIGATION_MOVES[move]
    if locked.status not in sources:
        raise ValidationError(
            _("The solution is %(status)s: it cannot be moved that way now.")
            % {"status": locked.get_status_display().lower()}
        )
    reason = (reason or "").strip()
    if move in MOVES_NEEDING_REASON and not reason:
        raise ValidationError({"reason": _("Give a reason: the author will see it.")})
    if move == "publish" and not locked.obstacles.filter(status=ObstacleStatus.PUBLISHED).exists():
        raise ValidationError(
            _("None of the obstacles this solution is for is published: it cannot be shown.")
        )
    from_status = locked.status
    locked.status = target
    locked.reviewed_by = actor
    locked.decision_reason = reason
    update_fields = ["status", "reviewed_by", "decision_reason", "version", "updated_at"]
    if move == "publish":
        locked.published_at = timezone.now()
        update_fields.append("published_at")
    locked.version += 1
    locked.save(update_fields=update_fields)
    audit_record(
        actor=actor,
        action=f"mitigation.{move}",
        target=locked,
        reason=reason,
        data={"from": from_status, "to": target},
    )
    if locked.author is not None and locked.author_id != actor.pk:
        notify(
            users=[locked.author],
            template=f"obstacles/mail/mitigation_{DECISION_MAIL[move]}",
            context={"mitigation": locked, "reason": reason},
            kind=MailKind.OBSTACLE_DECISION,
        )
    return locked
