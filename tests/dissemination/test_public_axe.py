"""axe-core on the public dissemination pages in a real Chromium, in Swedish and in English: the
calendar (with results, with a bad filter value, after an htmx filter change), the archive, an
event's page (published, cancelled), a publication's page, a region page and a partnership's
public summary. The autouse `console_errors` fixture (tests/browser/conftest.py) also fails a
case whose page logged a console error (a CSP block, an unexpected 4xx/5xx)."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dissemination.models import Event, Publication
from partnerships.models import Partnership
from regions.models import Region
from tests.browser.conftest import (  # noqa: F401  (fixtures this module needs)
    BROWSER_TEST,
    _reference_data,
    assert_no_axe_violations,
    browser_context_args,
    browser_type_launch_args,
    console_errors,
    context,
    use_language,
)
from tests.factories_dissemination import EventFactory, LessonFactory, PublicationFactory
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import make_partnership

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]


@dataclass
class Scene:
    event: Event
    cancelled: Event
    publication: Publication
    partnership: Partnership


@pytest.fixture
def scene() -> Scene:
    uppsala = Region.objects.get(slug="uppsala")
    partnership = make_partnership("uppsala")
    LessonFactory(partnership=partnership, title="Förankra hos ledningen tidigt")
    obstacle = ObstacleFactory(title="Journalen saknar öppna gränssnitt")
    event = EventFactory(
        title="Innovationstävlingens final",
        kind="race_final",
        location="Uppsala konsert och kongress",
        online_url="https://meet.example.se/final",
        region=uppsala,
    )
    event.partnerships.add(partnership)
    event.obstacles.add(obstacle)
    cancelled = EventFactory(
        title="Webbinarium om upphandling", status="cancelled", status_reason="Talaren är sjuk."
    )
    EventFactory(title="Nationell konferens", kind="conference", region=None, language="en")
    EventFactory(title="Webbinarium om testbäddar", status="postponed")
    start = timezone.now() - dt.timedelta(days=20)
    EventFactory(
        title="Innovationsklinik i Umeå",
        kind="clinic",
        region=Region.objects.get(slug="vasterbotten"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location="Umeå",
        online_url="",
    )
    publication = PublicationFactory(title="Poddavsnitt 7: samverkan", kind="podcast")
    publication.partnerships.add(partnership)
    PublicationFactory(title="Rapport: lärdomar 2025", region=None)
    return Scene(event=event, cancelled=cancelled, publication=publication, partnership=partnership)


def pages(scene: Scene) -> list[tuple[str, str]]:
    return [
        ("calendar", "/events/"),
        ("calendar, filtered", "/events/?region=uppsala&mode=online"),
        ("calendar, bad filter", "/events/?kind=party&language=fi"),
        ("calendar, nothing found", "/events/?region=gotland"),
        ("archive", "/events/archive/"),
        ("archive, filtered", "/events/archive/?kind=publications&region=national"),
        ("event", scene.event.get_absolute_url()),
        ("event, cancelled", scene.cancelled.get_absolute_url()),
        ("publication", scene.publication.get_absolute_url()),
        ("region", "/regions/uppsala/"),
        ("summary", f"/partnerships/{scene.partnership.pk}/summary/"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_pages_pass_axe(
    page: Page, live_server: Any, scene: Scene, language: str
) -> None:
    use_language(page.context, live_server.url, language)
    for _name, url in pages(scene):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_no_axe_violations(page)


def test_a_filter_change_swaps_the_results_and_pushes_the_url(
    page: Page, live_server: Any, scene: Scene
) -> None:
    use_language(page.context, live_server.url, "en")
    page.goto("/events/")
    expect(page.locator("#event-count")).to_contain_text("4 upcoming events")

    page.get_by_label("Organised by").select_option("national")

    expect(page).to_have_url(re.compile(r"region=national"))
    expect(page.locator("#event-count")).to_contain_text("1 upcoming event")
    expect(page.locator("#event-results")).to_contain_text("Nationell konferens")
    expect(page.locator("#event-results")).not_to_contain_text("Innovationstävlingens final")
    assert_no_axe_violations(page)
