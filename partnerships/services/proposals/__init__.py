"""Writes for proposals, their attachments and their reviews.

Every move locks the proposal, checks `workflow.PROPOSAL_MOVES` and the rule that guards it, bumps
the version (so an editor holding the old one gets a conflict, not a silent overwrite), writes an
audit row and tells the people concerned after commit.

The parts:
- `drafts`: `proposal_create_draft`, `proposal_update`, `proposal_autosave` (`EDITABLE_FIELDS`);
- `moves`: `proposal_submit`, `proposal_withdraw`, `proposal_request_changes`,
  `proposal_decline`, `proposal_accept` (`REQUIRED_TO_SUBMIT`);
- `attachments`: `attachment_add`, `attachment_remove` (`MAX_ATTACHMENTS`, `MAX_ATTACHMENT_SIZE`);
- `reviews`: `review_assign`, `review_save`, `review_submit`;
- `_common`: helpers the writes share (membership, row lock) and `region_coordinators`,
  `organisation_people`.
"""

from ._common import organisation_people, region_coordinators
from .attachments import MAX_ATTACHMENT_SIZE, MAX_ATTACHMENTS, attachment_add, attachment_remove
from .drafts import EDITABLE_FIELDS, proposal_autosave, proposal_create_draft, proposal_update
from .moves import (
    REQUIRED_TO_SUBMIT,
    proposal_accept,
    proposal_decline,
    proposal_request_changes,
    proposal_submit,
    proposal_withdraw,
)
from .reviews import review_assign, review_save, review_submit

__all__ = [
    "EDITABLE_FIELDS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_SIZE",
    "REQUIRED_TO_SUBMIT",
    "attachment_add",
    "attachment_remove",
    "organisation_people",
    "proposal_accept",
    "proposal_autosave",
    "proposal_create_draft",
    "proposal_decline",
    "proposal_request_changes",
    "proposal_submit",
    "proposal_update",
    "proposal_withdraw",
    "region_coordinators",
    "review_assign",
    "review_save",
    "review_submit",
]
