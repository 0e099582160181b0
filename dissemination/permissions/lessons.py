"""Who may write, edit, send and decide on lessons learned.

Lessons are written by anyone who may work on the partnership (its parties' members, the people
named in it, the region's coordinators and portal admins: `can_work_on_partnership`). They edit a
lesson while it is a draft or changes were asked, and send it for review. The partnership's
region coordinators (and portal admins: `base.can_review_lesson`) publish it, ask for changes or
withdraw a published one. Lessons may be written in every partnership state: a lesson is often
written when the collaboration is over.

Everything else is a 404, for missing and forbidden lessons alike. The checks below are the
role part; the state part is `workflow.LESSON_MOVES` / `LESSON_EDITABLE`, which the services
check again under the row lock.
"""

from typing import Any

from django.http import Http404

from partnerships.models import Partnership
from partnerships.permissions import (
    can_work_on_partnership,
    coordinated_region_ids,
    get_partnership_for_user_or_404,
)
from portal.accounts.permissions import is_portal_admin

from ..models import Lesson
from ..workflow import LESSON_AUTHOR_MOVES, LESSON_EDITABLE, LESSON_MOVES, lesson_move_allowed
from .base import can_review_lesson, get_lesson_for_user_or_404


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def is_lesson_reviewer(user: Any) -> bool:
    """Coordinators of a region and portal admins review lessons (the review page)."""
    if not _signed_in(user):
        return False
    return bool(is_portal_admin(user) or coordinated_region_ids(user))


def can_review_lessons_of(user: Any, partnership: Partnership) -> bool:
    """`base.can_review_lesson` for every lesson of one partnership, worked out once."""
    if not _signed_in(user):
        return False
    return is_portal_admin(user) or partnership.region_id in coordinated_region_ids(user)


def can_write_lesson(user: Any, partnership: Partnership) -> bool:
    """Anyone who may work on the partnership writes lessons about it, in every state of it."""
    return _signed_in(user) and can_work_on_partnership(user, partnership)


def may_make_move(*, move: str, can_write: bool, can_review: bool) -> bool:
    """The role part of a move: parties send for review, reviewers decide. For loops that work
    out `can_write` / `can_review` once for many lessons of one partnership."""
    if move not in LESSON_MOVES:
        return False
    return can_write if move in LESSON_AUTHOR_MOVES else can_review


def can_move_lesson(user: Any, lesson: Lesson, move: str) -> bool:
    """May `user` make `move` on `lesson` by role (not looking at its state)?"""
    if move not in LESSON_MOVES or not _signed_in(user):
        return False
    if move in LESSON_AUTHOR_MOVES:
        return can_write_lesson(user, lesson.partnership)
    return can_review_lesson(user, lesson)


def lesson_moves_for(lesson: Lesson, *, can_write: bool, can_review: bool) -> list[str]:
    """The moves the user may make on `lesson` now (its state and their role)."""
    return [
        move
        for move in LESSON_MOVES
        if lesson_move_allowed(move=move, status=lesson.status)
        and may_make_move(move=move, can_write=can_write, can_review=can_review)
    ]


def can_edit_lesson(user: Any, lesson: Lesson) -> bool:
    """Those who may write about the partnership edit a lesson while it is a draft or changes
    were asked; once sent, the text waits for the reviewer as it is."""
    return lesson.status in LESSON_EDITABLE and can_write_lesson(user, lesson.partnership)


def get_partnership_to_write_about_or_404(user: Any, pk: Any) -> Partnership:
    """The partnership if the user may write a lesson about it; 404 otherwise."""
    partnership = get_partnership_for_user_or_404(user, pk)
    if not can_write_lesson(user, partnership):
        raise Http404
    return partnership


def get_lesson_to_edit_or_404(user: Any, pk: Any) -> Lesson:
    """The lesson if the user may edit it now; 404 otherwise (even when it is public)."""
    lesson = get_lesson_for_user_or_404(user, pk)
    if not can_edit_lesson(user, lesson):
        raise Http404
    return lesson
