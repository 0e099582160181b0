"""axe-core on every Co-sharing page, for each role that sees it, in Swedish and in English.

The state is built with the services (`Scene`); each case opens one page as one person (their
profile's language), optionally does what puts the page in an interesting state (a form sent
with errors must show the announced error summary, mark the field and keep what was typed), and
fails with axe's report. The autouse `console_errors` fixture also fails a case whose page logged
a console error (a CSP block, or an unexpected 4xx/5xx).

Plus the keyboard path of the partnership page: ticking the checklist, approving the gate and
moving on with Tab, Space and Enter only.
"""

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from partnerships.models import (
    Agreement,
    EventKind,
    Partnership,
    PartnershipEvent,
    ProcessTemplate,
    Proposal,
    ReviewAssignment,
)
from partnerships.services import agreements as agreement_services
from partnerships.services import calls as call_services
from partnerships.services import proposals as services
from portal.accounts.models import MembershipRole, OrganisationKind
from regions.models import Region, RegionRole
from tests.browser.conftest import BROWSER_TEST, ConsoleErrors, assert_no_axe_violations, sign_in
from tests.browser.test_cosharing_journey import (  # noqa: F401  (the autouse fixture)
    cosharing_reference_data,
    sign_in_staff,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_process import make_admin, make_partnership, make_region_person

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]
REGION_SLUG = "uppsala"

COMPLETE = {
    "title": "Remote wound monitoring",
    "summary": "Patients photograph wounds at home.",
    "care_need": "Fewer visits after surgery.",
    "solution": "An app and a dashboard.",
    "trl": 6,
    "collaboration_kind": "clinical",
    "contact_name": "Kim Berg",
    "contact_email": "kim.berg@example.se",
}


# --- The scene -----------------------------------------------------------------------------------


@dataclass
class Scene:
    admin: Any
    coordinator: Any
    sponsor: Any
    reviewer: Any
    second_reviewer: Any
    member: Any
    loner: Any
    region: Region
    call: Any
    draft: Proposal
    call_proposal: Proposal
    review: ReviewAssignment
    open_review: ReviewAssignment
    at_entry: Partnership
    at_needs: Partnership
    at_agreement: Partnership
    agreement: Agreement
    template: ProcessTemplate

    def person(self, who: str) -> Any:
        return getattr(self, who)


STAFF = {"admin", "coordinator", "sponsor"}


@pytest.fixture
def scene(language: str) -> Scene:
    region = Region.objects.get(slug=REGION_SLUG)
    admin = make_admin()
    coordinator = make_region_person(
        REGION_SLUG, email="coordinator@uppsala.example.se", name="Ulla Samordnare"
    )
    sponsor = make_region_person(
        REGION_SLUG, RegionRole.SPONSOR, email="sponsor@uppsala.example.se", name="Siv Sponsor"
    )
    reviewer = UserFactory(email="rita@university.example.se", name="Rita Granskare")
    company = OrganisationFactory(name="CareSense AB", kind=OrganisationKind.COMPANY)
    member = MembershipFactory(
        organisation=company,
        role=MembershipRole.ADMIN,
        user=UserFactory(email="kim@caresense.example.se", name="Kim Berg"),
    ).user
    second_reviewer = UserFactory(email="bo@university.example.se", name="Bo Granskare")
    loner = UserFactory(email="alone@example.se", name="Ada Ensam")
    for person in (admin, coordinator, sponsor, reviewer, second_reviewer, member, loner):
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])

    now = timezone.now()
    call = call_services.call_create(
        actor=admin,  # only an admin (or each region's own coordinator) puts two regions behind
        lead_region=region,
        regions=[Region.objects.get(slug="ostergotland")],
        data={
            "title": "Home monitoring after surgery",
            "description": "Patients go home earlier and need to be followed up safely.",
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=30),
        },
        criteria=[
            {"title": "Benefit for patients", "description": "Fewer visits.", "weight": 3},
            {"title": "Feasibility", "description": "", "weight": 1},
        ],
    )
    call = call_services.call_set_published(actor=admin, call=call, published=True)

    def draft_of(**data: Any) -> Proposal:
        return services.proposal_create_draft(
            actor=member,
            organisation=company,
            region=region,
            call=data.pop("call", None),
            data={**COMPLETE, **data},
            client_token=uuid.uuid4(),
        )

    draft = draft_of(title="Sensor socks for diabetic feet")
    call_proposal = services.proposal_submit(
        actor=member, proposal=draft_of(call=call, title="Wound photos after surgery")
    )
    review = services.review_assign(actor=coordinator, proposal=call_proposal, reviewer=reviewer)
    criteria = list(call.criteria.order_by("order"))
    review = services.review_save(
        actor=reviewer,
        review=review,
        expected_version=review.version,
        scores={c.pk: (4, "Promising.") for c in criteria},
        comment="Clear need, small risk.",
        submit=True,
    )
    open_review = services.review_assign(
        actor=coordinator, proposal=call_proposal, reviewer=second_reviewer
    )
    accepted = services.proposal_submit(actor=member, proposal=draft_of(title="Fall alarm"))
    services.proposal_accept(actor=coordinator, proposal=accepted, message="Welcome!")
    at_entry = Partnership.objects.get(proposal=accepted)
    at_needs = make_partnership(
        REGION_SLUG, company=company, step_key="needs", coordinator=coordinator, author=member
    )
    at_agreement = make_partnership(
        REGION_SLUG, company=company, step_key="agreement", coordinator=coordinator, author=member
    )
    agreement = agreement_services.agreement_start(actor=member, partnership=at_agreement)
    # A timeline longer than a page, so its pager is checked too.
    PartnershipEvent.objects.bulk_create(
        PartnershipEvent(
            partnership=at_needs, actor=member, kind=EventKind.MESSAGE, text=f"Note {n}"
        )
        for n in range(60)
    )
    template = ProcessTemplate.objects.get(region__isnull=True, is_current=True)
    # make_region_person() re-creates the admin (setting the password again): sessions are made
    # from fresh rows, whose password hash is the stored one.
    admin.refresh_from_db()
    return Scene(
        admin=admin,
        coordinator=coordinator,
        sponsor=sponsor,
        reviewer=reviewer,
        member=member,
        loner=loner,
        region=region,
        call=call,
        draft=draft,
        call_proposal=call_proposal,
        review=review,
        open_review=open_review,
        second_reviewer=second_reviewer,
        at_entry=at_entry,
        at_needs=at_needs,
        at_agreement=at_agreement,
        agreement=agreement,
        template=template,
    )


# --- Doing something on the page -----------------------------------------------------------------


def _submit(page: Page, selector: str = "main form button[type='submit']") -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).first.click()


def _announced(page: Page) -> None:
    """The error summary is there, announced (role=alert) and focused for screen readers."""
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()


def _bad_proposal_new(page: Page) -> None:
    page.fill("#id_title", "")
    _submit(page)
    _announced(page)
    expect(page.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_region")).to_have_attribute("aria-invalid", "true")


def _bad_proposal_edit(page: Page) -> None:
    page.fill("#id_contact_email", "kim at caresense")
    page.fill("#id_summary", "Changed summary that must be kept.")
    _submit(page, "form.proposal-form button[type='submit']")
    _announced(page)
    expect(page.locator("#id_contact_email_error")).to_be_visible()
    expect(page.locator("#id_contact_email")).to_have_value("kim at caresense")
    expect(page.locator("#id_summary")).to_have_value("Changed summary that must be kept.")


def _bad_decision(page: Page) -> None:
    _submit(page, "form[action$='/decide/'] button[value='request_changes']")
    _announced(page)
    expect(page.locator("#id_message_error")).to_be_visible()


def _bad_reviewer(page: Page) -> None:
    page.fill("#id_email", "nobody@nowhere.example.se")
    _submit(page, "form[action$='/reviewers/'] button[type='submit']")
    _announced(page)
    expect(page.locator("#id_email")).to_have_value("nobody@nowhere.example.se")


def _bad_review(page: Page) -> None:
    page.fill("#id_comment", "Half done, kept after the error.")
    _submit(page, "main form button[name='submit']")
    _announced(page)
    expect(page.locator("#id_comment")).to_have_value("Half done, kept after the error.")


def _bad_call(page: Page) -> None:
    page.fill("#id_title", "Needs-led challenge: fewer falls")
    page.fill("#id_description", "")
    _submit(page)
    _announced(page)
    expect(page.locator("#id_title")).to_have_value("Needs-led challenge: fewer falls")
    expect(page.locator(".field-invalid").first).to_be_visible()


def _bad_intake(page: Page) -> None:
    expect(page.locator(".error-summary[role='alert']")).to_be_visible()
    expect(page.locator("#id_trl_max_error")).to_be_visible()
    expect(page.locator("#id_trl_min")).to_have_value("7")


def _bad_step(page: Page) -> None:
    page.fill("#id_name_en", "")
    page.fill("#id_documents_en", "Triage minutes\nA new document kept after the error")
    _submit(page)
    _announced(page)
    expect(page.locator("#id_name_en")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_documents_en")).to_have_value(
        "Triage minutes\nA new document kept after the error"
    )


def _bad_move_back(page: Page) -> None:
    page.locator("form[action$='/move-back/']").locator("xpath=..").locator("summary").click()
    _submit(page, "form[action$='/move-back/'] button[type='submit']")
    _announced(page)
    expect(page.locator("#id_back-reason")).to_have_attribute("aria-invalid", "true")


def _bad_message(page: Page) -> None:
    _submit(page, "form[action$='/messages/'] button[type='submit']")
    _announced(page)
    expect(page.locator("#id_msg-body")).to_have_attribute("aria-invalid", "true")


def _bad_agreement(page: Page) -> None:
    page.fill("#id_staff_hours", "")
    page.fill("#id_purpose", "A purpose that must be kept")
    _submit(page, "form[action$='/agreement/edit/'] button[type='submit']")
    _announced(page)
    expect(page.locator("#id_staff_hours")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_purpose")).to_have_value("A purpose that must be kept")


@dataclass(frozen=True)
class Case:
    who: str
    path: Callable[[Scene], str]
    then: Callable[[Page], None] | None = None
    status: int = 200


def _p(url: str) -> Callable[[Scene], str]:
    return lambda s: url


CASES: dict[str, Case] = {
    # Anyone
    "call-list-anonymous": Case("anonymous", _p("/partnerships/calls/")),
    "call-detail-anonymous": Case("anonymous", lambda s: f"/partnerships/calls/{s.call.pk}/"),
    # The company
    "dashboard-company": Case("member", _p("/partnerships/")),
    "call-detail-company": Case("member", lambda s: f"/partnerships/calls/{s.call.pk}/"),
    "proposal-list": Case("member", _p("/partnerships/proposals/")),
    "proposal-new": Case("member", _p("/partnerships/proposals/new/")),
    "proposal-new-with-errors": Case(
        "member", _p("/partnerships/proposals/new/"), then=_bad_proposal_new
    ),
    "proposal-new-for-call": Case(
        "member", lambda s: f"/partnerships/proposals/new/?call={s.call.pk}"
    ),
    "proposal-new-without-company": Case("loner", _p("/partnerships/proposals/new/")),
    "proposal-edit": Case("member", lambda s: f"/partnerships/proposals/{s.draft.pk}/edit/"),
    "proposal-edit-with-errors": Case(
        "member",
        lambda s: f"/partnerships/proposals/{s.draft.pk}/edit/",
        then=_bad_proposal_edit,
    ),
    "proposal-detail-draft": Case("member", lambda s: f"/partnerships/proposals/{s.draft.pk}/"),
    "proposal-detail-company": Case(
        "member", lambda s: f"/partnerships/proposals/{s.call_proposal.pk}/"
    ),
    "partnership-company": Case("member", lambda s: f"/partnerships/{s.at_agreement.pk}/"),
    "timeline-company": Case("member", lambda s: f"/partnerships/{s.at_agreement.pk}/timeline/"),
    "partnership-message-with-errors": Case(
        "member", lambda s: f"/partnerships/{s.at_agreement.pk}/", then=_bad_message
    ),
    "agreement-company": Case("member", lambda s: f"/partnerships/{s.at_agreement.pk}/agreement/"),
    "agreement-with-errors": Case(
        "member", lambda s: f"/partnerships/{s.at_agreement.pk}/agreement/", then=_bad_agreement
    ),
    "agreement-version": Case(
        "member", lambda s: f"/partnerships/{s.at_agreement.pk}/agreement/versions/1/"
    ),
    "mail-preferences": Case("member", _p("/me/profile/mail/")),
    # The region's coordinator
    "dashboard-coordinator": Case("coordinator", _p("/partnerships/")),
    "intake": Case("coordinator", _p("/partnerships/intake/")),
    "intake-filtered": Case(
        "coordinator",
        lambda s: (
            f"/partnerships/intake/?status=submitted&call={s.call.pk}&kind=clinical"
            "&trl_min=1&trl_max=9&submitted_from=2020-01-01"
        ),
    ),
    "intake-filter-with-errors": Case(
        "coordinator", _p("/partnerships/intake/?trl_min=7&trl_max=2"), then=_bad_intake
    ),
    "proposal-detail-coordinator": Case(
        "coordinator", lambda s: f"/partnerships/proposals/{s.call_proposal.pk}/"
    ),
    "proposal-decide-with-errors": Case(
        "coordinator",
        lambda s: f"/partnerships/proposals/{s.call_proposal.pk}/",
        then=_bad_decision,
    ),
    "proposal-reviewer-with-errors": Case(
        "coordinator",
        lambda s: f"/partnerships/proposals/{s.call_proposal.pk}/",
        then=_bad_reviewer,
    ),
    "call-list-coordinator": Case("coordinator", _p("/partnerships/calls/")),
    "call-new": Case("coordinator", _p("/partnerships/calls/new/")),
    "call-new-with-errors": Case("coordinator", _p("/partnerships/calls/new/"), then=_bad_call),
    "call-edit": Case("coordinator", lambda s: f"/partnerships/calls/{s.call.pk}/edit/"),
    "call-detail-coordinator": Case("coordinator", lambda s: f"/partnerships/calls/{s.call.pk}/"),
    "call-ranking": Case("coordinator", lambda s: f"/partnerships/calls/{s.call.pk}/ranking/"),
    "pipeline": Case("coordinator", _p(f"/partnerships/regions/{REGION_SLUG}/pipeline/")),
    "partnership-entry-coordinator": Case(
        "coordinator", lambda s: f"/partnerships/{s.at_entry.pk}/"
    ),
    "partnership-move-back-with-errors": Case(
        "coordinator", lambda s: f"/partnerships/{s.at_needs.pk}/", then=_bad_move_back
    ),
    "timeline-coordinator-last-page": Case(
        "coordinator", lambda s: f"/partnerships/{s.at_needs.pk}/timeline/?page=2"
    ),
    "agreement-coordinator": Case(
        "coordinator", lambda s: f"/partnerships/{s.at_agreement.pk}/agreement/"
    ),
    "template-list-coordinator": Case("coordinator", _p("/partnerships/templates/")),
    "template-detail-coordinator": Case(
        "coordinator", lambda s: f"/partnerships/templates/{s.template.pk}/"
    ),
    # The management sponsor
    "dashboard-sponsor": Case("sponsor", _p("/partnerships/")),
    "partnership-needs-sponsor": Case("sponsor", lambda s: f"/partnerships/{s.at_needs.pk}/"),
    "timeline-sponsor": Case("sponsor", lambda s: f"/partnerships/{s.at_needs.pk}/timeline/"),
    "agreement-sponsor": Case("sponsor", lambda s: f"/partnerships/{s.at_agreement.pk}/agreement/"),
    # A reviewer
    "review-list": Case("reviewer", _p("/partnerships/reviews/")),
    "review-submitted": Case("reviewer", lambda s: f"/partnerships/reviews/{s.review.pk}/"),
    "review-open": Case("second_reviewer", lambda s: f"/partnerships/reviews/{s.open_review.pk}/"),
    "review-submit-with-errors": Case(
        "second_reviewer",
        lambda s: f"/partnerships/reviews/{s.open_review.pk}/",
        then=_bad_review,
    ),
    # The portal's administrator
    "dashboard-admin": Case("admin", _p(f"/partnerships/?region={REGION_SLUG}")),
    "template-list-admin": Case("admin", _p("/partnerships/templates/")),
    "template-detail-admin": Case("admin", lambda s: f"/partnerships/templates/{s.template.pk}/"),
    "template-step-edit": Case(
        "admin",
        lambda s: (
            f"/partnerships/templates/{s.template.pk}/steps/{s.template.steps.get(key='entry').pk}/"
        ),
    ),
    "template-step-edit-with-errors": Case(
        "admin",
        lambda s: (
            f"/partnerships/templates/{s.template.pk}/steps/{s.template.steps.get(key='entry').pk}/"
        ),
        then=_bad_step,
    ),
    "template-item-new": Case(
        "admin",
        lambda s: (
            f"/partnerships/templates/{s.template.pk}/steps/"
            f"{s.template.steps.get(key='needs').pk}/items/new/"
        ),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_cosharing_page_is_accessible(
    page: Page,
    context: BrowserContext,
    live_server: Any,
    console_errors: ConsoleErrors,
    scene: Scene,
    language: str,
    name: str,
) -> None:
    case = CASES[name]
    if case.who == "anonymous":
        context.add_cookies(
            [{"name": "portal_language", "value": language, "url": live_server.url}]
        )
    elif case.who in STAFF:
        sign_in_staff(page, live_server.url, scene.person(case.who))
    else:
        sign_in(page, scene.person(case.who).email)
    path = case.path(scene)
    if case.then is not None:
        # A form sent with errors answers 400 (or 409), which the browser logs.
        console_errors.allow(r"status of 4\d\d ")
    response = page.goto(path)
    assert response is not None
    assert response.status == case.status, f"{path}: {response.status}"
    assert page.url == f"{live_server.url}{path}", f"{path} led to {page.url}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    if case.then is not None:
        case.then(page)
        expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)


# --- The keyboard ---------------------------------------------------------------------------------


def _tab_to(page: Page, selector: str, *, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} was not reached with Tab")


@pytest.mark.parametrize("language", ["en"])
def test_checklist_gate_and_advance_with_the_keyboard_only(
    page: Page, live_server: Any, scene: Scene, language: str
) -> None:
    partnership = scene.at_entry
    sign_in_staff(page, live_server.url, scene.coordinator)
    page.goto(f"/partnerships/{partnership.pk}/")
    # The ticks are plain forms until htmx (deferred) has loaded: wait for it, so a key pressed
    # early is not a full-page submit that moves the focus to the top.
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    required = list(partnership.current_step.checklist.filter(required=True).order_by("order"))
    assert len(required) >= 2

    for index, item in enumerate(required):
        selector = f"form[action$='/checklist/{item.pk}/'] button"
        _tab_to(page, selector)
        page.keyboard.press("Space" if index % 2 == 0 else "Enter")
        expect(page.locator(selector)).to_have_attribute("aria-pressed", "true")
        # htmx has finished settling the new checklist (its forms are wired again) before the
        # next key; a key pressed in those milliseconds is a plain form submit, which works too.
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')",
            polling=50,
        )
        # The focus stays on the box just pressed (data-focus), so the next Tab goes on to the
        # next item rather than back to the top of the page.
        page.wait_for_function(
            "id => document.activeElement && document.activeElement.id === id",
            arg=f"tick-{item.pk}",
            polling=50,
            timeout=5000,
        )

    _tab_to(page, "form[action$='/gate/'] textarea")
    page.keyboard.type("Relevant and mature enough.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches(\"form[action$='/gate/'] button\")")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.locator("#gate ~ .message-success")).to_be_visible()

    _tab_to(page, "form[action$='/advance/'] button")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    partnership.refresh_from_db()
    assert partnership.current_step.key == "needs"
    expect(page.locator(".messages")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/partnerships/{partnership.pk}/$"))
    assert_no_axe_violations(page)
