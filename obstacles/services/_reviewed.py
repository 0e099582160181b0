"""What the writes of reviewed content share: mitigations and knowledge articles (and, for the
row lock, obstacle entries too). The double-submit lookup is `portal.core.idempotency`.

- `lock`: the row, locked for the rest of the transaction.
- `linkable_obstacles` / `relink`: the published obstacles a mitigation or article may link to.
- `create_linked` / `update_linked`: write the row with its obstacle links and the audit row.
- `lock_for_move` / `save_move`: a reviewer's move along a workflow table, audited, and the
  author told by mail.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.concurrency import ConcurrentEditError, versioned_update
from portal.core.models import VersionedModel
from portal.core.notifications import MailKind, notify

from ..models import Obstacle
from ..permissions.entries import is_obstacle_reviewer
from ..workflow import ObstacleStatus

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)


# --- Rows --------------------------------------------------------------------------------------


def lock(instance: M) -> M:
    """`instance` read again with its row locked until the transaction ends."""
    manager: Any = type(instance)._default_manager
    return manager.select_for_update(of=("self",)).get(pk=instance.pk)


# --- Obstacle links ----------------------------------------------------------------------------


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


def require_obstacles(obstacles: Iterable[Obstacle]) -> list[Obstacle]:
    """The obstacles as a list; at least one must be named."""
    named = list(obstacles)
    if not named:
        raise ValidationError({"obstacles": _("Name at least one published obstacle.")})
    return named


def relink(
    locked: Any, obstacles: Iterable[Obstacle] | None, *, required: bool = False
) -> list[Obstacle] | None:
    """The new links of `locked` when `obstacles` is given (None: the links stay as they are).
    Each must be published now or already linked; `required`: at least one."""
    if obstacles is None:
        return None
    named = require_obstacles(obstacles) if required else list(obstacles)
    keep = list(locked.obstacles.values_list("pk", flat=True))
    return linkable_obstacles(named, keep=keep)


# --- Writes ------------------------------------------------------------------------------------


def create_linked(
    model: type[M],
    *,
    author: Any,
    action: str,
    client_token: str,
    fields: Mapping[str, Any],
    linked: list[Obstacle],
) -> M:
    """A new row of `model` by `author` with its obstacle links, audited with the form token."""
    manager: Any = model._default_manager
    instance: Any = manager.create(author=author, **fields)
    instance.obstacles.set(linked)
    audit_record(
        actor=author,
        action=action,
        target=instance,
        data={"client_token": client_token, "obstacles": [o.pk for o in linked]},
    )
    result: M = instance
    return result


def update_linked(
    locked: V,
    *,
    actor: Any,
    action: str,
    expected_version: int,
    fields: dict[str, Any],
    linked: list[Obstacle] | None,
) -> V:
    """Save `fields` on the locked row (stale version: ConcurrentEditError), replace its links
    when `linked` is given, and write the audit row."""
    updated = versioned_update(instance=locked, expected_version=expected_version, changes=fields)
    if linked is not None:
        links: Any = updated
        links.obstacles.set(linked)
    audit_record(
        actor=actor,
        action=action,
        target=updated,
        data={"fields": sorted(fields), "obstacles": [o.pk for o in linked or []]},
    )
    return updated


# --- Reviewer moves ----------------------------------------------------------------------------


def lock_for_move(
    instance: M,
    *,
    actor: Any,
    move: str,
    moves: Mapping[str, tuple[Iterable[str], str]],
    expected_version: int | None,
    not_a_move: str,
    wrong_status: str,
) -> tuple[M, str]:
    """The locked row and the status `move` leads to, after the checks every move makes: the
    actor reviews, the move is in `moves` (else `not_a_move`), the version is current (else
    ConcurrentEditError) and the move starts from the current status (else `wrong_status`,
    with %(status)s)."""
    if not is_obstacle_reviewer(actor):
        raise PermissionDenied
    if move not in moves:
        raise ValidationError(not_a_move)
    locked: Any = lock(instance)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    sources, target = moves[move]
    if locked.status not in sources:
        raise ValidationError(wrong_status % {"status": locked.get_status_display().lower()})
    return locked, target


def save_move(
    locked: Any,
    *,
    actor: Any,
    move: str,
    target: str,
    changes: Mapping[str, Any],
    reason: str,
    action: str,
    mail_template: str,
    mail_context: dict[str, Any],
) -> None:
    """Move the locked row to `target` with `changes`, audit it, and tell its author by mail
    (after the commit) when someone else made the move."""
    from_status = locked.status
    locked.status = target
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=["status", *changes, "version", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        reason=reason,
        data={"from": from_status, "to": target},
    )
    if locked.author is not None and locked.author_id != actor.pk:
        notify(
            users=[locked.author],
            template=mail_template,
            context={**mail_context, "reason": reason},
            kind=MailKind.OBSTACLE_DECISION,
        )
