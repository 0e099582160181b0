"""PDF reports in real Chromium: asking for one on its page, watching it being made, downloading it.

* The issue's journey: a region coordinator (second factor done, as staff must have) opens the
  region page, asks for the region activity report for a period, sees the progress while a real
  Celery worker on the Redis broker has not yet taken the job, then watches htmx polling turn
  the progress into a download link once the worker has made the PDF (and stop polling), and
  downloads a PDF that opens. The worker is Celery's own test worker (the one behind the
  `celery_worker` fixture), started inside the test once the queued state has been seen and
  polled: started with the test, it could finish before the first poll and the progress would
  go unseen. It consumes only the `reports` queue, where CELERY_TASK_ROUTES sends the task.
* An anonymous visitor makes the public process guide as a PDF without signing in.
* Keyboard only: from the region page, Tab to the report form, type the dates, send with Enter,
  Tab to the download link and press Enter.

Every page passed through is checked with axe (`checked`) in the person's language; the autouse
`console_errors` fixture fails a test whose pages logged a console error (CSP blocks included).
Locators use URLs and field names, not words, so the same journey runs in Swedish and English.
"""

import datetime as dt
import io
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone, translation
from playwright.sync_api import Download, Locator, Page, Request, expect
from pypdf import PdfReader

from partnerships.models import ProcessStep, ProcessTemplate
from regions.models import Region
from reports.models import ReportKind, ReportRequest
from reports.workflow import ReportState
from tests.browser.conftest import (
    BROWSER_TEST,
    checked,
    click_and_load,
    htmx_ready,
    sign_in_staff,
    tab_to,
    use_language,
)
from tests.factories_process import make_partnership, make_region_person
from tests.reports.pdfs import pdf_text

pytestmark = BROWSER_TEST

REGION_SLUG = "ostergotland"  # "Region Östergötland": Swedish letters in the PDF
# The panel's parts, found by where they lead rather than by their words.
DOWNLOAD = "a[href^='/reports/'][href$='/download/']"
POLLING = "[hx-get^='/reports/'][hx-get$='/status/']"
STATUS_URL = re.compile(r"/reports/[0-9a-f-]{36}/status/$")
# Long enough for WeasyPrint in a busy CI container.
RENDER_TIMEOUT_MS = 90_000


def panel_form(page: Page, kind: ReportKind) -> Locator:
    return page.locator(f"form[action$='/reports/new/{kind.value}/']")


class StatusPolls:
    """Counts the htmx requests for a report's status fragment (the progress polling)."""

    def __init__(self, page: Page) -> None:
        self.count = 0
        self._lock = threading.Lock()
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        if STATUS_URL.search(request.url):
            with self._lock:
                self.count += 1


def purge_reports_queue(app: Any) -> None:
    """Jobs left on the broker by an earlier run must not reach this test's worker."""
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("reports")


def download_pdf(page: Page, link: Locator | None = None, *, key: str | None = None) -> bytes:
    """Press the download link (or Enter on the focused one) and return the file's bytes."""
    with page.expect_download() as info:
        if key:
            page.keyboard.press(key)
        else:
            assert link is not None
            link.click()
    download: Download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    path = download.path()
    assert path is not None
    return Path(path).read_bytes()


def opens(content: bytes, *, min_pages: int) -> str:
    """The file is a PDF a reader opens, with at least `min_pages` pages; returns its text."""
    assert content.startswith(b"%PDF-"), content[:20]
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= min_pages, f"only {len(reader.pages)} page(s)"
    return pdf_text(content)


def region_activity(region: Region, coordinator: Any) -> None:
    """Something for the report to count: partnerships at different steps (proposals received,
    partnerships by step, gates passed)."""
    make_partnership(region.slug, coordinator=coordinator)
    make_partnership(region.slug, step_key="needs", coordinator=coordinator)


def section_heading(language: str) -> str:
    """A heading the region activity report always has, in `language`."""
    with translation.override(language):
        return str(translation.gettext("Partnerships by step"))


def fill_period(form: Locator, start: dt.date, end: dt.date) -> None:
    # ISO dates suit both a date picker (its value) and a text field (Django always reads ISO).
    form.locator("[name='start']").fill(start.isoformat())
    form.locator("[name='end']").fill(end.isoformat())


# --- The journey -----------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.parametrize("language", ["sv", "en"])
def test_coordinator_watches_the_region_report_being_made_and_downloads_it(
    page: Page, live_server: Any, celery_app: Any, language: str
) -> None:
    assert not celery_app.conf.task_always_eager, "the journey needs the real broker"
    purge_reports_queue(celery_app)
    region = Region.objects.get(slug=REGION_SLUG)
    coordinator = make_region_person(
        REGION_SLUG,
        email="cora@ostergotland.example.se",
        name="Cora Samordnare",
        preferred_language=language,
    )
    region_activity(region, coordinator)
    polls = StatusPolls(page)
    sign_in_staff(page, live_server.url, coordinator)

    page.goto(f"/regions/{region.slug}/")
    checked(page, language)
    htmx_ready(page)
    form = panel_form(page, ReportKind.REGION_ACTIVITY)
    expect(form).to_be_visible()
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=90), today
    fill_period(form, start, end)
    form.locator("button[type='submit']").click()

    # Queued: no worker runs yet, so the page shows the progress and keeps polling for it.
    progress = page.locator(POLLING)
    expect(progress).to_be_visible()
    with translation.override(language):
        waiting = translation.gettext("Waiting for a worker…")
    expect(progress).to_contain_text(waiting)
    expect(page.locator(DOWNLOAD)).to_have_count(0)
    asked = ReportRequest.objects.get(requested_by=coordinator)
    assert asked.kind == ReportKind.REGION_ACTIVITY
    assert asked.state == ReportState.QUEUED
    assert asked.language == language  # the language select defaults to the page's language
    assert asked.params["region"] == region.slug
    assert (asked.params["start"], asked.params["end"]) == (start.isoformat(), end.isoformat())
    checked(page, language)
    page.wait_for_timeout(4_500)  # polling every 2 s: at least two polls while still queued
    assert polls.count >= 2, f"{polls.count} status poll(s) while queued"
    expect(progress).to_contain_text(waiting)
    asked.refresh_from_db()
    assert asked.state == ReportState.QUEUED

    # A worker comes: polling shows the link as soon as the PDF is ready, then stops.
    with start_worker(celery_app, pool="solo", queues=("reports",), perform_ping_check=False):
        link = page.locator(DOWNLOAD)
        expect(link).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    asked.refresh_from_db()
    assert asked.state == ReportState.READY and asked.report is not None
    expect(page.locator(POLLING)).to_have_count(0)
    seen = polls.count
    page.wait_for_timeout(4_500)
    assert polls.count == seen, "polling went on after the report was ready"
    checked(page, language)

    text = opens(download_pdf(page, link), min_pages=2)
    assert region.name in text
    assert section_heading(language) in text

    # "My reports" lists it; its own page offers the same file.
    page.goto("/reports/")
    checked(page, language)
    click_and_load(page, page.locator(f"main a[href='/reports/{asked.pk}/']"))
    checked(page, language)
    with asked.report.file.open("rb") as stored:
        assert download_pdf(page, page.locator(DOWNLOAD)) == stored.read()


# --- Anonymous visitors --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_visitor_makes_the_process_guide_pdf_without_signing_in(
    page: Page, live_server: Any, language: str
) -> None:
    use_language(page.context, live_server.url, language)
    page.goto("/partnerships/guide/")
    checked(page, language)
    htmx_ready(page)
    form = panel_form(page, ReportKind.PROCESS_GUIDE)
    expect(form).to_be_visible()
    form.locator("button[type='submit']").click()

    # Test settings run the task at once (eager): the panel goes straight to the link.
    link = page.locator(DOWNLOAD)
    expect(link).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    asked = ReportRequest.objects.get(kind=ReportKind.PROCESS_GUIDE)
    assert asked.requested_by is None and asked.session_key
    assert asked.state == ReportState.READY
    checked(page, language)

    text = opens(download_pdf(page, link), min_pages=2)
    template = ProcessTemplate.objects.get(region__isnull=True, is_current=True)
    first = ProcessStep.objects.filter(template=template).order_by("order").first()
    assert first is not None
    assert getattr(first, f"name_{language}") in text


# --- Keyboard only -------------------------------------------------------------------------------


def _in_field(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => !!document.activeElement?.matches(s)", selector))


def date_segment_order(page: Page, selector: str) -> list[str]:
    """The order of the focused date field's segments (day, month, year).

    Chromium lays the field out by its process locale, not by the page's language or the
    context's locale (en-GB here still showed month first), so it is found out: type into the
    first segment and see which part of the value changed, then come back to that segment.
    """
    field = page.locator(selector)
    before = dt.date.fromisoformat(field.input_value())
    probe = 12 if 11 in (before.month, before.day) else 11
    page.keyboard.type(f"{probe:02d}")
    after = field.input_value()
    changed = {
        "year": after[:-6] != f"{before.year:04d}",
        "month": after[-5:-3] != f"{before.month:02d}",
        "day": after[-2:] != f"{before.day:02d}",
    }
    first = next(name for name in ("year", "month", "day") if changed[name])
    # Back to the first segment: leave the field backwards, then Tab into it again.
    for _ in range(5):
        if not _in_field(page, selector):
            break
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert _in_field(page, selector)
    return {
        "year": ["year", "month", "day"],
        "month": ["month", "day", "year"],
        "day": ["day", "month", "year"],
    }[first]


def type_date(page: Page, selector: str, value: dt.date) -> None:
    """Type a date into the focused field with the keyboard only."""
    if page.locator(selector).get_attribute("type") != "date":
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(value.isoformat())
        return
    parts = {"year": f"{value.year:04d}", "month": f"{value.month:02d}", "day": f"{value.day:02d}"}
    order = date_segment_order(page, selector)
    for position, segment in enumerate(order):
        page.keyboard.type(parts[segment])
        # Day and month move on after two digits; the year takes up to six, so move on by hand.
        if segment == "year" and position < len(order) - 1:
            page.keyboard.press("ArrowRight")
    assert page.locator(selector).input_value() == value.isoformat()


@pytest.mark.parametrize("language", ["en"])
def test_region_report_with_the_keyboard_only(page: Page, live_server: Any, language: str) -> None:
    region = Region.objects.get(slug=REGION_SLUG)
    coordinator = make_region_person(
        REGION_SLUG,
        email="cora@ostergotland.example.se",
        name="Cora Samordnare",
        preferred_language=language,
    )
    region_activity(region, coordinator)
    sign_in_staff(page, live_server.url, coordinator)
    page.goto(f"/regions/{region.slug}/")
    htmx_ready(page)
    form_selector = f"form[action$='/reports/new/{ReportKind.REGION_ACTIVITY.value}/']"
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=30), today

    tab_to(page, f"{form_selector} [name='start']")
    type_date(page, f"{form_selector} [name='start']", start)
    tab_to(page, f"{form_selector} [name='end']")
    type_date(page, f"{form_selector} [name='end']", end)
    page.keyboard.press("Enter")

    link = page.locator(DOWNLOAD)
    expect(link).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    asked = ReportRequest.objects.get(requested_by=coordinator)
    assert (asked.params["start"], asked.params["end"]) == (start.isoformat(), end.isoformat())
    tab_to(page, DOWNLOAD)
    text = opens(download_pdf(page, key="Enter"), min_pages=2)
    assert region.name in text
