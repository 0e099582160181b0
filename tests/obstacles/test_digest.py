"""The reviewers' daily digest: what waits, oldest first, once a day, in each reader's language."""

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from obstacles.models import Obstacle
from obstacles.services import entries as services
from obstacles.services.digest import obstacle_review_digest_send
from obstacles.tasks import send_review_digest
from obstacles.workflow import ObstacleMove, ObstacleStatus
from portal.core.models import AuditEvent
from portal.core.notifications import MailKind
from tests.factories_obstacles import MitigationFactory, make_reviewer
from tests.factories_process import make_admin

from .test_entry_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

S, M = ObstacleStatus, ObstacleMove


def _aged(entry: Obstacle, days: int) -> Obstacle:
    """Pretend the entry was submitted `days` ago (only the clock moves; the state is real)."""
    Obstacle.objects.filter(pk=entry.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=days)
    )
    entry.refresh_from_db()
    return entry


@pytest.fixture
def waiting(entry_in: Any) -> dict[str, Obstacle]:
    """Three entries waiting (one taken by Rut), one published, one draft: only three wait."""
    return {
        "new": _aged(entry_in(S.SUBMITTED, title="Nytt hinder om molntjänster"), 0),
        "taken": _aged(entry_in(S.IN_REVIEW, title="Taget hinder om upphandling"), 3),
        "old": _aged(entry_in(S.SUBMITTED, title="Gammalt hinder om avtal"), 12),
        "published": entry_in(S.PUBLISHED, title="Redan publicerat"),
        "draft": entry_in(S.DRAFT, title="Ett utkast"),
    }


def _send(django_capture_on_commit_callbacks: Any, **kwargs: Any) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return obstacle_review_digest_send(**kwargs)


def test_each_reviewer_gets_one_digest_listing_what_waits_oldest_first(
    waiting: dict[str, Obstacle],
    reviewer: Any,
    other_reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mitigation = MitigationFactory(
        title="Svensk molnleverantör", status="submitted", published_at=None
    )

    sent = _send(django_capture_on_commit_callbacks)

    assert sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([reviewer.email, other_reviewer.email])
    to_olle = next(m for m in mailoutbox if m.to == [other_reviewer.email])
    assert to_olle.subject == "Obstacle compilation: 4 items wait for review"
    body = to_olle.body
    old, taken, new = (body.index(waiting[k].title) for k in ("old", "taken", "new"))
    assert old < taken < new
    assert "Waiting 12 days; not taken" in body
    assert "Waiting 3 days; taken by Rut Granskare" in body
    assert "Waiting 0 days; not taken" in body
    assert waiting["published"].title not in body and waiting["draft"].title not in body
    assert mitigation.title in body
    site = settings.PORTAL_SITE_URL
    assert f"{site}{reverse('obstacles:review', args=[waiting['old'].pk])}" in body
    assert f"{site}{reverse('obstacles:review_queue')}" in body
    assert f"{site}{reverse('obstacles:mitigation_review_list')}" in body
    to_rut = next(m for m in mailoutbox if m.to == [reviewer.email])
    assert "Waiting 3 days; taken by you" in to_rut.body


def test_nothing_waiting_sends_nothing(
    entry_in: Any, reviewer: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    entry_in(S.PUBLISHED)
    entry_in(S.DRAFT)
    MitigationFactory(status="published")

    assert _send(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action="obstacle.digest").exists()


def test_a_submitted_mitigation_alone_is_worth_a_digest(
    reviewer: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    MitigationFactory(title="Avtal om personuppgiftsbiträde", status="submitted")
    assert _send(django_capture_on_commit_callbacks) == 1
    (message,) = mailoutbox
    assert message.subject == "Obstacle compilation: 1 item waits for review"
    assert "Avtal om personuppgiftsbiträde" in message.body
    assert "Obstacle entries, oldest first:" not in message.body


def test_running_twice_the_same_day_sends_once_and_the_next_day_again(
    waiting: dict[str, Obstacle],
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = timezone.localdate()
    assert _send(django_capture_on_commit_callbacks, today=today) == 1
    assert _send(django_capture_on_commit_callbacks, today=today) == 0
    assert len(mailoutbox) == 1
    audit = AuditEvent.objects.get(action="obstacle.digest")
    assert audit.target_id == str(reviewer.pk)
    assert audit.data == {"date": today.isoformat(), "obstacles": 3, "mitigations": 0}

    assert _send(django_capture_on_commit_callbacks, today=today + dt.timedelta(days=1)) == 1
    assert len(mailoutbox) == 2


def test_only_active_reviewers_who_want_the_digest_get_it(
    waiting: dict[str, Obstacle],
    reviewer: Any,
    stranger: Any,
    author: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    muted = make_reviewer(email="tyst@granskning.example.se")
    muted.muted_mail = [MailKind.OBSTACLE_DIGEST.value]
    muted.save(update_fields=["muted_mail"])
    gone = make_reviewer(email="slutat@granskning.example.se")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    make_admin()  # portal admins may review, but the digest is for the reviewer role

    _send(django_capture_on_commit_callbacks)

    assert [m.to for m in mailoutbox] == [[reviewer.email]]


def test_a_swedish_reviewer_reads_the_digest_in_swedish(
    waiting: dict[str, Obstacle],
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    reviewer.preferred_language = "sv"
    reviewer.save(update_fields=["preferred_language"])

    _send(django_capture_on_commit_callbacks)

    (message,) = mailoutbox
    assert message.subject == "Hindersammanställningen: 3 poster väntar på granskning"
    assert message.body.startswith("Hej Rut,")
    assert "Hinder, äldst först:" in message.body
    assert "Har väntat 12 dagar; inte tagen" in message.body
    assert "Har väntat 3 dagar; tagen av dig" in message.body
    # The category is named in the reader's language too.
    assert waiting["old"].category.name_sv in message.body


def test_the_digest_reads_a_fixed_number_of_queries_whatever_waits(
    entry_in: Any,
    reviewer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(2):
        entry_in(S.SUBMITTED, title=f"Väntande {n}")
    with CaptureQueriesContext(connection) as few:
        _send(django_capture_on_commit_callbacks, today=timezone.localdate())
    for n in range(6):
        entry_in(S.IN_REVIEW, title=f"Fler {n}")
    with CaptureQueriesContext(connection) as many:
        _send(
            django_capture_on_commit_callbacks,
            today=timezone.localdate() + dt.timedelta(days=1),
        )
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_beat_task_sends_the_digest(
    waiting: dict[str, Obstacle],
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert "obstacles.tasks.send_review_digest" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_review_digest.apply().get()
    assert sent == 1
    assert len(mailoutbox) == 1


def test_a_decision_removes_the_entry_from_tomorrows_digest(
    waiting: dict[str, Obstacle],
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.obstacle_move(obstacle=waiting["taken"], actor=reviewer, move=M.PUBLISH)
    _send(django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert waiting["taken"].title not in message.body
    assert waiting["old"].title in message.body
