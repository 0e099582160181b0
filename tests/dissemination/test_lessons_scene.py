"""The people and lessons the lessons-learned tests share: a partnership in Uppsala whose company
party has a member, lessons brought to each state through the services, and the seven roles of
the permission matrix."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from dissemination.models import Lesson
from dissemination.services.lessons import lesson_create, lesson_move
from dissemination.workflow import LessonMove, LessonStatus
from partnerships.models import Partnership

# What `from .test_lessons_scene import *` brings: the fixtures (not this module's own test).
__all__ = ["lesson_in", "people"]

LS = LessonStatus
ROLES = [
    "anonymous",
    "party_member",
    "other_company_member",
    "coordinator",
    "other_coordinator",
    "sponsor",
    "portal_admin",
]
# Who may see every lesson of the partnership (drafts included).
SEES_PARTNERSHIP = {"party_member", "coordinator", "sponsor", "portal_admin"}
# Who may write, edit and send lessons (`can_work_on_partnership`).
WRITERS = {"party_member", "coordinator", "portal_admin"}
# Who may publish, ask for changes and withdraw (`can_review_lesson`).
REVIEWERS = {"coordinator", "portal_admin"}
# The path from a new draft to each state: (move, who makes it, reason).
PATH = {
    LS.DRAFT: [],
    LS.SUBMITTED: [(LessonMove.SUBMIT, "author", "")],
    LS.CHANGES_REQUESTED: [
        (LessonMove.SUBMIT, "author", ""),
        (LessonMove.REQUEST_CHANGES, "coordinator", "Skriv mer om upphandlingen."),
    ],
    LS.PUBLISHED: [(LessonMove.SUBMIT, "author", ""), (LessonMove.PUBLISH, "coordinator", "")],
    LS.WITHDRAWN: [
        (LessonMove.SUBMIT, "author", ""),
        (LessonMove.PUBLISH, "coordinator", ""),
        (LessonMove.WITHDRAW, "coordinator", "Uppgifterna stämmer inte längre."),
    ],
}


@pytest.fixture
def people(
    company_member: Any,
    other_company_member: Any,
    coordinator: Any,
    other_coordinator: Any,
    sponsor: Any,
    portal_admin: Any,
) -> dict[str, Any]:
    return {
        "anonymous": None,
        "party_member": company_member,
        "other_company_member": other_company_member,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "sponsor": sponsor,
        "portal_admin": portal_admin,
    }


@pytest.fixture
def lesson_in(
    partnership: Partnership, company_member: Any, coordinator: Any
) -> Callable[..., Lesson]:
    """A lesson written by the company member, brought to `state` through the services (the
    mail of the way there is cleared)."""

    def make(state: str = LS.SUBMITTED, **fields: Any) -> Lesson:
        lesson = lesson_create(
            actor=company_member,
            partnership=partnership,
            title=fields.pop("title", "Förankra testet hos vårdenhetens chef tidigt"),
            body=fields.pop("body", "Utan chefens stöd stannade testet.\n\nBörja där."),
            step=fields.pop("step", partnership.current_step),
            **fields,
        )
        actors = {"author": company_member, "coordinator": coordinator}
        for move, who, reason in PATH[LessonStatus(state)]:
            lesson = lesson_move(actor=actors[who], lesson=lesson, move=move, reason=reason)
        lesson.refresh_from_db()
        mail.outbox.clear()
        return lesson

    return make


def test_the_scene_brings_a_lesson_to_every_state(lesson_in: Callable[..., Lesson]) -> None:
    for state in LS.values:
        assert lesson_in(state).status == state
