"""The obstacle register's journey (issue 4) in real Chromium, in Swedish, with axe on every page
it passes through.

A company member submits an obstacle through the form (Swedish text with å, ä and ö; a first
attempt without a category is refused beside the field and keeps what was typed); a reviewer
takes the entry and asks for a change; the author reads the message, edits and submits again; the
reviewer publishes. An anonymous visitor then finds the entry on the public list by a Swedish
word in another inflected form than the entry uses, and by its category: htmx updates the list in
place, the URL follows (so a result can be shared), and a plain GET of that URL in a browser
without JavaScript shows the same entries. The visitor opens the entry and follows its step to
the process guide. Finally another company's member says "we met this too".

The search box, the category filter and the "we met this too" form are operated with the
keyboard only. Staff sign in with a second factor, so the reviewer's browser gets a session made
by Django's test client (`sign_in_staff`); the company people sign in through the login form.
"""

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, Page, expect

from obstacles.models import Obstacle, ObstacleTransition
from obstacles.workflow import ObstacleMove, ObstacleStatus
from regions.models import Region
from tests.browser.conftest import (
    BROWSER_TEST,
    ConsoleErrors,
    checked,
    click_and_load,
    htmx_ready,
    htmx_settled,
    organisation,
    sign_in,
    sign_in_staff,
    tab_to,
    use_language,
)
from tests.factories_obstacles import ObstacleFactory, actor, category, make_reviewer
from tests.factories_process import make_company_member

pytestmark = BROWSER_TEST


LANGUAGE = "sv"

TITLE = "Mätvärden från hemmätningar når inte vårdcentralens journal"
DESCRIPTION = (
    "Patienterna mäter blodtrycket hemma, men värdena måste skrivas av för hand.\n\n"
    "Sjuksköterskorna på vårdcentralen lägger en timme om dagen på det."
)
ADDED = "\n\nDet gäller tre vårdcentraler i Linköping och ungefär 120 patienter."
REVIEWER_MESSAGE = "Ange vilka vårdcentraler och hur många patienter det gäller."
# Not in the entry as written: Swedish stemming finds its "hemmätningar" by this form.
SEARCH_WORD = "hemmätningarna"
MET_NOTE = "Vi mötte det på en vårdcentral i Norrköping."

CATEGORY = "it-interoperability"
# Published entries already in the register: one of the same category that the search word
# does not match, and one of another category.
SAME_CATEGORY = "Bilder från hudkameran kan inte sparas i röntgenarkivet"
OTHER_CATEGORY = "Upphandlingen av en ny journal tog två år"


# --- Helpers -------------------------------------------------------------------------------------


def result_titles(page: Page) -> list[str]:
    return [
        t.strip() for t in page.locator("#obstacle-results .obstacle-card-title").all_inner_texts()
    ]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def titles_without_javascript(
    browser: Browser, base_url: str, url: str, *, search: str = ""
) -> list[str]:
    """The list as a browser without JavaScript gets it from a plain GET of `url`; with
    `search`, typed into the search box there and sent with Enter (a plain form submit)."""
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        use_language(context, base_url, LANGUAGE)
        page = context.new_page()
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        expect(page.locator("html")).to_have_attribute("lang", LANGUAGE)
        if search:
            page.locator("#id_q").fill(search)
            with page.expect_navigation(wait_until="load"):
                page.locator("#id_q").press("Enter")
            assert query_of(page.url)["q"] == [search], page.url
        return result_titles(page)
    finally:
        context.close()


# --- The journey ---------------------------------------------------------------------------------


def test_an_obstacle_goes_from_a_company_through_review_to_the_public_compilation(
    page: Page,
    browser: Browser,
    live_server: Any,
    console_errors: ConsoleErrors,
    mailoutbox: list[Any],
) -> None:
    # The form sent without a category answers 400, which the browser logs.
    console_errors.allow(r"status of 400 .*/obstacles/new/\)$")
    url = live_server.url
    region = Region.objects.get(slug="ostergotland")
    author = make_company_member(
        organisation("Hemvårdsdata AB"),
        email="karin@hemvardsdata.example.se",
        name="Karin Åström",
        preferred_language=LANGUAGE,
    )
    reviewer = make_reviewer(
        email="rut@granskning.example.se", name="Rut Granskare", preferred_language=LANGUAGE
    )
    neighbour = make_company_member(
        organisation("Pulsmätaren i Norrköping AB"),
        email="nils@pulsmataren.example.se",
        name="Nils Öberg",
        preferred_language=LANGUAGE,
    )
    ObstacleFactory(title=SAME_CATEGORY, category=category(CATEGORY), step_key="test")
    ObstacleFactory(title=OTHER_CATEGORY, category=category("procurement-lou"), step_key="entry")

    # --- The company member writes the obstacle ------------------------------------------------
    sign_in(page, author.email)
    page.goto("/obstacles/")
    checked(page, LANGUAGE)
    click_and_load(page, page.locator("main a[href='/obstacles/new/']").first)
    checked(page, LANGUAGE)
    expect(page.locator("#id_language")).to_have_value(LANGUAGE)  # the page's language

    page.fill("#id_title", TITLE)
    page.fill("#id_description", DESCRIPTION)
    page.select_option("#id_step_key", "test")
    page.check(f"input[name='actors'][value='{actor('healthcare').pk}']")
    page.check(f"input[name='actors'][value='{actor('patients').pk}']")
    page.select_option("#id_region", str(region.pk))
    page.check("input[name='severity'][value='3']")
    page.fill("#id_evidence", "Tidrapporter från två vårdcentraler, våren 2025.")

    # Sent without a category: refused beside the field, announced, nothing typed is lost.
    click_and_load(page, page.locator("form.obstacle-form button[value='submit']"))
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_category")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    checked(page, LANGUAGE)
    assert not Obstacle.objects.filter(title=TITLE).exists()

    page.select_option("#id_category", str(category(CATEGORY).pk))
    click_and_load(page, page.locator("form.obstacle-form button[value='submit']"))
    expect(page).to_have_url(re.compile(r"/obstacles/mine/$"))
    expect(page.locator(".messages")).to_be_visible()
    checked(page, LANGUAGE)

    entry = Obstacle.objects.get(title=TITLE)
    assert entry.status == ObstacleStatus.SUBMITTED
    assert entry.author_id == author.pk and entry.organisation is not None
    assert entry.organisation.name == "Hemvårdsdata AB"
    assert entry.region_id == region.pk and entry.step_key == "test" and entry.severity == 3
    assert entry.language == LANGUAGE
    assert {a.slug for a in entry.actors.all()} == {"healthcare", "patients"}
    assert "Sjuksköterskorna på vårdcentralen" in entry.description
    assert entry.description.count("<p>") == 2  # paragraphs kept, as the author typed them
    row = page.locator("main table tbody tr", has=page.locator(f"a[href$='/{entry.pk}/']"))
    expect(row.locator(".obstacle-status-submitted")).to_be_visible()

    # --- The reviewer takes it and asks for a change -------------------------------------------
    page.context.clear_cookies()
    sign_in_staff(page, url, reviewer)
    page.goto("/obstacles/review/")
    checked(page, LANGUAGE)
    click_and_load(page, page.locator(f"main a[href='/obstacles/review/{entry.pk}/']"))
    checked(page, LANGUAGE)
    click_and_load(page, page.locator(f"form[action='/obstacles/review/{entry.pk}/claim/'] button"))
    expect(page.locator("#claim.is-mine")).to_be_visible()
    checked(page, LANGUAGE)
    entry.refresh_from_db()
    assert entry.status == ObstacleStatus.IN_REVIEW and entry.claimed_by_id == reviewer.pk

    page.fill("#id_request_changes-reason", REVIEWER_MESSAGE)
    click_and_load(page, page.locator(".move-request_changes button[type='submit']"))
    expect(page).to_have_url(re.compile(r"/obstacles/review/$"))
    expect(page.locator(".messages")).to_be_visible()
    checked(page, LANGUAGE)
    entry.refresh_from_db()
    assert entry.status == ObstacleStatus.CHANGES_REQUESTED
    assert entry.decision_reason == REVIEWER_MESSAGE
    # The author is told by mail, with the reviewer's words.
    told = [m for m in mailoutbox if m.to == [author.email]]
    assert told and REVIEWER_MESSAGE in told[-1].body

    # --- The author reads the message, edits and submits again ---------------------------------
    page.context.clear_cookies()
    sign_in(page, author.email)
    page.goto("/obstacles/mine/")
    row = page.locator("main table tbody tr", has=page.locator(f"a[href$='/{entry.pk}/edit/']"))
    expect(row.locator(".obstacle-row-reason")).to_contain_text(REVIEWER_MESSAGE)
    checked(page, LANGUAGE)
    click_and_load(page, row.locator(f"a[href='/obstacles/{entry.pk}/edit/']").first)
    expect(page.locator(".obstacle-reason")).to_contain_text(REVIEWER_MESSAGE)
    # The text comes back as the author typed it, not as stored markup.
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    checked(page, LANGUAGE)
    page.locator("#id_description").press("Control+End")
    page.locator("#id_description").press_sequentially(ADDED)
    click_and_load(page, page.locator("form.obstacle-form button[value='submit']"))
    expect(page).to_have_url(re.compile(r"/obstacles/mine/$"))
    checked(page, LANGUAGE)
    entry.refresh_from_db()
    assert entry.status == ObstacleStatus.SUBMITTED
    assert "tre vårdcentraler i Linköping" in entry.description

    # --- The reviewer publishes ------------------------------------------------------------------
    page.context.clear_cookies()
    sign_in_staff(page, url, reviewer)
    page.goto("/obstacles/review/")
    click_and_load(page, page.locator(f"main a[href='/obstacles/review/{entry.pk}/']"))
    expect(page.locator("#duplicates")).to_be_visible()
    checked(page, LANGUAGE)
    click_and_load(page, page.locator(".move-publish button[type='submit']"))
    expect(page.locator(".messages")).to_be_visible()
    checked(page, LANGUAGE)
    entry.refresh_from_db()
    assert entry.status == ObstacleStatus.PUBLISHED and entry.published_at is not None
    moves = list(
        ObstacleTransition.objects.filter(obstacle=entry)
        .order_by("id")
        .values_list("move", flat=True)
    )
    M = ObstacleMove
    assert [m for m in moves if m != M.START_REVIEW] == [
        M.SUBMIT,
        M.REQUEST_CHANGES,
        M.SUBMIT,
        M.PUBLISH,
    ], moves
    # The history on the review page shows every move.
    page.goto(f"/obstacles/review/{entry.pk}/")
    expect(page.locator("#history tbody tr")).to_have_count(len(moves))
    checked(page, LANGUAGE)

    # --- An anonymous visitor finds it: by a Swedish word, with the keyboard, through htmx ------
    page.context.clear_cookies()
    use_language(page.context, url, LANGUAGE)
    page.goto("/obstacles/")
    checked(page, LANGUAGE)
    htmx_ready(page)
    expect(page.locator("#obstacle-results .obstacle-card")).to_have_count(3)
    page.evaluate("window.__sameDocument = true")

    tab_to(page, "#id_q")
    page.keyboard.type(SEARCH_WORD)
    page.keyboard.press("Enter")
    results = page.locator("#obstacle-results")
    expect(results).not_to_contain_text(SAME_CATEGORY)
    expect(results).to_contain_text(TITLE)
    expect(page.locator("#obstacle-count")).to_contain_text(SEARCH_WORD)
    htmx_settled(page)
    expect(page).to_have_url(re.compile(r"[?&]q="))
    assert query_of(page.url)["q"] == [SEARCH_WORD]  # the search is in the URL: shareable
    assert page.evaluate("window.__sameDocument") is True  # updated in place, no reload
    assert result_titles(page) == [TITLE]
    # The export links follow the search.
    csv_link = page.locator("#obstacle-exports a[href^='/obstacles/export.csv']")
    assert query_of(csv_link.get_attribute("href") or "")["q"] == [SEARCH_WORD]
    checked(page, LANGUAGE)
    searched_url = page.url

    # The same URL, fetched by a browser without JavaScript, shows the same list; and there
    # the search box works as a plain form.
    assert titles_without_javascript(browser, url, searched_url) == [TITLE]
    assert titles_without_javascript(browser, url, "/obstacles/", search=SEARCH_WORD) == [TITLE]

    # Then by category: empty the search and choose the category, still with the keyboard.
    assert page.evaluate("document.activeElement.id") == "id_q"
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.press("Tab")  # leaving the emptied box is a change: the full list again
    expect(page.locator("#obstacle-results .obstacle-card")).to_have_count(3)
    htmx_settled(page)
    assert page.evaluate("document.activeElement.id") == "id_category"
    for _ in range(20):
        if page.locator("#id_category").input_value() == CATEGORY:
            break
        page.keyboard.press("ArrowDown")  # each choice is a change: htmx asks for the list
        htmx_settled(page)
    expect(page.locator("#id_category")).to_have_value(CATEGORY)
    expect(results).not_to_contain_text(OTHER_CATEGORY)
    expect(page).to_have_url(re.compile(rf"[?&]category={CATEGORY}"))
    htmx_settled(page)
    expect(results).to_contain_text(TITLE)
    expect(results).to_contain_text(SAME_CATEGORY)
    assert query_of(page.url)["category"] == [CATEGORY]
    assert not query_of(page.url).get("q")
    assert page.evaluate("window.__sameDocument") is True
    filtered = result_titles(page)
    assert sorted(filtered) == sorted([TITLE, SAME_CATEGORY])
    checked(page, LANGUAGE)
    assert titles_without_javascript(browser, url, page.url) == filtered

    # The entry's page, and its step's guidance in the process guide.
    page.goto(searched_url)
    click_and_load(page, page.locator(f"#obstacle-results a[href='/obstacles/{entry.pk}/']"))
    expect(page.locator("h1[lang='sv']")).to_have_text(TITLE)
    expect(page.locator(".rich-text[lang='sv']").first).to_contain_text("tre vårdcentraler")
    checked(page, LANGUAGE)
    click_and_load(page, page.locator("main a[href='/partnerships/guide/#step-test']"))
    expect(page.locator("#step-test")).to_be_visible()
    checked(page, LANGUAGE)

    # --- Another company says "we met this too", with the keyboard only ------------------------
    page.context.clear_cookies()
    sign_in(page, neighbour.email)
    page.goto(f"/obstacles/{entry.pk}/")
    checked(page, LANGUAGE)
    htmx_ready(page)
    tab_to(page, "#met #id_note")
    page.keyboard.type(MET_NOTE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches(\"#met form button[type='submit']\")"), (
        "the button follows the note field in the tab order"
    )
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/obstacles/{entry.pk}/#met$"))
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#met .obstacle-met-count")).to_contain_text("1")
    expect(page.locator("#met .obstacle-met-notes")).to_contain_text(MET_NOTE)
    expect(page.locator("#met button[name='remove']")).to_be_visible()
    checked(page, LANGUAGE)
    entry.refresh_from_db()
    assert entry.endorsement_count == 1
    endorsement = entry.endorsements.get()
    assert endorsement.note == MET_NOTE
    assert endorsement.organisation is not None
    assert endorsement.organisation.name == "Pulsmätaren i Norrköping AB"

    # The count is on the public list too.
    page.context.clear_cookies()
    use_language(page.context, url, LANGUAGE)
    page.goto("/obstacles/?sort=met")
    assert result_titles(page)[0] == TITLE
    checked(page, LANGUAGE)
