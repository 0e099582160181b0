"""The audit log in a real Chromium, in Swedish and English: axe finds nothing on the page, after
an htmx filter (the URL is pushed, the focus stays on the button) and with an error beside a
field (the focus moves to the error summary)."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Organisation
from portal.core.audit import audit_record
from regions.models import Region
from tests.browser.conftest import (
    BROWSER_TEST,
    assert_no_axe_violations,
    htmx_ready,
    htmx_settled,
    sign_in_staff,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_process import make_admin

pytestmark = BROWSER_TEST

HEADINGS = {"sv": "Granskningslogg", "en": "Audit log"}


@pytest.fixture
def rows(db: Any) -> None:
    karin = UserFactory(name="Karin Kontroll", email="karin@region.example.se")
    olle = UserFactory(name="Olle Företag", email="olle@foretag.example.se")
    organisation: Organisation = OrganisationFactory(name="Hjärtljud AB")
    region = Region.objects.get(slug="uppsala")
    audit_record(actor=olle, action="organisation.update", target=organisation)
    audit_record(
        actor=karin,
        action="region.update",
        target=region,
        reason="Ny kontaktperson",
        data={"fields": ["contact_email"]},
    )
    audit_record(actor=None, action="role.grant", target=olle, data={"role": "obstacle_reviewer"})


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_audit_log_is_accessible_and_filters_with_htmx(
    page: Page, live_server: Any, rows: None, language: str
) -> None:
    admin = make_admin()
    admin.preferred_language = language
    admin.save(update_fields=["preferred_language"])
    sign_in_staff(page, live_server.url, admin)

    page.goto("/audit/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(HEADINGS[language])
    expect(page.locator("tr[data-event]")).to_have_count(4)  # and make_admin's own role
    assert_no_axe_violations(page)

    # Filter with htmx: the results change, the URL is pushed, the focus stays on the button.
    htmx_ready(page)
    page.locator("#id_who").fill("karin")
    page.locator("#audit-filter-submit").click()
    htmx_settled(page)
    expect(page).to_have_url(
        f"{live_server.url}/audit/?area=&action=&who=karin&target=&date_from=&date_to=&reason="
    )
    expect(page.locator("tr[data-event]")).to_have_count(1)
    expect(page.locator("#audit-count")).to_contain_text("1")
    assert page.evaluate("document.activeElement.id") == "audit-filter-submit"
    assert_no_axe_violations(page)

    # A to date before the from date: an error beside the field, the focus on the summary of
    # errors (as on every form of the portal), no rows.
    page.locator("#id_date_from").fill("2026-04-05")
    page.locator("#id_date_to").fill("2026-04-01")
    page.locator("#audit-filter-submit").click()
    htmx_settled(page)
    expect(page.locator("#id_date_to_error")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_date_from")).to_have_value("2026-04-05")
    expect(page.locator("tr[data-event]")).to_have_count(0)
    expect(page.locator(".error-summary")).to_be_focused()  # announced, links to the field
    assert_no_axe_violations(page)

    # Without htmx (a reload of the pushed URL) the same page comes whole.
    page.reload()
    expect(page.locator("#id_date_to_error")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_menu_leads_portal_admins_to_the_log(page: Page, live_server: Any, rows: None) -> None:
    sign_in_staff(page, live_server.url, make_admin())
    page.goto("/")
    page.locator("details.user-menu summary").click()
    page.get_by_role("link", name="Audit log").click()
    expect(page).to_have_url(f"{live_server.url}/audit/")
    expect(page.locator("h1")).to_have_text("Audit log")
