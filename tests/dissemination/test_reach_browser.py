"""The reach pages in a real Chromium: axe-core finds nothing (WCAG 2.1 A and AA and best
practices) on the overview (with figures and empty) and on an event's and a publication's figures
page (also with errors on the form), in Swedish and English; the chart is drawn without a CSP
complaint (the autouse `console_errors` fixture fails on one); logging and deleting a figure
work from the page as a person uses it."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from dissemination.models import DownloadCount, ReachEntry, ReachMetric
from dissemination.services.reach import reach_record
from tests.browser.conftest import (  # noqa: F401  (fixtures used by name)
    BROWSER_TEST,
    _reference_data,
    assert_no_axe_violations,
    browser_context_args,
    browser_type_launch_args,
    click_and_load,
    console_errors,
    context,
    sign_in_staff,
)
from tests.factories_dissemination import (
    EventFactory,
    PublicationFactory,
    ReachEntryFactory,
    RegistrationFactory,
)
from tests.factories_process import make_region_person

pytestmark = BROWSER_TEST

STHLM = ZoneInfo("Europe/Stockholm")
YEAR = 2025


def _scene(language: str) -> dict[str, Any]:
    coordinator = make_region_person(
        "uppsala", email="ulla@uppsala.example.se", name="Ulla Koordinator"
    )
    coordinator.preferred_language = language
    coordinator.save(update_fields=["preferred_language"])
    starts = dt.datetime(YEAR, 6, 30, 23, 0, tzinfo=STHLM)
    event = EventFactory(
        title="Innovationsklinik i Uppsala",
        kind="clinic",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=45),
    )
    RegistrationFactory.create_batch(3, event=event, attended=True)
    ReachEntryFactory(
        event=event, metric=ReachMetric.VIEWS, value=412, counted_on=dt.date(YEAR, 9, 1)
    )
    podcast = PublicationFactory(
        kind="podcast", title="Poddavsnitt 4: testbäddar", published_on=dt.date(YEAR, 8, 1)
    )
    DownloadCount.objects.create(publication=podcast, day=dt.date(YEAR, 8, 2), count=75)
    reach_record(
        actor=coordinator,
        publication=podcast,
        metric="listeners",
        value=1200,
        counted_on=dt.date(YEAR, 9, 30),
        notes="Spotify och Apple Podcasts, första 30 dagarna",
    )
    return {"coordinator": coordinator, "event": event, "podcast": podcast}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_reach_pages_pass_axe_and_a_figure_is_logged_and_deleted(
    language: str,
    page: Page,
    live_server: Any,
    console_errors: Any,  # noqa: F811
) -> None:
    # The form sent with a bad number answers 400 on purpose.
    console_errors.allow(r"status of 400 \(Bad Request\).*/reach/")
    scene = _scene(language)
    sign_in_staff(page, live_server.url, scene["coordinator"])

    page.goto(reverse("dissemination:reach_overview") + f"?year={YEAR}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    chart = page.locator("svg[role='img']")
    expect(chart).to_be_visible()
    assert chart.locator("rect.reach-chart-bar").count() >= 4
    expect(page.locator("table.reach-table").first).to_contain_text("1")
    assert_no_axe_violations(page)

    page.goto(reverse("dissemination:reach_overview") + "?year=2012")
    expect(page.locator(".reach-chart-empty")).to_be_visible()
    assert_no_axe_violations(page)

    # An event's figures: a bad number first, then a good one, then delete it.
    page.goto(reverse("dissemination:event_reach", args=[scene["event"].pk]))
    assert_no_axe_violations(page)
    form = page.locator("main form[method='post']").last
    form.locator("select[name='metric']").select_option("attendance")
    form.locator("input[name='value']").fill("tolv")
    form.locator("textarea[name='notes']").fill("Räknat vid dörren")
    click_and_load(page, form.locator("button[type='submit']"))
    expect(page.locator("#id_value_error")).to_be_visible()
    expect(page.locator("textarea[name='notes']")).to_have_value("Räknat vid dörren")
    assert_no_axe_violations(page)
    page.locator("input[name='value']").fill("14")
    click_and_load(page, page.locator("main form[method='post']").last.locator("button"))
    expect(page.locator(".message-success")).to_be_visible()
    assert ReachEntry.objects.filter(event=scene["event"], value=14).exists()
    assert_no_axe_violations(page)
    row = page.locator("tr", has_text="Räknat vid dörren")
    click_and_load(page, row.locator("button[type='submit']"))
    assert not ReachEntry.objects.filter(event=scene["event"], value=14).exists()

    page.goto(reverse("dissemination:publication_reach", args=[scene["podcast"].pk]))
    expect(page.locator("main")).to_contain_text("Spotify")
    assert_no_axe_violations(page)
