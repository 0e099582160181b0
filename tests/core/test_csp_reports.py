"""`/csp-report`: browsers' Content-Security-Policy violation reports are stored, in both
formats, within limits (size, rate, field lengths), and old ones are removed by a beat task."""

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.roles import Role
from portal.core.models import CspReport
from portal.core.tasks import remove_old_csp_reports
from tests.factories import UserFactory
from tests.utils import wait_for

pytestmark = pytest.mark.django_db

URL = "/csp-report"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"


def csp_report(**overrides: Any) -> dict[str, Any]:
    """A report as `report-uri` sends it (application/csp-report)."""
    body = {
        "document-uri": "https://portal.example.se/partnerships/7/",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; script-src 'self'; report-uri /csp-report",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "column-number": 5,
        "source-file": "https://portal.example.se/partnerships/7/",
        "status-code": 200,
        "script-sample": "alert(1)",
    }
    body.update(overrides)
    return {"csp-report": body}


def reporting_api(**overrides: Any) -> dict[str, Any]:
    """One report as the Reporting API sends it (application/reports+json, in a list)."""
    body = {
        "documentURL": "https://portal.example.se/obstacles/",
        "blockedURL": "https://evil.example.com/x.js",
        "effectiveDirective": "script-src-elem",
        "originalPolicy": "default-src 'self'",
        "disposition": "enforce",
        "sourceFile": "https://portal.example.se/static/js/portal.js",
        "lineNumber": 3,
        "columnNumber": 14,
        "sample": "",
        "statusCode": 200,
    }
    body.update(overrides)
    return {
        "type": "csp-violation",
        "age": 10,
        "url": "https://portal.example.se/obstacles/",
        "user_agent": CHROME,
        "body": body,
    }


def post(client: Client, payload: Any, content_type: str = "application/csp-report") -> Any:
    data = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(URL, data=data, content_type=content_type, HTTP_USER_AGENT=CHROME)


def test_the_url_name_is_the_documented_one() -> None:
    assert reverse("core:csp_report") == URL


def test_a_report_uri_report_is_stored(client: Client) -> None:
    response = post(client, csp_report())
    assert response.status_code == 204
    report = CspReport.objects.get()
    assert report.document_uri == "https://portal.example.se/partnerships/7/"
    assert report.blocked_uri == "inline"
    assert report.violated_directive == "script-src-elem"
    assert report.effective_directive == "script-src-elem"
    assert report.disposition == "enforce"
    assert report.source_file == "https://portal.example.se/partnerships/7/"
    assert (report.line_number, report.column_number) == (12, 5)
    assert report.sample == "alert(1)"
    assert report.user_agent == CHROME
    assert report.raw == csp_report()


def test_plain_json_in_the_report_uri_format_is_read_too(client: Client) -> None:
    assert post(client, csp_report(), "application/json").status_code == 204
    assert CspReport.objects.count() == 1


def test_reporting_api_reports_are_stored_and_other_kinds_skipped(client: Client) -> None:
    deprecation = {"type": "deprecation", "url": "https://portal.example.se/", "body": {"id": "x"}}
    second = reporting_api(blockedURL="inline", effectiveDirective="style-src-attr")
    payload = [reporting_api(), deprecation, second]
    response = post(client, payload, "application/reports+json")
    assert response.status_code == 204
    reports = list(CspReport.objects.order_by("pk"))
    assert [r.blocked_uri for r in reports] == ["https://evil.example.com/x.js", "inline"]
    first = reports[0]
    assert first.document_uri == "https://portal.example.se/obstacles/"
    assert first.violated_directive == first.effective_directive == "script-src-elem"
    assert (first.line_number, first.column_number) == (3, 14)
    assert first.user_agent == CHROME
    assert first.raw == reporting_api()


@pytest.mark.parametrize(
    "body,content_type",
    [
        ("{not json", "application/csp-report"),
        (b"\xff\xfe\x00", "application/csp-report"),
        ("[]", "application/csp-report"),
        ('{"csp-report": "text"}', "application/csp-report"),
        ('{"csp-report": {"blocked-uri": NaN}}', "application/csp-report"),
        ('{"type": "csp-violation"}', "application/reports+json"),
        ('[{"type": "csp-violation", "body": 3}]', "application/reports+json"),
        ("[" * 5000 + "]" * 5000, "application/reports+json"),
        (
            json.dumps(csp_report(**{"x": [[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]})),
            "application/csp-report",
        ),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "wrong-shape",
        "report-not-object",
        "nan",
        "reports-not-list",
        "body-not-object",
        "nested-brackets",
        "nested-too-deep",
    ],
)
def test_malformed_bodies_are_400_and_store_nothing(
    client: Client, body: Any, content_type: str
) -> None:
    assert post(client, body, content_type).status_code == 400
    assert not CspReport.objects.exists()


def test_too_many_reports_in_one_body_is_400(client: Client) -> None:
    payload = [reporting_api(lineNumber=n) for n in range(21)]
    assert post(client, payload, "application/reports+json").status_code == 400
    assert not CspReport.objects.exists()


def test_another_content_type_is_415(client: Client) -> None:
    response = client.post(URL, {"document-uri": "x"})  # a form post
    assert response.status_code == 415
    assert post(client, csp_report(), "text/plain").status_code == 415
    assert not CspReport.objects.exists()


def test_an_oversize_body_is_413(client: Client, settings: Any) -> None:
    settings.CSP_REPORT_MAX_BYTES = 1024
    big = csp_report(**{"script-sample": "x" * 2000})
    assert post(client, big).status_code == 413
    assert not CspReport.objects.exists()
    assert post(client, csp_report()).status_code == 204


def test_the_default_limit_is_32_kilobytes(client: Client) -> None:
    assert settings.CSP_REPORT_MAX_BYTES == 32 * 1024
    assert post(client, csp_report(**{"script-sample": "x" * 33_000})).status_code == 413


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post(client: Client, method: str) -> None:
    assert getattr(client, method)(URL).status_code == 405


def test_fields_are_cut_to_their_columns_and_nul_removed(client: Client) -> None:
    long_uri = "https://portal.example.se/" + "a" * 5000
    payload = csp_report(
        **{
            "document-uri": long_uri,
            "blocked-uri": "b\x00" * 3000,
            "violated-directive": "v" * 500,
            "script-sample": "s" * 500,
            "disposition": "enforce-and-more-than-sixteen",
            "line-number": 2**40,
            "column-number": "seven",
        }
    )
    response = client.post(
        URL,
        data=json.dumps(payload),
        content_type="application/csp-report",
        HTTP_USER_AGENT="U" * 1000,
    )
    assert response.status_code == 204
    report = CspReport.objects.get()
    assert report.document_uri == long_uri[:2000]
    assert report.blocked_uri == "b" * 2000
    assert len(report.violated_directive) == 200
    assert len(report.sample) == 200
    assert report.disposition == "enforce-and-more"
    assert report.line_number is None and report.column_number is None
    assert len(report.user_agent) == 400
    assert "\x00" not in json.dumps(report.raw)
    assert report.raw["csp-report"]["document-uri"] == long_uri  # the whole report is kept


def test_the_same_violation_within_a_minute_is_kept_once(client: Client) -> None:
    assert post(client, csp_report()).status_code == 204
    assert post(client, csp_report()).status_code == 204
    assert CspReport.objects.count() == 1
    other_page = csp_report(**{"document-uri": "https://portal.example.se/obstacles/"})
    assert post(client, other_page).status_code == 204
    assert CspReport.objects.count() == 2


def test_reports_are_rate_limited_per_sender(client: Client, settings: Any) -> None:
    settings.CSP_REPORTS_PER_MINUTE = 3
    for n in range(3):
        assert (
            post(client, csp_report(**{"line-number": n, "blocked-uri": f"b{n}"})).status_code
            == 204
        )
    response = post(client, csp_report(**{"blocked-uri": "fourth"}))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert CspReport.objects.count() == 3
    assert not CspReport.objects.filter(blocked_uri="fourth").exists()
    # Another address has its own allowance.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert post(other, csp_report(**{"blocked-uri": "elsewhere"})).status_code == 204


def test_the_default_rate_is_30_a_minute() -> None:
    assert settings.CSP_REPORTS_PER_MINUTE == 30


def test_no_csrf_token_is_needed() -> None:
    client = Client(enforce_csrf_checks=True)
    assert post(client, csp_report()).status_code == 204
    assert CspReport.objects.count() == 1


def test_staff_without_mfa_can_still_report(client: Client) -> None:
    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get(name=Role.REGION_COORDINATOR.value))
    client.force_login(coordinator)
    assert client.get("/").status_code == 302  # everything else sends them to set up MFA
    assert post(client, csp_report()).status_code == 204
    assert CspReport.objects.count() == 1


def test_the_policy_points_browsers_at_the_endpoint(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]
    assert "report-uri /csp-report" in policy
    assert "report-to" not in policy  # no Reporting-Endpoints header names a group


# --- Retention ----------------------------------------------------------------------------------


def _report_aged(days: float) -> CspReport:
    report = CspReport.objects.create(blocked_uri=f"aged-{days}")
    CspReport.objects.filter(pk=report.pk).update(
        received_at=timezone.now() - dt.timedelta(days=days)
    )
    return report


def test_old_reports_are_removed_and_recent_ones_kept() -> None:
    assert settings.CSP_REPORTS_RETENTION_DAYS == 90
    old = _report_aged(91)
    recent = _report_aged(89)
    assert remove_old_csp_reports() == 1
    assert not CspReport.objects.filter(pk=old.pk).exists()
    assert CspReport.objects.filter(pk=recent.pk).exists()
    assert remove_old_csp_reports() == 0


def test_beat_runs_the_removal_every_night() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["csp-reports-remove-old"]
    assert entry["task"] == "portal.core.tasks.remove_old_csp_reports"
    assert remove_old_csp_reports.name == entry["task"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_removal_runs_on_a_real_worker(celery_app: Any, celery_worker: Any) -> None:
    assert not celery_app.conf.task_always_eager
    old = _report_aged(120)
    recent = _report_aged(1)
    remove_old_csp_reports.delay()
    assert wait_for(lambda: not CspReport.objects.filter(pk=old.pk).exists())
    assert CspReport.objects.filter(pk=recent.pk).exists()


# --- Admin --------------------------------------------------------------------------------------


def test_the_admin_lists_reports_read_only(client: Client, with_mfa: Any) -> None:
    post(client, csp_report())
    admin = with_mfa(UserFactory(is_superuser=True, is_staff=True))
    client.force_login(admin)
    changelist = client.get("/admin/core/cspreport/?effective_directive=script-src-elem&q=inline")
    assert changelist.status_code == 200
    assert "script-src-elem" in changelist.content.decode()
    assert client.get("/admin/core/cspreport/add/").status_code == 403
    report = CspReport.objects.get()
    change = client.post(f"/admin/core/cspreport/{report.pk}/change/", {"blocked_uri": "x"})
    assert change.status_code == 403
    assert CspReport.objects.get().blocked_uri == "inline"
    delete = client.post(f"/admin/core/cspreport/{report.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert CspReport.objects.exists()
