"""Writes for proposals, their attachments and their reviews.

Every move locks the proposal, checks `workflow.PROPOSAL_MOVES` and the rule that guards it, bumps
the version (so an editor holding the old one gets a conflict, not a silent overwrite), writes an
audit row and tells the people concerned after commit.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.accounts.models import Organisation, User
from portal.core.audit import audit_record
from portal.core.concurrency import versioned_update
from portal.core.notifications import MailKind, notify
from portal.core.uploads import DOCUMENT_KINDS, MB, inspect_upload, storage_name
from regions.models import Region, RegionUserObjectPermission

from ..models import (
    Call,
    CriterionScore,
    Proposal,
    ProposalAttachment,
    ReviewAssignment,
)
from ..permissions.base import coordinates_proposal, member_organisation_ids
from ..permissions.proposals import (
    can_assign_reviewers,
    can_edit_review,
    company_memberships,
)
from ..workflow import (
    PROPOSAL_EDITABLE,
    ProposalAction,
    ProposalStatus,
    proposal_next_status,
)

EDITABLE_FIELDS = (
    "title",
    "summary",
    "care_need",
    "solution",
    "trl",
    "device_class",
    "ce_marked",
    "collaboration_kind",
    "company_brings",
    "company_asks",
    "contact_name",
    "contact_email",
    "contact_phone",
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
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_SIZE = 20 * MB


def _local(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _is_member(actor: Any, organisation_id: int) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and (
        organisation_id in member_organisation_ids(actor)
    )


def region_coordinators(*, region_ids: Iterable[int]) -> QuerySet[User]:
    """People holding `regions.coordinate_region` on any of the regions."""
    holders = RegionUserObjectPermission.objects.filter(
        content_object_id__in=list(region_ids), permission__codename="coordinate_region"
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True)


def organisation_people(*, organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)


def _call_region_ids(proposal: Proposal) -> set[int]:
    ids = {proposal.region_id}
    if proposal.call_id:
        ids |= set(proposal.call.regions.values_list("pk", flat=True))  # type: ignore[union-attr]
    return ids


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("call", "region", "organisation")
        .get(pk=proposal.pk)
    )


# --- Drafts and edits ----------------------------------------------------------------------


@transaction.atomic
def proposal_create_draft(
    *,
    actor: Any,
    organisation: Organisation,
    region: Region,
    call: Call | None = None,
    data: dict[str, Any],
    client_token: uuid.UUID | str,
) -> Proposal:
    """A company member starts a draft. The same `client_token` again returns the same draft.

    Proposals are sent for a company the actor is a member of; a draft answering a call goes to
    one of the call's regions and only while the call is published and not closed.
    """
    token = uuid.UUID(str(client_token))
    existing = Proposal.objects.filter(client_token=token).first()
    if existing is not None:
        if existing.organisation_id != organisation.pk or existing.created_by_id != actor.pk:
            raise PermissionDenied
        return existing
    if organisation.pk not in {m.organisation_id for m in company_memberships(actor)}:
        raise PermissionDenied
    if call is not None:
        if not call.published or timezone.now() >= call.closes_at:
            raise ValidationError(_("The call is not open for proposals."))
        if not call.regions.filter(pk=region.pk).exists():
            region = call.lead_region
    fields = {key: data[key] for key in EDITABLE_FIELDS if key in data}
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                client_token=token,
                organisation=organisation,
                region=region,
                call=call,
                created_by=actor,
                **fields,
            )
    except IntegrityError:
        # The same form posted twice at once: the other request created the row.
        return Proposal.objects.get(client_token=token)
    audit_record(actor=actor, action="proposal.create", target=proposal)
    return proposal


def _save_edit(
    *, actor: Any, proposal: Proposal, expected_version: int, data: dict[str, Any], action: str
) -> Proposal:
    locked = _lock(proposal)
    if not _is_member(actor, locked.organisation_id):
        raise PermissionDenied
    if locked.status not in PROPOSAL_EDITABLE:
        raise ValidationError(_("This proposal can no longer be changed."))
    changes = {key: value for key, value in data.items() if key in EDITABLE_FIELDS}
    if "title" in changes and not changes["title"]:
        del changes["title"]
    updated = versioned_update(instance=locked, expected_version=expected_version, changes=changes)
    audit_record(
        actor=actor, action=action, target=updated, data={"fields": sorted(changes.keys())}
    )
    return updated


@transaction.atomic
def proposal_update(
    *, actor: Any, proposal: Proposal, expected_version: int, data: dict[str, Any]
) -> Proposal:
    """Members edit the text while the proposal is a draft or changes were asked for.

    A stale `expected_version` raises ConcurrentEditError: nobody's edit is silently lost.
    """
    return _save_edit(
        actor=actor,
        proposal=proposal,
        expected_version=expected_version,
        data=data,
        action="proposal.update",
    )


@transaction.atomic
def proposal_autosave(
    *, actor: Any, proposal: Proposal, expected_version: int, data: dict[str, Any]
) -> Proposal:
    """Like `proposal_update`, for the fields that validated (the form drops the others).

    An empty title is not saved over the stored one: a draft always keeps a title.
    """
    return _save_edit(
        actor=actor,
        proposal=proposal,
        expected_version=expected_version,
        data=data,
        action="proposal.autosave",
    )


# --- Moves -------------------------------------------------------------------------------------


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
    from .partnerships import partnership_create_from_proposal

    accepted = _triage(
        actor=actor,
        proposal=proposal,
        action=ProposalAction.ACCEPT,
        message=(message or "").strip(),
        template="partnerships/email/proposal_accepted",
    )
    partnership_create_from_proposal(actor=actor, proposal=accepted)
    return accepted


# --- Attachments ---------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor: Any, proposal: Proposal, upload: Any) -> ProposalAttachment:
    """Members attach a document (checked by content, at most 10, 20 MB each) while editable.

    The count is taken under the proposal's row lock, so two uploads at once cannot make 11.
    """
    locked = _lock(proposal)
    if not _is_member(actor, locked.organisation_id):
        raise PermissionDenied
    if locked.status not in PROPOSAL_EDITABLE:
        raise ValidationError(_("This proposal can no longer be changed."))
    if locked.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "file": _("A proposal can have at most %(max)d attachments.")
                % {"max": MAX_ATTACHMENTS}
            }
        )
    try:
        inspected = inspect_upload(upload, kinds=DOCUMENT_KINDS, max_size=MAX_ATTACHMENT_SIZE)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    attachment = ProposalAttachment(
        proposal=locked,
        name=inspected.name,
        content_type=inspected.kind.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=actor,
    )
    # The file is written before the row commits; a rolled-back upload leaves an unreferenced
    # file under a random name, never a row pointing at a missing file.
    attachment.file.save(storage_name(inspected), upload, save=True)
    audit_record(
        actor=actor,
        action="proposal.attachment_add",
        target=locked,
        data={"attachment": attachment.pk, "name": attachment.name, "sha256": inspected.sha256},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, proposal: Proposal, attachment: ProposalAttachment) -> None:
    """Members remove an attachment while the proposal is editable; the file goes on commit."""
    locked = _lock(proposal)
    if not _is_member(actor, locked.organisation_id) or attachment.proposal_id != locked.pk:
        raise PermissionDenied
    if locked.status not in PROPOSAL_EDITABLE:
        raise ValidationError(_("This proposal can no longer be changed."))
    name, storage = attachment.file.name, attachment.file.storage
    audit_record(
        actor=actor,
        action="proposal.attachment_remove",
        target=locked,
        data={"attachment": attachment.pk, "name": attachment.name},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Reviews -----------------------------------------------------------------------------------


@transaction.atomic
def review_assign(*, actor: Any, proposal: Proposal, reviewer: User) -> ReviewAssignment:
    """Coordinators ask someone to score a submitted proposal to a scored call.

    Nobody reviews their own organisation's proposal; asking the same person twice is a no-op.
    """
    locked = _lock(proposal)
    if not can_assign_reviewers(actor, locked):
        raise PermissionDenied
    if locked.call is None or not locked.call.criteria.exists():
        raise ValidationError(_("Only proposals to a call with criteria are scored."))
    if locked.organisation_id in member_organisation_ids(reviewer):
        raise ValidationError(
            {"email": _("A member of the proposing organisation cannot review it.")}
        )
    review, created = ReviewAssignment.objects.get_or_create(
        proposal=locked, reviewer=reviewer, defaults={"assigned_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="proposal.review_assign",
            target=locked,
            data={"reviewer": reviewer.pk},
        )
        notify(
            users=[reviewer],
            template="partnerships/email/review_assigned",
            context={"proposal": locked, "review": review, "call": locked.call},
            kind=MailKind.REVIEW_ASSIGNED,
        )
    return review


@transaction.atomic
def review_save(
    *,
    actor: Any,
    review: ReviewAssignment,
    expected_version: int,
    scores: dict[int, tuple[int | None, str]],
    comment: str,
    submit: bool = False,
) -> ReviewAssignment:
    """The reviewer saves scores (1–5 per criterion, with a comment) and may submit them.

    Submitting needs a score for every criterion; a submitted review is read-only.
    """
    locked = ReviewAssignment.objects.select_for_update().get(pk=review.pk)
    if not can_edit_review(actor, locked):
        raise ValidationError(_("This review was submitted and can no longer be changed."))
    criteria = list(review.proposal.call.criteria.all())  # type: ignore[union-attr]
    if submit:
        missing = [c for c in criteria if scores.get(c.pk, (None, ""))[0] is None]
        if missing:
            raise ValidationError(
                {f"score_{c.pk}": _("Give a score from 1 to 5 before you submit.") for c in missing}
            )
    changes: dict[str, Any] = {"comment": comment}
    if submit:
        changes["submitted_at"] = timezone.now()
    updated = versioned_update(instance=locked, expected_version=expected_version, changes=changes)
    for criterion in criteria:
        score, note = scores.get(criterion.pk, (None, ""))
        if score is None:
            CriterionScore.objects.filter(review=updated, criterion=criterion).delete()
            continue
        if not 1 <= int(score) <= 5:
            raise ValidationError({f"score_{criterion.pk}": _("A score is from 1 to 5.")})
        CriterionScore.objects.update_or_create(
            review=updated, criterion=criterion, defaults={"score": score, "comment": note}
        )
    if submit:
        audit_record(actor=actor, action="proposal.review_submit", target=updated.proposal)
    return updated


def review_submit(
    *,
    actor: Any,
    review: ReviewAssignment,
    expected_version: int,
    scores: dict[int, tuple[int | None, str]],
    comment: str,
) -> ReviewAssignment:
    """Save and submit in one step (see `review_save`)."""
    return review_save(
        actor=actor,
        review=review,
        expected_version=expected_version,
        scores=scores,
        comment=comment,
        submit=True,
    )
