"""The partnership guidance report: its content in both languages (read back from the PDF), the
PDF's accessibility facts, hostile text shown as text, a fingerprint that follows what is shown,
who may ask for it, and a cost that does not grow with the partnership's history."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from obstacles.models import Obstacle
from obstacles.services.links import note_link
from obstacles.workflow import MitigationStatus, ObstacleStatus
from partnerships.models import AgreementClause, ObstacleNote, Partnership
from partnerships.services.agreements import agreement_start
from partnerships.services.partnerships import (
    checklist_set,
    document_add,
    message_post,
    obstacle_note_add,
    partnership_advance,
    partnership_create_from_proposal,
    party_member_add,
)
from partnerships.workflow import ProposalStatus
from reports.documents import document_context, make_report_pdf
from reports.kinds import get_kind
from reports.models import ReportKind
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_obstacles import MitigationFactory, ObstacleFactory, category
from tests.factories_partnerships import ProposalFactory
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import complete_step
from tests.reports.pdfs import pdf_facts, pdf_text
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

SPEC = get_kind(ReportKind.PARTNERSHIP)
GENERATED = timezone.make_aware(dt.datetime(2026, 11, 26, 9, 30))
TITLE = "Sårvård i hemmet – Östra Ågatan"
HOSTILE_WORD = "Å" + "x" * 3000
RTL = "שלום עולם"


def _flat(text: str) -> str:
    """Whitespace collapsed, so wrapped lines read as one."""
    return " ".join(text.split())


def _has(text: str, needle: str) -> bool:
    """`needle` in the PDF's text, also when a line break (or a hyphen WeasyPrint added there)
    falls inside it."""
    joined = re.sub(r"[-\u2010]\n", "", text)
    return needle in _flat(text) or needle in _flat(joined)


def _pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _label(msgid: str, language: str) -> str:
    """A label as the report prints it: translated once the lead merged our fragment."""
    with translation.override(language):
        return gettext(msgid)


def _at(step_key: str, *, coordinator: Any, company: Any, author: Any) -> Partnership:
    proposal = ProposalFactory(
        organisation=company,
        created_by=author,
        status=ProposalStatus.ACCEPTED,
        title=TITLE,
        summary="Patienter fotograferar såren hemma; sjuksköterskan bedömer dem på distans.",
    )
    partnership = partnership_create_from_proposal(actor=coordinator, proposal=proposal)
    while partnership.current_step.key != step_key:
        complete_step(partnership, actor=coordinator)
        partnership = partnership_advance(
            actor=coordinator, partnership=partnership, expected_step_id=partnership.current_step_id
        )
    partnership.refresh_from_db()
    return partnership


@pytest.fixture
def company(db: Any) -> Any:
    return OrganisationFactory(name="Sjöström Vårdteknik AB")


@pytest.fixture
def scene(coordinator: Any, sponsor: Any, company: Any, company_member: Any) -> dict[str, Any]:
    """A partnership at the agreement step (entry and needs approved), with a started agreement,
    one tick, a document, a message, two obstacle notes (one linked to a register entry with a
    published and an unpublished mitigation) and the register's obstacles at later steps."""
    partnership = _at("agreement", coordinator=coordinator, company=company, author=company_member)
    step = partnership.current_step
    first, second = list(step.checklist.order_by("order"))[:2]
    checklist_set(
        actor=company_member, partnership=partnership, item=first, done=True, note="Kund, klart"
    )
    agreement = agreement_start(actor=coordinator, partnership=partnership)
    document_add(
        actor=company_member,
        partnership=partnership,
        step=step,
        title="Riskanalys för sårfoton",
        upload=_pdf(),
    )
    message_post(actor=company_member, partnership=partnership, body="HEMLIGT MEDDELANDE 4711")
    entry = ObstacleFactory(
        title="Sekretessprövning för molntjänster drar ut på tiden",
        step_key="agreement",
        category=category(),
        endorsement_count=9,
    )
    MitigationFactory(title="Svensk molnleverantör med biträdesavtal", obstacles=[entry])
    MitigationFactory(
        title="Ogranskad lösning 13",
        status=MitigationStatus.SUBMITTED,
        published_at=None,
        obstacles=[entry],
    )
    linked = obstacle_note_add(
        actor=company_member,
        partnership=partnership,
        step=step,
        text="Juristerna behövde sex veckor för sekretessprövningen.",
    )
    note_link(note=linked, obstacle=entry, actor=company_member)
    obstacle_note_add(
        actor=company_member,
        partnership=partnership,
        step=step,
        text="Ingen på enheten visste vem som får skriva under.",
    )
    common = [
        ObstacleFactory(title=f"Testhinder nummer {n}", step_key="test", endorsement_count=n)
        for n in range(7)
    ]
    ObstacleFactory(
        title="Utkast som inte syns",
        step_key="test",
        endorsement_count=99,
        status=ObstacleStatus.DRAFT,
        published_at=None,
    )
    ObstacleFactory(title="Hinder vid triage", step_key="entry", endorsement_count=50)
    return {
        "partnership": partnership,
        "params": {"partnership": partnership.pk},
        "agreement": agreement,
        "unticked": second,
        "entry": entry,
        "common": common,
    }


def _report(scene: dict[str, Any], language: str) -> tuple[str, Any]:
    pdf = make_report_pdf(SPEC, scene["params"], language, generated_at=GENERATED)
    return pdf_text(pdf.content), pdf


# --- Content ------------------------------------------------------------------------------------


def test_english_report_shows_every_section_with_the_real_values(scene: dict[str, Any]) -> None:
    text, pdf = _report(scene, "en")
    partnership = scene["partnership"]
    for needle in [
        f"Guidance report: {TITLE}",
        "Patienter fotograferar såren hemma",
        "26 November 2026",
        # Status, region, kind, dates.
        "Active",
        "Region Uppsala",
        "Clinical evaluation",
        "Step 3 of 6: Agreement",
        f"{timezone.localtime(partnership.created_at):%Y}",
        # Parties.
        "Sjöström Vårdteknik AB",
        "The parties and the people named for them",
        # Done and missing per step: gates approved by role, with names.
        "Approved by Ulla Coord (a region coordinator)",
        "Approved by Siv Sponsor (the region's management sponsor)",
        "Waiting for the agreement in force",
        # The current step's checklist: who ticked what, and what is missing.
        "Kind of collaboration chosen (customer or development partner)",
        "Kund, klart",
        "Data protection and secrecy assessed (GDPR, Patient Data Act, OSL)",
        "What is missing to move on",
        # Guidance of the current and the next steps.
        "every collaboration between healthcare and industry is formalised",
        "Data processing agreement (if needed)",
        "Test and co-creation",
        "Dissemination and implementation",
        # Documents by title only.
        "Riskanalys för sårfoton",
        # The agreement: status, version, acceptances, clauses.
        "Being drafted",
        "Version 1 of",
        scene["agreement"].versions.get().checksum[:16],
        "Not accepted yet",
        # Obstacles met with the published mitigations of their entries.
        "Juristerna behövde sex veckor för sekretessprövningen.",
        f"No. {scene['entry'].pk} Sekretessprövning för molntjänster drar ut på tiden",
        "Svensk molnleverantör med biträdesavtal",
        "Ingen på enheten visste vem som får skriva under.",
        "Not linked to a published entry of the obstacle register.",
        # What commonly bites at the steps ahead, from the register.
        "From the obstacle register",
        "Testhinder nummer 6",
        "Testhinder nummer 2",
    ]:
        assert _has(text, needle), needle
    for clause in AgreementClause.objects.filter(agreement=scene["agreement"]).select_related(
        "clause"
    ):
        assert _has(text, clause.clause.title_en), clause.clause.key
    for absent in [
        "HEMLIGT MEDDELANDE",  # messages stay private
        "Ogranskad lösning 13",  # unpublished mitigation
        "Testhinder nummer 1",  # sixth at its step
        "Testhinder nummer 0",
        "Utkast som inte syns",  # not published
        "Hinder vid triage",  # a step already behind
        "%PDF",  # no document content
    ]:
        assert absent not in text, absent
    # Most met first: the table lists 6, 5, 4, 3, 2 in that order.
    flat = _flat(text)
    positions = [flat.index(f"Testhinder nummer {n}") for n in (6, 5, 4, 3, 2)]
    assert positions == sorted(positions)
    assert pdf.refused == ()


def test_swedish_report_has_swedish_data_labels_and_dates(scene: dict[str, Any]) -> None:
    text, _pdf = _report(scene, "sv")
    for needle in [
        _label("Guidance report: %(title)s", "sv") % {"title": TITLE},
        "26 november 2026",
        "Aktuellt steg",
        "Typ av samverkan",
        "Klinisk utvärdering",
        "Steg 3 av 6: Avtal" if _label("The agreement", "sv") != "The agreement" else "Avtal",
        "Sjöström Vårdteknik AB",
        "Samverkansform vald (kund eller utvecklingspartner)",
        "all samverkan mellan vården och industrin formaliseras",
        "Personuppgiftsbiträdesavtal (vid behov)",
        "Test och samskapande",
        "Spridning och införande",
        "Juristerna behövde sex veckor för sekretessprövningen.",
        "Svensk molnleverantör med biträdesavtal",
        _label("The agreement", "sv"),
        _label("Obstacles met and their mitigations", "sv"),
        _label("Where the partnership stands", "sv"),
    ]:
        assert _has(text, needle), needle
    for clause in AgreementClause.objects.filter(agreement=scene["agreement"]).select_related(
        "clause"
    ):
        assert _has(text, clause.clause.title_sv), clause.clause.key
    assert "Entry and triage" not in text


def test_pdf_is_tagged_with_the_title_and_language(scene: dict[str, Any]) -> None:
    for language in ("sv", "en"):
        pdf = make_report_pdf(SPEC, scene["params"], language, generated_at=GENERATED)
        facts = pdf_facts(pdf.content)
        with translation.override(language):
            assert facts.title == SPEC.title(scene["params"], language)
        assert TITLE in facts.title
        assert facts.language == language
        assert facts.tagged and facts.has_structure
        assert facts.attachments == 0
        assert facts.uris == []
        # Cover, contents, one chapter each: a handful of pages, not dozens.
        assert 5 <= facts.pages <= 20, facts.pages
        assert pdf.pages == facts.pages


def test_report_without_agreement_or_obstacles_says_so(
    coordinator: Any, company: Any, company_member: Any
) -> None:
    partnership = _at("entry", coordinator=coordinator, company=company, author=company_member)
    text, _pdf = _report({"params": {"partnership": partnership.pk}}, "en")
    assert _has(text, "No agreement has been started yet.")
    assert _has(text, "No obstacles have been noted on this partnership.")
    assert _has(text, "Waiting for approval by a region coordinator")
    assert _has(text, "Step 1 of 6: Entry and triage")


# --- Hostile text --------------------------------------------------------------------------------


def test_hostile_text_is_shown_as_text_and_fetches_nothing(
    scene: dict[str, Any], coordinator: Any, company_member: Any
) -> None:
    partnership = scene["partnership"]
    script = "<script>alert(1)</script>"
    image = '<img src="file:///etc/passwd">'
    for text in (script, image, HOSTILE_WORD, RTL):
        obstacle_note_add(
            actor=company_member, partnership=partnership, step=partnership.current_step, text=text
        )
    checklist_set(
        actor=company_member,
        partnership=partnership,
        item=scene["unticked"],
        done=True,
        note=f"{image} {RTL}",
    )
    document_add(
        actor=company_member,
        partnership=partnership,
        step=partnership.current_step,
        title=script,
        upload=_pdf("x.pdf"),
    )
    pdf = make_report_pdf(SPEC, scene["params"], "en", generated_at=GENERATED)
    text = pdf_text(pdf.content)
    assert _has(text, script)
    assert _has(text, image)
    # Every letter of the long word is there, wrapped into lines that fit the page.
    runs = re.findall(r"x{20,}", text)
    assert text.count("x") >= 3000
    assert max(len(run) for run in runs) < 120
    assert RTL in text or RTL[::-1] in text or "שלום" in text
    assert "root:x:0:0" not in text
    assert not [url for url in pdf.refused if "passwd" not in url]
    # The page count stays sensible: the long word wraps instead of running off.
    assert pdf.pages < 30


# --- Fingerprint -------------------------------------------------------------------------------


def test_fingerprint_changes_with_what_the_report_shows(
    scene: dict[str, Any], company_member: Any
) -> None:
    params, partnership = scene["params"], scene["partnership"]
    before = SPEC.fingerprint(params, "en")
    assert SPEC.fingerprint(params, "en") == before
    assert SPEC.fingerprint(params, "sv") != before

    # Not shown: the register's obstacles at a step the partnership has passed.
    Obstacle.objects.filter(title="Hinder vid triage").update(endorsement_count=77)
    assert SPEC.fingerprint(params, "en") == before

    checklist_set(actor=company_member, partnership=partnership, item=scene["unticked"], done=True)
    ticked = SPEC.fingerprint(params, "en")
    assert ticked != before

    # The register's count of organisations that met an obstacle ahead.
    Obstacle.objects.filter(pk=scene["common"][2].pk).update(endorsement_count=40)
    counted = SPEC.fingerprint(params, "en")
    assert counted != ticked

    obstacle_note_add(
        actor=company_member, partnership=partnership, step=partnership.current_step, text="Nytt"
    )
    assert SPEC.fingerprint(params, "en") != counted


def test_fingerprint_follows_the_mitigations_of_a_linked_entry(scene: dict[str, Any]) -> None:
    before = SPEC.fingerprint(scene["params"], "en")
    MitigationFactory(title="Ännu en lösning", obstacles=[scene["entry"]])
    assert SPEC.fingerprint(scene["params"], "en") != before


# --- Who may ask ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("other_company_member", False),
        ("company_member", True),
        ("named_person", True),
        ("other_coordinator", False),
        ("coordinator", True),
        ("sponsor", True),
        ("portal_admin", True),
    ],
)
def test_check_access_matrix(
    request: pytest.FixtureRequest, partnership: Any, coordinator: Any, who: str, allowed: bool
) -> None:
    from django.contrib.auth.models import AnonymousUser

    if who == "anonymous":
        user: Any = AnonymousUser()
    elif who == "named_person":
        user = UserFactory(email="consultant@example.se")
        party_member_add(
            actor=coordinator,
            partnership=partnership,
            party=partnership.parties.get(kind="company"),
            user=user,
            role="Konsult",
        )
    else:
        user = request.getfixturevalue(who)
    params = {"partnership": partnership.pk}
    if allowed:
        SPEC.check_access(user, params)
    else:
        with pytest.raises(Http404):
            SPEC.check_access(user, params)


def test_missing_partnership_is_404_for_everyone(portal_admin: Any) -> None:
    with pytest.raises(Http404):
        SPEC.check_access(portal_admin, {"partnership": 987654})
    with pytest.raises(Http404):
        SPEC.build_context({"partnership": 987654}, "en")


def test_params_form_takes_the_partnership_as_a_hidden_field() -> None:
    form = SPEC.form_class(data={"partnership": "12"})
    assert form.is_valid()
    assert SPEC.params_from_form(form.cleaned_data) == {"partnership": 12}
    assert 'type="hidden"' in str(form["partnership"])
    assert not SPEC.form_class(data={"partnership": "x"}).is_valid()


# --- Cost ---------------------------------------------------------------------------------------


def _grow(scene: dict[str, Any], actor: Any, n: int) -> None:
    partnership = scene["partnership"]
    step = partnership.current_step
    for i in range(n):
        entry = ObstacleFactory(title=f"Växande hinder {i}", step_key="agreement")
        MitigationFactory(obstacles=[entry])
        note = obstacle_note_add(actor=actor, partnership=partnership, step=step, text=f"Not {i}")
        note_link(note=note, obstacle=entry, actor=actor)
        document_add(
            actor=actor, partnership=partnership, step=step, title=f"Dok {i}", upload=_pdf()
        )
        ObstacleFactory(title=f"Framtida hinder {i}", step_key="evaluation")


def _context_queries(params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        document_context(SPEC, params, "en", generated_at=GENERATED)
    return len(ctx.captured_queries)


def test_context_queries_do_not_grow_with_the_history(
    scene: dict[str, Any], company_member: Any
) -> None:
    _grow(scene, company_member, 1)
    few = _context_queries(scene["params"])
    _grow(scene, company_member, 6)
    many = _context_queries(scene["params"])
    assert few == many
    assert ObstacleNote.objects.filter(partnership=scene["partnership"]).count() == 9
    context = document_context(SPEC, scene["params"], "en", generated_at=GENERATED)
    assert len(context["obstacles_met"]) == 9
    assert all(row["mitigations"] for row in context["obstacles_met"] if row["entry"])


def test_context_is_plain_data(scene: dict[str, Any]) -> None:
    """Only dicts, lists, strings, numbers, booleans, None and dates: no rows, no lazy text."""
    allowed = (dict, list, str, int, float, bool, type(None), dt.date, dt.datetime)

    def walk(value: Any) -> None:
        assert type(value) in allowed or isinstance(value, dt.datetime), type(value)
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    with translation.override("sv"):
        walk(SPEC.build_context(scene["params"], "sv"))


# --- The panel on the partnership page ----------------------------------------------------------


def _page(partnership: Partnership) -> str:
    return reverse("partnerships:detail", args=[partnership.pk])


@pytest.mark.parametrize(
    "who", ["company_member", "named_person", "coordinator", "sponsor", "portal_admin"]
)
def test_partnership_page_offers_the_report_to_everyone_who_may_see_it(
    client: Any, request: pytest.FixtureRequest, partnership: Any, coordinator: Any, who: str
) -> None:
    if who == "named_person":
        user = UserFactory(email="consultant@example.se")
        party_member_add(
            actor=coordinator,
            partnership=partnership,
            party=partnership.parties.get(kind="company"),
            user=user,
        )
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(_page(partnership))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-panel-partnership"' in html
    assert reverse("reports:request", args=["partnership"]) in html
    assert re.search(
        rf'<input type="hidden" name="partnership" value="{partnership.pk}"[^>]*>', html
    )
    assert 'name="language"' in html


@pytest.mark.parametrize("who", ["anonymous", "other_company_member", "other_coordinator"])
def test_others_get_neither_the_page_nor_the_panel(
    client: Any, request: pytest.FixtureRequest, partnership: Any, who: str
) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(_page(partnership))
    assert response.status_code in (302, 404)
    assert b"report-panel" not in response.content
    if who != "anonymous":
        assert response.status_code == 404


def test_the_panel_follows_the_persons_request_from_queued_to_download(
    client: Any,
    partnership: Any,
    company_member: Any,
    other_company_member: Any,
) -> None:
    from reports.models import ReportRequest
    from reports.services.work import report_render

    client.force_login(company_member)
    response = client.post(
        reverse("reports:request", args=["partnership"]),
        {"partnership": partnership.pk, "language": "sv"},
    )
    assert response.status_code == 302
    asked = ReportRequest.objects.get(requested_by=company_member)
    assert asked.subject == f"partnership:{partnership.pk}"
    html = client.get(_page(partnership)).content.decode()
    assert reverse("reports:status", args=[asked.pk]) in html  # polls while it waits

    report_render(request_id=asked.pk)
    asked.refresh_from_db()
    assert asked.state == "ready", (asked.error_code, asked.error_detail)
    html = client.get(_page(partnership)).content.decode()
    download = reverse("reports:download", args=[asked.pk])
    assert download in html
    assert reverse("reports:status", args=[asked.pk]) not in html  # done: no more polling
    pdf = b"".join(client.get(download).streaming_content)
    assert pdf.startswith(b"%PDF")
    assert _has(pdf_text(pdf), partnership.title)
    assert pdf_facts(pdf).language == "sv"

    client.force_login(other_company_member)
    assert client.get(download).status_code == 404
    response = client.post(
        reverse("reports:request", args=["partnership"]),
        {"partnership": partnership.pk, "language": "sv"},
    )
    assert response.status_code == 404
    assert ReportRequest.objects.count() == 1


def test_partnership_page_cost_does_not_grow_with_the_panel(
    client: Any, scene: dict[str, Any], company_member: Any
) -> None:
    from reports.services import report_request

    partnership = scene["partnership"]
    report_request(
        user=company_member,
        session_key="",
        kind="partnership",
        params=scene["params"],
        language="en",
    )
    client.force_login(company_member)
    _grow(scene, company_member, 1)
    few = count_queries(client, _page(partnership))
    _grow(scene, company_member, 5)
    many = count_queries(client, _page(partnership))
    assert few == many
