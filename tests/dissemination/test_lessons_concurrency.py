"""Two requests at the same moment on real PostgreSQL connections: the same "new lesson" form
posted twice makes one lesson, two edits from the same version keep one and refuse the other, two
reviewers deciding at once make one decision, two parties sending at once send once."""

from collections.abc import Callable
from typing import Any

import pytest

from dissemination.models import Lesson
from dissemination.services.lessons import lesson_create, lesson_move, lesson_update
from dissemination.workflow import LessonMove, LessonStatus
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent
from tests.utils import at_once

from .test_lessons_scene import *  # noqa: F403  (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_the_same_form_posted_twice_at_once_makes_one_lesson(
    reference_data: None, partnership: Any, company_member: Any
) -> None:
    def create() -> Lesson:
        return lesson_create(
            actor=company_member,
            partnership=partnership,
            title="Samma formulär",
            body="Två klick.",
            client_token="5f1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e01",
        )

    first, second = at_once(create, create)

    assert isinstance(first, Lesson), first
    assert isinstance(second, Lesson), second
    assert first.pk == second.pk
    assert Lesson.objects.count() == 1
    assert AuditEvent.objects.filter(action="lesson.create").count() == 1


def test_two_edits_from_the_same_version_keep_one_and_refuse_the_other(
    reference_data: None,
    lesson_in: Callable[..., Lesson],
    company_member: Any,
    coordinator: Any,
) -> None:
    lesson = lesson_in(LessonStatus.DRAFT)

    def edit(person: Any, title: str) -> Callable[[], Any]:
        return lambda: lesson_update(
            actor=person, lesson=lesson, expected_version=lesson.version, title=title
        )

    results = at_once(edit(company_member, "Partens"), edit(coordinator, "Koordinatorns"))

    saved = [r for r in results if isinstance(r, Lesson)]
    refused = [r for r in results if isinstance(r, ConcurrentEditError)]
    assert len(saved) == 1 and len(refused) == 1, results
    lesson.refresh_from_db()
    assert lesson.title == saved[0].title
    assert lesson.version == 2


def test_two_reviewers_deciding_at_once_make_one_decision(
    reference_data: None,
    lesson_in: Callable[..., Lesson],
    coordinator: Any,
    portal_admin: Any,
) -> None:
    lesson = lesson_in(LessonStatus.SUBMITTED)
    seen = lesson.version

    def decide(person: Any, move: str) -> Callable[[], Any]:
        return lambda: lesson_move(
            actor=person, lesson=lesson, move=move, expected_version=seen, reason="Mer om data."
        )

    results = at_once(
        decide(coordinator, LessonMove.PUBLISH), decide(portal_admin, LessonMove.REQUEST_CHANGES)
    )

    decided = [r for r in results if isinstance(r, Lesson)]
    assert len(decided) == 1, results
    assert isinstance(next(r for r in results if not isinstance(r, Lesson)), ConcurrentEditError)
    lesson.refresh_from_db()
    assert lesson.status == decided[0].status
    assert lesson.version == seen + 1
    decisions = AuditEvent.objects.filter(action__in=["lesson.publish", "lesson.request_changes"])
    assert decisions.count() == 1


def test_two_parties_sending_at_once_send_once(
    reference_data: None,
    lesson_in: Callable[..., Lesson],
    company_member: Any,
    coordinator: Any,
) -> None:
    lesson = lesson_in(LessonStatus.DRAFT)

    def send(person: Any) -> Callable[[], Any]:
        return lambda: lesson_move(actor=person, lesson=lesson, move=LessonMove.SUBMIT)

    results = at_once(send(company_member), send(coordinator))

    assert all(isinstance(r, Lesson) for r in results), results
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.SUBMITTED
    assert lesson.version == 2
    assert AuditEvent.objects.filter(action="lesson.submit").count() == 1
