"""The periodic clean-up: files nobody asked for within the retention period go (rows, their
requests and the files themselves), recent ones stay, and nothing waits forever."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from reports.models import RenderedReport, ReportKind, ReportRequest
from reports.services import (
    report_claim,
    report_fail,
    report_render,
    report_request,
    reports_fail_stuck,
    reports_remove_expired,
)
from reports.tasks import remove_expired_reports
from reports.workflow import ReportError, ReportState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _ask(language: str, capture: Any, user: Any = None) -> ReportRequest:
    with capture(execute=False):
        return report_request(
            user=user or UserFactory(),
            session_key="",
            kind=ReportKind.PROCESS_GUIDE.value,
            params={"region": ""},
            language=language,
        )


def _ago(**kwargs: Any) -> Any:
    return timezone.now() - timedelta(**kwargs)


def test_old_files_are_removed_and_recent_ones_kept(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old = _ask("sv", django_capture_on_commit_callbacks)
    recent = _ask("en", django_capture_on_commit_callbacks)
    report_render(request_id=old.pk)
    report_render(request_id=recent.pk)
    old_file = RenderedReport.objects.get(requests=old)
    recent_file = RenderedReport.objects.get(requests=recent)
    storage = old_file.file.storage
    assert storage.exists(old_file.file.name) and storage.exists(recent_file.file.name)
    days = settings.REPORTS_RETENTION_DAYS
    RenderedReport.objects.filter(pk=old_file.pk).update(last_used_at=_ago(days=days, hours=1))
    RenderedReport.objects.filter(pk=recent_file.pk).update(last_used_at=_ago(days=days - 1))

    with django_capture_on_commit_callbacks(execute=True):
        removed = reports_remove_expired()

    assert removed == 1
    assert not RenderedReport.objects.filter(pk=old_file.pk).exists()
    assert not ReportRequest.objects.filter(pk=old.pk).exists()  # its requests go with it
    assert not storage.exists(old_file.file.name)
    assert RenderedReport.objects.filter(pk=recent_file.pk).exists()
    assert storage.exists(recent_file.file.name)
    assert ReportRequest.objects.filter(pk=recent.pk).exists()


def test_files_stay_when_the_removal_rolls_back(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    request = _ask("sv", django_capture_on_commit_callbacks)
    report_render(request_id=request.pk)
    rendered = RenderedReport.objects.get()
    RenderedReport.objects.update(last_used_at=_ago(days=settings.REPORTS_RETENTION_DAYS + 1))
    with django_capture_on_commit_callbacks(execute=False):
        assert reports_remove_expired() == 1
    # The deletion of the file waits for the commit (never ran here).
    assert rendered.file.storage.exists(rendered.file.name)


def test_old_failed_requests_without_a_file_are_removed(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old = _ask("sv", django_capture_on_commit_callbacks)
    fresh = _ask("en", django_capture_on_commit_callbacks)
    for request in (old, fresh):
        token = report_claim(request_id=request.pk)
        report_fail(request_id=request.pk, claim_token=token, error_code=ReportError.ERROR)
    ReportRequest.objects.filter(pk=old.pk).update(
        updated_at=_ago(days=settings.REPORTS_RETENTION_DAYS + 1)
    )
    reports_remove_expired()
    assert list(ReportRequest.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_stuck_requests_fail_and_fresh_ones_keep_waiting(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    limit = (settings.REPORTS_MAX_ATTEMPTS + 1) * settings.REPORTS_TIME_LIMIT
    never_claimed = _ask("sv", django_capture_on_commit_callbacks)
    hung = _ask("en", django_capture_on_commit_callbacks)
    waiting = _ask("sv", django_capture_on_commit_callbacks, user=UserFactory())
    rendering = _ask("en", django_capture_on_commit_callbacks, user=UserFactory())
    ReportRequest.objects.filter(pk=never_claimed.pk).update(
        created_at=_ago(seconds=limit + 5), updated_at=_ago(seconds=limit + 5)
    )
    report_claim(request_id=hung.pk)
    ReportRequest.objects.filter(pk=hung.pk).update(claimed_at=_ago(seconds=limit + 5))
    ReportRequest.objects.filter(pk=waiting.pk).update(created_at=_ago(seconds=limit - 60))
    report_claim(request_id=rendering.pk)

    assert reports_fail_stuck() == 2

    states = dict(ReportRequest.objects.values_list("pk", "error_code"))
    assert ReportRequest.objects.get(pk=never_claimed.pk).state == ReportState.FAILED
    assert states[never_claimed.pk] == ReportError.TEMPORARY
    assert ReportRequest.objects.get(pk=hung.pk).state == ReportState.FAILED
    assert states[hung.pk] == ReportError.TOO_LONG
    assert ReportRequest.objects.get(pk=waiting.pk).state == ReportState.QUEUED
    assert ReportRequest.objects.get(pk=rendering.pk).state == ReportState.RENDERING
    assert reports_fail_stuck() == 0


def test_the_periodic_task_runs_both(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    request = _ask("sv", django_capture_on_commit_callbacks)
    report_render(request_id=request.pk)
    RenderedReport.objects.update(last_used_at=_ago(days=settings.REPORTS_RETENTION_DAYS + 1))
    stuck = _ask("en", django_capture_on_commit_callbacks)
    ReportRequest.objects.filter(pk=stuck.pk).update(
        created_at=_ago(days=1), updated_at=_ago(days=1)
    )
    assert remove_expired_reports() == {"removed": 1, "failed": 1}
