"""What people see while a dependency is away, in Chromium, in Swedish and English, checked
with axe (WCAG 2.1 AA): the 503 page while PostgreSQL is stopped, and the report panel's "this
may take longer" while Redis is.

gunicorn with production settings on the test's own PostgreSQL cluster and Redis. The browser
opens the portal as http://localhost (a secure context for Chromium, so the production cookies,
Secure and __Host-, are kept) and says X-Forwarded-Proto: https, as the TLS proxy would.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, assert_no_axe_violations

from .conftest import PortalServer, PostgresCluster, RedisServer, need

pytestmark = [pytest.mark.browser]

TITLES = {"en": "Temporarily unavailable", "sv": "Tillfälligt otillgänglig"}
DELAYED = {
    "en": "The report service is not reachable right now",
    "sv": "Rapporttjänsten går inte att nå just nu",
}
LOCALES = {"en": "en-GB", "sv": "sv-SE"}


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    """A Chromium of this module's own, from pytest-playwright's one Playwright of the session
    (a second sync_playwright() inside its running loop is refused)."""
    need(CHROMIUM)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def portal(
    postgres_up: PostgresCluster,
    private_redis: RedisServer,
    start_portal: Callable[..., PortalServer],
) -> PortalServer:
    return start_portal(database_url=postgres_up.url(), redis_url=private_redis.url(0))


def open_page(chromium: Browser, portal: PortalServer, language: str) -> Page:
    context = chromium.new_context(
        base_url=f"http://localhost:{portal.port}",
        locale=LOCALES[language],
        extra_http_headers={"X-Forwarded-Proto": "https"},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_503_page_while_the_database_is_stopped_is_accessible(
    language: str, chromium: Browser, portal: PortalServer, postgres_up: PostgresCluster
) -> None:
    page = open_page(chromium, portal, language)
    postgres_up.stop()
    try:
        response = page.goto("/regions/")
        assert response is not None and response.status == 503
        assert response.headers["retry-after"] == "30"
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("h1")).to_have_text(TITLES[language])
        assert_no_axe_violations(page)
    finally:
        postgres_up.start()
        page.context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_report_panel_says_the_report_will_take_longer_while_redis_is_down(
    language: str,
    chromium: Browser,
    portal: PortalServer,
    private_redis: RedisServer,
    postgres_up: PostgresCluster,
) -> None:
    page = open_page(chromium, portal, language)
    try:
        page.goto("/partnerships/guide/")
        private_redis.stop()
        panel = page.locator("#report-panel-process_guide")
        panel.locator("button[type='submit']").click()
        notice = page.locator("#report-panel-process_guide .report-delayed")
        expect(notice).to_contain_text(DELAYED[language])
        assert_no_axe_violations(page)
        # The request's own page says it too (and keeps polling quietly).
        page.locator("#report-panel-process_guide a[href*='/reports/']").first.click()
        expect(page.locator(".report-delayed")).to_contain_text(DELAYED[language])
        assert_no_axe_violations(page)
        states: Any = postgres_up.psql(
            "SELECT state || ' ' || left(error_detail, 17) FROM reports_reportrequest",
            database="portal",
        )
        assert "queued waiting-for-queue" in states
    finally:
        page.context.close()
