"""The Co-sharing process guide as a PDF (`reports.kinds.process_guide`): every step's guidance,
checklist, expected documents and gate for the national default or a region's variant, with a
version ("<revision>.<edits on it>") and the change log from the template's audit trail. Public:
404 only for an unknown region."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import ProcessStep, ProcessTemplate
from partnerships.services.partnerships import DEFAULT_FAMILY
from partnerships.services.process import (
    checklist_item_add,
    checklist_item_remove,
    checklist_item_update,
    template_copy_for_region,
    template_step_update,
)
from regions.models import Region
from reports.documents import make_report_pdf
from reports.kinds import get_kind
from reports.services import report_request
from tests.factories_process import (
    make_admin,
    make_company_member,
    make_partnership,
    make_region_person,
)
from tests.reports.pdfs import pdf_facts, pdf_text
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

SPEC = get_kind("process_guide")
NATIONAL = {"region": ""}
UPPSALA = {"region": "uppsala"}
STEP_NAMES_EN = [
    "1. Entry and triage",
    "2. Needs and benefit analysis",
    "3. Agreement",
    "4. Test and co-creation",
    "5. Evaluation",
    "6. Dissemination and implementation",
]


def default() -> ProcessTemplate:
    return ProcessTemplate.objects.get(region__isnull=True, is_current=True, family=DEFAULT_FAMILY)


def text_of(params: dict[str, Any], language: str) -> str:
    # The PDF hyphenates ("‐" at a line end) and wraps: joined up again for the assertions.
    text = pdf_text(make_report_pdf(SPEC, params, language).content)
    return re.sub(r"\s+", " ", re.sub(r"‐\s*\n", "", text))


def uppsala_variant() -> tuple[ProcessTemplate, Any]:
    coordinator = make_region_person("uppsala", email="ulla@uppsala.example.se", name="Ulla Öberg")
    copy = template_copy_for_region(
        actor=coordinator, template=default(), region=Region.objects.get(slug="uppsala")
    )
    return copy, coordinator


# --- Content ---------------------------------------------------------------------------------


def test_the_national_guide_has_cover_contents_every_step_and_the_change_log() -> None:
    text = text_of(NATIONAL, "en")

    assert "The Co-sharing process guide" in text
    assert "The national default process" in text
    assert "Version 1.0" in text
    # The table of contents lists every step with its page number, then the change log.
    for name in STEP_NAMES_EN:
        assert re.search(re.escape(name) + r" \.+ \d+", text), name
    assert re.search(r"Change log \.+ \d+", text)
    # Each step: guidance (formatted), checklist with help text, documents, gate.
    entry = text[text.index("Step 1 of 6") : text.index("Step 2 of 6")]
    assert "The region has one way in" in entry
    assert "☐ Request registered in the one way in required" in entry
    assert "Use the triage forum's template." in entry
    assert "☐ The company has been given an answer optional" in entry
    assert "Triage minutes" in entry
    assert "A region coordinator approves before the partnership moves on." in entry
    needs = text[text.index("Step 2 of 6") : text.index("Step 3 of 6")]
    assert "The region's management sponsor approves" in needs
    agreement = text[text.index("Step 3 of 6") : text.index("Step 4 of 6")]
    assert "The gate of this step is the parties' signed agreement" in agreement
    assert "The gate of this step" not in entry
    assert "No changes have been recorded since the process was set up." in text


def test_the_guide_in_swedish_keeps_swedish_text_and_letters() -> None:
    text = text_of(NATIONAL, "sv")

    assert "Processguide för Co-sharing" in text
    assert "Inkommande och triage" in text
    assert "en väg in" in text
    assert "Checklista" in text and "Förväntade dokument" in text
    assert "Entry and triage" not in text
    # Swedish dates: "26 november 2026", not the English month.
    months = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
    assert re.search(rf"\d{{1,2}} ({months}) \d{{4}}", text)


def test_the_pdf_is_tagged_titled_and_in_the_asked_language() -> None:
    for language in ("en", "sv"):
        rendered = make_report_pdf(SPEC, UPPSALA, language)
        facts = pdf_facts(rendered.content)

        assert facts.title == (
            "The Co-sharing process guide – Region Uppsala"
            if language == "en"
            else SPEC.title(UPPSALA, "sv")
        )
        assert facts.language == language
        assert facts.tagged and facts.has_structure
        assert facts.attachments == 0
        # Cover, contents, about, six step chapters, the change log.
        assert 10 <= facts.pages <= 20
        assert list(rendered.refused) == []


def test_a_region_without_a_variant_says_it_follows_the_national_process() -> None:
    text = text_of({"region": "gotland"}, "en")

    assert "Region Gotland follows the national process" in text
    assert "The Co-sharing process (national default)" in text
    assert "1. Entry and triage" in text


def test_a_regions_variant_shows_its_steps_version_and_change_log() -> None:
    admin = make_admin()
    # Edited before the copy: part of the variant's history. After it: not.
    template_step_update(
        actor=admin, step=default().steps.get(key="entry"), data={"documents_en": "Triage minutes"}
    )
    copy, coordinator = uppsala_variant()
    template_step_update(
        actor=admin, step=default().steps.get(key="needs"), data={"name_en": "Needs"}
    )
    step = ProcessStep.objects.get(template=copy, key="test")
    template_step_update(
        actor=coordinator,
        step=step,
        data={
            "name_en": "Test in Uppsala's nodes",
            "guidance_en": "<p>Book a node in Öregrund.</p>",
        },
    )
    item = checklist_item_add(
        actor=coordinator, step=step, data={"text_sv": "Boka nod", "text_en": "Book the node"}
    )
    checklist_item_update(actor=coordinator, item=item, data={"help_en": "Ask the node's host."})

    text = text_of(UPPSALA, "en")

    assert "The Co-sharing process – Region Uppsala" in text
    assert "The process of Region Uppsala" in text
    assert "Version 1.3" in text
    assert "4. Test in Uppsala's nodes" in text
    assert "Book a node in Öregrund." in text
    assert "☐ Book the node required Ask the node's host." in text
    log = text[text.rindex("Change log") :]
    assert "Copied from the national default (revision 1)." in log
    assert "The step “Test in Uppsala's nodes”: changed guidance (English), name (English)." in log
    assert "The step “Test in Uppsala's nodes”: a checklist item added." in log
    assert "a checklist item's help text (English) changed." in log
    assert "Coordinator, Region Uppsala" in log
    # The default's edit before the copy is in the history, by the portal's administration;
    # the one after the copy is not (the variant did not take it).
    assert "The step “Entry and triage”: changed expected documents (English)." in log
    assert "Portal administration" in log
    assert "The step “Needs" not in log
    # Names of the people who edited are not printed (the role is).
    assert "Ulla Öberg" not in text and "Portal Admin" not in text
    # Newest first.
    assert log.index("help text (English)") < log.index("Copied from the national default")
    assert log.index("Copied from the national default") < log.index("Entry and triage")


def test_a_new_revision_starts_a_new_version_and_is_logged() -> None:
    make_partnership("uppsala")  # runs on the default: the next edit makes revision 2
    admin = make_admin()
    item = default().steps.get(key="entry").checklist.order_by("order").first()
    assert item is not None
    removed_from = checklist_item_remove(actor=admin, item=item)
    assert removed_from.revision == 2

    text = text_of(NATIONAL, "en")

    assert "Version 2.1" in text
    assert "New revision 2: partnerships already run on the previous one, so they keep it." in text
    assert "The step “Entry and triage”: a checklist item removed." in text
    assert "Request registered in the one way in" not in text


def test_hostile_text_is_printed_as_text_and_fetches_nothing() -> None:
    copy, coordinator = uppsala_variant()
    step = ProcessStep.objects.get(template=copy, key="entry")
    long_word = "Å" + "x" * 2998 + "Ö"
    rtl = "مرحلة الدخول والفرز"
    template_step_update(
        actor=coordinator,
        step=step,
        data={
            "name_en": "<script>alert(1)</script> Entry",
            "guidance_en": (
                '<p>Read <img src="file:///etc/passwd"> this</p><script>alert(2)</script>'
            ),
            "documents_en": f'<img src="file:///etc/passwd">\n{long_word}\n{rtl}',
        },
    )
    checklist_item_add(
        actor=coordinator,
        step=step,
        data={"text_sv": rtl, "text_en": rtl, "help_en": '<img src="file:///etc/passwd">'},
    )

    rendered = make_report_pdf(SPEC, UPPSALA, "en")
    raw = pdf_text(rendered.content)
    text = re.sub(r"\s+", " ", raw)

    assert "<script>alert(1)</script> Entry" in text
    assert '<img src="file:///etc/passwd">' in text
    assert "alert(2)" not in text  # the sanitiser removed the script from the guidance
    assert "root:x:0:0" not in raw
    assert all(not url.startswith("file:///etc") for url in rendered.refused)
    assert rtl.split()[0] in raw
    # The long word wraps instead of being cut off: all of it is there.
    assert raw.replace("\n", "").replace("‐", "").count("x") >= 2998


# --- Access and fingerprint -------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["anonymous", "company member", "coordinator", "other coordinator", "admin"]
)
def test_the_guide_is_public_for_every_region(who: str) -> None:
    makers: dict[str, Callable[[], Any]] = {
        "anonymous": AnonymousUser,
        "company member": lambda: make_company_member(),
        "coordinator": lambda: make_region_person("uppsala"),
        "other coordinator": lambda: make_region_person("ostergotland"),
        "admin": make_admin,
    }
    user = makers[who]()
    for params in (NATIONAL, UPPSALA, {"region": "gotland"}):
        SPEC.check_access(user, params)  # no 404
    with pytest.raises(Http404):
        SPEC.check_access(user, {"region": "atlantis"})


def test_an_unknown_region_is_404_for_the_context_too() -> None:
    with pytest.raises(Http404):
        SPEC.build_context({"region": "atlantis"}, "en")


def test_the_subject_is_the_region_or_national() -> None:
    assert SPEC.subject_key(NATIONAL) == "guide:national"
    assert SPEC.subject_key(UPPSALA) == "guide:uppsala"
    assert SPEC.subject_url(UPPSALA).endswith("/guide/?region=uppsala")


def test_the_fingerprint_changes_with_what_is_shown_and_only_then() -> None:
    admin = make_admin()
    national = SPEC.fingerprint(NATIONAL, "en")
    assert SPEC.fingerprint(NATIONAL, "en") == national
    assert SPEC.fingerprint(NATIONAL, "sv") != national

    # Not shown: a region's own variant, the region's contact details.
    copy, coordinator = uppsala_variant()
    Region.objects.filter(slug="uppsala").update(contact_email="new@uppsala.example.se")
    assert SPEC.fingerprint(NATIONAL, "en") == national
    uppsala = SPEC.fingerprint(UPPSALA, "en")
    assert uppsala != national

    # Shown: a checklist item's help, a step's gate, a guidance text.
    item = default().steps.get(key="entry").checklist.order_by("order").first()
    assert item is not None
    checklist_item_update(actor=admin, item=item, data={"help_en": "New help"})
    after_help = SPEC.fingerprint(NATIONAL, "en")
    assert after_help != national
    template_step_update(
        actor=coordinator,
        step=ProcessStep.objects.get(template=copy, key="evaluation"),
        data={"gate_role": "sponsor"},
    )
    assert SPEC.fingerprint(UPPSALA, "en") != uppsala
    assert SPEC.fingerprint(NATIONAL, "en") == after_help


def _context_queries(params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        SPEC.build_context(params, "en")
    return len(ctx.captured_queries)


def test_building_the_context_costs_the_same_queries_for_more_items_and_edits() -> None:
    copy, coordinator = uppsala_variant()
    admin = make_admin()
    template_step_update(
        actor=admin, step=default().steps.get(key="entry"), data={"name_en": "Entry"}
    )
    first = ProcessStep.objects.get(template=copy, key="entry").checklist.first()
    assert first is not None
    checklist_item_update(actor=coordinator, item=first, data={"help_en": "Help"})
    few = (_context_queries(NATIONAL), _context_queries(UPPSALA))

    for step in copy.steps.all():
        for n in range(3):
            item = checklist_item_add(
                actor=coordinator, step=step, data={"text_sv": f"Extra {n}", "text_en": f"More {n}"}
            )
            checklist_item_update(actor=coordinator, item=item, data={"help_en": "Help"})
    for step in default().steps.all():
        checklist_item_add(actor=admin, step=step, data={"text_sv": "Extra", "text_en": "Extra"})

    assert (_context_queries(NATIONAL), _context_queries(UPPSALA)) == few
    assert len(SPEC.build_context(UPPSALA, "en")["changes"]) > 30


# --- The panel on the guide page ----------------------------------------------------------------

GUIDE = reverse("partnerships:guide")


def _hidden_region(body: str) -> str:
    found = re.search(r'<input type="hidden" name="region" value="([^"]*)"', body)
    if found is None:
        found = re.search(r'<input type="hidden" name="region"()', body)
    assert found is not None, "no hidden region field in the panel"
    return found.group(1)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_guide_page_offers_the_pdf_for_the_chosen_region(client: Any, signed_in: bool) -> None:
    if signed_in:
        client.force_login(make_company_member(preferred_language="en"))

    national = client.get(GUIDE).content.decode()
    uppsala = client.get(GUIDE, {"region": "uppsala"}).content.decode()
    unknown = client.get(GUIDE, {"region": "atlantis"}).content.decode()

    action = reverse("reports:request", args=["process_guide"])
    for body in (national, uppsala, unknown):
        assert 'id="report-panel-process_guide"' in body
        assert f'action="{action}"' in body
        assert "Make PDF" in body
    assert _hidden_region(national) == ""
    assert _hidden_region(uppsala) == "uppsala"
    # An unknown choice shows the national default, and the PDF offered is that one.
    assert _hidden_region(unknown) == ""


def test_the_panel_shows_the_requesters_latest_pdf_request(client: Any) -> None:
    member = make_company_member(preferred_language="en")
    client.force_login(member)
    report_request(user=member, session_key="", kind="process_guide", params=UPPSALA, language="en")

    uppsala = client.get(GUIDE, {"region": "uppsala"}).content.decode()
    national = client.get(GUIDE).content.decode()

    assert "Make a new PDF" in uppsala
    assert "Make a new PDF" not in national


def test_the_guide_page_costs_the_same_queries_with_the_panel_for_more_rows(client: Any) -> None:
    member = make_company_member(preferred_language="en")
    client.force_login(member)
    url = f"{GUIDE}?region=uppsala"
    copy, coordinator = uppsala_variant()
    report_request(user=member, session_key="", kind="process_guide", params=UPPSALA, language="en")
    few = count_queries(client, url)

    for step in copy.steps.all():
        checklist_item_add(actor=coordinator, step=step, data={"text_sv": "Mer", "text_en": "More"})
    for language in ("sv", "en"):
        report_request(
            user=member, session_key="", kind="process_guide", params=UPPSALA, language=language
        )

    assert count_queries(client, url) == few
