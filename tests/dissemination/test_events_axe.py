"""axe-core on the organisers' pages in a real Chromium, in Swedish and in English: the
dashboard, the new-event form (blank and refused), the edit form, each move's confirmation page
(and a refused move), and an event page with the organisers' panel. A coordinator then creates a
webinar through the form with the browser's own date and time fields. The autouse
`console_errors` fixture fails a page that logged a console error (a CSP block, a 4xx/5xx)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dissemination.models import Event
from dissemination.workflow import EventStatus
from tests.browser.conftest import (  # noqa: F401  (fixtures this module needs)
    BROWSER_TEST,
    ConsoleErrors,
    _reference_data,
    assert_no_axe_violations,
    browser_context_args,
    browser_type_launch_args,
    console_errors,
    context,
    sign_in_staff,
)
from tests.factories_dissemination import EventFactory, LessonFactory, PublicationFactory
from tests.factories_process import make_partnership, make_region_person

pytestmark = BROWSER_TEST


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_organisers_pages_pass_axe(
    page: Page,
    live_server: Any,
    language: str,
    console_errors: ConsoleErrors,  # noqa: F811 (the autouse fixture imported above)
) -> None:
    coordinator = make_region_person(
        "uppsala", email="coordinator@uppsala.example.se", preferred_language=language
    )
    partnership = make_partnership("uppsala", coordinator=coordinator)
    LessonFactory(partnership=partnership, status="submitted", published_at=None)
    event = EventFactory(title="Webbinarium om testbäddar")
    draft = EventFactory(title="Utkast: innovationsklinik", status=EventStatus.DRAFT, kind="clinic")
    cancelled = EventFactory(title="Inställd workshop", status=EventStatus.CANCELLED)
    start = timezone.now() - dt.timedelta(days=10)
    EventFactory(title="Förra veckans möte", starts_at=start, ends_at=start + dt.timedelta(hours=1))
    PublicationFactory(title="Rapport: lärdomar")
    sign_in_staff(page, live_server.url, coordinator)

    urls = [
        "/events/manage/",
        "/events/new/",
        f"/events/{event.pk}/edit/",
        f"/events/{event.pk}/move/reschedule/",
        f"/events/{event.pk}/move/postpone/",
        f"/events/{event.pk}/move/cancel/",
        f"/events/{draft.pk}/move/publish/",
        f"/events/{event.pk}/",
        f"/events/{draft.pk}/",
    ]
    for url in urls:
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_no_axe_violations(page)

    console_errors.allow(r"409")
    page.goto(f"/events/{cancelled.pk}/move/postpone/")  # a move the event cannot make: 409
    expect(page.locator("[role=alert]")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/events/new/")
    page.locator("form.event-form button[value='1']").click()  # everything empty
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_coordinator_creates_a_webinar_with_the_browsers_date_fields(
    page: Page, live_server: Any
) -> None:
    coordinator = make_region_person("uppsala", email="coordinator@uppsala.example.se")
    sign_in_staff(page, live_server.url, coordinator)
    day = timezone.localdate() + dt.timedelta(days=21)
    page.goto("/events/new/")
    page.get_by_label("Webinar").check()
    page.get_by_label("Title").fill("Webinar: two seats")
    page.get_by_label("Starts").fill(f"{day:%Y-%m-%d}T13:00")
    page.get_by_label("Ends").fill(f"{day:%Y-%m-%d}T14:30")
    page.get_by_label("Online link").fill("https://meet.example.se/two-seats")
    page.get_by_label("Seats").fill("2")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator(".message-success")).to_contain_text("published")
    event = Event.objects.get(title="Webinar: two seats")
    assert event.status == EventStatus.PUBLISHED
    assert timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day} 13:00"
    assert event.capacity == 2
