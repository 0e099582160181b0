"""The render task: transient failures are retried with backoff and then fail as temporary,
running past the soft time limit fails as too long, anything else fails as an error (detail
kept for the admin), and a duplicate delivery leaves the worker holding the claim alone.

The test settings run tasks eagerly (a retry runs again at once, without its countdown); the
real worker on Redis is in test_core_worker.py.
"""

import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import FileSystemStorage

from reports.models import RenderedReport, ReportKind, ReportRequest
from reports.services import report_claim, report_request
from reports.tasks import CLAIM_WAITS, backoff, render_report
from reports.workflow import ReportError, ReportState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class DiskFullStorage(FileSystemStorage):
    """The disk refuses writes (ENOSPC), as a full or read-only media volume does."""

    saves = 0

    def _save(self, name: str, content: Any) -> str:
        type(self).saves += 1
        raise OSError(28, "No space left on device")


class BrokenStorage(FileSystemStorage):
    """A programming error deep down: not transient, not retried."""

    def _save(self, name: str, content: Any) -> str:
        raise RuntimeError("storage misconfigured: secret path /srv/x")


def _storage(settings: Any, backend: type) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{backend.__module__}.{backend.__qualname__}"},
    }


@pytest.fixture
def queued(django_capture_on_commit_callbacks: Any) -> ReportRequest:
    with django_capture_on_commit_callbacks(execute=False):
        return report_request(
            user=UserFactory(),
            session_key="",
            kind=ReportKind.PROCESS_GUIDE.value,
            params={"region": ""},
            language="sv",
        )


def test_backoff_grows_exponentially_with_jitter() -> None:
    for attempt, base in [(1, 5), (2, 10), (3, 20), (4, 40)]:
        delays = {backoff(attempt) for _ in range(20)}
        assert all(base <= d <= base * 1.25 for d in delays), (attempt, delays)
        assert len(delays) > 1  # jitter
    assert backoff(30) <= 300 * 1.25


def test_a_transient_error_is_retried_then_fails_as_temporary(
    settings: Any, queued: ReportRequest
) -> None:
    _storage(settings, DiskFullStorage)
    DiskFullStorage.saves = 0

    render_report.delay(str(queued.pk))

    row = ReportRequest.objects.get(pk=queued.pk)
    assert row.state == ReportState.FAILED
    assert row.error_code == ReportError.TEMPORARY
    assert row.attempts == settings.REPORTS_MAX_ATTEMPTS
    assert DiskFullStorage.saves == settings.REPORTS_MAX_ATTEMPTS
    assert "No space left on device" in row.error_detail
    assert RenderedReport.objects.count() == 0


def test_a_transient_error_that_clears_up_ends_ready(
    settings: Any, queued: ReportRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    class FlakyStorage(FileSystemStorage):
        failures = 1

        def _save(self, name: str, content: Any) -> str:
            if type(self).failures:
                type(self).failures -= 1
                raise OSError(5, "Input/output error")
            return super()._save(name, content)  # type: ignore[misc]

    # The storage setting names a class by its dotted path: put it where that path finds it.
    monkeypatch.setitem(globals(), "FlakyStorage", FlakyStorage)
    FlakyStorage.__qualname__ = "FlakyStorage"
    _storage(settings, FlakyStorage)

    render_report.delay(str(queued.pk))

    row = ReportRequest.objects.get(pk=queued.pk)
    assert row.state == ReportState.READY and row.attempts == 2
    assert RenderedReport.objects.count() == 1


def test_an_unexpected_error_fails_at_once_with_the_detail_kept(
    settings: Any, queued: ReportRequest
) -> None:
    _storage(settings, BrokenStorage)
    render_report.delay(str(queued.pk))
    row = ReportRequest.objects.get(pk=queued.pk)
    assert row.state == ReportState.FAILED and row.error_code == ReportError.ERROR
    assert row.attempts == 1
    assert "RuntimeError" in row.error_detail and "storage misconfigured" in row.error_detail


@pytest.fixture
def soft_limit_alarm() -> Iterator[Any]:
    """What Celery's pool does at the soft time limit: a signal whose handler raises
    SoftTimeLimitExceeded in the running task, wherever it is."""

    def _raise(signum: int, frame: Any) -> None:
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, _raise)

    def arm(seconds: float) -> None:
        signal.setitimer(signal.ITIMER_REAL, seconds)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def test_running_past_the_soft_time_limit_fails_as_too_long(
    queued: ReportRequest, soft_limit_alarm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reports.services.work as work

    real = work.make_report_pdf

    def slow_render(*args: Any, **kwargs: Any) -> Any:
        # The alarm goes off inside WeasyPrint, as a soft limit hits a long compilation (and
        # should the rendering ever beat it, while the task is still busy).
        soft_limit_alarm(0.02)
        result = real(*args, **kwargs)
        time.sleep(10)
        return result

    monkeypatch.setattr(work, "make_report_pdf", slow_render)

    render_report.delay(str(queued.pk))

    row = ReportRequest.objects.get(pk=queued.pk)
    assert row.state == ReportState.FAILED and row.error_code == ReportError.TOO_LONG
    assert row.attempts == 1  # not retried: it would take as long again
    assert RenderedReport.objects.count() == 0


def test_a_duplicate_delivery_leaves_the_claim_holder_alone(queued: ReportRequest) -> None:
    token = report_claim(request_id=queued.pk)

    result = render_report.apply(args=(str(queued.pk),))

    assert result.result is None
    assert CLAIM_WAITS > 0
    row = ReportRequest.objects.get(pk=queued.pk)
    assert row.state == ReportState.RENDERING and row.claim_token == token and row.attempts == 1
    assert RenderedReport.objects.count() == 0


def test_a_finished_request_delivered_again_does_nothing(queued: ReportRequest) -> None:
    render_report.delay(str(queued.pk))
    rendered = RenderedReport.objects.get()
    render_report.delay(str(queued.pk))
    row = ReportRequest.objects.get(pk=queued.pk)
    assert row.state == ReportState.READY and row.attempts == 1
    assert list(RenderedReport.objects.values_list("pk", flat=True)) == [rendered.pk]


def test_an_anonymous_request_for_a_public_report_renders(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = report_request(
            user=AnonymousUser(),
            session_key="visitor",
            kind=ReportKind.PROCESS_GUIDE.value,
            params={"region": "uppsala"},
            language="en",
        )
    row = ReportRequest.objects.get(pk=request.pk)
    assert row.state == ReportState.READY and row.requested_by is None


def test_a_subject_that_vanishes_after_the_access_check_fails_as_gone(
    queued: ReportRequest,
) -> None:
    """The national guide passes the access check, but with no process template left its
    context answers 404: the request fails as "gone" (nothing to try again), not as an error."""
    from partnerships.models import ProcessTemplate

    ProcessTemplate.objects.all().delete()
    render_report.delay(str(queued.pk))
    row = ReportRequest.objects.get(pk=queued.pk)
    assert row.state == ReportState.FAILED and row.error_code == ReportError.SUBJECT_GONE
