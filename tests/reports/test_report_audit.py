"""Who took out which report is in the admins' audit log: a signed-in person's request (new,
or answered from a file already made) and a retry; an anonymous visitor's public request is not."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.core.models import AuditEvent
from reports.models import ReportKind, ReportRequest
from reports.services import report_claim, report_fail, report_render, report_request, report_retry
from reports.workflow import ReportError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ask(user: Any, session_key: str = "") -> ReportRequest:
    return report_request(
        user=user,
        session_key=session_key,
        kind=ReportKind.PROCESS_GUIDE.value,
        params={"region": ""},
        language="en",
    )


def _rows(action: str) -> list[tuple[Any, str, dict[str, Any]]]:
    return list(
        AuditEvent.objects.filter(action=action, target_type="reports.reportrequest")
        .order_by("pk")
        .values_list("actor", "target_id", "data")
    )


def test_a_signed_in_request_and_its_retry_are_audited(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        request = ask(person)
    assert _rows("report.request") == [
        (
            person.pk,
            str(request.pk),
            {"kind": "process_guide", "subject": "guide:national", "language": "en"},
        )
    ]
    token = report_claim(request_id=request.pk)
    report_fail(request_id=request.pk, claim_token=token, error_code=ReportError.ERROR)
    with django_capture_on_commit_callbacks(execute=False):
        report_retry(report_request=ReportRequest.objects.get(pk=request.pk))
    assert [(actor, target) for actor, target, _data in _rows("report.retry")] == [
        (person.pk, str(request.pk))
    ]


def test_a_request_answered_from_a_made_file_is_audited_too(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        first = ask(UserFactory())
    report_render(request_id=first.pk)
    other = UserFactory()
    second = ask(other)
    assert second.report_id is not None  # no worker needed
    assert (other.pk, str(second.pk)) in [(a, t) for a, t, _d in _rows("report.request")]


def test_an_anonymous_request_is_not_audited(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        ask(AnonymousUser(), session_key="s" * 32)
    assert _rows("report.request") == []
