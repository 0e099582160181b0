"""axe-core on every page of the reports, and on each page that offers one, in Swedish and English.

The requests are made with the services, in every state a person can meet: one waiting for a
worker (the broker is real, and no worker runs in these tests, so it stays queued), one a worker
has claimed (`report_claim`), one made (`report_render`, the worker's own service, run here)
and one that failed (`report_fail`). Each belongs to the region's coordinator and is about a
different subject, so the panel on each subject page shows a different state:

| page             | coordinator           | others                            |
|------------------|-----------------------|-----------------------------------|
| region page      | failed (Try again)    | sponsor: the form                 |
| partnership page | queued (polling)      | company member: the form          |
| agreement page   | ready (download link) | company member: the form          |
| process guide    | rendering (polling)   | visitor: the form                 |
| obstacle list    | –                     | visitor: the form (also filtered, |
|                  |                       | and queued after a filter change) |

plus the request's own page in each state (and after "Try again"), "My reports" with rows and
empty, and the region page's form sent with errors (shown beside the fields, typed values kept).
The autouse `console_errors` fixture also fails a case whose page logged a console error (a CSP
block, a failed poll).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from obstacles.models import Obstacle
from partnerships.models import Partnership
from partnerships.services import agreements as agreement_services
from regions.models import Region, RegionRole
from reports.models import ReportKind, ReportRequest
from reports.services import report_claim, report_fail, report_render, report_request
from reports.workflow import ReportError, ReportState
from tests.browser.conftest import (
    BROWSER_TEST,
    ConsoleErrors,
    act_as,
    assert_no_axe_violations,
    htmx_ready,
    organisation,
)
from tests.browser.test_reports import DOWNLOAD, POLLING, panel_form, purge_reports_queue
from tests.factories_obstacles import MitigationFactory, ObstacleFactory
from tests.factories_process import make_company_member, make_partnership, make_region_person

pytestmark = [*BROWSER_TEST, pytest.mark.redis]

LANGUAGES = ["sv", "en"]
REGION_SLUG = "uppsala"


@dataclass
class Scene:
    coordinator: Any
    sponsor: Any
    member: Any  # a party of the partnership
    region: Region
    partnership: Partnership  # at the agreement step, its agreement started
    obstacle: Obstacle
    queued: ReportRequest  # the partnership report
    rendering: ReportRequest  # the national process guide
    ready: ReportRequest  # the agreement
    failed: ReportRequest  # the region activity report

    def person(self, who: str) -> Any:
        return getattr(self, who)


def _ask(user: Any, kind: ReportKind, params: dict[str, Any], language: str) -> ReportRequest:
    return report_request(
        user=user, session_key="", kind=kind.value, params=params, language=language
    )


@pytest.fixture
def scene(language: str, celery_app: Any) -> Any:
    # The broker is real and no worker consumes it: what is asked for stays queued.
    assert not celery_app.conf.task_always_eager
    purge_reports_queue(celery_app)
    region = Region.objects.get(slug=REGION_SLUG)
    coordinator = make_region_person(
        REGION_SLUG, email="cora@uppsala.example.se", name="Cora Samordnare"
    )
    sponsor = make_region_person(
        REGION_SLUG, RegionRole.SPONSOR, email="sam@uppsala.example.se", name="Sam Sponsor"
    )
    company = organisation("CareSense AB")
    member = make_company_member(company, email="kim@caresense.example.se", name="Kim Berg")
    for person in (coordinator, sponsor, member):
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
    partnership = make_partnership(
        REGION_SLUG,
        company=company,
        step_key="agreement",
        coordinator=coordinator,
        author=member,
    )
    agreement_services.agreement_start(actor=member, partnership=partnership)
    obstacle = cast(Obstacle, ObstacleFactory(title="Journalen tar inte emot mätvärden"))
    MitigationFactory(obstacles=[obstacle], title="Mätvärden via en nationell tjänst")

    queued = _ask(coordinator, ReportKind.PARTNERSHIP, {"partnership": partnership.pk}, language)
    rendering = _ask(coordinator, ReportKind.PROCESS_GUIDE, {"region": ""}, language)
    assert report_claim(request_id=rendering.pk) is not None
    ready = _ask(coordinator, ReportKind.AGREEMENT, {"partnership": partnership.pk}, language)
    report_render(request_id=ready.pk)
    today = timezone.localdate()
    failed = _ask(
        coordinator,
        ReportKind.REGION_ACTIVITY,
        {
            "region": region.slug,
            "start": (today - dt.timedelta(days=30)).isoformat(),
            "end": today.isoformat(),
        },
        language,
    )
    token = report_claim(request_id=failed.pk)
    assert report_fail(
        request_id=failed.pk, claim_token=token, error_code=ReportError.TOO_LONG, detail="test"
    )
    for made in (queued, rendering, ready, failed):
        made.refresh_from_db()
    assert [r.state for r in (queued, rendering, ready, failed)] == [
        ReportState.QUEUED,
        ReportState.RENDERING,
        ReportState.READY,
        ReportState.FAILED,
    ]
    yield Scene(
        coordinator=coordinator,
        sponsor=sponsor,
        member=member,
        region=region,
        partnership=partnership,
        obstacle=obstacle,
        queued=queued,
        rendering=rendering,
        ready=ready,
        failed=failed,
    )
    purge_reports_queue(celery_app)


# --- What each case checks on the page -----------------------------------------------------------


def _form(kind: ReportKind) -> Callable[[Page, Scene], None]:
    def check(page: Page, scene: Scene) -> None:
        form = panel_form(page, kind)
        expect(form).to_be_visible()
        expect(form.locator("button[type='submit']")).to_be_visible()
        expect(form.locator("select[name='language']")).to_be_visible()

    return check


def _polling(page: Page, scene: Scene) -> None:
    expect(page.locator(POLLING)).to_be_visible()
    expect(page.locator(DOWNLOAD)).to_have_count(0)


def _download(page: Page, scene: Scene) -> None:
    expect(page.locator(DOWNLOAD).first).to_be_visible()
    expect(page.locator(POLLING)).to_have_count(0)


def _try_again(page: Page, scene: Scene) -> None:
    retry = page.locator(f"form[action$='/reports/{scene.failed.pk}/retry/']")
    expect(retry.locator("button[type='submit']")).to_be_visible()
    expect(page.locator(POLLING)).to_have_count(0)


def _retried(page: Page, scene: Scene) -> None:
    """Try again (htmx): the failed request waits for a worker again and the page polls."""
    htmx_ready(page)
    page.locator(f"form[action$='/reports/{scene.failed.pk}/retry/'] button").click()
    expect(page.locator(POLLING)).to_be_visible()
    scene.failed.refresh_from_db()
    assert scene.failed.state == ReportState.QUEUED


def _every_state(page: Page, scene: Scene) -> None:
    for made in (scene.queued, scene.rendering, scene.ready, scene.failed):
        expect(page.locator(f"main a[href='/reports/{made.pk}/']").first).to_be_visible()


def _bad_period(page: Page, scene: Scene) -> None:
    """The end before the start: refused beside the fields, what was typed is kept."""
    htmx_ready(page)
    form = panel_form(page, ReportKind.REGION_ACTIVITY)
    today = timezone.localdate()
    form.locator("[name='start']").fill(today.isoformat())
    form.locator("[name='end']").fill((today - dt.timedelta(days=7)).isoformat())
    form.locator("button[type='submit']").click()
    form = panel_form(page, ReportKind.REGION_ACTIVITY)
    expect(form.locator("[aria-invalid='true']").first).to_be_visible()
    expect(form.locator("[name='start']")).to_have_value(today.isoformat())
    assert not ReportRequest.objects.filter(requested_by=scene.sponsor).exists()


def _filtered_then_asked(page: Page, scene: Scene) -> None:
    """A filter changed (htmx swaps the results and the panel with them): the panel's hidden
    filter follows, and the visitor's request for that selection waits for a worker."""
    htmx_ready(page)
    category = scene.obstacle.category.slug
    page.select_option("#id_category", category)
    form = panel_form(page, ReportKind.OBSTACLES)
    expect(form.locator("input[name='category']")).to_have_value(category)
    form.locator("button[type='submit']").click()
    expect(page.locator(POLLING)).to_be_visible()
    asked = ReportRequest.objects.get(kind=ReportKind.OBSTACLES)
    assert asked.requested_by is None and asked.params["category"] == category


@dataclass(frozen=True)
class Case:
    who: str  # "anonymous" or a Scene person
    path: Callable[[Scene], str]
    then: Callable[[Page, Scene], None] | None = None


def _p(url: str) -> Callable[[Scene], str]:
    return lambda s: url


CASES: dict[str, Case] = {
    # The request's own page in each state, and "My reports"
    "detail-queued": Case("coordinator", lambda s: f"/reports/{s.queued.pk}/", then=_polling),
    "detail-rendering": Case("coordinator", lambda s: f"/reports/{s.rendering.pk}/", then=_polling),
    "detail-ready": Case("coordinator", lambda s: f"/reports/{s.ready.pk}/", then=_download),
    "detail-failed": Case("coordinator", lambda s: f"/reports/{s.failed.pk}/", then=_try_again),
    "detail-retried": Case("coordinator", lambda s: f"/reports/{s.failed.pk}/", then=_retried),
    "mine": Case("coordinator", _p("/reports/"), then=_every_state),
    "mine-empty": Case("member", _p("/reports/")),
    # The panel on each subject page
    "region-failed": Case("coordinator", _p(f"/regions/{REGION_SLUG}/"), then=_try_again),
    "region-form": Case(
        "sponsor", _p(f"/regions/{REGION_SLUG}/"), then=_form(ReportKind.REGION_ACTIVITY)
    ),
    "region-form-errors": Case("sponsor", _p(f"/regions/{REGION_SLUG}/"), then=_bad_period),
    "partnership-queued": Case(
        "coordinator", lambda s: f"/partnerships/{s.partnership.pk}/", then=_polling
    ),
    "partnership-form": Case(
        "member",
        lambda s: f"/partnerships/{s.partnership.pk}/",
        then=_form(ReportKind.PARTNERSHIP),
    ),
    "agreement-ready": Case(
        "coordinator", lambda s: f"/partnerships/{s.partnership.pk}/agreement/", then=_download
    ),
    "agreement-form": Case(
        "member",
        lambda s: f"/partnerships/{s.partnership.pk}/agreement/",
        then=_form(ReportKind.AGREEMENT),
    ),
    "guide-rendering": Case("coordinator", _p("/partnerships/guide/"), then=_polling),
    "guide-form": Case(
        "anonymous", _p("/partnerships/guide/"), then=_form(ReportKind.PROCESS_GUIDE)
    ),
    "guide-region-form": Case(
        "anonymous",
        _p(f"/partnerships/guide/?region={REGION_SLUG}"),
        then=_form(ReportKind.PROCESS_GUIDE),
    ),
    "obstacles-form": Case("anonymous", _p("/obstacles/"), then=_form(ReportKind.OBSTACLES)),
    "obstacles-filtered-form": Case(
        "anonymous",
        _p("/obstacles/?category=data-protection-cloud&severity=3"),
        then=_form(ReportKind.OBSTACLES),
    ),
    "obstacles-filter-changed-then-asked": Case(
        "anonymous", _p("/obstacles/"), then=_filtered_then_asked
    ),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_report_page_is_accessible(
    page: Page,
    context: BrowserContext,
    live_server: Any,
    console_errors: ConsoleErrors,
    scene: Scene,
    language: str,
    name: str,
) -> None:
    case = CASES[name]
    act_as(page, context, live_server.url, scene, case.who, language)
    path = case.path(scene)
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    if case.then is not None:
        case.then(page, scene)
        expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)
