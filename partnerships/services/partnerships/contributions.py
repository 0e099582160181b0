"""What the people working on a partnership add to it: documents, discussion messages and
obstacle notes.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.notifications import MailKind, notify
from portal.core.uploads import DOCUMENT_KINDS, MB, inspect_upload, storage_name

from ...models import (
    EventKind,
    ObstacleNote,
    Partnership,
    PartnershipDocument,
    PartnershipMessage,
    ProcessStep,
)
from ._common import (
    _actor_or_none,
    _event,
    _lock,
    _require_open,
    _require_step_of,
    _require_work,
    _touch,
    party_people,
)

# --- Documents, messages and obstacle notes ------------------------------------------------------


@transaction.atomic
def document_add(
    *,
    actor: Any,
    partnership: Partnership,
    step: ProcessStep | None,
    title: str,
    upload: Any,
) -> PartnershipDocument:
    """Store a document (PDF, DOCX, XLSX, PNG, JPEG up to 20 MB, checked by content) privately."""
    _require_work(actor, partnership)
    partnership = _lock(partnership)
    _require_open(partnership)
    _require_step_of(partnership, step)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    try:
        inspected = inspect_upload(upload, kinds=DOCUMENT_KINDS, max_size=20 * MB)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    document = PartnershipDocument(
        partnership=partnership,
        step=step,
        title=title[:200],
        name=inspected.name,
        content_type=inspected.kind.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=_actor_or_none(actor),
    )
    document.file.save(storage_name(inspected), upload, save=False)
    document.save()
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.DOCUMENT, text=document.title, to_step=step)
    audit_record(
        actor=actor,
        action="partnership.document_add",
        target=partnership,
        data={"document": document.pk, "name": document.name, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def message_post(*, actor: Any, partnership: Partnership, body: str) -> PartnershipMessage:
    """Post to the discussion thread; the other named people are told after commit."""
    _require_work(actor, partnership)
    partnership = _lock(partnership)
    _require_open(partnership)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > 10000:
        raise ValidationError({"body": _("Keep the message under 10,000 characters.")})
    message = PartnershipMessage.objects.create(
        partnership=partnership, author=_actor_or_none(actor), body=body
    )
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.MESSAGE, text=body[:200])
    audit_record(
        actor=actor,
        action="partnership.message_post",
        target=partnership,
        data={"message": message.pk},
    )
    notify(
        users=party_people(partnership, exclude=actor),
        template="partnerships/email/partnership_message",
        context={"partnership": partnership, "message": message, "actor": actor},
        kind=MailKind.PARTNERSHIP_ACTIVITY,
    )
    return message


@transaction.atomic
def obstacle_note_add(
    *, actor: Any, partnership: Partnership, step: ProcessStep, text: str
) -> ObstacleNote:
    """Note an obstacle met on a step; the obstacle register can later link or adopt it."""
    _require_work(actor, partnership)
    partnership = _lock(partnership)
    _require_open(partnership)
    _require_step_of(partnership, step)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the obstacle.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("Keep the description under 5000 characters.")})
    note = ObstacleNote.objects.create(
        partnership=partnership, step=step, author=_actor_or_none(actor), text=text
    )
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.OBSTACLE, text=text[:200], to_step=step)
    audit_record(
        actor=actor,
        action="partnership.obstacle_note",
        target=partnership,
        data={"note": note.pk, "step": step.key},
    )
    return note
