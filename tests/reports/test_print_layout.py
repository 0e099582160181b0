"""What every report shares on paper (templates/reports/pdf/base.html, static/css/print.css): the
running header (title, portal) and footer (generation date, "Page n / N") on every page after the
cover, in the report's language."""

import re

import pytest
from django.utils import timezone

from reports.documents import make_report_pdf
from reports.kinds import get_kind
from tests.reports.pdfs import page_texts

pytestmark = pytest.mark.django_db

SPEC = get_kind("process_guide")


@pytest.mark.parametrize(
    ("language", "portal", "generated", "page"),
    [
        ("en", "Innovation Accelerator", "Generated 26 November 2026", "Page"),
        ("sv", "Innovation Accelerator", "Skapad 26 november 2026", "Sida"),
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
