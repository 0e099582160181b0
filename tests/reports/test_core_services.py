"""The report request's life through the services: asking, claiming, rendering once, reuse of
identical data, invalidation on change, failure, retry, clean ownership and mail when slow.

The generic kind is the public process guide (national default template, params
{"region": ""}), so nothing here depends on a private subject's set-up.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone

from partnerships.models import ProcessStep, ProcessTemplate
from partnerships.services.process import template_step_update
from reports.models import RenderedReport, ReportKind, ReportRequest
from reports.services import (
    ClaimHeld,
    report_claim,
    report_fail,
    report_render,
    report_request,
    report_retry,
)
from reports.workflow import REPORT_MOVES, ReportError, ReportState
from tests.factories import UserFactory
from tests.factories_process import make_admin
from tests.reports.pdfs import pdf_facts
from tests.utils import at_once

GUIDE = ReportKind.PROCESS_GUIDE.value
NATIONAL = {"region": ""}

pytestmark = pytest.mark.django_db


def ask(user: Any = None, *, session_key: str = "", language: str = "en") -> ReportRequest:
    return report_request(
        user=user if user is not None else AnonymousUser(),
        session_key=session_key,
        kind=GUIDE,
        params=dict(NATIONAL),
        language=language,
    )


def test_the_moves_are_the_documented_ones() -> None:
    assert (ReportState.READY, ReportState.QUEUED) not in REPORT_MOVES
    assert (ReportState.FAILED, ReportState.QUEUED) in REPORT_MOVES
    assert (ReportState.QUEUED, ReportState.READY) not in REPORT_MOVES


def test_a_request_waits_and_its_task_is_enqueued_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = ask(user)
    assert request.state == ReportState.QUEUED
    assert request.subject == "guide:national"
    assert request.requested_by == user and request.session_key == ""
    assert len(request.key) == 64
    assert len(callbacks) == 1


def test_the_task_body_run_twice_renders_once(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        request = ask(UserFactory())

    done = report_render(request_id=request.pk)
    assert done is not None and done.state == ReportState.READY
    rendered = RenderedReport.objects.get()
    assert done.report == rendered and done.attempts == 1 and done.finished_at is not None
    assert rendered.file.name.startswith("private/reports/")
    assert rendered.pages >= 1 and rendered.size > 1000 and rendered.render_seconds > 0
    with rendered.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF") and len(content) == rendered.size
    assert pdf_facts(content).language == "en"

    again = report_render(request_id=request.pk)  # a second delivery
    assert again is not None and again.state == ReportState.READY and again.attempts == 1
    assert RenderedReport.objects.count() == 1
    assert RenderedReport.objects.get().file.name == rendered.file.name


def test_a_duplicate_delivery_while_rendering_waits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        request = ask(UserFactory())
    assert report_claim(request_id=request.pk) is not None
    with pytest.raises(ClaimHeld):
        report_render(request_id=request.pk)
    assert RenderedReport.objects.count() == 0
    assert report_claim(request_id=request.pk) is None  # the claim is fresh


def test_a_stale_claim_is_taken_over_and_the_old_worker_cannot_finish(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        request = ask(UserFactory())
    old_token = report_claim(request_id=request.pk)
    ReportRequest.objects.filter(pk=request.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=3600)
    )

    done = report_render(request_id=request.pk)  # a new worker after the crash

    assert done is not None and done.state == ReportState.READY and done.attempts == 2
    assert done.claim_token != old_token
    # The crashed worker wakes up and tries to record its failure: refused.
    assert not report_fail(
        request_id=request.pk, claim_token=old_token, error_code=ReportError.ERROR
    )
    assert ReportRequest.objects.get(pk=request.pk).state == ReportState.READY


def test_finishing_with_a_stale_token_is_refused(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        request = ask(UserFactory())
    first = report_claim(request_id=request.pk)
    ReportRequest.objects.filter(pk=request.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=3600)
    )
    second = report_claim(request_id=request.pk)
    assert first and second and first != second
    assert not report_fail(request_id=request.pk, claim_token=first, error_code="error")
    assert report_fail(request_id=request.pk, claim_token=second, error_code="error")
    row = ReportRequest.objects.get(pk=request.pk)
    assert row.state == ReportState.FAILED and row.error_code == ReportError.ERROR


def test_an_identical_request_reuses_the_file_at_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        first = ask(UserFactory())
    report_render(request_id=first.pk)
    rendered = RenderedReport.objects.get()
    RenderedReport.objects.update(last_used_at=timezone.now() - timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = ask(UserFactory())

    assert callbacks == []  # no task
    assert second.pk != first.pk
    assert second.state == ReportState.READY and second.report == rendered
    assert second.key == first.key
    rendered.refresh_from_db()
    assert rendered.last_used_at > timezone.now() - timedelta(minutes=1)
    # Another language is another report.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        swedish = ask(UserFactory(), language="sv")
    assert swedish.state == ReportState.QUEUED and swedish.key != first.key
    assert len(callbacks) == 1


def test_changed_guidance_makes_a_new_report(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        first = ask(user)
    report_render(request_id=first.pk)

    template = ProcessTemplate.objects.get(region__isnull=True, is_current=True)
    step = ProcessStep.objects.filter(template=template).order_by("order").first()
    assert step is not None
    template_step_update(
        actor=make_admin(),
        step=step,
        data={"guidance_en": "<p>Ask the data protection officer early.</p>"},
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = ask(user)
    assert second.pk != first.pk and second.key != first.key
    assert second.state == ReportState.QUEUED and len(callbacks) == 1
    report_render(request_id=second.pk)
    assert RenderedReport.objects.count() == 2


def test_a_double_submit_creates_nothing_twice(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = ask(user)
        second = ask(user)
    assert first.pk == second.pk
    assert ReportRequest.objects.count() == 1 and len(callbacks) == 1


def test_asking_again_after_a_failure_makes_a_new_request(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        first = ask(user)
    token = report_claim(request_id=first.pk)
    report_fail(request_id=first.pk, claim_token=token, error_code=ReportError.TEMPORARY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = ask(user)
    assert second.pk != first.pk and second.state == ReportState.QUEUED and len(callbacks) == 1


def test_retry_after_failure_queues_again(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        request = ask(UserFactory())
    token = report_claim(request_id=request.pk)
    assert report_fail(
        request_id=request.pk, claim_token=token, error_code=ReportError.ERROR, detail="boom"
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        retried = report_retry(report_request=ReportRequest.objects.get(pk=request.pk))

    assert retried.state == ReportState.QUEUED and retried.attempts == 0
    assert retried.error_code == "" and retried.error_detail == "" and retried.claim_token is None
    assert len(callbacks) == 1
    done = report_render(request_id=request.pk)
    assert done is not None and done.state == ReportState.READY


@pytest.mark.parametrize("state", [ReportState.QUEUED, ReportState.RENDERING, ReportState.READY])
def test_only_a_failed_request_can_be_retried(
    state: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        request = ask(UserFactory())
    if state == ReportState.RENDERING:
        report_claim(request_id=request.pk)
    elif state == ReportState.READY:
        report_render(request_id=request.pk)
    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=False) as cbs:
        report_retry(report_request=ReportRequest.objects.get(pk=request.pk))
    assert cbs == []
    assert ReportRequest.objects.get(pk=request.pk).state == state


def test_an_anonymous_session_owns_its_request(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        first = ask(session_key="session-a")
        again = ask(session_key="session-a")
        other = ask(session_key="session-b")
    assert first.pk == again.pk
    assert first.requested_by is None and first.session_key == "session-a"
    assert other.pk != first.pk and other.session_key == "session-b"
    with pytest.raises(ValueError):
        ask(session_key="")


def test_a_request_whose_subject_is_gone_fails_as_such(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner: Any = UserFactory()
    request = ReportRequest.objects.create(
        kind=GUIDE,
        params={"region": "atlantis"},
        language="en",
        key="x" * 64,
        subject="guide:atlantis",
        requested_by=owner,
    )
    done = report_render(request_id=request.pk)
    assert done is not None and done.state == ReportState.FAILED
    assert done.error_code == ReportError.SUBJECT_GONE
    assert RenderedReport.objects.count() == 0


def test_no_mail_when_the_report_was_quick(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        request = ask(UserFactory())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_render(request_id=request.pk)
    assert mail.outbox == []
    assert ReportRequest.objects.get(pk=request.pk).mailed_at is None


def test_a_slow_report_is_mailed_in_the_requesters_language(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REPORTS_MAIL_AFTER_SECONDS = 0
    user = UserFactory(preferred_language="sv")
    with django_capture_on_commit_callbacks(execute=False):
        request = ask(user, language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_render(request_id=request.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert f"/reports/{request.pk}/" in message.body
    assert message.body.count("http") == 1
    assert "Hej" in message.body or "rapport" in message.subject.lower()
    assert ReportRequest.objects.get(pk=request.pk).mailed_at is not None


def test_a_slow_failure_is_mailed_too_unless_switched_off(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REPORTS_MAIL_AFTER_SECONDS = 0
    user = UserFactory(preferred_language="en")
    muted = UserFactory(preferred_language="en", muted_mail=["report_ready"])
    with django_capture_on_commit_callbacks(execute=False):
        first = ask(user)
        second = ask(muted)
    mail.outbox.clear()
    for request in (first, second):
        token = report_claim(request_id=request.pk)
        with django_capture_on_commit_callbacks(execute=True):
            report_fail(request_id=request.pk, claim_token=token, error_code=ReportError.TOO_LONG)
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "could not be made" in mail.outbox[0].subject
    assert str(ReportError.TOO_LONG.label) in mail.outbox[0].body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_make_one_row(reference_data: None) -> None:
    user = UserFactory()
    results = at_once(lambda: ask(user), lambda: ask(user))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].pk == results[1].pk
    assert ReportRequest.objects.count() == 1
