"""The Co-sharing journey in real Chromium, with axe on every page it passes through.

A company member writes a proposal to Region Uppsala (with a real PDF attached) and submits it;
the region's coordinator finds it in the intake queue and asks for changes; the company reads the
message, edits and submits again; the coordinator accepts, which starts the partnership at its
first step. The coordinator ticks the required checklist items, approves the entry gate and moves
on; the management sponsor approves the needs step's gate; at the agreement step the company
starts the agreement, fills in the values and confirms the SKR collaboration rules, and both
parties accept: the agreement is in force and the partnership may move on to the test.

Every page is reached through links and buttons (located by their targets, not their words, so
the same journey runs in English and in Swedish); each person's language comes from their
profile. Staff sign in with a second factor, so their browser gets a session made by Django's
test client (as in test_accessibility.py); the company member signs in through the login form.
"""

import importlib
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from partnerships.models import Agreement, Partnership, Proposal, ProposalAttachment
from partnerships.workflow import AgreementStatus, ProposalStatus
from portal.accounts.models import MembershipRole
from regions.models import Region, RegionRole
from tests.browser.conftest import (
    BROWSER_TEST,
    ConsoleErrors,
    checked,
    click_and_load,
    sign_in,
    sign_in_staff,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_process import make_admin, make_region_person

pytestmark = BROWSER_TEST

REGION_SLUG = "uppsala"

# A small but real PDF: the upload check sniffs the content, not the name.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def cosharing_reference_data(reference_data: None) -> None:
    """The default process template (migration 0002) and the clause library (0003).

    A transactional test's flush empties them with every other table; the shared
    `reference_data` fixture only reloads the regions and the role groups. Both loaders are
    idempotent. (To move into tests/conftest.py's `reference_data`.)
    """
    from django.apps import apps

    for module in (
        "partnerships.migrations.0002_default_process_template",
        "partnerships.migrations.0003_clause_library",
    ):
        importlib.import_module(module).load(apps, None)


# --- Acting as someone ---------------------------------------------------------------------------


def become(page: Page, live_server_url: str, user: Any, *, staff: bool) -> None:
    """Leave the current person's session and continue as `user`."""
    page.context.clear_cookies()
    if staff:
        sign_in_staff(page, live_server_url, user)
    else:
        sign_in(page, user.email)


class Autosave:
    """Counts the proposal form's htmx autosave requests in flight."""

    def __init__(self, page: Page) -> None:
        self.in_flight = 0
        self.seen = 0
        self._lock = threading.Lock()
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    @staticmethod
    def _is_autosave(request: Request) -> bool:
        return request.url.endswith("/autosave/")

    def _start(self, request: Request) -> None:
        if self._is_autosave(request):
            with self._lock:
                self.in_flight += 1
                self.seen += 1

    def _end(self, request: Request) -> None:
        if self._is_autosave(request):
            with self._lock:
                self.in_flight -= 1

    def settle(self, page: Page) -> None:
        """Wait until the typing pause has passed (hx-trigger `input delay:2s`) and every
        autosave has answered, so that Save carries the latest version."""
        page.wait_for_timeout(2300)
        deadline = time.monotonic() + 10
        while self.in_flight:
            assert time.monotonic() < deadline, "an autosave never answered"
            page.wait_for_timeout(100)


def save_proposal(page: Page, autosave: Autosave) -> None:
    """Blur the last field (its change autosaves), let autosave finish, then press Save."""
    page.locator("form.proposal-form button[type='submit']").focus()
    autosave.settle(page)
    click_and_load(page, page.locator("form.proposal-form button[type='submit']"))


# --- The journey ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "sv"])
def test_proposal_to_agreement_in_force(
    page: Page, live_server: Any, console_errors: ConsoleErrors, tmp_path: Path, language: str
) -> None:
    # The two refusals the journey provokes on purpose answer 400, which the browser logs.
    console_errors.allow(r"status of 400 .*/proposals/\d+/decide/\)$")
    console_errors.allow(r"status of 400 .*/agreement/accept/\)$")
    url = live_server.url
    region = Region.objects.get(slug=REGION_SLUG)
    admin = make_admin()
    admin.preferred_language = language
    admin.save(update_fields=["preferred_language"])
    coordinator = make_region_person(
        REGION_SLUG,
        email="coordinator@uppsala.example.se",
        name="Ulla Samordnare",
        preferred_language=language,
    )
    sponsor = make_region_person(
        REGION_SLUG,
        RegionRole.SPONSOR,
        email="sponsor@uppsala.example.se",
        name="Siv Sponsor",
        preferred_language=language,
    )
    company = OrganisationFactory(name="CareSense AB", kind="company")
    member = MembershipFactory(
        organisation=company,
        role=MembershipRole.ADMIN,
        user=UserFactory(
            email="kim@caresense.example.se", name="Kim Berg", preferred_language=language
        ),
    ).user
    pdf = tmp_path / "product-sheet.pdf"
    pdf.write_bytes(PDF_BYTES)
    autosave = Autosave(page)

    # --- The company writes the proposal --------------------------------------------------------
    become(page, url, member, staff=False)
    page.goto("/partnerships/")
    checked(page, language)
    click_and_load(page, page.locator("main a[href='/partnerships/proposals/new/']").first)
    checked(page, language)
    page.select_option("#id_region", str(region.pk))
    page.fill("#id_title", "Remote wound monitoring")
    click_and_load(page, page.locator("main form button[type='submit']"))

    proposal = Proposal.objects.get(title="Remote wound monitoring")
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.organisation_id == company.pk and proposal.region_id == region.pk
    expect(page).to_have_url(re.compile(rf"/partnerships/proposals/{proposal.pk}/edit/$"))
    checked(page, language)

    page.fill("#id_summary", "Photos of chronic wounds taken at home and reviewed by nurses.")
    page.fill("#id_care_need", "District nurses spend hours driving to check healing wounds.")
    page.fill("#id_solution", "An app guides the patient; the nurse sees the healing curve.")
    page.select_option("#id_trl", "6")
    page.select_option("#id_device_class", "mdr_iia")
    page.check("#id_ce_marked")
    page.select_option("#id_collaboration_kind", "clinical")
    page.fill("#id_company_brings", "The product, training and support.")
    page.fill("#id_company_asks", "Two primary care units and twenty patients.")
    page.fill("#id_contact_name", "Kim Berg")
    page.fill("#id_contact_email", "kim@caresense.example.se")
    page.fill("#id_contact_phone", "+46 70 123 45 67")
    save_proposal(page, autosave)
    assert autosave.seen, "typing in the form should have autosaved"
    expect(page).to_have_url(re.compile(rf"/partnerships/proposals/{proposal.pk}/$"))
    expect(page.locator(".messages")).to_be_visible()
    checked(page, language)
    proposal.refresh_from_db()
    assert proposal.trl == 6 and proposal.collaboration_kind == "clinical"
    assert proposal.contact_phone == "+46 70 123 45 67"

    # Attach the product sheet on the edit page.
    click_and_load(page, page.locator(f"main a[href$='/proposals/{proposal.pk}/edit/#files']"))
    page.set_input_files("#id_file", str(pdf))
    click_and_load(page, page.locator("form[action$='/attachments/'] button[type='submit']"))
    expect(page.locator("#files table")).to_contain_text("product-sheet.pdf")
    checked(page, language)
    attachment = ProposalAttachment.objects.get(proposal=proposal)
    assert attachment.content_type == "application/pdf"

    # Submit it from the proposal page.
    click_and_load(page, page.locator(f"main a[href='/partnerships/proposals/{proposal.pk}/']"))
    click_and_load(page, page.locator("form[action$='/submit/'] button[type='submit']"))
    expect(page.locator(".badge.status-submitted")).to_be_visible()
    checked(page, language)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED

    # --- The coordinator asks for changes ------------------------------------------------------
    become(page, url, coordinator, staff=True)
    page.goto("/partnerships/")
    checked(page, language)
    click_and_load(page, page.locator("main a[href^='/partnerships/intake/']").first)
    checked(page, language)
    row = page.locator("main table tbody tr", has=page.locator(f"a[href$='/{proposal.pk}/']"))
    expect(row).to_contain_text("CareSense AB")
    click_and_load(page, row.locator(f"a[href='/partnerships/proposals/{proposal.pk}/']"))
    checked(page, language)
    # The attachment is there for the coordinator to read.
    download = page.locator(f"a[href$='/attachments/{attachment.pk}/']")
    expect(download).to_have_text("product-sheet.pdf")
    response = page.request.get(download.get_attribute("href") or "")
    assert response.ok and response.body().startswith(b"%PDF-")

    # Asking for changes without a message is refused beside the field, and nothing moves.
    decide = page.locator("form[action$='/decide/']")
    click_and_load(page, decide.locator("button[value='request_changes']"))
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_message_error")).to_be_visible()
    checked(page, language)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED

    page.fill("#id_message", "Please say which care units you have in mind and how many patients.")
    click_and_load(page, page.locator("form[action$='/decide/'] button[value='request_changes']"))
    expect(page.locator(".badge.status-changes_requested")).to_be_visible()
    checked(page, language)

    # --- The company reads the message, edits and submits again -------------------------------
    become(page, url, member, staff=False)
    page.goto("/partnerships/")
    click_and_load(page, page.locator(f"main a[href='/partnerships/proposals/{proposal.pk}/']"))
    expect(page.locator(".region-message")).to_contain_text("which care units")
    checked(page, language)
    click_and_load(
        page, page.locator(f"main a[href='/partnerships/proposals/{proposal.pk}/edit/']")
    )
    expect(page.locator(".region-message")).to_contain_text("which care units")
    checked(page, language)
    page.fill(
        "#id_company_asks", "Two primary care units in Uppsala (Gottsunda, Flogsta), 20 patients."
    )
    save_proposal(page, autosave)
    click_and_load(page, page.locator("form[action$='/submit/'] button[type='submit']"))
    expect(page.locator(".badge.status-submitted")).to_be_visible()
    checked(page, language)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert "Gottsunda" in proposal.company_asks

    # --- The coordinator accepts: the partnership starts at its first step ---------------------
    become(page, url, coordinator, staff=True)
    page.goto("/partnerships/intake/")
    click_and_load(page, page.locator(f"main a[href='/partnerships/proposals/{proposal.pk}/']"))
    page.fill("#id_message", "Welcome! We start with the triage forum next week.")
    click_and_load(page, page.locator("form[action$='/decide/'] button[value='accept']"))
    expect(page.locator(".badge.status-accepted")).to_be_visible()
    checked(page, language)
    partnership = Partnership.objects.get(proposal=proposal)
    assert partnership.current_step.key == "entry"
    click_and_load(page, page.locator(f"main a[href='/partnerships/{partnership.pk}/']"))
    expect(page.locator(".process-steps [aria-current='step']")).to_have_count(1)
    checked(page, language)

    # Entry and triage: tick the required items (htmx), approve the gate, move on.
    tick_required_items(page, partnership)
    checked(page, language)
    approve_gate(page)
    checked(page, language)
    advance(page, partnership, to_key="needs")
    checked(page, language)

    # Needs and benefit analysis: the coordinator ticks; the sponsor approves.
    tick_required_items(page, partnership)
    expect(page.locator("form[action$='/gate/']")).to_have_count(0)  # not the coordinator's
    become(page, url, sponsor, staff=True)
    page.goto("/partnerships/")
    checked(page, language)
    click_and_load(
        page, page.locator(f"#sponsor-heading ~ * a[href='/partnerships/{partnership.pk}/']")
    )
    checked(page, language)
    approve_gate(page)
    checked(page, language)

    become(page, url, coordinator, staff=True)
    page.goto(f"/partnerships/{partnership.pk}/")
    advance(page, partnership, to_key="agreement")
    checked(page, language)

    # --- The agreement ---------------------------------------------------------------------------
    become(page, url, member, staff=False)
    page.goto(f"/partnerships/{partnership.pk}/")
    checked(page, language)
    click_and_load(
        page, page.locator(f"#gate ~ * a[href='/partnerships/{partnership.pk}/agreement/']")
    )
    checked(page, language)
    click_and_load(page, page.locator("form[action$='/agreement/start/'] button[type='submit']"))
    agreement = Agreement.objects.get(partnership=partnership)
    expect(page.locator("pre.agreement-text")).to_be_visible()
    checked(page, language)

    # Accepting before the values and the rules are in place is refused.
    accept = page.locator("form[action$='/agreement/accept/'] button[type='submit']")
    expect(accept).to_have_count(1)
    click_and_load(page, accept)
    expect(page.locator("#accept-error")).to_be_visible()
    checked(page, language)

    # Fill in the values the library has no default for, as the region as customer.
    page.check("input[name='region_role'][value='customer']")
    page.select_option("#id_language", language)
    page.fill("#id_purpose", "Test remote wound monitoring with twenty patients")
    page.fill("#id_staff_hours", "120")
    page.fill("#id_staff_rate", "850")
    page.fill("#id_test_resource_hours", "40")
    page.fill("#id_test_resource_rate", "1200.50")
    page.fill("#id_start_date", "2027-01-01")
    page.fill("#id_end_date", "2027-12-31")
    click_and_load(page, page.locator("form[action$='/agreement/edit/'] button[type='submit']"))
    expect(page.locator("pre.agreement-text")).to_contain_text(
        "Test remote wound monitoring with twenty patients"
    )
    checked(page, language)
    agreement.refresh_from_db()
    assert agreement.language == language and agreement.region_role == "customer"

    # Confirm every SKR collaboration rule (htmx swaps the rules section after each press).
    rules = page.locator("#rules form button.button-secondary")
    count = rules.count()
    assert count >= 5
    for remaining in range(count, 0, -1):
        expect(rules).to_have_count(remaining)
        rules.first.click()
    expect(rules).to_have_count(0)
    checked(page, language)

    # The company accepts for itself ...
    page.reload()
    click_and_load(page, page.locator("form[action$='/agreement/accept/'] button[type='submit']"))
    expect(page.locator("form[action$='/agreement/accept/']")).to_have_count(0)
    checked(page, language)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT

    # ... and the coordinator for the region: the agreement is in force.
    become(page, url, coordinator, staff=True)
    page.goto(f"/partnerships/{partnership.pk}/agreement/")
    checked(page, language)
    click_and_load(page, page.locator("form[action$='/agreement/accept/'] button[type='submit']"))
    expect(page.locator(".badge.badge-brand")).to_be_visible()
    checked(page, language)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    assert agreement.in_force_at is not None

    # The agreement's version page, then back on the partnership page the gate is met.
    click_and_load(page, page.locator("#versions-heading ~ * a, #versions ~ table a").last)
    checked(page, language)
    page.goto(f"/partnerships/{partnership.pk}/")
    tick_required_items(page, partnership)
    advance(page, partnership, to_key="test")
    checked(page, language)


def tick_required_items(page: Page, partnership: Partnership) -> None:
    """Press each required, unticked item's button (htmx swaps the checklist in place)."""
    partnership.refresh_from_db()
    for item in partnership.current_step.checklist.filter(required=True).order_by("order"):
        form = page.locator(f"form[action$='/checklist/{item.pk}/']")
        button = form.locator("button.process-tick")
        if button.get_attribute("aria-pressed") == "true":
            continue
        button.click()
        expect(
            page.locator(f"form[action$='/checklist/{item.pk}/'] button.process-tick")
        ).to_have_attribute("aria-pressed", "true")


def approve_gate(page: Page) -> None:
    gate = page.locator("form[action$='/gate/']")
    click_and_load(page, gate.locator("button[type='submit']"))
    expect(page.locator("form[action$='/gate/']")).to_have_count(0)
    expect(page.locator("#gate ~ .message-success")).to_be_visible()


def advance(page: Page, partnership: Partnership, *, to_key: str) -> None:
    click_and_load(page, page.locator("form[action$='/advance/'] button[type='submit']"))
    partnership.refresh_from_db()
    assert partnership.current_step.key == to_key, partnership.current_step.key
    expect(page.locator(".messages")).to_be_visible()
