"""The author and reviewer pages in a real Chromium: axe-core finds nothing (WCAG 2.1 A and AA
and best practices), in Swedish and English, also with errors shown; no console errors (a CSP
block is one); the reviewer's private note is added with htmx, from the keyboard, without a
reload, and the focus goes back to the note field.

Uses the browser package's helpers and fixtures (Debian's Chromium, the live server, the
console-error recorder), imported here because this file lives beside the other view tests.
"""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from obstacles.models import Obstacle
from obstacles.services import entries as services
from obstacles.workflow import ObstacleMove, ObstacleStatus
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
    sign_in_staff,
)
from tests.browser.test_cosharing_journey import (  # noqa: F401  (the autouse fixture)
    cosharing_reference_data,
)
from tests.factories import OrganisationFactory
from tests.factories_obstacles import make_reviewer
from tests.factories_process import make_company_member

from .test_entry_scene import entry_data

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]
S, M = ObstacleStatus, ObstacleMove


def _data(**overrides: Any) -> dict[str, Any]:
    return entry_data(**{"evidence": "Rapport från regionen, 2024.", **overrides})


def _scene(language: str) -> dict[str, Any]:
    author = make_company_member(
        OrganisationFactory(name="CareSense AB"),
        email="kim@caresense.example",
        name="Kim Berg",
        preferred_language=language,
    )
    reviewer = make_reviewer(
        email="rut@granskning.example.se", name="Rut Granskare", preferred_language=language
    )
    other = make_reviewer(email="olle@granskning.example.se", name="Olle Andersson")

    def submitted(**data: Any) -> Obstacle:
        entry = services.obstacle_create(author=author, data=_data(**data))
        return services.obstacle_move(obstacle=entry, actor=author, move=M.SUBMIT)

    published = services.obstacle_move(
        obstacle=services.obstacle_claim(obstacle=submitted(), reviewer=reviewer),
        actor=reviewer,
        move=M.PUBLISH,
    )
    asked = services.obstacle_move(
        obstacle=services.obstacle_claim(
            obstacle=submitted(title="Ingen testmiljö hos regionen", language="en"),
            reviewer=reviewer,
        ),
        actor=reviewer,
        move=M.REQUEST_CHANGES,
        reason="Beskriv vilken testmiljö som saknades.",
    )
    waiting = submitted(title="Journalsystemet saknar öppna gränssnitt för mätvärden")
    taken = services.obstacle_claim(
        obstacle=submitted(title="Upphandlingen tog två år"), reviewer=other
    )
    services.reviewer_note_add(obstacle=waiting, reviewer=other, text="Liknar det publicerade.")
    return {
        "author": author,
        "reviewer": reviewer,
        "published": published,
        "asked": asked,
        "waiting": waiting,
        "taken": taken,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_author_pages_pass_axe_also_with_errors_shown(
    language: str,
    page: Page,
    live_server: Any,
    console_errors: Any,  # noqa: F811
) -> None:
    scene = _scene(language)
    sign_in(page, scene["author"].email)

    open_checked(page, "/obstacles/new/", language)
    open_checked(page, "/obstacles/mine/", language)
    open_checked(page, f"/obstacles/{scene['asked'].pk}/edit/", language)

    # A form sent with errors: the announced summary, the field marked, the text kept.
    console_errors.allow(r"400")
    page.goto("/obstacles/new/")
    page.locator("#id_description").fill("Vi mötte detta i vår pilot.")
    with page.expect_navigation(wait_until="load"):
        page.locator("form.obstacle-form button[value='save']").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_description")).to_have_value("Vi mötte detta i vår pilot.")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reviewer_pages_pass_axe_also_with_a_refused_move(
    language: str,
    page: Page,
    live_server: Any,
    console_errors: Any,  # noqa: F811
) -> None:
    scene = _scene(language)
    sign_in_staff(page, live_server.url, scene["reviewer"])

    open_checked(page, "/obstacles/review/", language)
    open_checked(page, f"/obstacles/review/{scene['waiting'].pk}/", language)
    open_checked(page, f"/obstacles/review/{scene['taken'].pk}/", language)  # taken by another
    open_checked(page, f"/obstacles/review/{scene['published'].pk}/", language)

    console_errors.allow(r"400")
    page.goto(f"/obstacles/review/{scene['waiting'].pk}/")
    page.once("dialog", lambda dialog: dialog.accept())  # "Reject the entry? … final."
    with page.expect_navigation(wait_until="load"):
        page.locator(".move-reject button[type='submit']").click()  # no reason given
    expect(page.locator(".move-reject .error-summary")).to_be_focused()
    expect(page.locator("#id_reject-reason")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)


def test_a_private_note_is_added_from_the_keyboard_without_a_reload(
    page: Page,
    live_server: Any,
    console_errors: Any,  # noqa: F811
) -> None:
    scene = _scene("en")
    sign_in_staff(page, live_server.url, scene["reviewer"])
    page.goto(f"/obstacles/review/{scene['waiting'].pk}/")
    page.evaluate("window.__sameDocument = true")

    page.locator("#id_text").focus()
    page.keyboard.type("Compare with entry 1 before deciding.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    notes = page.locator("#notes")
    expect(notes.locator(".note-list")).to_contain_text("Compare with entry 1 before deciding.")
    expect(notes.locator("[role='status']")).to_contain_text("Your note was added.")
    expect(page.locator("#id_text")).to_be_focused()
    expect(page.locator("#id_text")).to_have_value("")
    assert page.evaluate("window.__sameDocument") is True  # no reload

    # An empty note: the error shows beside the field, still without a reload.
    console_errors.allow(r"400")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(notes.locator("#id_text_error")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
