"""Writing an entry: authors create drafts and edit them; reviewers correct entries."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.selectors import user_memberships
from portal.core.audit import audit_record
from portal.core.concurrency import ConcurrentEditError, versioned_update
from portal.core.idempotency import created_before, form_token

from ...models import Obstacle
from ...permissions.entries import can_edit_obstacle, claimed_by_other, is_obstacle_reviewer
from ...workflow import AWAITING_REVIEW, ObstacleStatus
from ._common import _lock, _signed_in, taken_message
from .data import clean_entry_data


@transaction.atomic
def obstacle_create(*, author: Any, data: dict[str, Any]) -> Obstacle:
    """Anyone signed in writes a draft entry; its organisation is the author's first one.

    `data` holds the ENTRY_FIELDS (formatted text is sanitised here) and optionally
    `client_token`: the same author sending the same token again gets the first entry back.
    """
    if not _signed_in(author):
        raise PermissionDenied
    token = form_token(data.get("client_token"), limit=100)
    existing = created_before(Obstacle, actor=author, action="obstacle.create", client_token=token)
    if existing is not None:
        return existing
    fields, actors = clean_entry_data(data)
    memberships = user_memberships(author)
    obstacle = Obstacle.objects.create(
        author=author,
        organisation=memberships[0].organisation if memberships else None,
        status=ObstacleStatus.DRAFT,
        **fields,
    )
    if actors:
        obstacle.actors.set(actors)
    audit_record(
        actor=author,
        action="obstacle.create",
        target=obstacle,
        data={"client_token": token} if token else {},
    )
    return obstacle


def _refuse_edit(actor: Any, obstacle: Obstacle) -> None:
    """Why `actor` may not edit `obstacle` now, as the clearest error we can give them."""
    if obstacle.status in AWAITING_REVIEW and is_obstacle_reviewer(actor):
        if claimed_by_other(actor, obstacle):
            raise ValidationError(taken_message(obstacle))
        raise ValidationError(_("Take the entry for review before you change it."))
    is_author = _signed_in(actor) and obstacle.author_id == actor.pk
    if is_author or (obstacle.status != ObstacleStatus.DRAFT and is_obstacle_reviewer(actor)):
        raise ValidationError(
            _("An entry that is “%(status)s” can no longer be changed.")
            % {"status": obstacle.get_status_display()}
        )
    raise PermissionDenied


@transaction.atomic
def obstacle_update(
    *, obstacle: Obstacle, actor: Any, expected_version: int, data: dict[str, Any]
) -> Obstacle:
    """The author edits a draft or an entry sent back for changes; the reviewer holding the
    claim edits one waiting for review; reviewers correct published entries.

    A stale `expected_version` raises ConcurrentEditError (nobody's edit is silently lost);
    an entry the actor may not edit now raises ValidationError saying why.
    """
    locked = _lock(obstacle)
    if not can_edit_obstacle(actor, locked):
        _refuse_edit(actor, locked)
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    fields, actors = clean_entry_data(data, current=locked)
    updated = versioned_update(instance=locked, expected_version=expected_version, changes=fields)
    if actors is not None:
        updated.actors.set(actors)
    changed = sorted([*fields.keys(), *(["actors"] if actors is not None else [])])
    audit_record(actor=actor, action="obstacle.update", target=updated, data={"fields": changed})
    return updated
