"""Undelivered mail in real Chromium, in Swedish and English: the profile's section (a person
presses "Try again" and the mail goes out) and the portal admins' page (with a filter sent with
an error), each checked by axe in every state. The autouse `console_errors` fixture fails a case
whose page logged a console error (a CSP block)."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from portal.core.models import MailStatus, OutgoingMail
from tests.browser.conftest import (
    BROWSER_TEST,
    assert_no_axe_violations,
    click_and_load,
    sign_in,
    sign_in_staff,
)
from tests.factories import UserFactory
from tests.factories_mail import OutgoingMailFactory

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]


def _rows_for(person: Any) -> tuple[OutgoingMail, OutgoingMail]:
    refused = OutgoingMailFactory(
        recipient=person,
        subject="Avtalet gäller nu",
        status=MailStatus.FAILED,
        attempts=1,
        last_error="address-refused: 550 5.1.1 no such user",
    )
    busy = OutgoingMailFactory(
        recipient=person,
        subject="En beslutspunkt väntar",
        status=MailStatus.PENDING,
        attempts=2,
        last_error="deferred: 421 4.3.2 try later",
        next_attempt_at=timezone.now() + dt.timedelta(minutes=2),
    )
    return refused, busy


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_sees_undelivered_mail_on_the_profile_and_sends_it_again(
    page: Page, language: str
) -> None:
    person = UserFactory(email=f"person.{language}@example.se", preferred_language=language)
    refused, busy = _rows_for(person)
    sign_in(page, person.email)

    page.goto("/me/profile/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    section = page.locator("section.undelivered-mail")
    expect(section.locator("h2")).to_be_visible()
    expect(section.locator("tbody tr")).to_have_count(2)
    expect(section).to_contain_text("Avtalet gäller nu")
    expect(section).not_to_contain_text(refused.body)
    assert_no_axe_violations(page)

    row = section.locator("tbody tr").filter(has_text="Avtalet gäller nu")
    click_and_load(page, row.get_by_role("button"))

    expect(page).to_have_url(f"{page.url.split('/me/')[0]}/me/profile/")
    expect(page.locator(".messages")).to_contain_text("Avtalet gäller nu")
    expect(page.locator("section.undelivered-mail tbody tr")).to_have_count(1)
    assert_no_axe_violations(page)
    assert OutgoingMail.objects.get(pk=refused.pk).status == MailStatus.SENT
    assert [m.to for m in mail.outbox] == [[refused.to]]
    assert OutgoingMail.objects.get(pk=busy.pk).status == MailStatus.PENDING


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admins_undelivered_page_with_filters_and_errors(
    page: Page, live_server: Any, with_mfa: Any, language: str
) -> None:
    admin = with_mfa(UserFactory(email=f"admin.{language}@example.se", preferred_language=language))
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    _rows_for(UserFactory(email="someone@example.se"))
    OutgoingMailFactory(
        to="guest@other.example",
        subject="Till en gäst",
        status="failed",
        attempts=8,
        last_error="unreachable: ConnectionRefusedError: refused",
    )
    sign_in_staff(page, live_server.url, admin)

    page.goto("/me/mail/undelivered/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("main tbody tr")).to_have_count(3)
    assert_no_axe_violations(page)

    page.locator("#id_to").fill("other.example")
    click_and_load(page, page.locator("main form[method='get'] button[type='submit']"))
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(page.locator("main tbody")).to_contain_text("Till en gäst")
    expect(page.locator("#id_to")).to_have_value("other.example")
    assert_no_axe_violations(page)

    page.goto("/me/mail/undelivered/?status=bogus&to=gäst")
    expect(page.locator("#id_status_error")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_to")).to_have_value("gäst")
    expect(page.locator("main table")).to_have_count(0)
    assert_no_axe_violations(page)
