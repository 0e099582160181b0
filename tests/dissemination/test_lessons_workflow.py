"""The life of a lesson learned through its services: every legal and illegal move for every
role, reasons, repeats, versions, sanitising, steps of another process, double submits, the
audit trail and the mail (recipients, languages, switched-off kinds)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from dissemination.models import Lesson
from dissemination.services.lessons import lesson_create, lesson_move, lesson_update
from dissemination.workflow import (
    LESSON_MOVES,
    LESSON_MOVES_NEEDING_REASON,
    LessonMove,
    LessonStatus,
)
from partnerships.models import ProcessStep, ProcessTemplate
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent
from portal.core.notifications import MailKind
from tests.factories_process import make_partnership

from .test_lessons_scene import *  # noqa: F403  (fixtures)
from .test_lessons_scene import REVIEWERS, ROLES, WRITERS

pytestmark = pytest.mark.django_db

LS = LessonStatus
LM = LessonMove
LEGAL = {
    (move, state): target for move, (sources, target) in LESSON_MOVES.items() for state in sources
}
REASON = {
    LM.SUBMIT: "",
    LM.REQUEST_CHANGES: "Beskriv vad ni gjorde annorlunda.",
    LM.PUBLISH: "",
    LM.WITHDRAW: "Inte längre aktuellt.",
}


def _allowed(role: str, move: str) -> bool:
    return role in (WRITERS if move == LM.SUBMIT else REVIEWERS)


def _expected(role: str, move: str, state: str) -> str:
    """What the move service answers: 'moved', 'same' (already there: unchanged), 'refused'
    (ValidationError) or 'forbidden' (PermissionDenied)."""
    if not _allowed(role, move):
        return "forbidden"
    target = LESSON_MOVES[move][1]
    if state == target:
        return "same"
    return "moved" if (move, state) in LEGAL else "refused"


MOVE_CASES = [
    pytest.param(move, state, role, _expected(role, move, state), id=f"{move}-{state}-{role}")
    for move in LM.values
    for state in LS.values
    for role in ROLES
    if role != "anonymous"
]


@pytest.mark.parametrize(("move", "state", "role", "outcome"), MOVE_CASES)
def test_the_move_table_for_every_role(
    move: str,
    state: str,
    role: str,
    outcome: str,
    people: dict[str, Any],
    lesson_in: Callable[..., Lesson],
) -> None:
    lesson = lesson_in(state)
    actor = people[role]
    audits = AuditEvent.objects.count()

    if outcome == "forbidden":
        with pytest.raises(PermissionDenied):
            lesson_move(actor=actor, lesson=lesson, move=move, reason=REASON[LM(move)] or "x")
    elif outcome == "refused":
        with pytest.raises(ValidationError, match="cannot be moved that way"):
            lesson_move(actor=actor, lesson=lesson, move=move, reason=REASON[LM(move)] or "x")
    else:
        moved = lesson_move(actor=actor, lesson=lesson, move=move, reason=REASON[LM(move)])
        assert moved.status == LESSON_MOVES[move][1]

    after = Lesson.objects.get(pk=lesson.pk)
    if outcome == "moved":
        assert after.status == LESSON_MOVES[move][1]
        assert after.version == lesson.version + 1
        event = AuditEvent.objects.filter(action=f"lesson.{move}", target_id=str(lesson.pk)).latest(
            "id"
        )
        assert event.actor == actor
        assert event.data == {"from": state, "to": after.status}
        assert event.reason == REASON[LM(move)]
    else:
        assert after.status == state
        assert after.version == lesson.version
        assert AuditEvent.objects.count() == audits


def test_an_anonymous_visitor_moves_nothing(lesson_in: Callable[..., Lesson]) -> None:
    from django.contrib.auth.models import AnonymousUser

    lesson = lesson_in(LS.SUBMITTED)
    for move in LM.values:
        with pytest.raises(PermissionDenied):
            lesson_move(actor=AnonymousUser(), lesson=lesson, move=move, reason="x")


def test_an_unknown_move_is_refused(lesson_in: Callable[..., Lesson], coordinator: Any) -> None:
    with pytest.raises(ValidationError):
        lesson_move(actor=coordinator, lesson=lesson_in(), move="delete")


def test_each_move_sets_its_dates_and_reviewer(
    lesson_in: Callable[..., Lesson], company_member: Any, coordinator: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    assert lesson.author == company_member
    assert lesson.submitted_at is None and lesson.published_at is None

    lesson = lesson_move(actor=company_member, lesson=lesson, move=LM.SUBMIT)
    assert lesson.submitted_at is not None
    assert lesson.reviewed_by is None

    lesson = lesson_move(actor=coordinator, lesson=lesson, move=LM.PUBLISH, reason="Bra skrivet!")
    lesson.refresh_from_db()
    assert lesson.published_at is not None
    assert lesson.reviewed_by == coordinator
    assert lesson.decision_reason == "Bra skrivet!"


@pytest.mark.parametrize("move", sorted(LESSON_MOVES_NEEDING_REASON))
def test_asking_for_changes_and_withdrawing_need_a_reason(
    move: str, lesson_in: Callable[..., Lesson], coordinator: Any
) -> None:
    lesson = lesson_in(LS.SUBMITTED if move == LM.REQUEST_CHANGES else LS.PUBLISHED)

    with pytest.raises(ValidationError) as caught:
        lesson_move(actor=coordinator, lesson=lesson, move=move, reason="  \n ")

    assert "reason" in caught.value.message_dict
    before = lesson.status
    lesson.refresh_from_db()
    assert lesson.status == before


def test_a_repeated_move_changes_nothing_and_sends_nothing(
    lesson_in: Callable[..., Lesson],
    coordinator: Any,
    portal_admin: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    lesson = lesson_in(LS.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_move(actor=coordinator, lesson=lesson, move=LM.PUBLISH, expected_version=2)
    assert len(mail.outbox) == 1
    mail.outbox.clear()

    # A double click (same version again) and another reviewer at the same moment.
    with django_capture_on_commit_callbacks(execute=True):
        again = lesson_move(actor=coordinator, lesson=lesson, move=LM.PUBLISH, expected_version=2)
        other = lesson_move(actor=portal_admin, lesson=lesson, move=LM.PUBLISH)

    assert again.status == other.status == LS.PUBLISHED
    assert Lesson.objects.get(pk=lesson.pk).version == 3
    assert AuditEvent.objects.filter(action="lesson.publish").count() == 1
    assert mail.outbox == []


def test_a_stale_version_is_refused_when_the_lesson_moved_elsewhere(
    lesson_in: Callable[..., Lesson], coordinator: Any
) -> None:
    lesson = lesson_in(LS.SUBMITTED)
    seen = lesson.version
    lesson_move(actor=coordinator, lesson=lesson, move=LM.REQUEST_CHANGES, reason="Mer om data.")

    with pytest.raises(ConcurrentEditError) as caught:
        lesson_move(actor=coordinator, lesson=lesson, move=LM.PUBLISH, expected_version=seen)

    assert caught.value.current.status == LS.CHANGES_REQUESTED
    assert Lesson.objects.get(pk=lesson.pk).status == LS.CHANGES_REQUESTED


# --- Writing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_who_may_write_a_lesson(role: str, people: dict[str, Any], partnership: Any) -> None:
    actor = people[role]
    if role in WRITERS:
        lesson = lesson_create(actor=actor, partnership=partnership, title="T", body="B")
        assert lesson.status == LS.DRAFT
        assert lesson.author == actor
        assert AuditEvent.objects.filter(action="lesson.create", target_id=str(lesson.pk)).exists()
    else:
        with pytest.raises(PermissionDenied):
            lesson_create(actor=actor, partnership=partnership, title="T", body="B")
        assert not Lesson.objects.exists()


def test_a_lesson_can_be_sent_for_review_at_once(
    partnership: Any,
    company_member: Any,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        lesson = lesson_create(
            actor=company_member, partnership=partnership, title="T", body="B", submit=True
        )
    assert lesson.status == LS.SUBMITTED
    assert lesson.submitted_at is not None
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_the_body_is_sanitised_and_the_title_kept_on_one_line(
    partnership: Any, company_member: Any
) -> None:
    lesson = lesson_create(
        actor=company_member,
        partnership=partnership,
        title="  Två\nrader\u202e  ",
        body='Första stycket.<script>alert("x")</script>\n\nSe https://example.se för mer.'
        '\n\n<a href="javascript:alert(1)" onclick="x()">här</a>',
    )
    assert lesson.title == "Två rader"
    assert "<script" not in lesson.body
    assert "alert(" not in lesson.body
    assert "javascript:" not in lesson.body
    assert "onclick" not in lesson.body
    assert "<p>" in lesson.body
    assert 'href="https://example.se"' in lesson.body


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   ", "body": "B"}, "title"),
        ({"title": "x" * 201, "body": "B"}, "title"),
        ({"title": "T", "body": "  "}, "body"),
        ({"title": "T", "body": "<script>only()</script>"}, "body"),
        ({"title": "T", "body": "x" * 20001}, "body"),
        ({"title": "T", "body": "B", "language": "de"}, "language"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(
    fields: dict[str, Any], field: str, partnership: Any, company_member: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        lesson_create(actor=company_member, partnership=partnership, **fields)
    assert field in caught.value.message_dict
    assert not Lesson.objects.exists()


def _step_of_another_template(partnership: Any) -> ProcessStep:
    other = ProcessTemplate.objects.create(
        family="other-process", revision=1, name_sv="Annan", name_en="Other"
    )
    return ProcessStep.objects.create(
        template=other, order=1, key=partnership.current_step.key, name_sv="S", name_en="S"
    )


def test_a_step_of_another_process_is_refused(partnership: Any, company_member: Any) -> None:
    foreign = _step_of_another_template(partnership)
    with pytest.raises(ValidationError) as caught:
        lesson_create(
            actor=company_member, partnership=partnership, title="T", body="B", step=foreign
        )
    assert "step" in caught.value.message_dict
    assert not Lesson.objects.exists()


def test_a_step_of_another_process_is_refused_on_update(
    lesson_in: Callable[..., Lesson], partnership: Any, company_member: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    with pytest.raises(ValidationError) as caught:
        lesson_update(
            actor=company_member,
            lesson=lesson,
            expected_version=lesson.version,
            step=_step_of_another_template(partnership),
        )
    assert "step" in caught.value.message_dict
    assert Lesson.objects.get(pk=lesson.pk).step == partnership.current_step


def test_a_double_submit_with_the_same_token_makes_one_lesson(
    partnership: Any, company_member: Any
) -> None:
    first = lesson_create(
        actor=company_member, partnership=partnership, title="T", body="B", client_token="tok-1"
    )
    second = lesson_create(
        actor=company_member, partnership=partnership, title="T", body="B", client_token="tok-1"
    )
    third = lesson_create(
        actor=company_member, partnership=partnership, title="T", body="B", client_token="tok-2"
    )
    assert first.pk == second.pk != third.pk
    assert Lesson.objects.count() == 2


# --- Editing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", LS.values)
def test_the_text_is_edited_only_while_a_draft_or_changes_are_asked(
    state: str, lesson_in: Callable[..., Lesson], company_member: Any
) -> None:
    lesson = lesson_in(state)
    if state in (LS.DRAFT, LS.CHANGES_REQUESTED):
        updated = lesson_update(
            actor=company_member,
            lesson=lesson,
            expected_version=lesson.version,
            title="Ny titel",
            body="Ny <b>text</b><script>x()</script>",
            language="en",
        )
        assert updated.title == "Ny titel"
        assert updated.body == "<p>Ny <b>text</b></p>"
        assert updated.language == "en"
        assert updated.version == lesson.version + 1
        assert updated.status == state
        assert AuditEvent.objects.filter(action="lesson.update").count() == 1
    else:
        with pytest.raises(ValidationError, match="can no longer be changed"):
            lesson_update(
                actor=company_member,
                lesson=lesson,
                expected_version=lesson.version,
                title="Ny titel",
            )
        assert Lesson.objects.get(pk=lesson.pk).title == lesson.title


@pytest.mark.parametrize("role", ["other_company_member", "other_coordinator", "sponsor"])
def test_outsiders_and_sponsors_edit_nothing(
    role: str, people: dict[str, Any], lesson_in: Callable[..., Lesson]
) -> None:
    lesson = lesson_in(LS.DRAFT)
    with pytest.raises(PermissionDenied):
        lesson_update(actor=people[role], lesson=lesson, expected_version=lesson.version, title="X")
    assert Lesson.objects.get(pk=lesson.pk).title == lesson.title


def test_a_stale_edit_raises_and_keeps_the_other_edit(
    lesson_in: Callable[..., Lesson], company_member: Any, coordinator: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    lesson_update(actor=coordinator, lesson=lesson, expected_version=1, title="Koordinatorns")
    with pytest.raises(ConcurrentEditError) as caught:
        lesson_update(actor=company_member, lesson=lesson, expected_version=1, title="Min")
    assert caught.value.current.title == "Koordinatorns"
    assert Lesson.objects.get(pk=lesson.pk).title == "Koordinatorns"


def test_only_the_text_fields_can_be_updated(
    lesson_in: Callable[..., Lesson], company_member: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    with pytest.raises(TypeError):
        lesson_update(actor=company_member, lesson=lesson, expected_version=1, status=LS.PUBLISHED)


# --- Mail ----------------------------------------------------------------------------------------


def test_sending_for_review_tells_the_regions_coordinators_only(
    lesson_in: Callable[..., Lesson],
    company_member: Any,
    coordinator: Any,
    other_coordinator: Any,
    sponsor: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.factories_process import make_region_person

    second = make_region_person("uppsala", email="second@uppsala.example.se", name="Sam Andra")
    second.preferred_language = "sv"
    second.save(update_fields=["preferred_language"])
    lesson = lesson_in(LS.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        lesson_move(actor=company_member, lesson=lesson, move=LM.SUBMIT)

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {coordinator.email, second.email}
    english = by_address[coordinator.email]
    assert english.subject == f"A lesson learned waits for your review: {lesson.title}"
    assert f"/events/lessons/{lesson.pk}/" in english.body
    assert "/events/lessons/review/" in english.body
    assert by_address[second.email].body.startswith("Hej Sam")  # in the recipient's language


def test_a_coordinator_who_sends_their_own_lesson_is_not_told(
    partnership: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        lesson_create(actor=coordinator, partnership=partnership, title="T", body="B", submit=True)
    assert mail.outbox == []


def test_coordinators_who_switched_review_mail_off_are_not_told(
    lesson_in: Callable[..., Lesson],
    company_member: Any,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    coordinator.muted_mail = [MailKind.LESSON_REVIEW.value]
    coordinator.save(update_fields=["muted_mail"])
    lesson = lesson_in(LS.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_move(actor=company_member, lesson=lesson, move=LM.SUBMIT)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("state", "move", "subject"),
    [
        (LS.SUBMITTED, LM.PUBLISH, "Lesson learned published: "),
        (LS.SUBMITTED, LM.REQUEST_CHANGES, "Changes asked for your lesson learned: "),
        (LS.PUBLISHED, LM.WITHDRAW, "Lesson learned withdrawn: "),
        (LS.WITHDRAWN, LM.PUBLISH, "Lesson learned published: "),
    ],
)
def test_each_decision_tells_the_author_with_the_reason(
    state: str,
    move: str,
    subject: str,
    lesson_in: Callable[..., Lesson],
    company_member: Any,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    lesson = lesson_in(state)
    reason = "Lägg till vad det kostade." if move != LM.PUBLISH else "Tack, mycket läsvärt."
    with django_capture_on_commit_callbacks(execute=True):
        lesson_move(actor=coordinator, lesson=lesson, move=move, reason=reason)

    assert [m.to for m in mail.outbox] == [[company_member.email]]
    message = mail.outbox[0]
    assert message.subject == subject + lesson.title
    assert reason in message.body
    assert f"/events/lessons/{lesson.pk}/" in message.body
    assert message.body.startswith("Hello ")


def test_the_author_reads_the_decision_in_their_language(
    lesson_in: Callable[..., Lesson],
    company_member: Any,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    company_member.preferred_language = "sv"
    company_member.save(update_fields=["preferred_language"])
    lesson = lesson_in(LS.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_move(actor=coordinator, lesson=lesson, move=LM.REQUEST_CHANGES, reason="Mer!")
    assert mail.outbox[0].body.startswith("Hej ")
    assert "Mer!" in mail.outbox[0].body


def test_authors_who_switched_decision_mail_off_are_not_told(
    lesson_in: Callable[..., Lesson],
    company_member: Any,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    company_member.muted_mail = [MailKind.LESSON_DECISION.value]
    company_member.save(update_fields=["muted_mail"])
    lesson = lesson_in(LS.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_move(actor=coordinator, lesson=lesson, move=LM.PUBLISH)
    assert mail.outbox == []


def test_no_mail_when_the_move_is_rolled_back(
    lesson_in: Callable[..., Lesson],
    company_member: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import transaction

    lesson = lesson_in(LS.DRAFT)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        lesson_move(actor=company_member, lesson=lesson, move=LM.SUBMIT)
        raise RuntimeError
    assert mail.outbox == []
    assert Lesson.objects.get(pk=lesson.pk).status == LS.DRAFT


def test_a_lesson_of_another_region_goes_to_that_regions_coordinator(
    other_coordinator: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    foreign = make_partnership("ostergotland", coordinator=other_coordinator)
    author = foreign.proposal.created_by
    with django_capture_on_commit_callbacks(execute=True):
        lesson_create(actor=author, partnership=foreign, title="T", body="B", submit=True)
    assert [m.to for m in mail.outbox] == [[other_coordinator.email]]
