"""Chromium itself reports a real Content-Security-Policy violation to `/csp-report`, and the
report is stored: an inline script added to a portal page is blocked by the policy
(`script-src 'self'`) and the browser posts the report the policy's `report-uri` names."""

from typing import Any

from playwright.sync_api import Page

from portal.core.models import CspReport
from tests.browser.conftest import BROWSER_TEST, ConsoleErrors
from tests.utils import wait_for

pytestmark = BROWSER_TEST

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = true;";
  document.head.appendChild(script);
}"""


def test_chromium_reports_a_blocked_inline_script(
    page: Page, live_server: Any, console_errors: ConsoleErrors
) -> None:
    console_errors.allow("Content Security Policy")
    page.goto("/obstacles/")
    assert not CspReport.objects.exists()

    page.evaluate(INJECT)

    assert page.evaluate("window.injected === undefined"), "the policy let the script run"
    assert wait_for(lambda: CspReport.objects.exists(), seconds=15), "no report arrived"
    report = CspReport.objects.get()
    assert report.document_uri == f"{live_server.url}/obstacles/"
    assert report.blocked_uri == "inline"
    assert report.effective_directive.startswith("script-src")
    assert report.disposition == "enforce"
    assert "Chrome" in report.user_agent
    assert report.raw["csp-report"]["original-policy"].endswith("report-uri /csp-report")
