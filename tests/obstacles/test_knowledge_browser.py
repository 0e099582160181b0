"""axe-core on every knowledge-base and solution page, for the person who sees it, in Swedish and
in English, in a real Chromium (tests/browser/conftest.py's fixtures and helpers).

Each case opens one page as one person (their profile's language; anonymous visitors by the
language cookie), optionally sends a form with an error first (the error summary must be
announced and the typed text kept), and fails with axe's report. The autouse `console_errors`
fixture fails a case whose page logged a console error (a CSP block, an unexpected 4xx/5xx).
Plus the knowledge base's search and topic filter driven by htmx: the URL follows the filters.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from obstacles.models import KnowledgeArticle, Mitigation, Obstacle
from obstacles.services import knowledge as article_services
from obstacles.services import mitigations as mitigation_services
from obstacles.services.entries import obstacle_create, obstacle_move
from obstacles.workflow import ObstacleMove
from regions.models import Region
from tests.browser.conftest import (  # noqa: F401  (fixtures this module needs)
    BROWSER_TEST,
    _reference_data,
    assert_no_axe_violations,
    browser_context_args,
    browser_type_launch_args,
    console_errors,
    context,
    sign_in_staff,
    use_language,
)
from tests.factories import OrganisationFactory
from tests.factories_obstacles import actor, category, make_reviewer
from tests.factories_process import make_company_member, make_partnership, make_region_person

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]


@dataclass
class Scene:
    reviewer: Any
    coordinator: Any
    member: Any
    obstacle: Obstacle
    article: KnowledgeArticle
    draft: KnowledgeArticle
    published: Mitigation
    waiting: Mitigation


@pytest.fixture
def scene(language: str) -> Scene:
    region = Region.objects.get(slug="uppsala")
    company = OrganisationFactory(name="CareSense AB")
    member = make_company_member(company, email="kim@caresense.example.se", name="Kim Berg")
    coordinator = make_region_person(
        "uppsala", email="coordinator@uppsala.example.se", name="Cora Samordnare"
    )
    reviewer = make_reviewer(email="rut@granskning.example.se", name="Rut Granskare")
    for person in (member, coordinator, reviewer):
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
    partnership = make_partnership(
        "uppsala", company=company, coordinator=coordinator, author=member
    )

    entry = obstacle_create(
        author=member,
        data={
            "title": "Molnlagring av patientdata nekas",
            "description": "Regionen säger nej till molnlagring.",
            "category": category("data-protection-cloud"),
            "step_key": "test",
            "actors": [actor("company")],
            "region": region,
            "severity": 3,
            "evidence": "",
            "known_mitigation": "",
            "language": "sv",
        },
    )
    entry = obstacle_move(obstacle=entry, actor=member, move=ObstacleMove.SUBMIT)
    entry = obstacle_move(obstacle=entry, actor=reviewer, move=ObstacleMove.PUBLISH)

    def article(title: str, **extra: Any) -> KnowledgeArticle:
        return article_services.article_create(
            author=coordinator,
            data={
                "title": title,
                "summary": "Vad sekretesslagen innebär för molntjänster.",
                "body": "Röjande kräver en sekretessprövning.\n\n<ul><li>Kryptera</li></ul>",
                "references": "OSL (2009:400)\nhttps://example.se/vagledning",
                "topic": "cloud_secrecy",
                "language": "sv",
                **extra,
            },
            obstacles=[entry],
        )

    published_article = article_services.article_move(
        article=article("Molntjänster och sekretess"), actor=reviewer, move="publish"
    )
    english = article(
        "Classifying information for the cloud", topic="security_classification", language="en"
    )
    article_services.article_move(article=english, actor=reviewer, move="publish")
    draft = article("Utkast om tredjelandsöverföring", topic="third_country")

    def mitigation(title: str) -> Mitigation:
        return mitigation_services.mitigation_create(
            author=member,
            obstacles=[entry],
            data={
                "title": title,
                "description": "Vi valde en svensk leverantör.",
                "region": None,
                "partnership": partnership,
                "language": "sv",
            },
        )

    published = mitigation_services.mitigation_move(
        mitigation=mitigation("Svensk molnleverantör"), actor=reviewer, move="publish"
    )
    waiting = mitigation("Kryptering med egna nycklar")
    return Scene(
        reviewer=reviewer,
        coordinator=coordinator,
        member=member,
        obstacle=entry,
        article=published_article,
        draft=draft,
        published=published,
        waiting=waiting,
    )


@dataclass
class Case:
    who: str  # "anonymous" or a Scene attribute
    url: Callable[[Scene], str]
    # Fills and sends the page's form with an error before axe runs; returns text to find again.
    with_error: Callable[[Page], str] | None = None


def _send_without_text(page: Page) -> str:
    page.locator("#id_title").fill("Min rubrik")
    page.locator("#id_description, #id_summary").first.fill("")
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type='submit']").first.click()
    return "Min rubrik"


def _reject_without_reason(page: Page) -> str:
    with page.expect_navigation(wait_until="load"):
        page.locator("main form.mitigation-decision button[value='reject']").first.click()
    return ""


CASES = {
    "list": Case("anonymous", lambda s: "/obstacles/knowledge/?q=molntjänsterna"),
    "list-similar": Case("anonymous", lambda s: "/obstacles/knowledge/?q=molntjenster"),
    "list-reviewer": Case("reviewer", lambda s: "/obstacles/knowledge/"),
    "article": Case("anonymous", lambda s: s.article.get_absolute_url()),
    "article-reviewer": Case("reviewer", lambda s: s.draft.get_absolute_url()),
    "article-new": Case("coordinator", lambda s: "/obstacles/knowledge/new/", _send_without_text),
    "article-edit": Case("coordinator", lambda s: f"/obstacles/knowledge/{s.draft.pk}/edit/"),
    "solution": Case("anonymous", lambda s: s.published.get_absolute_url()),
    "solution-author": Case("member", lambda s: s.waiting.get_absolute_url()),
    "solution-new": Case(
        "member", lambda s: f"/obstacles/{s.obstacle.pk}/mitigations/new/", _send_without_text
    ),
    "solution-edit": Case("member", lambda s: f"/obstacles/mitigations/{s.waiting.pk}/edit/"),
    "solutions-mine": Case("member", lambda s: "/obstacles/mitigations/mine/"),
    "queue": Case("reviewer", lambda s: "/obstacles/mitigations/review/", _reject_without_reason),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(CASES))
def test_axe_finds_nothing_on_the_knowledge_and_solution_pages(
    name: str,
    language: str,
    scene: Scene,
    page: Page,
    live_server: Any,
    console_errors: Any,  # noqa: F811
) -> None:
    case = CASES[name]
    if case.who == "anonymous":
        use_language(page.context, live_server.url, language)
    else:
        # A session made by the test client (staff sign in with a second factor).
        sign_in_staff(page, live_server.url, getattr(scene, case.who))
    page.goto(case.url(scene))
    expect(page.locator("html")).to_have_attribute("lang", language)
    if case.with_error is not None:
        console_errors.allow(r"status of 40[09]")
        kept = case.with_error(page)
        expect(page.locator(".error-summary")).to_be_focused()
        if kept:
            expect(page.locator("#id_title")).to_have_value(kept)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["sv"])
def test_search_and_topic_update_the_list_and_the_url_with_htmx(
    language: str, scene: Scene, page: Page, live_server: Any
) -> None:
    use_language(page.context, live_server.url, language)
    page.goto("/obstacles/knowledge/")
    page.locator("#id_topic").select_option("security_classification")

    expect(page.locator("#article-results")).to_contain_text("Classifying information")
    expect(page.locator("#article-results")).not_to_contain_text("Molntjänster och sekretess")
    expect(page).to_have_url(re.compile(r"[?&]topic=security_classification"))
    expect(page.locator("#article-count")).to_contain_text("1")
    assert_no_axe_violations(page)
