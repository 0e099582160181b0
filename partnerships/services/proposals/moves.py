"""Moves through `workflow.PROPOSAL_MOVES`: members submit and withdraw; the region's
coordinators ask for changes, decline or accept (which starts the partnership).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.notifications import MailKind, notify

from ...models import Proposal
from ...permissions.base import coordinates_proposal
from ...workflow import ProposalAction, ProposalStatus, proposal_next_status
from ._common import (
    _call_region_ids,
    _is_member,
    _local,
    _lock,
    organisation_people,
    region_coordinators,
)

REQUIRED_TO_SUBMIT = (
    "title",
    "summary",
    "care_need",
    "solution",
    "trl",
    "collaboration_kind",
    "contact_name",
    "contact_email",
)


def _move(
    *, actor: Any, locked: Proposal, action: str, reason: str = "", **fields: Any
) -> Proposal:
    target = proposal_next_status(locked.status, action)
    if target is None:
        raise ValidationError(
            _("A proposal that is “%(status)s” cannot be moved that way.")
            % {"status": locked.get_status_display()}
        )
    previous = locked.status
    locked.status = target
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at", *fields.keys()])
    audit_record(
        actor=actor,
        action=f"proposal.{action}",
        target=locked,
        reason=reason,
        data={"from": previous, "to": target},
    )
    return locked


def _missing_fields(proposal: Proposal) -> dict[str, str]:
    missing = {}
    for name in REQUIRED_TO_SUBMIT:
        value = getattr(proposal, name)
        if value is None or value == "":
            label = str(getattr(Proposal._meta.get_field(name), "verbose_name", name))
            missing[name] = _("Fill in “%(field)s” before you submit.") % {"field": label}
    return missing


def _check_call_open(proposal: Proposal) -> None:
    call = proposal.call
    if call is None:
        return
    now = timezone.now()
    if not call.published or now >= call.closes_at:
        raise ValidationError(
            _("The call closed on %(date)s; proposals can no longer be submitted.")
            % {"date": _local(call.closes_at)},
            code="call_closed",
        )
    if now < call.opens_at:
        raise ValidationError(
            _("The call opens on %(date)s; submit the proposal then.")
            % {"date": _local(call.opens_at)},
            code="call_not_open",
        )


@transaction.atomic
def proposal_submit(*, actor: Any, proposal: Proposal) -> Proposal:
    """Members submit a complete proposal while its call is open; the region is told.

    Submitting an already submitted proposal changes nothing (a double click sends it once).
    """
    locked = _lock(proposal)
    if not _is_member(actor, locked.organisation_id):
        raise PermissionDenied
    if locked.status == ProposalStatus.SUBMITTED:
        return locked
    if proposal_next_status(locked.status, ProposalAction.SUBMIT) is None:
        _move(actor=actor, locked=locked, action=ProposalAction.SUBMIT)  # raises
    missing = _missing_fields(locked)
    if missing:
        raise ValidationError(missing)
    _check_call_open(locked)
    submitted = _move(
        actor=actor, locked=locked, action=ProposalAction.SUBMIT, submitted_at=timezone.now()
    )
    notify(
        users=region_coordinators(region_ids=_call_region_ids(submitted)),
        template="partnerships/email/proposal_submitted",
        context={"proposal": submitted, "organisation": submitted.organisation},
        kind=MailKind.PROPOSAL_SUBMITTED,
    )
    return submitted


@transaction.atomic
def proposal_withdraw(*, actor: Any, proposal: Proposal, reason: str = "") -> Proposal:
    """Members withdraw their proposal until the region has decided.

    Once the region has it (submitted, or changes asked for), the region's coordinators and the
    assigned reviewers are told, so nobody keeps working on it.
    """
    locked = _lock(proposal)
    if not _is_member(actor, locked.organisation_id):
        raise PermissionDenied
    if locked.status == ProposalStatus.WITHDRAWN:
        return locked
    was_with_region = locked.status in (
        ProposalStatus.SUBMITTED,
        ProposalStatus.CHANGES_REQUESTED,
    )
    withdrawn = _move(actor=actor, locked=locked, action=ProposalAction.WITHDRAW, reason=reason)
    if was_with_region:
        _notify_withdrawn(proposal=withdrawn, reason=reason)
    return withdrawn


def _notify_withdrawn(*, proposal: Proposal, reason: str) -> None:
    """The region stops work on a proposal the company took back: its coordinators (and the
    coordinators of the call's regions) and the reviewers asked to score it are told."""
    coordinators = list(region_coordinators(region_ids=_call_region_ids(proposal)))
    context = {"proposal": proposal, "organisation": proposal.organisation, "reason": reason}
    notify(
        users=coordinators,
        template="partnerships/email/proposal_withdrawn",
        context=context,
        kind=MailKind.PROPOSAL_SUBMITTED,
    )
    told = {user.pk for user in coordinators}
    reviewers = User.objects.filter(proposal_reviews__proposal=proposal, is_active=True).exclude(
        pk__in=told
    )
    notify(
        users=reviewers.distinct(),
        template="partnerships/email/proposal_withdrawn",
        context={**context, "for_reviewer": True},
        kind=MailKind.REVIEW_ASSIGNED,
    )


def _triage(
    *, actor: Any, proposal: Proposal, action: str, message: str, template: str
) -> Proposal:
    locked = _lock(proposal)
    if not coordinates_proposal(actor, locked) or locked.submitted_at is None:
        raise PermissionDenied
    moved = _move(
        actor=actor,
        locked=locked,
        action=action,
        reason=message,
        decision_message=message,
        decided_at=timezone.now(),
    )
    notify(
        users=organisation_people(organisation_id=moved.organisation_id),
        template=template,
        context={"proposal": moved, "message": message, "region": moved.region},
        kind=MailKind.PROPOSAL_DECISION,
    )
    return moved


def _required_message(message: str, field: str) -> str:
    message = (message or "").strip()
    if not message:
        raise ValidationError({field: _("Write a message to the company.")})
    return message


@transaction.atomic
def proposal_request_changes(*, actor: Any, proposal: Proposal, message: str) -> Proposal:
    """The region's coordinators send a submitted proposal back; the message is required."""
    return _triage(
        actor=actor,
        proposal=proposal,
        action=ProposalAction.REQUEST_CHANGES,
        message=_required_message(message, "message"),
        template="partnerships/email/proposal_changes_requested",
    )


@transaction.atomic
def proposal_decline(*, actor: Any, proposal: Proposal, reason: str) -> Proposal:
    """The region's coordinators decline a submitted proposal; the reason is required."""
    return _triage(
        actor=actor,
        proposal=proposal,
        action=ProposalAction.DECLINE,
        message=_required_message(reason, "message"),
        template="partnerships/email/proposal_declined",
    )


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: Proposal, message: str = "") -> Proposal:
    """The region's coordinators accept: the partnership starts in the same transaction."""
    from ..partnerships import partnership_create_from_proposal

    accepted = _triage(
        actor=actor,
        proposal=proposal,
        action=ProposalAction.ACCEPT,
        message=(message or "").strip(),
        template="partnerships/email/proposal_accepted",
    )
    partnership_create_from_proposal(actor=actor, proposal=accepted)
    return accepted
