"""Privacy in a real browser: the privacy notice and the accessibility statement (public), the
person's privacy page with and without errors, downloading one's data and closing one's
account with the keyboard alone; axe finds nothing on any of them, in Swedish or in English."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from portal.accounts.models import User
from tests.browser.conftest import (
    BROWSER_TEST,
    ConsoleErrors,
    checked,
    open_checked,
    sign_in,
    tab_to,
    use_language,
)
from tests.factories import PASSWORD, UserFactory
from tests.factories_dissemination import RegistrationFactory

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]
TITLES = {
    "sv": {"notice": "Behandling av personuppgifter", "statement": "Tillgänglighetsredogörelse"},
    "en": {"notice": "Privacy notice", "statement": "Accessibility statement"},
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_notices_pass_axe_in_both_languages(
    page: Page, context: BrowserContext, live_server: Any, language: str
) -> None:
    use_language(context, live_server.url, language)
    open_checked(page, "/", language)
    footer = page.locator("footer")
    with page.expect_navigation(wait_until="load"):
        footer.get_by_role("link", name=TITLES[language]["notice"]).click()
    expect(page).to_have_url(re.compile(r"/privacy/$"))
    expect(page.locator("h1")).to_have_text(TITLES[language]["notice"])
    checked(page, language)
    open_checked(page, "/accessibility/", language)
    expect(page.locator("h1")).to_have_text(TITLES[language]["statement"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_privacy_page_passes_axe_with_and_without_errors(
    page: Page, live_server: Any, language: str, console_errors: ConsoleErrors
) -> None:
    # The refused form answers 400, which Chromium reports as a console error.
    console_errors.allow(r"status of 400 .*/me/privacy/close/")
    person = UserFactory(email=f"axe-{language}@example.se", preferred_language=language)
    sign_in(page, person.email)
    open_checked(page, "/me/privacy/", language)

    page.fill("#close-password", "not-the-password")
    page.check("#close-confirm")
    with page.expect_navigation(wait_until="load"):
        page.locator("form[action$='/privacy/close/'] button[type='submit']").click()

    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#close-password_error")).to_be_visible()
    expect(page.locator("#close-confirm")).to_be_checked()
    checked(page, language)
    assert User.objects.get(pk=person.pk).anonymised_at is None


def test_downloading_and_closing_with_the_keyboard(
    page: Page, live_server: Any, tmp_path: Path
) -> None:
    person = UserFactory(email="keyboard@example.se", name="Kim Tangentsson")
    RegistrationFactory(user=person, name="Kim Tangentsson", needs="Hörslinga")
    sign_in(page, person.email)
    page.goto("/me/privacy/")

    tab_to(page, "a[href$='/privacy/export.json']")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    saved = tmp_path / "my-data.json"
    download_info.value.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["sections"]["account"]["profile"]["email"] == "keyboard@example.se"
    assert document["sections"]["events"]["registrations"][0]["needs"] == "Hörslinga"

    tab_to(page, "#close-password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "#close-confirm")
    page.keyboard.press("Space")
    tab_to(page, "form[action$='/privacy/close/'] button[type='submit']")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/me/privacy/closed/$"))
    expect(page.locator("h1")).to_have_text("Your account is closed")
    checked(page, "en")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()  # signed out
    user = User.objects.get(pk=person.pk)
    assert user.anonymised_at is not None and user.name == "" and not user.is_active

    page.goto("/accounts/login/")
    page.fill("input[name='login']", "keyboard@example.se")
    page.fill("input[name='password']", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type='submit']").click()
    assert "/accounts/login/" in page.url
