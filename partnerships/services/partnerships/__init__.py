"""Every write to a running partnership: creation, moves through the Co-sharing steps, parties,
checklist ticks, gate approvals, documents, messages and obstacle notes.

Each service checks the actor's right itself (services are also called from the admin, commands
and tasks), locks the partnership row, records a timeline event and an audit row, touches
`last_activity_at` and tells the people concerned after commit.

The parts, all importable from here:

- `create`: starting a partnership (from an accepted proposal or without one) on its region's
  process template.
- `moves`: advance, move back, pause, resume and close.
- `gates`: what blocks a move (required checklist items, the gate), checklist ticks, gate
  approvals and telling the approvers when a gate waits for them.
- `parties`: parties and the people named for them.
- `contributions`: documents, discussion messages and obstacle notes.
- `_common`: the shared helpers (actor checks, the row lock, timeline events, who is told).
"""

from ._common import party_people, region_people
from .contributions import document_add, message_post, obstacle_note_add
from .create import (
    DEFAULT_FAMILY,
    partnership_create,
    partnership_create_from_proposal,
    template_for_region,
)
from .gates import (
    advance_blockers,
    checklist_set,
    gate_approve,
    gate_description,
    gate_met,
    missing_required_items,
)
from .moves import (
    CLOSING_ACTIONS,
    EVENT_FOR_ACTION,
    partnership_advance,
    partnership_close,
    partnership_move_back,
    partnership_pause,
    partnership_resume,
    partnership_set_status,
)
from .parties import party_add, party_member_add, party_member_remove

__all__ = [
    "CLOSING_ACTIONS",
    "DEFAULT_FAMILY",
    "EVENT_FOR_ACTION",
    "advance_blockers",
    "checklist_set",
    "document_add",
    "gate_approve",
    "gate_description",
    "gate_met",
    "message_post",
    "missing_required_items",
    "obstacle_note_add",
    "partnership_advance",
    "partnership_close",
    "partnership_create",
    "partnership_create_from_proposal",
    "partnership_move_back",
    "partnership_pause",
    "partnership_resume",
    "partnership_set_status",
    "party_add",
    "party_member_add",
    "party_member_remove",
    "party_people",
    "region_people",
    "template_for_region",
]
