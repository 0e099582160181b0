"""The obstacle compilation report: its content in both languages, the filters (the public list's
own), the table of contents with page numbers, hostile text, the fingerprint, the size limit and
a query count that does not grow with the rows."""

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from obstacles.models import Obstacle
from obstacles.sanitize import as_rich_text
from obstacles.selectors.public import PublicFilters
from obstacles.services import entries as services
from obstacles.services.knowledge import article_update
from obstacles.services.mitigations import mitigation_create, mitigation_move
from obstacles.workflow import ArticleStatus, MitigationStatus, ObstacleMove, ObstacleStatus
from regions.models import Region
from reports.documents import make_report_pdf
from reports.kinds import get_kind
from reports.kinds.obstacles import (
    FILTER_FIELDS,
    ObstacleCompilationParams,
    ReportTooLarge,
    filters_from,
    params_for,
)
from tests.factories import UserFactory
from tests.factories_obstacles import (
    KnowledgeArticleFactory,
    MitigationFactory,
    ObstacleFactory,
    actor,
    category,
    make_reviewer,
)
from tests.reports.pdfs import page_texts, pdf_facts, pdf_text
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

SPEC = get_kind("obstacles")
ALL = params_for(PublicFilters())


def flat(text: str) -> str:
    """pdftotext's lines joined: assertions do not depend on where lines wrap."""
    return " ".join(text.split())


def params(**filters: Any) -> dict[str, Any]:
    return params_for(PublicFilters(**filters))


def ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def register(db: Any) -> dict[str, Any]:
    """Two categories' published entries with mitigations and articles, plus what must never
    show: a draft entry, a submitted mitigation and an unpublished article."""
    uppsala = Region.objects.get(slug="uppsala")
    cloud = ObstacleFactory(
        title="Molntjänsten kräver sekretessprövning för Örebro",
        description="<p>Röjande till leverantören måste prövas först.</p>",
        evidence="<p>Beslut från förvaltningsrätten 2025.</p>",
        known_mitigation="<p>Kryptera med egen nyckel.</p>",
        category=category("data-protection-cloud"),
        region=uppsala,
        step_key="agreement",
        endorsement_count=3,
        published_at=ago(2),
        actors=[actor("company"), actor("healthcare")],
    )
    older_cloud = ObstacleFactory(
        title="Överföring till tredjeland stoppar piloten",
        category=category("data-protection-cloud"),
        region=None,
        step_key="",
        endorsement_count=1,
        published_at=ago(9),
    )
    procurement = ObstacleFactory(
        title="Upphandlingen drar ut på tiden",
        category=category("procurement-lou"),
        severity=4,
        published_at=ago(5),
    )
    MitigationFactory(
        title="Egen nyckel hos regionen",
        description="<p>Vi höll nyckeln i Sverige, så prövningen gick igenom.</p>",
        region=uppsala,
        obstacles=[cloud],
    )
    MitigationFactory(
        title="Väntande förslag som inte får synas",
        status=MitigationStatus.SUBMITTED,
        published_at=None,
        obstacles=[cloud],
    )
    KnowledgeArticleFactory(
        title="Sekretess och molntjänster i vården",
        summary="Vad OSL kräver före en överföring.",
        topic="cloud_secrecy",
        last_reviewed=dt.date(2026, 3, 3),
        obstacles=[cloud, procurement],
    )
    KnowledgeArticleFactory(
        title="Opublicerad artikel",
        status=ArticleStatus.UNPUBLISHED,
        obstacles=[cloud],
    )
    ObstacleFactory(title="Utkast som ingen ser", status=ObstacleStatus.DRAFT, published_at=None)
    return {"cloud": cloud, "older_cloud": older_cloud, "procurement": procurement}


# --- Content -------------------------------------------------------------------------------------


def test_the_english_compilation_shows_every_section_with_the_real_values(
    register: dict[str, Any],
) -> None:
    rendered = make_report_pdf(SPEC, ALL, "en")
    text = flat(pdf_text(rendered.content))

    assert "The obstacle compilation" in text
    assert "3 published obstacles" in text
    assert "Filters used None: every published obstacle" in text
    assert "Contents" in text
    cloud = register["cloud"]
    for expected in (
        f"#{cloud.pk} Molntjänsten kräver sekretessprövning för Örebro",
        "Region: Region Uppsala",
        "Co-sharing step: Agreement",
        "Severity: High",
        "Affects: Healthcare, Companies",
        "Met by: 3 organisations",
        "Röjande till leverantören måste prövas först.",
        "Evidence and sources Beslut från förvaltningsrätten 2025.",
        "Known mitigation Kryptera med egen nyckel.",
        "Mitigations • Egen nyckel hos regionen (Region where it worked: Region Uppsala)",
        "Vi höll nyckeln i Sverige, så prövningen gick igenom.",
        "Knowledge articles • Sekretess och molntjänster i vården",
        "Topic: Cloud services and secrecy; Last reviewed: 3 March 2026",
        "Vad OSL kräver före en överföring.",
        "Region: National",
        "Co-sharing step: Several steps / not specific",
        "Met by: 1 organisation ",
        "Severity: Blocking",
    ):
        assert expected in text, expected
    for hidden in ("Väntande förslag", "Opublicerad artikel", "Utkast som ingen ser"):
        assert hidden not in text
    # Categories in their order; inside one, the list's order (newest first).
    assert text.index("Upphandlingen drar ut") > text.index("Överföring till tredjeland")
    assert text.index("Molntjänsten kräver") < text.index("Överföring till tredjeland")


def test_the_swedish_compilation_keeps_swedish_letters_and_labels(
    register: dict[str, Any],
) -> None:
    rendered = make_report_pdf(SPEC, ALL, "sv")
    text = flat(pdf_text(rendered.content))

    assert "Hindersammanställningen" in text
    for expected in (
        "Molntjänsten kräver sekretessprövning för Örebro",
        "Överföring till tredjeland stoppar piloten",
        "Region: Region Uppsala",
        "Region: Nationellt",
        "Mött av: 3 organisationer",
        "Belägg och källor Beslut från förvaltningsrätten 2025.",
        "Känd lösning Kryptera med egen nyckel.",
        "Lösningar • Egen nyckel hos regionen",
        "Kunskapsartiklar • Sekretess och molntjänster i vården",
        "Senast granskad: 3 mars 2026",
        "Flera steg / inte specifikt",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_pdf_is_tagged_titled_and_in_the_chosen_language(
    register: dict[str, Any], language: str
) -> None:
    rendered = make_report_pdf(SPEC, ALL, language)
    facts = pdf_facts(rendered.content)

    title = "Hindersammanställningen" if language == "sv" else "The obstacle compilation"
    assert facts.title == title
    assert facts.language == language
    assert facts.tagged and facts.has_structure
    assert facts.attachments == 0
    # Cover, contents, one chapter per category (each starts on a new page).
    assert 4 <= facts.pages <= 6
    assert rendered.pages == facts.pages
    assert rendered.refused == ()


def test_the_contents_give_each_category_with_its_count_and_page(
    register: dict[str, Any],
) -> None:
    rendered = make_report_pdf(SPEC, ALL, "en")
    pages = [flat(p) for p in page_texts(rendered.content)]
    toc = flat(pdf_text(rendered.content, layout=False).split("\f")[1])

    for slug, count, first_title in (
        ("data-protection-cloud", 2, "Molntjänsten kräver"),
        ("procurement-lou", 1, "Upphandlingen drar ut"),
    ):
        name = category(slug).name_en
        page = next(i for i, p in enumerate(pages) if first_title in p and i > 1) + 1
        assert re.search(rf"{re.escape(name)} \({count}\)[ .]*{page}\b", toc), (name, page, toc)


def test_filters_narrow_the_compilation_and_are_named_on_the_cover(
    register: dict[str, Any],
) -> None:
    chosen = params(category="data-protection-cloud", region="uppsala", severity=3, sort="met")
    text = flat(pdf_text(make_report_pdf(SPEC, chosen, "en").content))

    assert (
        f"Filters used Category: {category('data-protection-cloud').name_en}; "
        "Region: Region Uppsala; Severity: High; Sort by: Most met"
    ) in text
    assert "All published obstacles" not in text
    assert "Molntjänsten kräver" in text
    assert "Överföring till tredjeland" not in text
    assert "Upphandlingen drar ut" not in text
    assert "1 published obstacle" in text


def test_a_search_compiles_what_the_list_finds(register: dict[str, Any]) -> None:
    text = flat(pdf_text(make_report_pdf(SPEC, params(q="upphandlingen"), "en").content))

    assert "Upphandlingen drar ut på tiden" in text
    assert "Molntjänsten kräver" not in text
    assert "Search: “upphandlingen”" in text


def test_an_empty_selection_says_so(register: dict[str, Any]) -> None:
    text = flat(pdf_text(make_report_pdf(SPEC, params(severity=1), "en").content))

    assert "0 published obstacles" in text
    assert "No published obstacle matches these filters." in text


# --- Hostile text --------------------------------------------------------------------------------

HOSTILE_TITLE = "<script>alert(1)</script> שלום עולם"
LONG_WORD = "Ö" + "x" * 2999


def test_hostile_text_renders_as_text_and_fetches_nothing(db: Any) -> None:
    obstacle = ObstacleFactory(
        title=HOSTILE_TITLE,
        description=as_rich_text(
            f'<img src="file:///etc/passwd"> Läs {LONG_WORD}\n\n<a href="file:///etc/passwd">x</a>'
        ),
        evidence=as_rich_text("مرحبا بالعالم <script>alert(2)</script>"),
    )
    MitigationFactory(
        title='<img src="file:///etc/passwd">',
        description=as_rich_text('<object data="file:///etc/passwd"></object>Det fungerade.'),
        obstacles=[obstacle],
    )
    KnowledgeArticleFactory(
        title="Artikel",
        summary='<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd">',
        obstacles=[obstacle],
    )

    rendered = make_report_pdf(SPEC, ALL, "en")
    text = flat(pdf_text(rendered.content))
    facts = pdf_facts(rendered.content)

    assert "<script>alert(1)</script>" in text
    assert "שלום" in text.replace("\u200f", "") or "םולש" in text
    assert "alert(2)" not in text  # the sanitiser removed the script on write
    assert '<img src="file:///etc/passwd">' in text  # plain text stays text
    assert "root:x:0:0" not in text
    assert "xxxxxxxxxx" in text and "Det fungerade." in text
    assert facts.attachments == 0
    assert not any("passwd" in uri for uri in facts.uris)
    assert all("passwd" not in url or url.startswith("file:") for url in rendered.refused)


# --- Fingerprint ---------------------------------------------------------------------------------


@pytest.fixture
def reviewer(db: Any) -> Any:
    return make_reviewer()


def submitted(**kwargs: Any) -> Obstacle:
    entry: Any = ObstacleFactory(status=ObstacleStatus.SUBMITTED, published_at=None, **kwargs)
    return entry  # type: ignore[no-any-return]


def test_asking_again_without_a_change_gives_the_same_fingerprint(
    register: dict[str, Any],
) -> None:
    assert SPEC.fingerprint(ALL, "sv") == SPEC.fingerprint(dict(ALL), "sv")


def test_publishing_editing_and_withdrawing_an_entry_change_the_fingerprint(
    register: dict[str, Any], reviewer: Any
) -> None:
    before = SPEC.fingerprint(ALL, "en")
    entry = services.obstacle_move(obstacle=submitted(), actor=reviewer, move=ObstacleMove.PUBLISH)
    published = SPEC.fingerprint(ALL, "en")
    assert published != before

    services.obstacle_update(
        obstacle=entry,
        actor=reviewer,
        expected_version=entry.version,
        data={"title": "Ny rubrik på hindret"},
    )
    edited = SPEC.fingerprint(ALL, "en")
    assert edited != published

    entry.refresh_from_db()
    services.obstacle_move(
        obstacle=entry, actor=reviewer, move=ObstacleMove.WITHDRAW, reason="Inaktuell"
    )
    assert SPEC.fingerprint(ALL, "en") not in {edited, published}


def test_a_new_mitigation_and_an_edited_article_change_the_fingerprint(
    register: dict[str, Any], reviewer: Any
) -> None:
    cloud = register["cloud"]
    before = SPEC.fingerprint(ALL, "en")
    mitigation = mitigation_create(
        author=UserFactory(),
        obstacles=[cloud],
        data={"title": "Ny lösning", "description": "Det gick.", "language": "sv"},
    )
    assert SPEC.fingerprint(ALL, "en") == before  # waiting for review: not shown
    mitigation_move(mitigation=mitigation, actor=reviewer, move="publish")
    with_mitigation = SPEC.fingerprint(ALL, "en")
    assert with_mitigation != before

    article = cloud.knowledge_articles.get(status=ArticleStatus.PUBLISHED)
    article_update(
        article=article,
        actor=reviewer,
        expected_version=article.version,
        data={"summary": "En ny sammanfattning."},
    )
    assert SPEC.fingerprint(ALL, "en") != with_mitigation


def test_an_endorsement_and_a_renamed_category_change_the_fingerprint(
    register: dict[str, Any],
) -> None:
    before = SPEC.fingerprint(ALL, "en")
    Obstacle.objects.filter(pk=register["cloud"].pk).update(endorsement_count=4)
    met = SPEC.fingerprint(ALL, "en")
    assert met != before

    cloud = category("data-protection-cloud")
    cloud.name_en = "Cloud and data protection"
    cloud.save()
    assert SPEC.fingerprint(ALL, "en") != met


def test_unrelated_changes_keep_the_fingerprint(register: dict[str, Any]) -> None:
    only_cloud = params(category="data-protection-cloud")
    before = SPEC.fingerprint(only_cloud, "en")

    submitted(title="Ett utkast på väg")
    ObstacleFactory(title="I en annan kategori", category=category("procurement-lou"))
    KnowledgeArticleFactory(
        title="Utkast", status=ArticleStatus.DRAFT, obstacles=[register["cloud"]]
    )

    assert SPEC.fingerprint(only_cloud, "en") == before
    assert SPEC.fingerprint(ALL, "en") != SPEC.fingerprint(only_cloud, "en")


# --- Parameters and the size limit -----------------------------------------------------------


def test_the_form_validates_like_the_list_and_gives_canonical_params(
    register: dict[str, Any],
) -> None:
    form = ObstacleCompilationParams(
        {"category": "procurement-lou", "severity": "4", "q": "  upphandling  "}
    )
    assert form.is_valid(), form.errors
    assert SPEC.params_from_form(form.cleaned_data) == params(
        category="procurement-lou", severity=4, q="upphandling"
    )
    assert filters_from(SPEC.params_from_form(form.cleaned_data)) == PublicFilters(
        category="procurement-lou", severity=4, q="upphandling"
    )

    bad = ObstacleCompilationParams({"category": "nope", "region": "atlantis", "severity": "9"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"category", "region", "severity"}
    assert bad.errors["category"] == ["Choose a category from the list."]


def test_a_selection_larger_than_the_limit_is_refused_by_form_and_worker(
    register: dict[str, Any], settings: Any
) -> None:
    settings.REPORTS_OBSTACLES_MAX = 2

    form = ObstacleCompilationParams({})
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "3 published obstacles match these filters and a PDF holds at most 2. Choose a "
        "category, a step or a region and try again."
    ]
    assert ObstacleCompilationParams({"category": "data-protection-cloud"}).is_valid()
    with pytest.raises(ReportTooLarge):
        SPEC.build_context(ALL, "en")


def test_anyone_may_ask_and_the_subject_is_the_filtered_list(register: dict[str, Any]) -> None:
    assert SPEC.public
    SPEC.check_access(AnonymousUser(), ALL)  # no Http404: anyone, even signed out
    SPEC.check_access(UserFactory(), params(category="procurement-lou"))
    assert SPEC.subject_url(ALL) == "/obstacles/"
    assert SPEC.subject_url(params(category="procurement-lou")) == (
        "/obstacles/?category=procurement-lou"
    )
    assert SPEC.subject_key(params(step="test")) != SPEC.subject_key(ALL)


# --- Queries -------------------------------------------------------------------------------------


def _grow(n: int) -> None:
    uppsala = Region.objects.get(slug="uppsala")
    for i in range(n):
        entry = ObstacleFactory(region=uppsala, actors=[actor("company"), actor("patients")])
        MitigationFactory(region=uppsala, obstacles=[entry])
        KnowledgeArticleFactory(obstacles=[entry], last_reviewed=dt.date(2026, 1, i % 28 + 1))


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "chosen", [ALL, params(category="data-protection-cloud", actor="company", q="journalsystemet")]
)
def test_building_and_fingerprinting_cost_the_same_queries_at_any_size(
    db: Any, chosen: dict[str, Any]
) -> None:
    _grow(2)
    small = (
        _queries(lambda: SPEC.build_context(chosen, "en")),
        _queries(lambda: SPEC.fingerprint(chosen, "en")),
    )
    _grow(12)
    large = (
        _queries(lambda: SPEC.build_context(chosen, "en")),
        _queries(lambda: SPEC.fingerprint(chosen, "en")),
    )
    assert len(SPEC.build_context(chosen, "en")["categories"][0]["obstacles"]) == 14
    assert small == large
    assert large[1] <= 5


# --- The panel on the public list ----------------------------------------------------------------

LIST = "/obstacles/"


def panel_inputs(body: str) -> dict[str, str]:
    """The hidden parameters of the panel's form, by name."""
    panel = body[body.index('id="report-panel-obstacles"') :]
    inputs = re.findall(r'<input type="hidden" name="(\w+)"(?: value="([^"]*)")?', panel)
    return {name: value for name, value in inputs if name in FILTER_FIELDS}


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_list_offers_the_pdf_of_the_shown_selection(
    client: Any, register: dict[str, Any], signed_in: bool
) -> None:
    if signed_in:
        client.force_login(UserFactory(preferred_language="en"))

    response = client.get(LIST, {"category": "data-protection-cloud", "severity": "3"})
    body = response.content.decode()

    assert response.status_code == 200
    assert "PDF report" in body
    assert 'action="/reports/new/obstacles/"' in body
    assert panel_inputs(body) == {
        "q": "",
        "category": "data-protection-cloud",
        "step": "",
        "actor": "",
        "region": "",
        "severity": "3",
        "sort": "",
    }


def test_the_htmx_results_carry_the_panel_for_the_new_filters(
    client: Any, register: dict[str, Any]
) -> None:
    response = client.get(
        LIST, {"region": "national", "sort": "met", "step": "nope"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()

    assert "<html" not in body
    inputs = panel_inputs(body)
    # The bad step is left out of the list, and so out of the report.
    assert (inputs["region"], inputs["sort"], inputs["step"]) == ("national", "met", "")


def test_no_panel_when_nothing_matches_and_a_note_when_too_many_do(
    client: Any, register: dict[str, Any], settings: Any
) -> None:
    nothing = client.get(LIST, {"severity": "1"}).content.decode()
    assert 'id="report-panel-obstacles"' not in nothing

    settings.REPORTS_OBSTACLES_MAX = 2
    too_many = client.get(LIST).content.decode()
    assert "A PDF of the compilation holds at most 2 obstacles." in too_many
    assert 'action="/reports/new/obstacles/"' not in too_many
    fits = client.get(LIST, {"category": "procurement-lou"}).content.decode()
    assert 'action="/reports/new/obstacles/"' in fits


def test_the_panel_keeps_the_list_query_count_fixed(client: Any, db: Any) -> None:
    _grow(1)
    client.force_login(UserFactory(preferred_language="en"))
    one = count_queries(client, LIST)
    _grow(20)
    assert count_queries(client, LIST) == one
    assert "PDF report" in client.get(LIST).content.decode()
