"""The newcomer's journey in real Chromium, checked with axe on every page it passes through.

Home → Swedish → sign up → confirm the address from the mail → sign in → onboarding → create an
organisation → regions → a region's page → back to English. Plus the error handling of the
organisation form and the keyboard path through the skip link.
"""

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from portal.accounts.models import Organisation, User
from tests.browser.conftest import (
    BROWSER_TEST,
    assert_no_axe_violations,
    sign_in,
    switch_language,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = BROWSER_TEST

CONFIRM_LINK = re.compile(r"/accounts/confirm-email/[^/\s]+/")


def visit_checked(page: Page, url: str) -> None:
    """Open `url`, expect a page (not an error), and check it with axe."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    assert_no_axe_violations(page)


def submit(page: Page) -> None:
    """Press the submit button of the page's main form (not the header's buttons)."""
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type='submit']").first.click()


def test_newcomer_journey_in_swedish_then_english(page: Page, live_server: Any) -> None:
    email = "ada@caresense.example"

    # The home page, in the browser's language (English).
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_axe_violations(page)

    # The header's language switch.
    switch_language(page, "sv")
    expect(page).to_have_url(re.compile(r"/$"))
    assert_no_axe_violations(page)

    # Sign up from the header.
    page.locator("header a[href='/accounts/signup/']").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_no_axe_violations(page)
    page.fill("#id_name", "Ada Lindqvist")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert_no_axe_violations(page)

    user = User.objects.get(email=email)
    assert user.name == "Ada Lindqvist"
    assert user.preferred_language == "sv"

    # The confirmation mail: the live server runs in this process with the locmem backend.
    sent = [m for m in mail.outbox if email in m.to]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    match = CONFIRM_LINK.search(sent[0].body)
    assert match, sent[0].body
    page.goto(match.group(0))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_no_axe_violations(page)
    submit(page)
    assert user.emailaddress_set.get(email=email).verified

    # Sign in on the page the confirmation leads to: someone without an organisation is sent to
    # the onboarding page.
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator(".messages")).to_be_visible()
    assert_no_axe_violations(page)
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/me/welcome/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_no_axe_violations(page)

    # Create the organisation.
    page.locator("main a[href='/me/organisations/new/']").click()
    expect(page).to_have_url(re.compile(r"/me/organisations/new/$"))
    assert_no_axe_violations(page)
    page.select_option("#id_kind", "company")
    page.fill("#id_name", "CareSense AB")
    page.fill("#id_org_number", "5591234561")
    page.fill("#id_website", "https://caresense.example")
    submit(page)
    organisation = Organisation.objects.get(name="CareSense AB")
    expect(page).to_have_url(re.compile(rf"/me/organisations/{organisation.pk}/$"))
    expect(page.locator("h1")).to_have_text("CareSense AB")
    expect(page.locator("main dl.details")).to_contain_text("559123-4561")
    assert organisation.org_number == "559123-4561"
    assert_no_axe_violations(page)

    # A region's page, reached through the header's navigation and the list of regions.
    page.locator("nav.main-nav a[href='/regions/']").click()
    expect(page).to_have_url(re.compile(r"/regions/$"))
    assert_no_axe_violations(page)
    page.locator("main a[href='/regions/ostergotland/']").first.click()
    expect(page).to_have_url(re.compile(r"/regions/ostergotland/$"))
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page)

    # Back to English: the choice is kept in the profile and the main pages are checked again.
    switch_language(page, "en")
    expect(page).to_have_url(re.compile(r"/regions/ostergotland/$"))
    assert_no_axe_violations(page)
    user.refresh_from_db()
    assert user.preferred_language == "en"
    for url in ["/", "/regions/", "/me/", "/me/welcome/", organisation.get_absolute_url()]:
        visit_checked(page, url)
        expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_organisation_form_errors_are_shown_beside_the_field(
    page: Page, live_server: Any, language: str
) -> None:
    user = UserFactory(preferred_language=language)
    sign_in(page, user.email)
    page.goto("/me/organisations/new/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.select_option("#id_kind", "company")
    page.fill("#id_name", "Typo Medical AB")
    page.fill("#id_org_number", "5591234562")  # the check digit should be 1
    page.fill("#id_website", "https://typo.example")
    page.fill("#id_description", "Sensors for home care.")
    submit(page)

    expect(page).to_have_url(re.compile(r"/me/organisations/new/$"))
    assert not Organisation.objects.filter(name="Typo Medical AB").exists()

    # The error sits in the field's own group and the input points at it.
    field = page.locator(".field", has=page.locator("#id_org_number"))
    expect(field).to_have_class(re.compile(r"\bfield-invalid\b"))
    expect(field.locator("#id_org_number_error")).to_be_visible()
    org_number = page.locator("#id_org_number")
    expect(org_number).to_have_attribute("aria-invalid", "true")
    described_by = (org_number.get_attribute("aria-describedby") or "").split()
    assert "id_org_number_error" in described_by
    # Only the wrong field is marked.
    expect(page.locator(".field-invalid")).to_have_count(1)

    # The summary takes focus so that a screen reader announces it, and links to the field.
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    expect(summary.locator("a[href='#id_org_number']")).to_have_count(1)

    # What the person typed is still there.
    expect(page.locator("#id_kind")).to_have_value("company")
    expect(page.locator("#id_name")).to_have_value("Typo Medical AB")
    expect(org_number).to_have_value("5591234562")
    expect(page.locator("#id_website")).to_have_value("https://typo.example")
    expect(page.locator("#id_description")).to_have_value("Sensors for home care.")

    assert_no_axe_violations(page)

    # Following the summary's link brings the person to the field.
    summary.locator("a[href='#id_org_number']").click()
    expect(page).to_have_url(re.compile(r"#id_org_number$"))
    expect(org_number).to_be_in_viewport()

    # Correcting the number is enough.
    org_number.fill("5591234561")
    submit(page)
    expect(page.locator("main dl.details")).to_contain_text("559123-4561")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_skip_link_is_the_first_stop_and_moves_focus_to_main(
    page: Page, live_server: Any, language: str
) -> None:
    page.context.add_cookies(
        [{"name": "portal_language", "value": language, "url": live_server.url}]
    )
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_class(re.compile(r"\bskip-link\b"))
    expect(focused).to_have_attribute("href", "#main")
    # Visible while focused (it hides above the viewport otherwise).
    expect(focused).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    assert page.evaluate("document.activeElement.id") == "main"

    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_user_menu_works_with_the_keyboard(page: Page, live_server: Any) -> None:
    user = UserFactory(preferred_language="sv")
    sign_in(page, user.email)
    page.goto("/me/")

    summary = page.locator("details.user-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.user-menu")).to_have_attribute("open", "")
    assert_no_axe_violations(page)  # the open menu too

    page.keyboard.press("Escape")
    expect(page.locator("details.user-menu")).not_to_have_attribute("open", "")
    assert page.evaluate(
        "document.activeElement === document.querySelector('details.user-menu > summary')"
    )
