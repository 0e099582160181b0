"""Security events: each is one structured record on `portal.security`, written by the real
views, signals and permission helpers, and never carrying a password or a code.

`security_log` attaches pytest's capturing handler to the `portal.security` logger itself: the
logger does not propagate to the root (its JSON lines go to standard output on their own).
"""

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from partnerships.permissions import get_partnership_for_user_or_404
from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from portal.core.logging import JSONFormatter
from portal.core.security import security_event
from tests.factories import PASSWORD, UserFactory
from tests.factories_dissemination import EventFactory, RegistrationFactory
from tests.factories_process import make_partnership, make_region_person

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a-new-and-long-passphrase-7"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


# --- A view that refuses with 403, behind the whole middleware stack -----------------------------


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [path("forbidden/", _forbidden), path("", include("portal.urls"))]
handler403 = "portal.core.views.error_403"


# --- Capturing the records -----------------------------------------------------------------------


class SecurityLog:
    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog

    def records(self, event: str | None = None) -> list[dict[str, Any]]:
        return [
            r.security  # type: ignore[attr-defined]
            for r in self.caplog.records
            if r.name == "portal.security" and (event is None or r.security["event"] == event)  # type: ignore[attr-defined]
        ]

    def one(self, event: str) -> dict[str, Any]:
        found = self.records(event)
        assert len(found) == 1, (event, self.records())
        return found[0]

    def text(self) -> str:
        """Everything logged, as the JSON lines production writes."""
        formatter = JSONFormatter()
        return "\n".join(formatter.format(r) for r in self.caplog.records)


@pytest.fixture
def security_log(caplog: pytest.LogCaptureFixture) -> Iterator[SecurityLog]:
    security_logger = logging.getLogger("portal.security")
    security_logger.addHandler(caplog.handler)
    try:
        yield SecurityLog(caplog)
    finally:
        security_logger.removeHandler(caplog.handler)


def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def totp_code(secret: str = TOTP_SECRET) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- The JSON formatter and the logging configuration ------------------------------------------


def test_the_formatter_writes_one_parseable_json_object_per_line() -> None:
    record = logging.LogRecord(
        "portal.security", logging.WARNING, __file__, 1, "login_failed", None, None
    )
    record.security = {"event": "login_failed", "email": "åsa\n@example.se", "n": 3}
    line = JSONFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "WARNING"
    assert data["logger"] == "portal.security"
    assert data["message"] == "login_failed"
    assert data["security"] == {"event": "login_failed", "email": "åsa\n@example.se", "n": 3}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", data["time"])


def test_the_formatter_keeps_values_json_cannot_hold_and_exceptions() -> None:
    import datetime as dt

    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "portal", logging.ERROR, __file__, 1, "failed %s", ("x",), sys.exc_info()
        )
    record.security = {"when": dt.date(2026, 11, 26)}
    data = json.loads(JSONFormatter().format(record))
    assert data["message"] == "failed x"
    assert data["security"]["when"] == "2026-11-26"
    assert "ValueError: boom" in data["exception"]


def test_security_events_go_to_stdout_as_json_lines() -> None:
    """The settings' LOGGING, in a process of its own: the event is a JSON line on stdout."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    script = (
        "import django; django.setup();"
        "from portal.core.security import security_event;"
        "security_event('export', outcome='ok', export='pipeline', rows=3)"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, done.stdout
    assert lines[0]["logger"] == "portal.security"
    assert lines[0]["security"] == {
        "event": "export",
        "outcome": "ok",
        "export": "pipeline",
        "rows": 3,
    }
    # Not also in the ordinary (root) log: the logger does not propagate.
    assert "export" not in done.stderr


def test_security_event_outside_a_request_has_no_address(security_log: SecurityLog) -> None:
    record = security_event("export", export="x")
    assert record == {"event": "export", "outcome": "ok", "export": "x"}
    assert security_log.records("export") == [record]


# --- Signing in and out ------------------------------------------------------------------------


def test_failed_sign_in_logs_the_address_typed_and_never_the_password(
    client: Client, security_log: SecurityLog
) -> None:
    user = UserFactory()
    response = sign_in(client, user.email, "Wrong-Secret-123")
    assert response.status_code == 200
    record = security_log.one("login_failed")
    assert record["email"] == user.email
    assert record["outcome"] == "refused"
    assert record["ip"] == "127.0.0.1"
    assert record["path"] == reverse("account_login")
    assert "user_id" not in record
    assert "Wrong-Secret-123" not in security_log.text()


def test_a_very_long_login_is_cut_to_254_characters(security_log: SecurityLog) -> None:
    from django.contrib.auth import authenticate

    authenticate(None, email="x" * 400 + "@example.se", password="nope")
    assert security_log.one("login_failed")["email"] == "x" * 254


def test_sign_in_and_sign_out_are_logged(client: Client, security_log: SecurityLog) -> None:
    user = UserFactory()
    sign_in(client, user.email)
    assert security_log.one("login")["user_id"] == user.pk
    client.post(reverse("account_logout"))
    logout = security_log.one("logout")
    assert logout["user_id"] == user.pk
    assert logout["path"] == reverse("account_logout")
    assert PASSWORD not in security_log.text()


def test_too_many_failed_sign_ins_are_logged_as_rate_limited(
    client: Client, security_log: SecurityLog
) -> None:
    user = UserFactory()
    for _ in range(5):
        sign_in(client, user.email, "wrong-password")
    assert security_log.records("login_rate_limited") == []
    response = sign_in(client, user.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()
    record = security_log.one("login_rate_limited")
    assert record["email"] == user.email
    assert record["step"] == "password"
    assert record["outcome"] == "refused"
    assert PASSWORD not in security_log.text()


def test_the_429_page_is_translated_and_logged(client: Client, security_log: SecurityLog) -> None:
    """allauth's per-address limit on the sign-in page answers with the portal's 429 page."""
    from django.test import override_settings

    limits = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    with override_settings(ACCOUNT_RATE_LIMITS=limits):
        for _ in range(2):
            sign_in(client, "someone@example.se", "x")
        client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "sv"})
        response = sign_in(client, "someone@example.se", "x")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "För många försök" in response.content.decode()
    assert security_log.one("login_rate_limited")["path"] == reverse("account_login")


def test_ending_the_other_sessions_logs_each_one(security_log: SecurityLog) -> None:
    user = UserFactory()
    clients = [Client(HTTP_USER_AGENT=agent) for agent in ("Phone", "Tablet", "Laptop")]
    for each in clients:
        sign_in(each, user.email)
    clients[-1].post("/accounts/sessions/")
    ended = security_log.records("session_ended")
    assert len(ended) == 2
    for record in ended:
        assert record["user_id"] == record["owner_id"] == user.pk
        assert record["session_ip"] == "127.0.0.1"
        assert record["path"] == "/accounts/sessions/"


# --- Passwords and email addresses ---------------------------------------------------------------


def test_password_change_is_logged_without_either_password(
    client: Client, security_log: SecurityLog
) -> None:
    user = UserFactory()
    sign_in(client, user.email)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert security_log.one("password_changed")["user_id"] == user.pk
    text = security_log.text()
    assert PASSWORD not in text
    assert NEW_PASSWORD not in text


def test_password_reset_is_logged_without_the_key(
    client: Client, security_log: SecurityLog, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert link
    page = client.get(link.group(1), follow=True)
    client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link.group(1),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert security_log.one("password_reset")["user_id"] == user.pk
    key = link.group(1).rstrip("/").split("/")[-1]
    text = security_log.text()
    assert key not in text
    assert NEW_PASSWORD not in text


def test_email_added_confirmed_and_removed_are_logged(
    client: Client, security_log: SecurityLog
) -> None:
    user = UserFactory()
    sign_in(client, user.email)
    client.post(reverse("account_email"), {"action_add": "", "email": "second@example.se"})
    assert security_log.one("email_added")["email"] == "second@example.se"

    spare = EmailAddress.objects.create(user=user, email="spare@example.se", verified=False)
    client.post(reverse("account_email"), {"action_remove": "", "email": spare.email})
    removed = security_log.one("email_removed")
    assert removed["email"] == "spare@example.se"
    assert removed["user_id"] == user.pk


# --- Two-factor authentication -----------------------------------------------------------------


def reauthenticate(client: Client) -> None:
    """allauth asks for the password again before MFA settings change."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def _activate_totp(client: Client) -> None:
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.django_db(transaction=True)  # allauth signals these after the commit, in the request
def test_mfa_activation_recovery_codes_and_deactivation_are_logged(
    client: Client, security_log: SecurityLog
) -> None:
    user = UserFactory()
    sign_in(client, user.email)
    _activate_totp(client)
    assert security_log.one("mfa_activated")["authenticator"] == "totp"
    assert security_log.one("recovery_codes_generated")["user_id"] == user.pk

    client.post(reverse("mfa_generate_recovery_codes"))
    assert len(security_log.records("recovery_codes_generated")) == 2

    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert security_log.one("mfa_deactivated")["user_id"] == user.pk
    assert not Authenticator.objects.filter(user=user).exists()


def test_wrong_mfa_code_and_used_recovery_code_are_logged(
    client: Client, security_log: SecurityLog
) -> None:
    user = UserFactory()
    TOTP.activate(user, TOTP_SECRET)
    recovery = RecoveryCodes.activate(user).get_unused_codes()[0]
    sign_in(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    failed = security_log.one("mfa_failed")
    assert failed["user_id"] == user.pk
    assert failed["outcome"] == "refused"
    client.post(reverse("mfa_authenticate"), {"code": recovery})
    assert client.session["_auth_user_id"] == str(user.pk)
    used = security_log.one("recovery_code_used")
    assert used["authenticator"] == "recovery_codes"
    assert recovery not in security_log.text()


def test_staff_sent_to_mfa_set_up_is_logged_as_access_denied(
    client: Client, security_log: SecurityLog
) -> None:
    user = UserFactory()
    role_grant(user=user, role=Role.REGION_COORDINATOR)
    client.force_login(user)
    client.get("/me/organisations/")
    record = security_log.one("access_denied")
    assert record["outcome"] == "mfa_required"
    assert record["path"] == "/me/organisations/"
    assert record["user_id"] == user.pk


# --- Denied access -------------------------------------------------------------------------------


def test_a_csrf_failure_is_logged(security_log: SecurityLog) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("core:set_language"), {"language": "sv"})
    assert response.status_code == 403
    record = security_log.one("access_denied")
    assert record["outcome"] == "csrf_failed"
    assert "CSRF" in record["reason"]


@pytest.mark.urls("tests.accounts.test_security_events")
def test_the_403_handler_logs_access_denied(client: Client, security_log: SecurityLog) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.get("/forbidden/")
    assert response.status_code == 403
    record = security_log.one("access_denied")
    assert record == {
        "event": "access_denied",
        "outcome": "forbidden",
        "user_id": user.pk,
        "ip": "127.0.0.1",
        "method": "GET",
        "path": "/forbidden/",
        "reason": "PermissionDenied",
    }


def test_someone_elses_partnership_is_404_and_logged(
    client: Client, security_log: SecurityLog
) -> None:
    partnership = make_partnership()
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(reverse("partnerships:detail", args=[partnership.pk])).status_code == 404
    record = security_log.one("access_denied")
    assert record["outcome"] == "not_visible"
    assert record["object"] == "partnership"
    assert record["object_id"] == str(partnership.pk)
    assert record["user_id"] == outsider.pk
    assert record["path"] == reverse("partnerships:detail", args=[partnership.pk])


def test_a_missing_partnership_is_404_and_not_logged(
    client: Client, security_log: SecurityLog
) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("partnerships:detail", args=[987654])).status_code == 404
    assert security_log.records("access_denied") == []


def test_the_refusal_check_costs_no_query_when_access_is_granted() -> None:
    partnership = make_partnership()
    member = partnership.proposal.created_by
    with CaptureQueriesContext(connection) as granted:
        get_partnership_for_user_or_404(member, partnership.pk)
    assert granted.captured_queries
    assert not any(
        q["sql"].startswith('SELECT 1 AS "a" FROM "partnerships_partnership"')
        for q in granted.captured_queries
    )


def test_someone_elses_report_request_is_404_and_logged(
    client: Client, security_log: SecurityLog
) -> None:
    from reports.models import ReportRequest

    owner = UserFactory()
    report_request = ReportRequest.objects.create(
        requested_by=owner,
        kind="process_guide",
        params={},
        language="en",
        key="process-guide-en",
        subject="process_guide",
    )
    other = UserFactory()
    client.force_login(other)
    assert client.get(reverse("reports:detail", args=[report_request.pk])).status_code == 404
    record = security_log.one("access_denied")
    assert (record["object"], record["object_id"]) == ("report_request", str(report_request.pk))


# --- Exports -------------------------------------------------------------------------------------


def test_pipeline_export_is_logged_with_its_row_count(
    client: Client, security_log: SecurityLog
) -> None:
    coordinator = make_region_person("uppsala")
    for _ in range(3):
        make_partnership(coordinator=coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("partnerships:pipeline_export", args=["uppsala"]))
    assert response.status_code == 200
    assert security_log.records("export") == []  # logged once it has been sent
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().split("\r\n")
    record = security_log.one("export")
    assert record["export"] == "partnership_pipeline"
    assert record["rows"] == len(lines) - 1 == 3
    assert record["region"] == "uppsala"
    assert record["user_id"] == coordinator.pk
    assert record["outcome"] == "ok"


def test_an_attendee_export_cut_short_is_logged_as_interrupted(
    client: Client, security_log: SecurityLog
) -> None:
    coordinator = make_region_person("uppsala")
    event = EventFactory(created_by=coordinator)
    RegistrationFactory.create_batch(2, event=event)
    client.force_login(coordinator)
    response = client.get(reverse("dissemination:attendees_csv", args=[event.pk]))
    assert response.status_code == 200
    next(iter(response.streaming_content))
    response.close()
    record = security_log.one("export")
    assert (record["export"], record["event_id"], record["outcome"]) == (
        "event_attendees",
        event.pk,
        "interrupted",
    )


def test_an_agreement_download_is_logged(client: Client, security_log: SecurityLog) -> None:
    from partnerships.models import Agreement, AgreementVersion

    partnership = make_partnership()
    agreement = Agreement.objects.create(partnership=partnership)
    AgreementVersion.objects.create(agreement=agreement, number=1, text="Text", checksum="0" * 64)
    member = partnership.proposal.created_by
    client.force_login(member)
    response = client.get(reverse("partnerships:agreement_download", args=[partnership.pk, 1]))
    assert response.status_code == 200
    record = security_log.one("export")
    assert (record["export"], record["partnership"], record["version"]) == (
        "agreement",
        partnership.pk,
        1,
    )


# --- Nothing secret, anywhere ------------------------------------------------------------------


def test_no_password_or_code_appears_in_any_record(
    client: Client, security_log: SecurityLog, settings: Any
) -> None:
    user = UserFactory()
    TOTP.activate(user, TOTP_SECRET)
    recovery_codes = RecoveryCodes.activate(user).get_unused_codes()
    sign_in(client, user.email, "Not-The-Password-9")
    sign_in(client, user.email)
    code = totp_code()
    client.post(reverse("mfa_authenticate"), {"code": "123456"})
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session["_auth_user_id"] == str(user.pk)
    text = security_log.text()
    assert security_log.records("login_failed")
    assert security_log.records("mfa_failed")
    assert security_log.records("login")
    for secret in ["Not-The-Password-9", PASSWORD, TOTP_SECRET, code, "123456", *recovery_codes]:
        assert secret not in text
