"""Private notes between reviewers on an entry."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record

from ...models import Obstacle, ReviewerNote
from ...permissions.entries import can_review_obstacle
from ._common import REPEAT_WINDOW, _lock

NOTE_MAX_LENGTH = 5000


@transaction.atomic
def reviewer_note_add(*, obstacle: Obstacle, reviewer: Any, text: str) -> ReviewerNote:
    """Reviewers leave private notes for each other on any entry that left the draft state.

    The note is plain text (pages escape it). The same note from the same reviewer within a
    minute is a double submit and is kept once.
    """
    locked = _lock(obstacle)
    if not can_review_obstacle(reviewer, locked):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("Shorten the note to at most %(max)s characters (it has %(count)s).")
                % {"max": NOTE_MAX_LENGTH, "count": len(text)}
            }
        )
    repeat = (
        ReviewerNote.objects.filter(
            obstacle=locked,
            author_id=reviewer.pk,
            text=text,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if repeat is not None:
        return repeat
    note = ReviewerNote.objects.create(obstacle=locked, author=reviewer, text=text)
    audit_record(actor=reviewer, action="obstacle.note", target=locked, data={"note": note.pk})
    return note
