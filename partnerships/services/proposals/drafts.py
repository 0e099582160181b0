"""Drafts and edits: members start a draft and change its text while it is editable."""

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Organisation
from portal.core.audit import audit_record
from portal.core.concurrency import versioned_update
from regions.models import Region

from ...models import Call, Proposal
from ...permissions.proposals import company_memberships
from ...workflow import PROPOSAL_EDITABLE
from ._common import _is_member, _lock

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
