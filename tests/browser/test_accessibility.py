"""axe-core on every page a visitor can reach, in Swedish and in English, in real Chromium.

Each case opens one page in one language (asserting `<html lang>` matches), optionally does what
puts the page in an interesting state (a failed form submission shows the error summary), and
fails with axe's report of rule ids and targets. The autouse `console_errors` fixture also fails
a case whose page logged a console error, which is how Chromium reports a CSP block.

Anonymous visitors choose the language with the language cookie (what the header's switch sets);
signed-in people's language comes from their profile, so each person is created with the
language under test. People sign in through the login form; staff, who sign in with a second
factor, get a session made by Django's test client (`force_login`) copied into the browser.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from portal.accounts.models import JoinRequest, Organisation
from portal.accounts.roles import Role
from portal.accounts.services import join_request_create, organisation_create, role_grant
from regions.models import InnovationUnit, Region, RegionRole
from regions.services import region_assign_role, unit_create
from tests.browser.conftest import (
    BROWSER_TEST,
    ConsoleErrors,
    assert_no_axe_violations,
    axe_violations,
    sign_in,
    use_language,
)
from tests.factories import UserFactory

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]
REGION_SLUG = "ostergotland"


def _submit(page: Page) -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type='submit']").first.click()


# --- Anonymous pages ---------------------------------------------------------------------------


def _bad_login(page: Page) -> None:
    page.fill("#id_login", "nobody@example.se")
    page.fill("#id_password", "not-the-password")
    _submit(page)
    expect(page.locator(".errorlist, .error-summary").first).to_be_visible()


def _bad_signup(page: Page) -> None:
    page.fill("#id_name", "Ada Lindqvist")
    page.fill("#id_email", "ada@example.se")  # browsers check the format first
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "different")
    _submit(page)
    expect(page.locator(".errorlist").first).to_be_visible()


def _reset_sent(page: Page) -> None:
    page.fill("#id_email", "someone@example.se")
    _submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))


@dataclass(frozen=True)
class Case:
    path: str
    then: Callable[[Page], None] | None = None
    status: int = 200


ANONYMOUS_PAGES = {
    "home": Case("/"),
    "regions": Case("/regions/"),
    "region-detail": Case(f"/regions/{REGION_SLUG}/"),
    "accessibility": Case("/accessibility/"),
    "login": Case("/accounts/login/"),
    "login-with-errors": Case("/accounts/login/", then=_bad_login),
    "signup": Case("/accounts/signup/"),
    "signup-with-errors": Case("/accounts/signup/", then=_bad_signup),
    "password-reset": Case("/accounts/password/reset/"),
    "password-reset-sent": Case("/accounts/password/reset/", then=_reset_sent),
    "not-found": Case("/no-such-page/", status=404),
}


def _open(page: Page, console_errors: ConsoleErrors, case: Case, language: str) -> None:
    if case.status == 404:
        # The browser logs the 404 of the page itself; that is the point of this page.
        console_errors.allow(rf"status of 404 .*{case.path}\)$")
    response = page.goto(case.path)
    assert response is not None
    assert response.status == case.status, f"{case.path}: {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    if case.then:
        case.then(page)
        expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("name", list(ANONYMOUS_PAGES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_anonymous_page_is_accessible(
    page: Page,
    context: BrowserContext,
    live_server: Any,
    console_errors: ConsoleErrors,
    language: str,
    name: str,
) -> None:
    use_language(context, live_server.url, language)
    _open(page, console_errors, ANONYMOUS_PAGES[name], language)


# --- Signed-in pages ---------------------------------------------------------------------------


@dataclass
class World:
    """A company admin with a colleague waiting to join, and another organisation to join."""

    admin: Any
    organisation: Organisation
    other: Organisation
    join_request: JoinRequest


@pytest.fixture
def world(language: str) -> World:
    admin = UserFactory(
        email="ada@caresense.example", name="Ada Lindqvist", preferred_language=language
    )
    organisation = organisation_create(
        creator=admin,
        data={
            "kind": "company",
            "name": "CareSense AB",
            "org_number": "559123-4561",
            "website": "https://caresense.example",
            "description": "Sensors for home care.",
        },
    )
    founder = UserFactory(email="founder@nordic.example", name="Bo Berg")
    other = organisation_create(
        creator=founder,
        data={
            "kind": "academia",
            "name": "Nordic Health Lab",
            "org_number": "802001-2343",
            "website": "",
            "description": "",
        },
    )
    colleague = UserFactory(email="colleague@caresense.example", name="Cecilia Ek")
    join_request = join_request_create(
        user=colleague, organisation=organisation, message="I work in the sensor team."
    )
    join_request_create(user=admin, organisation=other, message="")
    return World(admin=admin, organisation=organisation, other=other, join_request=join_request)


def _bad_organisation(page: Page) -> None:
    page.select_option("#id_kind", "company")
    page.fill("#id_name", "Typo Medical AB")
    page.fill("#id_org_number", "5591234562")
    _submit(page)
    expect(page.locator(".error-summary")).to_be_focused()


def _bad_password_change(page: Page) -> None:
    page.fill("#id_oldpassword", "not-the-password")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "other")
    _submit(page)
    expect(page.locator(".errorlist").first).to_be_visible()


SIGNED_IN_PAGES: dict[str, Callable[[World], Case]] = {
    "dashboard": lambda w: Case("/me/"),
    "onboarding": lambda w: Case("/me/welcome/"),
    "profile": lambda w: Case("/me/profile/"),
    "organisations": lambda w: Case("/me/organisations/"),
    "organisations-search": lambda w: Case("/me/organisations/?q=care"),
    "organisation-new": lambda w: Case("/me/organisations/new/"),
    "organisation-new-with-errors": lambda w: Case(
        "/me/organisations/new/", then=_bad_organisation
    ),
    "organisation-as-admin": lambda w: Case(w.organisation.get_absolute_url()),
    "organisation-edit": lambda w: Case(f"/me/organisations/{w.organisation.pk}/edit/"),
    "organisation-as-requester": lambda w: Case(w.other.get_absolute_url()),
    "region-detail": lambda w: Case(f"/regions/{REGION_SLUG}/"),
    "email": lambda w: Case("/accounts/email/"),
    "password-change": lambda w: Case("/accounts/password/change/"),
    "password-change-with-errors": lambda w: Case(
        "/accounts/password/change/", then=_bad_password_change
    ),
    "2fa": lambda w: Case("/accounts/2fa/"),
    "2fa-totp-activate": lambda w: Case("/accounts/2fa/totp/activate/"),
    "sessions": lambda w: Case("/accounts/sessions/"),
    "not-found": lambda w: Case("/me/no-such-page/", status=404),
}


@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_in_page_is_accessible(
    page: Page,
    live_server: Any,
    console_errors: ConsoleErrors,
    world: World,
    language: str,
    name: str,
) -> None:
    case = SIGNED_IN_PAGES[name](world)
    sign_in(page, world.admin.email)
    _open(page, console_errors, case, language)
    if name == "organisation-as-admin":
        # The decision form for the pending request is part of what was checked.
        expect(
            page.locator(f"form[action$='/join-requests/{world.join_request.pk}/decide/']")
        ).to_be_visible()


# --- Staff pages: a region's coordinator and a portal admin ------------------------------------


def _sign_in_with_session(context: BrowserContext, live_server_url: str, user: Any) -> None:
    """Staff sign in with a second factor; give the browser a session made by the test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server_url}]
    )


@dataclass
class StaffWorld:
    coordinator: Any
    portal_admin: Any
    region: Region
    unit: InnovationUnit


@pytest.fixture
def staff_world(language: str, with_mfa: Any) -> StaffWorld:
    portal_admin = with_mfa(
        UserFactory(email="admin@portal.example.se", name="Pia Admin", preferred_language=language)
    )
    role_grant(user=portal_admin, role=Role.PORTAL_ADMIN)
    region = Region.objects.get(slug=REGION_SLUG)
    coordinator = with_mfa(
        UserFactory(
            email="coordinator@ostergotland.example.se",
            name="Olle Samordnare",
            preferred_language=language,
        )
    )
    region_assign_role(
        actor=portal_admin,
        region=region,
        user=coordinator,
        role=RegionRole.COORDINATOR,
        title="Innovation coordinator",
    )
    unit = unit_create(
        actor=portal_admin,
        region=region,
        data={
            "kind": "clinic",
            "name": "Innovation Clinic Öst",
            "description": "Clinicians and companies meet to test ideas.",
            "offers": "Test sessions with staff and patients.",
            "contact_name": "Kim Andersson",
            "contact_email": "clinic@region.example.se",
            "contact_phone": "+46 13 123 45 67",
            "website": "https://region.example.se/clinic",
        },
    )
    return StaffWorld(coordinator=coordinator, portal_admin=portal_admin, region=region, unit=unit)


def _bad_unit(page: Page) -> None:
    page.fill("#id_name", "")
    _submit(page)
    expect(page.locator(".error-summary")).to_be_focused()


STAFF_PAGES: dict[str, tuple[str, Callable[[StaffWorld], Case]]] = {
    "region-detail-as-coordinator": ("coordinator", lambda w: Case(f"/regions/{w.region.slug}/")),
    "region-edit": ("coordinator", lambda w: Case(f"/regions/{w.region.slug}/edit/")),
    "unit-new": ("coordinator", lambda w: Case(f"/regions/{w.region.slug}/units/new/")),
    "unit-edit-with-errors": (
        "coordinator",
        lambda w: Case(f"/regions/{w.region.slug}/units/{w.unit.pk}/edit/", then=_bad_unit),
    ),
    "unit-delete": (
        "coordinator",
        lambda w: Case(f"/regions/{w.region.slug}/units/{w.unit.pk}/delete/"),
    ),
    "region-people": ("portal_admin", lambda w: Case(f"/regions/{w.region.slug}/people/")),
}


@pytest.mark.parametrize("name", list(STAFF_PAGES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_page_is_accessible(
    page: Page,
    context: BrowserContext,
    live_server: Any,
    console_errors: ConsoleErrors,
    staff_world: StaffWorld,
    language: str,
    name: str,
) -> None:
    who, make_case = STAFF_PAGES[name]
    _sign_in_with_session(context, live_server.url, getattr(staff_world, who))
    _open(page, console_errors, make_case(staff_world), language)


# --- The checks themselves ---------------------------------------------------------------------


def test_the_checks_catch_what_they_are_for(
    page: Page, live_server: Any, console_errors: ConsoleErrors
) -> None:
    """A broken image and an inline script are caught, so a quiet run means something."""
    page.goto("/")
    page.evaluate(
        """() => {
            const img = document.createElement('img');
            img.src = '/static/css/portal.css';
            document.querySelector('main').appendChild(img);
            const script = document.createElement('script');
            script.textContent = 'window.injected = true;';
            document.body.appendChild(script);
        }"""
    )
    assert "image-alt" in {v["id"] for v in axe_violations(page)}
    assert page.evaluate("window.injected === undefined")  # the CSP blocked it
    deadline = time.monotonic() + 5
    while not any("Content Security Policy" in e for e in console_errors.errors):
        assert time.monotonic() < deadline, console_errors.errors
        page.wait_for_timeout(50)
    console_errors.clear()
