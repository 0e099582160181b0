"""axe-core on the obstacle register's pages, for each person who sees them, in Swedish and in
English.

The state is built with the services (`Scene`); each case opens one page as one person (their
profile's language; anonymous visitors by the language cookie), optionally does what puts the
page in an interesting state (a form sent with errors, an edit that meets someone else's newer
version), and fails with axe's report. The autouse `console_errors` fixture also fails a case
whose page logged a console error (a CSP block, or an unexpected 4xx/5xx).

Pages covered here: the public list (results, several pages, a search, a misspelt search, no
results, every filter, filters with errors, as a reviewer); an entry's page (with mitigations,
knowledge articles, "we met this too" with notes, partnerships that met it; anonymous, before
"we met this too", with a refused note, after it, an author's entry sent back, a reviewer on a
published entry, a merged entry's old address); the public process guide (also with a region,
and a bad one); a partnership's obstacle notes (also a note sent empty) and the chooser that
links a note to the register (also refused); and the states of the author and review pages
their own tests leave out ("My obstacles" with every state and empty, an edit or a decision
that meets a newer version: 409, a merged entry's review page).

Covered by the other browser tests, so not repeated here: the submit and edit forms with errors,
"My obstacles", the review queue and the review page (duplicates, notes, taken by another
reviewer, a refused move) in tests/obstacles/test_views_review_browser.py; the knowledge base's
list and article pages, the mitigation pages (detail, the form with errors, "mine") and the
mitigation review list in tests/obstacles/test_knowledge_browser.py.

Plus, with the keyboard only: choosing a register entry for a partnership's note (htmx search,
then the link button).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from obstacles.models import KnowledgeArticle, Mitigation, Obstacle
from obstacles.services import entries as services
from obstacles.services import knowledge as article_services
from obstacles.services import mitigations as mitigation_services
from obstacles.services.endorsements import endorsement_add
from obstacles.services.links import note_link, note_propose_obstacle
from obstacles.workflow import ObstacleMove
from partnerships.models import ObstacleNote, Partnership
from partnerships.services.partnerships import obstacle_note_add
from regions.models import Region
from tests.browser.conftest import (
    BROWSER_TEST,
    ConsoleErrors,
    act_as,
    assert_no_axe_violations,
    htmx_ready,
    htmx_settled,
    organisation,
    tab_to,
)
from tests.factories_obstacles import ObstacleFactory, actor, category, make_reviewer
from tests.factories_process import make_company_member, make_partnership, make_region_person

pytestmark = BROWSER_TEST


LANGUAGES = ["sv", "en"]
M = ObstacleMove

# More published entries than one page of the list holds (25).
FILLER_ENTRIES = 26


# --- The scene -----------------------------------------------------------------------------------


@dataclass
class Scene:
    reviewer: Any
    coordinator: Any
    member: Any
    neighbour: Any
    partnership: Partnership
    rich: Obstacle
    english: Obstacle
    asked: Obstacle
    waiting: Obstacle
    merged: Obstacle
    linked_note: ObstacleNote
    open_note: ObstacleNote
    proposed_note: ObstacleNote

    def person(self, who: str) -> Any:
        return getattr(self, who)


def _entry_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Mätvärden från hemmätningar når inte vårdcentralens journal",
        "description": (
            "Patienterna mäter blodtrycket hemma, men värdena skrivs av för hand.\n\n"
            "<ul><li>En timme om dagen</li><li>Risk för fel</li></ul>"
        ),
        "category": category("it-interoperability"),
        "step_key": "test",
        "actors": [actor("healthcare"), actor("company"), actor("patients")],
        "region": Region.objects.get(slug="uppsala"),
        "severity": 4,
        "evidence": "Tidrapporter från två vårdcentraler.\nhttps://example.se/rapport",
        "known_mitigation": "Ett tillfälligt exportformat (CSV) som journalen kan läsa in.",
        "language": "sv",
    }
    data.update(overrides)
    return data


@pytest.fixture
def scene(language: str) -> Scene:
    company = organisation("CareSense AB")
    member = make_company_member(company, email="kim@caresense.example.se", name="Kim Berg")
    neighbour = make_company_member(
        organisation("Pulsmätaren AB"),
        email="nils@pulsmataren.example.se",
        name="Nils Öberg",
    )
    coordinator = make_region_person(
        "uppsala", email="coordinator@uppsala.example.se", name="Cora Samordnare"
    )
    reviewer = make_reviewer(email="rut@granskning.example.se", name="Rut Granskare")
    for person in (member, neighbour, coordinator, reviewer):
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])

    def submitted(**data: Any) -> Obstacle:
        entry = services.obstacle_create(author=member, data=_entry_data(**data))
        return services.obstacle_move(obstacle=entry, actor=member, move=M.SUBMIT)

    def published(**data: Any) -> Obstacle:
        return services.obstacle_move(obstacle=submitted(**data), actor=reviewer, move=M.PUBLISH)

    rich = published()
    english = published(
        title="No test environment with real patient records",
        description="The region had no test environment for integrations.",
        category=category("competence-capacity"),
        step_key="",
        region=None,
        severity=2,
        evidence="",
        known_mitigation="",
        language="en",
    )
    for n in range(FILLER_ENTRIES):
        ObstacleFactory(title=f"Hinder {n}: upphandlingen tog för lång tid", step_key="entry")

    # The author's entries in every other state.
    asked = services.obstacle_move(
        obstacle=submitted(title="Ingen testmiljö hos regionen"),
        actor=reviewer,
        move=M.REQUEST_CHANGES,
        reason="Beskriv vilken testmiljö som saknades och hur länge ni väntade.",
    )
    services.obstacle_move(
        obstacle=submitted(title="Det här är inte ett hinder"),
        actor=reviewer,
        move=M.REJECT,
        reason="Det beskriver ett önskemål, inte ett hinder.",
    )
    services.obstacle_move(
        obstacle=published(title="Lagen om molntjänster har ändrats"),
        actor=reviewer,
        move=M.WITHDRAW,
        reason="Lagen har ändrats sedan posten skrevs.",
    )
    services.obstacle_create(author=member, data=_entry_data(title="Ett utkast om journalen"))
    merged = services.obstacle_move(
        obstacle=submitted(title="Hemmätningar kommer inte in i journalen"),
        actor=reviewer,
        move=M.MERGE,
        merge_target=rich,
        reason="Samma hinder som en publicerad post.",
    )
    waiting = submitted(title="Journalen tar inte emot värden från hemmet")

    # What the entry's page shows beside the entry.
    partnership = make_partnership(
        "uppsala", company=company, coordinator=coordinator, author=member
    )
    for title in ("Exportformat som journalen läser in", "Integrationsplattform i regionen"):
        mitigation: Mitigation = mitigation_services.mitigation_create(
            author=member,
            obstacles=[rich],
            data={
                "title": title,
                "description": "Vi kom förbi hindret så här.",
                "region": None,
                "partnership": partnership,
                "language": "sv",
            },
        )
        mitigation_services.mitigation_move(mitigation=mitigation, actor=reviewer, move="publish")
    article: KnowledgeArticle = article_services.article_create(
        author=coordinator,
        data={
            "title": "Molntjänster och sekretess",
            "summary": "Vad offentlighets- och sekretesslagen innebär för molntjänster.",
            "body": "Röjande kräver en sekretessprövning.",
            "references": "OSL (2009:400)",
            "topic": "cloud_secrecy",
            "language": "sv",
        },
        obstacles=[rich],
    )
    article_services.article_move(article=article, actor=reviewer, move="publish")
    endorsement_add(obstacle=rich, user=neighbour, note="På en vårdcentral i Norrköping.")
    endorsement_add(
        obstacle=rich,
        user=make_company_member(organisation("Tredje AB")),
        note="I hemsjukvården i Gävle.",
    )

    # The partnership's obstacle notes: linked to the entry, not linked, proposed by another.
    step = partnership.current_step

    def note(text: str) -> ObstacleNote:
        return obstacle_note_add(actor=member, partnership=partnership, step=step, text=text)

    linked_note = note_link(
        note=note("Mätvärdena kommer inte in i journalen."), obstacle=rich, actor=member
    )
    open_note = note("Vårdcentralen saknar tid för utbildning i den nya tjänsten.")
    proposed_note = note("Avtalsmallen passar inte för en testbädd.")
    note_propose_obstacle(note=proposed_note, actor=coordinator)

    rich.refresh_from_db()
    return Scene(
        reviewer=reviewer,
        coordinator=coordinator,
        member=member,
        neighbour=neighbour,
        partnership=partnership,
        rich=rich,
        english=english,
        asked=asked,
        waiting=waiting,
        merged=merged,
        linked_note=linked_note,
        open_note=open_note,
        proposed_note=proposed_note,
    )


# --- Doing something on the page -----------------------------------------------------------------


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).first.click()


def _filter_errors(page: Page, scene: Scene) -> None:
    problems = page.locator(".obstacle-filter-problems")
    expect(problems).to_be_visible()
    expect(problems.locator("li")).to_have_count(3)
    expect(page.locator("#id_category")).to_have_attribute("aria-invalid", "true")
    # The valid filter still applies: the published entry in that region is listed.
    expect(page.locator("#obstacle-results")).to_contain_text(scene.rich.title)


def _nothing_found(page: Page, scene: Scene) -> None:
    expect(page.locator(".obstacle-empty")).to_be_visible()
    expect(page.locator("#obstacle-results .obstacle-card")).to_have_count(0)


def _searched(page: Page, scene: Scene) -> None:
    expect(page.locator("#obstacle-results .obstacle-card")).to_have_count(1)
    expect(page.locator("#obstacle-results")).to_contain_text(scene.rich.title)


def _spelt_alike(page: Page, scene: Scene) -> None:
    """No entry has both words: titles spelt alike are offered, and the count says so."""
    expect(page.locator("#obstacle-results")).to_contain_text(scene.rich.title)
    expect(page.locator("#obstacle-count")).to_contain_text(" – ")


def _rich_entry(page: Page, scene: Scene) -> None:
    expect(page.locator("h1")).to_have_attribute("lang", "sv")
    expect(page.locator("#obstacle-mitigations-title ~ ul li")).to_have_count(2)
    expect(page.locator("#obstacle-articles-title ~ ul li")).to_have_count(1)
    expect(page.locator("#met .obstacle-met-notes li")).to_have_count(2)
    expect(page.locator("#obstacle-partnerships-title ~ p").first).to_contain_text("1")


def _endorse_form(page: Page, scene: Scene) -> None:
    _rich_entry(page, scene)
    expect(page.locator("#met #id_note")).to_be_visible()
    # A party to the partnership that met it sees which one.
    expect(page.locator(f"main a[href='/partnerships/{scene.partnership.pk}/']")).to_be_visible()


def _endorse_too_long(page: Page, scene: Scene) -> None:
    """A note past the limit (the field's maxlength taken away, as an old or edited page would
    send it): refused beside the field, announced, the text kept, nothing stored."""
    note = page.locator("#met #id_note")
    note.evaluate("field => field.removeAttribute('maxlength')")
    typed = "Vårdcentralen i Kiruna. " * 13  # 312 characters
    note.fill(typed)
    _submit(page, "#met form button[type='submit']")
    expect(page.locator("#met .error-summary")).to_be_focused()
    expect(page.locator("#met #id_note")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#met #id_note")).to_have_value(typed)
    assert not scene.rich.endorsements.filter(user=scene.member).exists()


def _endorsed(page: Page, scene: Scene) -> None:
    expect(page.locator("#met button[name='remove']")).to_be_visible()


def _sent_back(page: Page, scene: Scene) -> None:
    expect(page.locator(".obstacle-status-banner")).to_contain_text("testmiljö")
    expect(
        page.locator(f".obstacle-status-banner a[href='/obstacles/{scene.asked.pk}/edit/']")
    ).to_be_visible()


def _every_state(page: Page, scene: Scene) -> None:
    for status in ("draft", "changes_requested", "published", "rejected", "withdrawn", "merged"):
        expect(page.locator(f"main .obstacle-status-{status}").first).to_be_visible()


def _edit_conflict(page: Page, scene: Scene) -> None:
    """The author edits while the same entry is saved elsewhere: 409, their text kept."""
    services.obstacle_update(
        obstacle=scene.asked,
        actor=scene.member,
        expected_version=scene.asked.version,
        data={"title": "Ingen testmiljö hos regionen (ändrad i ett annat fönster)"},
    )
    page.fill("#id_description", "Testmiljön saknades i åtta månader.")
    _submit(page, "form.obstacle-form button[value='save']")
    expect(page.locator(".conflict")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("Testmiljön saknades i åtta månader.")


def _move_conflict(page: Page, scene: Scene) -> None:
    """The reviewer publishes an entry corrected meanwhile: 409, the entry as it is now."""
    entry = services.obstacle_claim(obstacle=scene.waiting, reviewer=scene.reviewer)
    services.obstacle_update(
        obstacle=entry,
        actor=scene.reviewer,
        expected_version=entry.version,
        data={"title": "Journalen tar inte emot mätvärden från hemmet"},
    )
    _submit(page, ".move-publish button[type='submit']")
    expect(page.locator(".move-publish .error-summary")).to_be_focused()
    expect(page.locator("h1")).to_contain_text("mätvärden från hemmet")


def _note_with_errors(page: Page, scene: Scene) -> None:
    _submit(page, f"form[action='/partnerships/{scene.partnership.pk}/obstacles/'] button")
    expect(page.locator("#id_obstacle-text")).to_have_attribute("aria-invalid", "true")


def _notes_shown(page: Page, scene: Scene) -> None:
    notes = page.locator("#obstacles .obstacle-notes > li")
    expect(notes).to_have_count(3)
    expect(page.locator(f"#obstacle-note-{scene.linked_note.pk} a[lang='sv']")).to_have_text(
        scene.rich.title
    )
    expect(page.locator(f"a[href='/obstacles/links/notes/{scene.open_note.pk}/']")).to_be_visible()


def _candidates(page: Page, scene: Scene) -> None:
    expect(page.locator(".link-candidates li").first).to_be_visible()


def _link_refused(page: Page, scene: Scene) -> None:
    """The entry chosen was withdrawn while the page was open: refused, announced."""
    entry = Obstacle.objects.get(pk=scene.rich.pk)
    services.obstacle_move(obstacle=entry, actor=scene.reviewer, move=M.WITHDRAW, reason="Gammal.")
    _submit(page, f".link-candidates form:has(input[value='{scene.rich.pk}']) button")
    expect(page.locator(".error-summary")).to_be_focused()
    assert ObstacleNote.objects.get(pk=scene.open_note.pk).obstacle_id is None


def _guide_region_error(page: Page, scene: Scene) -> None:
    expect(page.locator("#id_region")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#step-test")).to_be_visible()


@dataclass(frozen=True)
class Case:
    who: str  # "anonymous" or a Scene attribute
    path: Callable[[Scene], str]
    then: Callable[[Page, Scene], None] | None = None
    status: int = 200
    # Where the page ends up, when not at `path` (a redirect).
    lands: Callable[[Scene], str] | None = None
    # The case provokes a 4xx on purpose (the browser logs it).
    refused: bool = False


def _p(url: str) -> Callable[[Scene], str]:
    return lambda s: url


CASES: dict[str, Case] = {
    # The public list
    "list": Case("anonymous", _p("/obstacles/")),
    "list-page-2": Case("anonymous", _p("/obstacles/?page=2")),
    "list-search": Case("anonymous", _p("/obstacles/?q=hemmätningarna"), then=_searched),
    "list-search-misspelt": Case(
        "anonymous", _p("/obstacles/?q=hemmätnigar+vårdcentalens"), then=_spelt_alike
    ),
    "list-nothing-found": Case(
        "anonymous", _p("/obstacles/?category=financing&severity=1"), then=_nothing_found
    ),
    "list-every-filter": Case(
        "anonymous",
        _p(
            "/obstacles/?q=journal&category=it-interoperability&step=test&actor=patients"
            "&region=uppsala&severity=4&sort=met"
        ),
        then=_searched,
    ),
    "list-filter-errors": Case(
        "anonymous",
        _p("/obstacles/?category=nope&severity=9&sort=oldest&region=uppsala"),
        then=_filter_errors,
    ),
    "list-reviewer": Case("reviewer", _p("/obstacles/")),
    "list-member": Case("member", _p("/obstacles/?region=national")),
    # An entry's page
    "detail": Case("anonymous", lambda s: f"/obstacles/{s.rich.pk}/", then=_rich_entry),
    "detail-english-entry": Case("anonymous", lambda s: f"/obstacles/{s.english.pk}/"),
    "detail-member": Case("member", lambda s: f"/obstacles/{s.rich.pk}/", then=_endorse_form),
    "detail-endorse-with-errors": Case(
        "member", lambda s: f"/obstacles/{s.rich.pk}/", then=_endorse_too_long, refused=True
    ),
    "detail-endorsed": Case("neighbour", lambda s: f"/obstacles/{s.rich.pk}/", then=_endorsed),
    "detail-reviewer": Case("reviewer", lambda s: f"/obstacles/{s.rich.pk}/"),
    "detail-sent-back": Case("member", lambda s: f"/obstacles/{s.asked.pk}/", then=_sent_back),
    "detail-merged-address": Case(
        "anonymous",
        lambda s: f"/obstacles/{s.merged.pk}/",
        lands=lambda s: f"/obstacles/{s.rich.pk}/",
    ),
    # The process guide
    "guide": Case("anonymous", _p("/partnerships/guide/")),
    "guide-region": Case("anonymous", _p("/partnerships/guide/?region=uppsala")),
    "guide-region-error": Case(
        "anonymous", _p("/partnerships/guide/?region=atlantis"), then=_guide_region_error
    ),
    # A partnership's obstacle notes and the register
    "partnership-notes-member": Case(
        "member", lambda s: f"/partnerships/{s.partnership.pk}/", then=_notes_shown
    ),
    "partnership-notes-coordinator": Case(
        "coordinator", lambda s: f"/partnerships/{s.partnership.pk}/", then=_notes_shown
    ),
    "partnership-note-with-errors": Case(
        "member",
        lambda s: f"/partnerships/{s.partnership.pk}/",
        then=_note_with_errors,
        refused=True,
    ),
    "link-note": Case("member", lambda s: f"/obstacles/links/notes/{s.open_note.pk}/"),
    "link-note-search": Case(
        "member",
        lambda s: f"/obstacles/links/notes/{s.open_note.pk}/?q=journalen",
        then=_candidates,
    ),
    "link-note-linked": Case(
        "coordinator",
        lambda s: f"/obstacles/links/notes/{s.linked_note.pk}/?q={s.rich.pk}",
        then=_candidates,
    ),
    "link-note-refused": Case(
        "member",
        lambda s: f"/obstacles/links/notes/{s.open_note.pk}/?q={s.rich.pk}",
        then=_link_refused,
        refused=True,
    ),
    # States of the author and review pages not covered by their own browser tests
    "mine-every-state": Case("member", _p("/obstacles/mine/"), then=_every_state),
    "mine-empty": Case("neighbour", _p("/obstacles/mine/")),
    "edit-conflict": Case(
        "member", lambda s: f"/obstacles/{s.asked.pk}/edit/", then=_edit_conflict, refused=True
    ),
    "review-move-conflict": Case(
        "reviewer",
        lambda s: f"/obstacles/review/{s.waiting.pk}/",
        then=_move_conflict,
        refused=True,
    ),
    "review-merged": Case("reviewer", lambda s: f"/obstacles/review/{s.merged.pk}/"),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_obstacle_page_is_accessible(
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
    if case.refused:
        console_errors.allow(r"status of 40[09] ")
    path = case.path(scene)
    response = page.goto(path)
    assert response is not None
    assert response.status == case.status, f"{path}: {response.status}"
    lands = case.lands(scene) if case.lands else path
    assert unquote(page.url) == f"{live_server.url}{lands}", f"{path} led to {page.url}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    if case.then is not None:
        case.then(page, scene)
        expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)


# --- The keyboard ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv"])
def test_a_note_is_linked_to_the_register_with_the_keyboard_only(
    page: Page, context: BrowserContext, live_server: Any, scene: Scene, language: str
) -> None:
    note = scene.open_note
    act_as(page, context, live_server.url, scene, "member", language)
    page.goto(f"/obstacles/links/notes/{note.pk}/")
    htmx_ready(page)
    page.evaluate("window.__sameDocument = true")

    tab_to(page, "#id_q")
    page.keyboard.type("hemmätningarna")  # an inflected form the entry does not use
    page.keyboard.press("Enter")
    candidate = page.locator(f".link-candidates form:has(input[value='{scene.rich.pk}']) button")
    expect(candidate).to_be_visible()
    htmx_settled(page)
    expect(page).to_have_url(re.compile(r"[?&]q=hemm"))
    assert page.evaluate("window.__sameDocument") is True  # htmx, no reload
    expect(page.locator(".link-count")).to_contain_text("hemmätningarna")
    assert_no_axe_violations(page)

    tab_to(page, f".link-candidates form:has(input[value='{scene.rich.pk}']) button")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(rf"/partnerships/{scene.partnership.pk}/(#obstacle-note-{note.pk})?$")
    )
    expect(
        page.locator(f"#obstacle-note-{note.pk} a[href='/obstacles/{scene.rich.pk}/']")
    ).to_be_visible()
    note.refresh_from_db()
    assert note.obstacle_id == scene.rich.pk
    assert_no_axe_violations(page)
