"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked `browser` (tests/conftest.py skips them outside CI when Chromium is
missing and fails the run in CI) and needs `transactional_db` because the live server answers
from another thread. A transactional test's flush also empties the tables the data migrations
filled (the 21 regions, the role groups), so `_reference_data` (using `reference_data` from
tests/conftest.py) loads them again before each test with the migrations' own (idempotent)
functions. (`serialized_rollback` is not used: after another file's transactional test has
flushed, the content types come back with new ids and Django's deserialisation fails on them.)

Helpers:

* `assert_no_axe_violations(page)` runs axe-core with the WCAG 2.0/2.1 A and AA rules plus axe's
  best practices and fails with a readable report (rule ids, impact, targets, messages).
* the autouse `console_errors` fixture records every console error and uncaught page error
  (Chromium reports Content-Security-Policy blocks as console errors) and fails the test at
  teardown if any was seen.
* `sign_in`, `switch_language` and `use_language` drive the real forms and cookies;
  `sign_in_staff` gives the browser a session made by the test client (staff need a second
  factor); `act_as` is the axe suites' way in: the language cookie for "anonymous", a test
  client session for anyone else.
* page helpers the journeys share: `checked` (the page's language, and axe), `open_checked`,
  `click_and_load`, `htmx_ready`, `htmx_settled`, `tab_to`, and `organisation` (a company).
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, expect

from portal.accounts.models import Organisation
from tests.factories import PASSWORD, OrganisationFactory

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # Chromium runs as root in the CI container.
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The cookie LocaleMiddleware reads (settings.LANGUAGE_COOKIE_NAME).
LANGUAGE_COOKIE = "portal_language"

# Every test in this package runs in the real browser against the live server.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.chromium,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _reference_data(reference_data: None) -> None:
    """Every browser test runs on a live server (transactional), so reload the reference rows."""


# --- Browser and context -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's Chromium, headless; `playwright install` is never needed (nor possible here)."""
    return {"executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: Any) -> dict[str, Any]:
    """Relative URLs go to the live server; the browser asks for English unless told otherwise."""
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "en-GB",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def context(new_context: Any) -> BrowserContext:
    ctx = new_context()
    ctx.set_default_timeout(15_000)
    ctx.set_default_navigation_timeout(20_000)
    return ctx


# --- Console errors and CSP violations ---------------------------------------------------------


@dataclass
class ConsoleErrors:
    """Console errors and uncaught exceptions seen on one page, with the ones a test expects."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url") or ""
            self.errors.append(f"console error: {message.text} ({where})")

    def on_page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught exception: {error}")

    def allow(self, pattern: str) -> None:
        """Accept errors matching `pattern` (a regex), e.g. the 404 of a page under test."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]

    def clear(self) -> None:
        self.errors.clear()


@pytest.fixture(autouse=True)
def console_errors(request: pytest.FixtureRequest) -> Iterator[ConsoleErrors | None]:
    """Fail any browser test whose pages logged a console error (CSP blocks included)."""
    if "page" not in request.fixturenames:
        yield None
        return
    page: Page = request.getfixturevalue("page")
    recorder = ConsoleErrors()
    page.on("console", recorder.on_console)
    page.on("pageerror", recorder.on_page_error)
    yield recorder
    unexpected = recorder.unexpected()
    assert not unexpected, "The browser reported errors:\n" + "\n".join(unexpected)


# --- Accessibility -----------------------------------------------------------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
}
_axe = Axe()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations for the page as it is now."""
    page.wait_for_load_state("load")
    results = _axe.run(page, options=AXE_OPTIONS)
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" [{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node["target"])
            lines.append(f"    target: {target}")
            lines.append(f"      html: {node.get('html', '').strip()[:300]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"      why:  {summary[:500]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Run axe (WCAG 2.0/2.1 A + AA and best practices) and fail with a readable report."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(format_violations(page.url, violations), pytrace=False)


# --- Acting like a visitor ---------------------------------------------------------------------


def use_language(context: BrowserContext, live_server_url: str, language: str) -> None:
    """Set the language cookie, as the header's language switch would for an anonymous visitor."""
    context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": live_server_url}])


def switch_language(page: Page, language: str) -> None:
    """Press the header's language button and wait until the page is shown in that language."""
    with page.expect_navigation(wait_until="load"):
        page.locator(f"form.language-switch button[name='language'][value='{language}']").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through allauth's login form, as a person would."""
    page.goto("/accounts/login/")
    form = page.locator("main form").filter(has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation(wait_until="load"):
        form.locator("button[type='submit']").click()
    assert "/accounts/login/" not in page.url, f"sign-in failed, still on {page.url}"


def sign_in_staff(page: Page, live_server_url: str, user: Any) -> None:
    """Staff sign in with a second factor; give the browser a session made by the test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server_url}]
    )


class People(Protocol):
    """An axe suite's scene: the people its cases act as, by name."""

    def person(self, who: str) -> Any: ...


def act_as(
    page: Page, context: BrowserContext, url: str, scene: People, who: str, language: str
) -> None:
    """Become `who` of `scene` before a case opens its page: an anonymous visitor only chooses
    the language (cookie); anyone else gets a session made by the test client (staff sign in
    with a second factor, and the login form itself is driven in the journeys)."""
    if who == "anonymous":
        use_language(context, url, language)
    else:
        sign_in_staff(page, url, scene.person(who))


def organisation(name: str) -> Organisation:
    """A company (typed as the model: factory-boy's factories are not)."""
    return cast(Organisation, OrganisationFactory(name=name, kind="company"))


# --- Page helpers ------------------------------------------------------------------------------


def checked(page: Page, language: str) -> None:
    """The page is in the person's language and axe finds nothing."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)


def open_checked(page: Page, url: str, language: str) -> None:
    """Open `url`; it is in `language` and axe finds nothing."""
    page.goto(url)
    checked(page, language)


def click_and_load(page: Page, locator: Any) -> None:
    """Press a link or a non-htmx submit button and wait for the next page."""
    with page.expect_navigation(wait_until="load"):
        locator.click()


def htmx_ready(page: Page) -> None:
    """htmx (deferred) has loaded and wired the page: a key pressed earlier would be a plain
    form submit or go unheard."""
    page.wait_for_function(
        "() => window.htmx !== undefined && document.readyState === 'complete'", polling=50
    )


def htmx_settled(page: Page) -> None:
    """No htmx request is in flight and no swap is settling."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')",
        polling=50,
    )


def tab_to(page: Page, selector: str, *, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} was not reached with Tab")
