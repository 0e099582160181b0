"""A real Celery worker on the Redis broker carries a request from queued to ready, on the
`reports` queue, and renders a task delivered twice only once."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from reports.models import RenderedReport, ReportKind, ReportRequest
from reports.services import report_request
from reports.tasks import render_report
from reports.workflow import ReportState
from tests.factories import UserFactory
from tests.reports.pdfs import pdf_facts, pdf_text
from tests.utils import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _state(pk: Any) -> str:
    return str(ReportRequest.objects.values_list("state", flat=True).get(pk=pk))


def test_a_request_goes_from_queued_to_ready_through_the_worker(
    reference_data: None, celery_app: Any, celery_worker: Any
) -> None:
    assert not celery_app.conf.task_always_eager
    assert celery_app.amqp.router.route({}, render_report.name)["queue"].name == "reports"
    request = report_request(
        user=UserFactory(),
        session_key="",
        kind=ReportKind.PROCESS_GUIDE.value,
        params={"region": ""},
        language="sv",
    )
    assert request.state == ReportState.QUEUED

    assert wait_for(lambda: _state(request.pk) == ReportState.READY, seconds=60.0), _state(
        request.pk
    )

    row = ReportRequest.objects.select_related("report").get(pk=request.pk)
    assert row.attempts == 1 and row.report is not None
    with row.report.file.open("rb") as handle:
        content = handle.read()
    facts = pdf_facts(content)
    assert facts.pages == row.report.pages and facts.language == "sv" and facts.tagged
    assert "Samverkan" in pdf_text(content) or "samverkan" in pdf_text(content)


def test_a_task_delivered_twice_renders_once(
    reference_data: None, celery_app: Any, celery_worker: Any
) -> None:
    request = report_request(
        user=AnonymousUser(),
        session_key="visitor-session",
        kind=ReportKind.PROCESS_GUIDE.value,
        params={"region": ""},
        language="en",
    )
    render_report.delay(str(request.pk))  # the broker redelivers the same message
    render_report.delay(str(request.pk))
    assert wait_for(lambda: _state(request.pk) == ReportState.READY, seconds=60.0), _state(
        request.pk
    )
    # The solo worker takes messages in queue order: once a request asked for after the
    # duplicates is ready, the duplicates have run.
    marker = report_request(
        user=AnonymousUser(),
        session_key="visitor-session",
        kind=ReportKind.PROCESS_GUIDE.value,
        params={"region": ""},
        language="sv",
    )
    assert wait_for(lambda: _state(marker.pk) == ReportState.READY, seconds=60.0), _state(marker.pk)
    assert RenderedReport.objects.count() == 2
    assert RenderedReport.objects.filter(requests=request).count() == 1
    row = ReportRequest.objects.get(pk=request.pk)
    assert row.attempts == 1
