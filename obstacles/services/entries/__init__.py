"""Writes for obstacle entries: create, edit, every move of `workflow.OBSTACLE_MOVES`, reviewer
claims and reviewer notes.

Every write runs in one transaction, locks the entry row (SELECT ... FOR UPDATE), writes an audit
row and tells people by mail only after the commit (`portal.core.notifications.notify`). Moves
go through `obstacle_move` alone: it checks the workflow table, the role, the reviewer's claim
and the reason, bumps the version (a form holding the old one gets a conflict, not a silent
overwrite) and keeps an `ObstacleTransition` row (who, when, from, to, why).

Double submits:
- `obstacle_create` with a `client_token` in `data`: the same author sending the same token
  again gets the entry the first request created. The token is kept in the create audit row
  (`AuditEvent.data["client_token"]`); concurrent requests of one author are serialised by a
  lock on the author's user row, so the second one sees the first one's row.
- `obstacle_move`: the same person making the same move again (a double click: carrying the
  version the entry had before the first one, or without a version within a minute) gets the
  moved entry back, with no second transition and no second mail.
- `reviewer_note_add`: the same note from the same reviewer within a minute is kept once.

The parts:
- `data`: `clean_entry_data`, `default_step_keys` (`ENTRY_FIELDS`, `RICH_TEXT_FIELDS`);
- `drafts`: `obstacle_create`, `obstacle_update`;
- `moves`: `obstacle_move` (`DECISION_MOVES`), merging in `obstacles.services.merge`;
- `claims`: `obstacle_claim`, `obstacle_release`;
- `notes`: `reviewer_note_add`;
- `_common`: the row lock and `taken_message`.
"""

from ._common import REPEAT_WINDOW, taken_message
from .claims import obstacle_claim, obstacle_release
from .data import ENTRY_FIELDS, RICH_TEXT_FIELDS, clean_entry_data, default_step_keys
from .drafts import obstacle_create, obstacle_update
from .moves import DECISION_MOVES, obstacle_move
from .notes import NOTE_MAX_LENGTH, reviewer_note_add

__all__ = [
    "DECISION_MOVES",
    "ENTRY_FIELDS",
    "NOTE_MAX_LENGTH",
    "REPEAT_WINDOW",
    "RICH_TEXT_FIELDS",
    "clean_entry_data",
    "default_step_keys",
    "obstacle_claim",
    "obstacle_create",
    "obstacle_move",
    "obstacle_release",
    "obstacle_update",
    "reviewer_note_add",
    "taken_message",
]
