"""Attachments: members add and remove documents while the proposal is editable."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.uploads import DOCUMENT_KINDS, MB, inspect_upload, storage_name

from ...models import Proposal, ProposalAttachment
from ...workflow import PROPOSAL_EDITABLE
from ._common import _is_member, _lock

MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_SIZE = 20 * MB


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
