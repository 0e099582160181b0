"""Signed-in devices and the "too many attempts" page in real Chromium, in Swedish and English.

A person signs in through the login form in the browser while another of their sessions (a
test client that signed in through the same form, "another device") is alive. From the account
menu they open "Signed-in devices": both sessions are listed, this browser's marked; axe finds
nothing. They sign out the other sessions with the button: the page says so (axe again), lists
only this browser, and the other device's next request goes to the sign-in page.

Locators use URLs and element roles, not words, so the same journey runs in both languages;
the words are asserted per language at the end.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    BROWSER_TEST,
    ConsoleErrors,
    checked,
    click_and_load,
    sign_in,
    use_language,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = BROWSER_TEST

SESSIONS = "/accounts/sessions/"
OTHER_DEVICE = "Firefox on the work laptop"
WORDS = {
    "sv": ("Inloggade enheter", "Den här enheten", "De andra sessionerna har loggats ut."),
    "en": ("Signed-in devices", "This device", "The other sessions have been signed out."),
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_see_and_end_the_other_sessions(page: Page, live_server: object, language: str) -> None:
    user = UserFactory(name="Åsa Lindqvist", preferred_language=language)
    other_device = Client(HTTP_USER_AGENT=OTHER_DEVICE)
    other_device.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert other_device.get(reverse("accounts:profile")).status_code == 200

    use_language(page.context, live_server.url, language)  # type: ignore[attr-defined]
    sign_in(page, user.email)
    page.goto("/me/")
    page.locator("details.user-menu > summary").click()
    click_and_load(page, page.locator(f".user-menu-panel a[href='{SESSIONS}']"))
    expect(page).to_have_url(f"{live_server.url}{SESSIONS}")  # type: ignore[attr-defined]
    checked(page, language)

    title, this_device, signed_out = WORDS[language]
    expect(page.locator("h1")).to_have_text(title)
    rows = page.locator("table.session-table tbody tr")
    expect(rows).to_have_count(2)
    current = page.locator("table.session-table tbody tr[aria-current='true']")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(this_device)
    expect(current).not_to_contain_text(OTHER_DEVICE)
    expect(rows.filter(has_text=OTHER_DEVICE)).to_have_count(1)

    click_and_load(page, page.locator(f"main form[action='{SESSIONS}'] button[type='submit']"))
    checked(page, language)
    expect(page.locator(".messages")).to_contain_text(signed_out)
    expect(rows).to_have_count(1)
    expect(page.locator(f"main form[action='{SESSIONS}']")).to_have_count(0)

    answer = other_device.get(reverse("accounts:profile"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("account_login"))
    # This browser is still signed in.
    page.goto("/me/profile/")
    expect(page).to_have_url(f"{live_server.url}/me/profile/")  # type: ignore[attr-defined]
    expect(page.locator(f"main a[href='{SESSIONS}']")).to_have_text(title)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_too_many_attempts_page(
    page: Page,
    live_server: object,
    language: str,
    settings: Any,
    console_errors: ConsoleErrors,
) -> None:
    """allauth's per-address sign-in limit answers with the portal's own 429 page."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    console_errors.allow(r"status of 429")
    use_language(page.context, live_server.url, language)  # type: ignore[attr-defined]
    for _ in range(2):
        page.goto("/accounts/login/")
        page.fill("#id_login", "nobody@example.se")
        page.fill("#id_password", "not-the-password")
        click_and_load(page, page.locator("main form button[type='submit']").first)
    checked(page, language)
    heading = {"sv": "För många försök", "en": "Too many attempts"}[language]
    expect(page.locator("h1")).to_have_text(heading)
