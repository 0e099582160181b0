"""The lifecycles in Co-sharing: states and the legal moves between them, as data.

One service performs each move (see `services/`): it locks the row, checks the move here, checks
the rule that guards it (call still open, checklist complete, gate approved), records who did it
and why, and tells the people concerned after commit.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    DECLINED = "declined", _("Declined")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProposalAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    DECLINE = "decline", _("Decline")
    ACCEPT = "accept", _("Accept")
    WITHDRAW = "withdraw", _("Withdraw")


# (from, action) -> to. The company submits, resubmits and withdraws; the region's coordinators
# request changes, decline and accept. Declined, accepted and withdrawn are final.
PROPOSAL_MOVES: dict[tuple[str, str], str] = {
    (ProposalStatus.DRAFT, ProposalAction.SUBMIT): ProposalStatus.SUBMITTED,
    (ProposalStatus.CHANGES_REQUESTED, ProposalAction.SUBMIT): ProposalStatus.SUBMITTED,
    (ProposalStatus.SUBMITTED, ProposalAction.REQUEST_CHANGES): ProposalStatus.CHANGES_REQUESTED,
    (ProposalStatus.SUBMITTED, ProposalAction.DECLINE): ProposalStatus.DECLINED,
    (ProposalStatus.SUBMITTED, ProposalAction.ACCEPT): ProposalStatus.ACCEPTED,
    (ProposalStatus.DRAFT, ProposalAction.WITHDRAW): ProposalStatus.WITHDRAWN,
    (ProposalStatus.SUBMITTED, ProposalAction.WITHDRAW): ProposalStatus.WITHDRAWN,
    (ProposalStatus.CHANGES_REQUESTED, ProposalAction.WITHDRAW): ProposalStatus.WITHDRAWN,
}

# The company may edit the text of a proposal in these states only.
PROPOSAL_EDITABLE = frozenset({ProposalStatus.DRAFT, ProposalStatus.CHANGES_REQUESTED})
PROPOSAL_FINAL = frozenset(
    {ProposalStatus.DECLINED, ProposalStatus.ACCEPTED, ProposalStatus.WITHDRAWN}
)


def proposal_next_status(current: str, action: str) -> str | None:
    """The status `action` leads to from `current`, or None when the move is not allowed."""
    return PROPOSAL_MOVES.get((current, action))


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PartnershipAction(models.TextChoices):
    ADVANCE = "advance", _("Move to the next step")
    MOVE_BACK = "move_back", _("Move back a step")
    PAUSE = "pause", _("Pause")
    RESUME = "resume", _("Resume")
    COMPLETE = "complete", _("Close as completed")
    STOP = "stop", _("Close as stopped")
    WITHDRAW = "withdraw", _("Close as withdrawn")


# (from, action) -> to. Advancing and moving back keep the partnership active (the step changes);
# completing requires the last step's checklist and gate, like advancing does.
PARTNERSHIP_MOVES: dict[tuple[str, str], str] = {
    (PartnershipStatus.ACTIVE, PartnershipAction.ADVANCE): PartnershipStatus.ACTIVE,
    (PartnershipStatus.ACTIVE, PartnershipAction.MOVE_BACK): PartnershipStatus.ACTIVE,
    (PartnershipStatus.ACTIVE, PartnershipAction.PAUSE): PartnershipStatus.PAUSED,
    (PartnershipStatus.PAUSED, PartnershipAction.RESUME): PartnershipStatus.ACTIVE,
    (PartnershipStatus.ACTIVE, PartnershipAction.COMPLETE): PartnershipStatus.COMPLETED,
    (PartnershipStatus.ACTIVE, PartnershipAction.STOP): PartnershipStatus.STOPPED,
    (PartnershipStatus.PAUSED, PartnershipAction.STOP): PartnershipStatus.STOPPED,
    (PartnershipStatus.ACTIVE, PartnershipAction.WITHDRAW): PartnershipStatus.WITHDRAWN,
    (PartnershipStatus.PAUSED, PartnershipAction.WITHDRAW): PartnershipStatus.WITHDRAWN,
}

PARTNERSHIP_OPEN = frozenset({PartnershipStatus.ACTIVE, PartnershipStatus.PAUSED})
# Moves that must carry a reason.
PARTNERSHIP_REASON_REQUIRED = frozenset(
    {
        PartnershipAction.MOVE_BACK,
        PartnershipAction.PAUSE,
        PartnershipAction.COMPLETE,
        PartnershipAction.STOP,
        PartnershipAction.WITHDRAW,
    }
)


def partnership_next_status(current: str, action: str) -> str | None:
    """The status `action` leads to from `current`, or None when the move is not allowed."""
    return PARTNERSHIP_MOVES.get((current, action))


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Being drafted")
    IN_FORCE = "in_force", _("In force")
