"""The agreement report: the text (in force, or a draft marked on every page), its version and
checksum, the parties' acceptances of that version, the collaboration rules; who may ask for it;
its fingerprint; the panel on the agreement page."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import (
    Agreement,
    AgreementAcceptance,
    AgreementVersion,
    Partnership,
    PartnershipParty,
    PartyKind,
)
from partnerships.services.agreements import agreement_accept, agreement_start, rule_check_set
from partnerships.workflow import AgreementStatus
from portal.accounts.models import User
from reports.documents import document_context, make_report_pdf
from reports.kinds import get_kind
from reports.rendering import render_pdf
from reports.selectors import report_is_stale
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.partnerships.test_agreements_scene import *  # noqa: F403  (the shared fixtures)
from tests.partnerships.test_agreements_scene import make_partnership_at
from tests.partnerships.test_agreements_services import (
    confirm_all_rules,
    latest,
    parties,
    update,
)
from tests.reports.ready import ready_request, view_costs
from tests.utils import count_queries

from .pdfs import page_texts, pdf_facts, pdf_text

pytestmark = pytest.mark.django_db

SPEC = get_kind("agreement")
GENERATED = datetime(2026, 11, 26, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
HOSTILE = '<script>alert(1)</script><img src="file:///etc/passwd"> שלום עולם'


def params(agreement: Agreement) -> dict[str, Any]:
    return {"partnership": agreement.partnership_id}


def flat(text: str) -> str:
    """The text with every run of whitespace as one space: titles and sentences wrap."""
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """The text without whitespace: a 64-digit checksum may wrap inside a table cell."""
    return "".join(text.split())


def accept_for(agreement: Agreement, actor: Any, party: PartnershipParty) -> None:
    version = latest(agreement)
    agreement_accept(
        actor=actor,
        agreement=agreement,
        party=party,
        version_number=version.number,
        checksum=version.checksum,
    )


def accept(agreement: Agreement, actor: Any, kind: str) -> None:
    accept_for(agreement, actor, parties(agreement)[kind])


@pytest.fixture  # type: ignore[no-redef]
def company(db: Any) -> Any:
    """A company whose name has Swedish letters (overrides the scene's CareSense AB)."""
    return OrganisationFactory(name="Sårvård Östergårdh AB")


@pytest.fixture  # type: ignore[no-redef]
def company_member(company: Any) -> Any:
    return MembershipFactory(
        organisation=company,
        user=UserFactory(email="asa@sarvard.example.se", name="Åsa Ängström"),
    ).user


@pytest.fixture
def ready(agreement: Agreement, coordinator: Any) -> Agreement:
    """Every value filled in (version 2) and every rule confirmed: ready to be accepted."""
    update(agreement, coordinator, values={"purpose": "Prövning av sårövervakning på distans"})
    confirm_all_rules(agreement, coordinator)
    return agreement


# --- Content -----------------------------------------------------------------------------------


def test_draft_report_shows_text_checksum_acceptances_and_rules_in_english(
    ready: Agreement, company_member: Any
) -> None:
    accept(ready, company_member, PartyKind.COMPANY)
    version = latest(ready)

    pdf = make_report_pdf(SPEC, params(ready), "en", generated_at=GENERATED)
    text = flat(pdf_text(pdf.content))

    assert "Agreement: Remote wound monitoring" in text
    assert "Region Uppsala" in text
    assert "Sårvård Östergårdh AB (Company)" in text
    assert "The agreement" in text
    assert f"Version {version.number}, written" in text
    assert "Checksum (SHA-256)" in text
    assert version.checksum in squeezed(text)
    # The text itself, with the values the parties filled in and Swedish letters intact.
    assert f"The text, version {version.number}" in text
    assert "SAMVERKANSAVTAL" in text
    assert "Prövning av sårövervakning på distans" in text
    # Acceptances of this version: the company accepted (who, the checksum), the region not yet.
    assert f"Acceptance of version {version.number} by the parties" in text
    assert "Åsa Ängström" in text
    assert "Not accepted yet" in text
    assert "Standing" in text
    assert squeezed(text).count(version.checksum) >= 3  # facts, acceptance, above the text
    assert "Collaboration rules (SKR and Swedish Medtech)" in text
    assert "Confirmed by Ulla Coord" in text
    assert "26 November 2026 09:30" in text  # generated, Stockholm time


def test_a_draft_is_marked_on_the_cover_and_on_every_page(ready: Agreement) -> None:
    pdf = make_report_pdf(SPEC, params(ready), "en")
    pages = [flat(page) for page in page_texts(pdf.content)]

    assert len(pages) >= 3
    assert "DRAFT – not in force" in pages[0]
    assert "It is not valid until every party has accepted this version" in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert "DRAFT – not in force" in page, f"page {number} has no draft mark"


def test_an_agreement_in_force_says_since_when_and_carries_no_draft_mark(
    ready: Agreement, coordinator: Any, company_member: Any
) -> None:
    accept(ready, company_member, PartyKind.COMPANY)
    accept(ready, coordinator, PartyKind.REGION)
    ready.refresh_from_db()
    assert ready.status == AgreementStatus.IN_FORCE

    text = flat(pdf_text(make_report_pdf(SPEC, params(ready), "en").content))

    assert "In force since" in text
    assert "DRAFT" not in text
    assert "Not accepted yet" not in text
    assert "Ulla Coord" in text and "Åsa Ängström" in text


def test_a_voided_acceptance_stays_listed_and_is_marked_as_voided(
    ready: Agreement, coordinator: Any, company_member: Any
) -> None:
    accept(ready, company_member, PartyKind.COMPANY)
    # Taking a rule back voids the standing acceptances of the latest version.
    rule_check_set(actor=coordinator, agreement=ready, rule="formalised", done=False)

    text = flat(pdf_text(make_report_pdf(SPEC, params(ready), "en").content))

    assert "Åsa Ängström" in text
    assert "VOIDED" in text
    assert "No standing acceptance of this version." in text
    assert "Not confirmed" in text
    assert "Standing" not in text


def test_the_swedish_report_keeps_swedish_letters_and_uses_swedish_labels(
    ready: Agreement, company_member: Any
) -> None:
    accept(ready, company_member, PartyKind.COMPANY)
    version = latest(ready)

    pdf = make_report_pdf(SPEC, params(ready), "sv", generated_at=GENERATED)
    text = flat(pdf_text(pdf.content))

    assert "Avtal: Remote wound monitoring" in text
    assert "Sårvård Östergårdh AB (Företag)" in text
    assert "Åsa Ängström" in text
    assert "Prövning av sårövervakning på distans" in text
    assert "Kontrollsumma (SHA-256)" in text
    assert f"Texten, version {version.number}" in text
    assert "Inget godkännande ännu" in text
    assert "Samverkansregler (SKR och Swedish Medtech)" in text
    assert "Bekräftad av Ulla Coord" in text
    assert "26 november 2026 09:30" in text
    assert "Regionens roll: Regionen som kund" in text  # the agreement's own wording
    assert version.checksum in squeezed(text)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_pdf_is_tagged_with_title_and_language_and_carries_no_attachments(
    ready: Agreement, language: str
) -> None:
    pdf = make_report_pdf(SPEC, params(ready), language)
    facts = pdf_facts(pdf.content)

    word = "Avtal" if language == "sv" else "Agreement"
    assert facts.title == f"{word}: Remote wound monitoring"
    assert facts.language == language
    assert facts.tagged and facts.has_structure
    assert facts.attachments == 0
    assert facts.uris == []
    assert 3 <= facts.pages <= 8 and facts.pages == pdf.pages
    assert pdf.refused == ()


# --- Hostile text ------------------------------------------------------------------------------


def test_hostile_text_in_names_values_and_title_renders_as_text(
    region: Any, coordinator: Any, portal_admin: Any
) -> None:
    company = OrganisationFactory(name=HOSTILE)
    member = MembershipFactory(organisation=company, user=UserFactory(name=HOSTILE)).user
    partnership = make_partnership_at(region=region, company=company)
    Partnership.objects.filter(pk=partnership.pk).update(title="x" * 200)
    partnership.refresh_from_db()
    agreement = agreement_start(actor=coordinator, partnership=partnership)
    update(agreement, coordinator, values={"purpose": HOSTILE + " " + "y" * 200})
    confirm_all_rules(agreement, coordinator)
    accept(agreement, member, PartyKind.COMPANY)

    pdf = make_report_pdf(SPEC, params(agreement), "en")
    text = flat(pdf_text(pdf.content))

    assert "<script>alert(1)</script>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert "שלום עולם" in text or "םלוע םולש" in text
    assert "root:x:0:0" not in text
    assert "x" * 200 in squeezed(text)
    assert all("passwd" in url for url in pdf.refused)
    assert pdf_facts(pdf.content).attachments == 0


def test_a_huge_word_and_markup_in_the_text_wrap_and_fetch_nothing(ready: Agreement) -> None:
    """The stored text is plain text: markup in it is printed, never loaded, and a 3,000
    character word wraps instead of running off the page."""
    context = document_context(SPEC, params(ready), "en")
    word = "ö" * 3000
    context["version"]["text"] = (
        f'{HOSTILE}\n<link rel="attachment" href="file:///etc/passwd">\n'
        f'<img src="https://example.com/x.png">\n{word}\n'
    )

    pdf = render_pdf(SPEC.template_name, context, language="en")
    text = flat(pdf_text(pdf.content))

    assert word in squeezed(text)
    assert "<script>alert(1)</script>" in text
    assert "root:x:0:0" not in text
    assert pdf.refused == ()  # escaped markup is text: there was nothing to fetch
    assert pdf_facts(pdf.content).attachments == 0


# --- Fingerprint -------------------------------------------------------------------------------


def test_fingerprint_is_stable_without_a_change(ready: Agreement) -> None:
    assert SPEC.fingerprint(params(ready), "en") == SPEC.fingerprint(params(ready), "en")
    assert SPEC.fingerprint(params(ready), "en") != SPEC.fingerprint(params(ready), "sv")


def test_fingerprint_changes_with_what_the_report_shows(
    ready: Agreement, coordinator: Any, company_member: Any
) -> None:
    seen = {SPEC.fingerprint(params(ready), "en")}

    def changed() -> bool:
        value = SPEC.fingerprint(params(ready), "en")
        fresh = value not in seen
        seen.add(value)
        return fresh

    accept(ready, company_member, PartyKind.COMPANY)
    assert changed(), "an acceptance"
    rule_check_set(actor=coordinator, agreement=ready, rule="formalised", done=False)
    assert changed(), "a rule taken back (and the acceptance voided)"
    update(ready, coordinator, values={"staff_hours": "99"})
    assert changed(), "a new version of the text"
    company = parties(ready)[PartyKind.COMPANY].organisation
    company.name = "Nytt namn AB"
    company.save(update_fields=["name"])
    assert changed(), "a party's name"


def test_fingerprint_ignores_what_the_report_does_not_show(ready: Agreement, company: Any) -> None:
    before = SPEC.fingerprint(params(ready), "en")
    MembershipFactory(organisation=company, user=UserFactory(name="Ny Kollega"))
    assert SPEC.fingerprint(params(ready), "en") == before


def test_fingerprint_follows_a_name_and_a_voided_acceptance_changed_in_place(
    ready: Agreement, company_member: Any
) -> None:
    """Values changed without `save()` (no `updated_at`): the printed values are hashed."""
    accept(ready, company_member, PartyKind.COMPANY)
    before = SPEC.fingerprint(params(ready), "en")
    User.objects.filter(pk=company_member.pk).update(name="Åsa Nyström")
    renamed = SPEC.fingerprint(params(ready), "en")
    assert renamed != before
    AgreementAcceptance.objects.filter(version__agreement=ready).update(voided_at=timezone.now())
    assert SPEC.fingerprint(params(ready), "en") != renamed


def test_the_worker_and_the_page_agree_on_the_fingerprint(
    ready: Agreement, coordinator: Any
) -> None:
    """The fingerprint equals the one the worker keyed the file with (no stale first view)."""
    asked = ready_request(coordinator, "agreement", params(ready))
    assert asked.report is not None
    assert asked.report.fingerprint == SPEC.fingerprint(params(ready), "en")
    assert not report_is_stale(asked)


# --- Who may ask for it ------------------------------------------------------------------------

OK = "ok"
ACCESS_RULES = {
    "anonymous": 404,
    "other_company_member": 404,
    "company_member": OK,
    "other_coordinator": 404,
    "coordinator": OK,
    "sponsor": OK,
    "portal_admin": OK,
}


@pytest.mark.parametrize(("actor_name", "expected"), list(ACCESS_RULES.items()))
def test_check_access_matrix(
    agreement: Agreement,
    other_company_member: Any,
    other_coordinator: Any,
    sponsor: Any,
    portal_admin: Any,
    actor_name: str,
    actor: Any,
    expected: Any,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = actor if actor is not None else AnonymousUser()
    if expected == OK:
        SPEC.check_access(user, params(agreement))
    else:
        with pytest.raises(Http404):
            SPEC.check_access(user, params(agreement))


def test_no_report_before_there_is_a_text_or_when_the_partnership_is_gone(
    partnership: Partnership, coordinator: Any
) -> None:
    with pytest.raises(Http404):
        SPEC.check_access(coordinator, {"partnership": partnership.pk})
    with pytest.raises(Http404):
        SPEC.check_access(coordinator, {"partnership": 999_999})
    with pytest.raises(Http404):
        SPEC.check_access(coordinator, {"partnership": "1; DROP TABLE"})


def test_subject_key_and_url() -> None:
    assert SPEC.subject_key({"partnership": 12}) == "agreement:12"
    assert SPEC.subject_url({"partnership": 12}) == "/partnerships/12/agreement/"


# --- Cost --------------------------------------------------------------------------------------


def test_context_queries_do_not_grow_with_parties_versions_and_acceptances(
    ready: Agreement, coordinator: Any, company_member: Any
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            SPEC.build_context(params(ready), "en")
        return len(ctx.captured_queries)

    accept(ready, company_member, PartyKind.COMPANY)
    few = queries()
    members = []
    for number in range(4):
        membership: Any = MembershipFactory(user=UserFactory(name=f"Medlem {number}"))
        party = PartnershipParty.objects.create(
            partnership=ready.partnership,
            kind=PartyKind.OTHER,
            organisation=membership.organisation,
        )
        members.append((membership.user, party))
    update(ready, coordinator, values={"staff_hours": "101"})  # a new version naming them
    for member, party in members:
        accept_for(ready, member, party)
    accept(ready, company_member, PartyKind.COMPANY)
    rule_check_set(actor=coordinator, agreement=ready, rule="formalised", done=False)
    assert AgreementVersion.objects.filter(agreement=ready).count() >= 3
    assert queries() == few


def test_page_and_download_of_an_agreement_report_cost_the_same_however_big(
    client: Any, ready: Agreement, coordinator: Any, company_member: Any
) -> None:
    """The request's page and the download recompute the fingerprint: within the walk's 15
    queries, and not more with more parties, versions and acceptances."""
    client.force_login(coordinator)
    accept(ready, company_member, PartyKind.COMPANY)
    small = view_costs(client, ready_request(coordinator, "agreement", params(ready)))
    for number in range(3):
        membership: Any = MembershipFactory(user=UserFactory(name=f"Part {number}"))
        party = PartnershipParty.objects.create(
            partnership=ready.partnership,
            kind=PartyKind.OTHER,
            organisation=membership.organisation,
        )
        update(ready, coordinator, values={"staff_hours": str(110 + number)})
        accept_for(ready, membership.user, party)
    big = view_costs(client, ready_request(coordinator, "agreement", params(ready)))
    assert big == small
    assert max(small.values()) <= 15, small


# --- The panel on the agreement page -----------------------------------------------------------


def page_url(partnership_id: int) -> str:
    return reverse("partnerships:agreement", args=[partnership_id])


@pytest.mark.parametrize("actor_name", ["company_member", "coordinator", "sponsor", "portal_admin"])
def test_the_agreement_page_offers_the_report_to_those_who_may_see_it(
    client: Any, agreement: Agreement, sponsor: Any, portal_admin: Any, actor_name: str, actor: Any
) -> None:
    client.force_login(actor)
    response = client.get(page_url(agreement.partnership_id))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="report-panel-agreement"' in body
    assert reverse("reports:request", args=["agreement"]) in body
    assert f'name="partnership" value="{agreement.partnership_id}"' in body


def test_no_panel_before_the_agreement_has_a_text(
    client: Any, partnership: Partnership, coordinator: Any
) -> None:
    client.force_login(coordinator)
    response = client.get(page_url(partnership.pk))

    assert response.status_code == 200
    assert "report-panel-agreement" not in response.content.decode()


@pytest.mark.parametrize("actor_name", ["other_company_member", "other_coordinator"])
def test_others_get_no_page_and_no_panel(
    client: Any,
    agreement: Agreement,
    other_company_member: Any,
    other_coordinator: Any,
    actor_name: str,
    actor: Any,
) -> None:
    client.force_login(actor)
    assert client.get(page_url(agreement.partnership_id)).status_code == 404


def test_the_page_with_the_panel_has_a_fixed_query_count(
    client: Any, ready: Agreement, coordinator: Any, company_member: Any
) -> None:
    client.force_login(coordinator)
    url = page_url(ready.partnership_id)
    accept(ready, company_member, PartyKind.COMPANY)
    few = count_queries(client, url)
    for hours in ("101", "102", "103"):
        update(ready, coordinator, values={"staff_hours": hours})
    assert "report-panel-agreement" in client.get(url).content.decode()
    assert count_queries(client, url) == few
