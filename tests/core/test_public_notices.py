"""The notices a Swedish public body publishes: the privacy notice (/privacy/) and the
accessibility statement (/accessibility/), public, in both languages, linked from every page's
footer, and saying what the portal actually does (periods, addresses and dates come from the
settings)."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRIVACY = reverse("core:privacy")
ACCESSIBILITY = reverse("core:accessibility")


def _get(client: Client, url: str, language: str = "en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    html = str(response.content.decode())
    assert f'<html lang="{language}">' in html
    return html


@pytest.mark.parametrize("url", [PRIVACY, ACCESSIBILITY])
def test_the_notices_are_public_and_linked_from_every_footer(client: Client, url: str) -> None:
    assert client.get(url).status_code == 200
    for page in (reverse("core:home"), reverse("regions:list")):
        footer = client.get(page).content.decode().split('class="site-footer"')[1]
        assert f'href="{url}"' in footer
    client.force_login(UserFactory())
    assert client.get(url).status_code == 200


def test_the_privacy_notice_covers_what_the_law_asks(client: Client, settings: Any) -> None:
    settings.PORTAL_PRIVACY_CONTROLLER = "Region Testland"
    settings.PORTAL_PRIVACY_EMAIL = "dataskydd@testland.example"
    settings.PORTAL_DPO_EMAIL = "dso@testland.example"
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = 730
    settings.PORTAL_INACTIVE_WARNING_DAYS = 21
    settings.REPORTS_RETENTION_DAYS = 14
    html = _get(client, PRIVACY)

    # Controller and contact.
    assert "Region Testland" in html
    assert 'href="mailto:dataskydd@testland.example"' in html
    assert 'href="mailto:dso@testland.example"' in html
    # Legal bases.
    for basis in ("6(1)(e)", "6(1)(b)", "6(1)(c)", "6(1)(f)", "6(1)(a)", "9(2)(a)"):
        assert basis in html, basis
    # Retention, from the settings.
    assert "730 days" in html and "21 days" in html and "14 days" in html
    assert f"{settings.PORTAL_MAIL_KEEP_SENT_DAYS} days" in html
    # Public documents and why records are anonymised.
    assert "offentlighetsprincipen" in html and "Archives Act" in html
    # Rights, with the ways to use them.
    assert reverse("accounts:privacy") in html and reverse("accounts:profile") in html
    for right in ("Access and data portability", "Rectification", "Erasure", "objection"):
        assert right in html
    assert "Integritetsskyddsmyndigheten" in html and 'href="https://www.imy.se/"' in html
    # Cookies: the real names, strictly necessary only.
    for cookie in (
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
    ):
        assert f"<code>{cookie}</code>" in html
    assert "strictly necessary" in html


def test_without_the_retention_rule_the_notice_does_not_promise_it(
    client: Client, settings: Any
) -> None:
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = 0
    html = _get(client, PRIVACY)
    assert "until you close your account." in html
    assert "anonymised automatically" not in html


def test_the_accessibility_statement_follows_diggs_model(client: Client, settings: Any) -> None:
    settings.PORTAL_ACCESSIBILITY_EMAIL = "a11y@testland.example"
    settings.PORTAL_ACCESSIBILITY_STATEMENT_DATE = "2026-10-01"
    settings.PORTAL_ACCESSIBILITY_REVIEWED_DATE = "2026-11-20"
    html = _get(client, ACCESSIBILITY)

    assert "partly compliant" in html  # compliance status
    assert "Lack of compliance with the requirements" in html  # known problems...
    assert "WCAG 1.2.1" in html  # ...with the criteria
    assert "Content that is not covered by the law" in html
    assert 'href="mailto:a11y@testland.example"' in html  # how to report...
    assert "five working days" in html  # ...and when we answer
    assert "DIGG" in html and 'href="https://www.digg.se/tdosanmalan"' in html  # enforcement
    assert "axe-core" in html and "keyboard" in html  # how it was tested
    assert "2026-10-01" in html and "2026-11-20" in html  # the dates


@pytest.mark.parametrize(
    ("url", "swedish"),
    [
        (PRIVACY, "Behandling av personuppgifter"),
        (ACCESSIBILITY, "Tillgänglighetsredogörelse"),
    ],
)
def test_the_notices_are_in_swedish_too(client: Client, url: str, swedish: str) -> None:
    html = _get(client, url, "sv")
    assert swedish in html
    assert "Myndigheten för digital förvaltning" in html or "Integritetsskyddsmyndigheten" in html
