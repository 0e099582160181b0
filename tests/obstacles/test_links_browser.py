"""Linking a partnership's obstacle notes to the register, in a real Chromium: axe-core finds
nothing (WCAG 2.1 A and AA and best practices) on the partnership page's notes and the link page,
in Swedish and English, also with an error shown; the search updates the results without a
reload; linking and proposing work from the pages as a person uses them; no console errors (a
CSP block is one).
"""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from obstacles.models import Obstacle
from obstacles.services.entries import obstacle_move
from obstacles.workflow import ObstacleMove, ObstacleStatus
from partnerships.models import ObstacleNote
from partnerships.services.partnerships import obstacle_note_add
from tests.browser.conftest import (  # noqa: F401  (fixtures used by name)
    BROWSER_TEST,
    _reference_data,
    assert_no_axe_violations,
    browser_context_args,
    browser_type_launch_args,
    console_errors,
    context,
    open_checked,
    sign_in,
)
from tests.browser.test_cosharing_journey import (  # noqa: F401  (the autouse fixture)
    cosharing_reference_data,
)
from tests.factories import OrganisationFactory
from tests.factories_obstacles import ObstacleFactory, category, make_reviewer
from tests.factories_process import make_company_member, make_partnership, make_region_person

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]
ENTRY = "Journalsystemet saknar öppna gränssnitt för mätvärden från hemmet"


def _scene(language: str) -> dict[str, Any]:
    company = OrganisationFactory(name="Hemmätning AB")
    member = make_company_member(
        company, email="kim@hemmatning.example", name="Kim Berg", preferred_language=language
    )
    coordinator = make_region_person("uppsala", email="ulla@uppsala.example.se", name="Ulla")
    partnership = make_partnership(
        company=company, coordinator=coordinator, author=member, step_key="test"
    )
    published = ObstacleFactory(title=ENTRY, category=category("it-interoperability"))
    linked = ObstacleFactory(title="Ingen testmiljö med realistiska testdata")

    def note(text: str) -> ObstacleNote:
        return obstacle_note_add(
            actor=coordinator, partnership=partnership, step=partnership.current_step, text=text
        )

    first = note("Värdena skrivs av för hand till journalen. Det tar tio minuter per patient.")
    second = note("Avtalet om resultaten drog ut på tiden.")
    done = note("Testmiljön saknade testpatienter.")
    ObstacleNote.objects.filter(pk=done.pk).update(obstacle=linked)
    return {
        "member": member,
        "partnership": partnership,
        "published": published,
        "linked": linked,
        "first": first,
        "second": second,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_note_is_linked_from_the_partnership_page_by_searching_the_register(
    language: str,
    page: Page,
    live_server: Any,
    console_errors: Any,  # noqa: F811
) -> None:
    scene = _scene(language)
    sign_in(page, scene["member"].email)
    detail = f"/partnerships/{scene['partnership'].pk}/"
    open_checked(page, detail, language)
    expect(page.locator(f"#obstacle-note-{scene['first'].pk}")).to_be_visible()
    expect(page.locator("#obstacles")).to_contain_text(scene["linked"].title)

    with page.expect_navigation(wait_until="load"):
        page.locator(f"#obstacle-note-{scene['first'].pk} a[href*='/links/notes/']").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)

    # The search box updates the results in place (htmx), without a reload.
    page.evaluate("window.__sameDocument = true")
    page.locator("#id_q").fill("journalsystemet")
    results = page.locator("#link-results")
    expect(results).to_contain_text(ENTRY)
    assert page.evaluate("window.__sameDocument") is True
    assert_no_axe_violations(page)

    with page.expect_navigation(wait_until="load"):
        results.locator("button[type='submit']").first.click()
    assert page.url.startswith(f"{live_server.url}{detail}")
    expect(page.locator(f"#obstacle-note-{scene['first'].pk}")).to_contain_text(ENTRY)
    assert_no_axe_violations(page)
    note = ObstacleNote.objects.get(pk=scene["first"].pk)
    assert note.obstacle_id == scene["published"].pk


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_link_page_shows_a_refusal_accessibly(
    language: str,
    page: Page,
    live_server: Any,
    console_errors: Any,  # noqa: F811
) -> None:
    scene = _scene(language)
    sign_in(page, scene["member"].email)
    page.goto(f"/obstacles/links/notes/{scene['first'].pk}/?q=journalsystemet")
    expect(page.locator("#link-results")).to_contain_text(ENTRY)
    # A reviewer withdraws the entry while the page is open: linking to it is refused.
    obstacle_move(
        obstacle=scene["published"],
        actor=make_reviewer(),
        move=ObstacleMove.WITHDRAW,
        reason="Beskriver inte längre hur det är.",
    )
    console_errors.allow(r"status of 400 ")
    with page.expect_navigation(wait_until="load"):
        page.locator("#link-results button[type='submit']").first.click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)
    assert ObstacleNote.objects.get(pk=scene["first"].pk).obstacle_id is None


def test_a_note_is_proposed_as_a_new_obstacle_and_opens_in_the_editor(
    page: Page,
    live_server: Any,
    console_errors: Any,  # noqa: F811
) -> None:
    scene = _scene("en")
    sign_in(page, scene["member"].email)
    page.goto(f"/partnerships/{scene['partnership'].pk}/")
    with page.expect_navigation(wait_until="load"):
        page.locator(
            f"#obstacle-note-{scene['second'].pk} form[action$='/propose/'] button"
        ).click()
    draft = Obstacle.objects.get(status=ObstacleStatus.DRAFT)
    assert page.url == f"{live_server.url}/obstacles/{draft.pk}/edit/"
    expect(page.locator("#id_title")).to_have_value("Avtalet om resultaten drog ut på tiden")
    assert draft.author_id == scene["member"].pk
