"""Writes for lessons learned: what a partnership's parties learned, public once the region's
coordinator has reviewed it.

- `lesson_create`: anyone who may work on the partnership writes one (a draft, or sent for
  review at once with `submit=True`).
- `lesson_update`: the same people change the text while it is a draft or changes were asked,
  from the version they opened (a stale version raises `ConcurrentEditError`).
- `lesson_move`: one move of `workflow.LESSON_MOVES`. The parties send it for review; the
  region's coordinators (and portal admins) publish it, ask for changes or withdraw a published
  one, with a reason where `LESSON_MOVES_NEEDING_REASON` says so. Repeating a move that is done
  already (a double click, two coordinators at once) changes nothing and sends nothing.

Every write locks the row, writes an audit row and sends its mail after the commit, in each
recipient's language: a lesson sent for review tells the region's coordinators
(`MailKind.LESSON_REVIEW`), a decision tells the author (`MailKind.LESSON_DECISION`).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from obstacles.sanitize import as_rich_text, single_line
from partnerships.models import Partnership, ProcessStep
from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.concurrency import ConcurrentEditError, versioned_update
from portal.core.idempotency import created_before, form_token
from portal.core.notifications import MailKind, notify
from regions.models import RegionUserObjectPermission

from ..models import CONTENT_LANGUAGES, Lesson
from ..permissions.base import can_review_lesson
from ..permissions.lessons import can_write_lesson
from ..workflow import (
    LESSON_AUTHOR_MOVES,
    LESSON_EDITABLE,
    LESSON_MOVES,
    LESSON_MOVES_NEEDING_REASON,
    LessonMove,
    LessonStatus,
)

TITLE_MAX = Lesson._meta.get_field("title").max_length or 200
BODY_MAX = Lesson._meta.get_field("body").max_length or 20000
EDITABLE_FIELDS = frozenset({"title", "body", "step", "language"})
# The mail each move sends: templates/dissemination/mail/lesson_<name>_{subject,body}.txt
MOVE_MAIL = {
    LessonMove.SUBMIT: "submitted",
    LessonMove.REQUEST_CHANGES: "changes_requested",
    LessonMove.PUBLISH: "published",
    LessonMove.WITHDRAW: "withdrawn",
}


# --- Validation ---------------------------------------------------------------------------------


def _clean(partnership: Partnership, fields: dict[str, Any]) -> dict[str, Any]:
    """The given fields checked and made safe: the title one line, the body sanitised HTML (typed
    text becomes paragraphs), the language one of ours, the step one of the partnership's
    process. Raises ValidationError naming each bad field."""
    errors: dict[str, ValidationError] = {}
    cleaned: dict[str, Any] = {}
    if "title" in fields:
        title = single_line(str(fields["title"] or ""))
        if not title:
            errors["title"] = ValidationError(_("Give the lesson a title."), code="required")
        elif len(title) > TITLE_MAX:
            errors["title"] = ValidationError(
                _("Keep the title to %(limit)d characters (it has %(count)d).")
                % {"limit": TITLE_MAX, "count": len(title)},
                code="max_length",
            )
        cleaned["title"] = title
    if "body" in fields:
        typed = str(fields["body"] or "")
        body = as_rich_text(typed)
        if not body:
            errors["body"] = ValidationError(_("Write what you learned."), code="required")
        elif len(typed) > BODY_MAX:
            errors["body"] = ValidationError(
                _("Keep the text to %(limit)d characters (it has %(count)d).")
                % {"limit": BODY_MAX, "count": len(typed)},
                code="max_length",
            )
        cleaned["body"] = body
    if "language" in fields:
        if fields["language"] not in dict(CONTENT_LANGUAGES):
            errors["language"] = ValidationError(
                _("Choose Swedish or English."), code="invalid_choice"
            )
        cleaned["language"] = fields["language"]
    if "step" in fields:
        step: ProcessStep | None = fields["step"]
        if step is not None and step.template_id != partnership.template_id:
            errors["step"] = ValidationError(
                _("That step is not part of this partnership's process."), code="wrong_step"
            )
        cleaned["step"] = step
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return cleaned


def _lock(lesson: Lesson) -> Lesson:
    return (
        Lesson.objects.select_for_update(of=("self",))
        .select_related("partnership", "author")
        .get(pk=lesson.pk)
    )


def _coordinators_of(region_id: int) -> list[Any]:
    holders = RegionUserObjectPermission.objects.filter(
        content_object_id=region_id, permission__codename="coordinate_region"
    ).values("user_id")
    return list(User.objects.filter(pk__in=holders, is_active=True).order_by("pk"))


# --- Writes -------------------------------------------------------------------------------------


@transaction.atomic
def lesson_create(
    *,
    actor: Any,
    partnership: Partnership,
    title: str,
    body: str,
    step: ProcessStep | None = None,
    language: str = "sv",
    submit: bool = False,
    client_token: str = "",
) -> Lesson:
    """A new lesson about `partnership` by someone who may work on it (else PermissionDenied).

    `body` is typed text or HTML, stored sanitised; `step`, when given, must be one of the
    partnership's process steps. The lesson is a draft, or waits for review at once when
    `submit` is true. `client_token` (a hidden field of the form) makes a double submit safe: the
    same token again returns the lesson the first request created instead of a second one.
    """
    if not can_write_lesson(actor, partnership):
        raise PermissionDenied(_("You do not work on this partnership."))
    token = form_token(client_token)
    earlier = created_before(Lesson, actor=actor, action="lesson.create", client_token=token)
    if earlier is not None:
        return earlier
    fields = _clean(partnership, {"title": title, "body": body, "step": step, "language": language})
    lesson = Lesson.objects.create(
        partnership=partnership, author=actor, status=LessonStatus.DRAFT, **fields
    )
    audit_record(
        actor=actor,
        action="lesson.create",
        target=lesson,
        data={"client_token": token, "partnership": partnership.pk},
    )
    if submit:
        lesson = lesson_move(actor=actor, lesson=lesson, move=LessonMove.SUBMIT)
    return lesson


@transaction.atomic
def lesson_update(*, actor: Any, lesson: Lesson, expected_version: int, **changes: Any) -> Lesson:
    """Change a lesson's title, body, step or language while it is a draft or changes were
    asked (`workflow.LESSON_EDITABLE`), by someone who may work on its partnership.

    A stale `expected_version` raises ConcurrentEditError, so nobody's edit is lost; a lesson
    that was sent or decided on meanwhile raises ValidationError.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"lesson_update() cannot change {', '.join(sorted(unknown))}")
    locked = _lock(lesson)
    if not can_write_lesson(actor, locked.partnership):
        raise PermissionDenied(_("You do not work on this partnership."))
    if locked.status not in LESSON_EDITABLE:
        raise ValidationError(
            _("The lesson can no longer be changed: its status is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="not_editable",
        )
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    fields = _clean(locked.partnership, changes)
    updated = versioned_update(instance=locked, expected_version=expected_version, changes=fields)
    audit_record(
        actor=actor, action="lesson.update", target=updated, data={"fields": sorted(fields)}
    )
    return updated


@transaction.atomic
def lesson_move(
    *,
    actor: Any,
    lesson: Lesson,
    move: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Lesson:
    """Move a lesson along `workflow.LESSON_MOVES`.

    `submit` is for those who may work on the partnership; `request_changes`, `publish` and
    `withdraw` for the region's coordinators and portal admins (else PermissionDenied). A
    reason is required for the moves in `LESSON_MOVES_NEEDING_REASON` (the authors read it).
    A move whose target the lesson already has returns it unchanged (no audit row, no mail);
    otherwise a stale `expected_version` raises ConcurrentEditError and a move the state does
    not allow raises ValidationError.
    """
    if move not in LESSON_MOVES:
        raise ValidationError(_("This is not a move a lesson can make."), code="unknown_move")
    locked = _lock(lesson)
    allowed = (
        can_write_lesson(actor, locked.partnership)
        if move in LESSON_AUTHOR_MOVES
        else can_review_lesson(actor, locked)
    )
    if not allowed:
        raise PermissionDenied
    sources, target = LESSON_MOVES[move]
    if locked.status == target:
        return locked
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    if locked.status not in sources:
        raise ValidationError(
            _("The lesson cannot be moved that way now: its status is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="illegal_move",
        )
    reason = (reason or "").strip()
    if move in LESSON_MOVES_NEEDING_REASON and not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Give a reason: the authors will read it."), code="reason_required"
                )
            }
        )

    now = timezone.now()
    from_status = locked.status
    changes: dict[str, Any] = {"status": target}
    if move == LessonMove.SUBMIT:
        changes["submitted_at"] = now
    else:
        changes["reviewed_by"] = actor
        changes["decision_reason"] = reason
        if move == LessonMove.PUBLISH:
            changes["published_at"] = now
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*changes, "version", "updated_at"])
    audit_record(
        actor=actor,
        action=f"lesson.{move}",
        target=locked,
        reason=reason,
        data={"from": from_status, "to": target},
    )
    _tell(locked, actor=actor, move=move, reason=reason)
    return locked


def _tell(lesson: Lesson, *, actor: Any, move: str, reason: str) -> None:
    """Mail after the commit: a lesson sent for review to the region's coordinators, a
    decision to its author (never to the person who made the move)."""
    context = {"lesson": lesson, "partnership": lesson.partnership, "reason": reason}
    template = f"dissemination/mail/lesson_{MOVE_MAIL[LessonMove(move)]}"
    if move == LessonMove.SUBMIT:
        coordinators = [
            person
            for person in _coordinators_of(lesson.partnership.region_id)
            if person.pk != actor.pk
        ]
        notify(users=coordinators, template=template, context=context, kind=MailKind.LESSON_REVIEW)
    elif lesson.author is not None and lesson.author_id != actor.pk:
        notify(
            users=[lesson.author],
            template=template,
            context=context,
            kind=MailKind.LESSON_DECISION,
        )
