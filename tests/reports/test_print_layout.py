"""What every report shares on paper (templates/reports/pdf/base.html, static/css/print.css): the
running header (title, portal) and footer (generation date, "Page n / N") on every page after the
cover, in the report's language."""

import re

import pytest
from django.utils import timezone, translation

from reports.documents import make_report_pdf
from reports.kinds import get_kind
from tests.reports.pdfs import page_texts, pdf_facts

pytestmark = pytest.mark.django_db

SPEC = get_kind("process_guide")


@pytest.mark.parametrize(
    ("language", "portal", "generated", "page"),
    [
        ("en", "Innovation Accelerator", "Generated 26 November 2026", "Page"),
        ("sv", "Innovation Accelerator", "Framtagen 26 november 2026", "Sida"),
    ],
)
def test_every_page_after_the_cover_has_the_running_header_and_footer(
    reference_data: None, language: str, portal: str, generated: str, page: str
) -> None:
    when = timezone.make_aware(timezone.datetime(2026, 11, 26, 10, 30))
    result = make_report_pdf(SPEC, {"region": ""}, language, generated_at=when)
    pages = page_texts(result.content)
    assert len(pages) == result.pages >= 4
    title = SPEC.title({"region": ""}, language)
    for number, text in enumerate(pages[1:], start=2):
        flat = re.sub(r"\s+", " ", text)
        assert title in flat, number
        assert portal in flat, number
        assert generated in flat, number
        assert f"{page} {number} / {len(pages)}" in flat, number
    # The cover carries none of it (its own facts are in the cover's list).
    assert f"{page} 1 / " not in re.sub(r"\s+", " ", pages[0])


@pytest.mark.parametrize("kind", ["process_guide", "partnership", "region_activity"])
def test_titles_come_out_in_the_reports_language(reference_data: None, kind: str) -> None:
    """Every kind's title (cover, running header, PDF metadata, file name) is translated: a
    string hidden from makemessages would stay English in a Swedish report."""
    from tests.factories_process import make_partnership

    params: dict[str, object] = {
        "process_guide": {"region": ""},
        "partnership": {"partnership": make_partnership().pk} if kind == "partnership" else {},
        "region_activity": {"region": "uppsala", "start": "2026-01-01", "end": "2026-03-31"},
    }[kind]
    spec = get_kind(kind)
    with translation.override("en"):
        english = spec.title(params, "en")
    with translation.override("sv"):
        swedish = spec.title(params, "sv")
    assert english != swedish
    assert pdf_facts(make_report_pdf(spec, params, "sv").content).title == swedish
