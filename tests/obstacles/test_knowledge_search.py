"""The public knowledge base list: full-text search in Swedish (inflected words, å ä ö) and
English on PostgreSQL, the misspelling fallback, the topic filter, filters in the URL, the htmx
answer, drafts never found, and a query count that does not grow with the rows."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from obstacles.models import KnowledgeArticle
from obstacles.selectors.knowledge import article_search
from obstacles.services.knowledge import article_update
from obstacles.workflow import ArticleStatus
from tests.utils import count_queries

from .test_knowledge_scene import *  # noqa: F403  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

LIST = reverse("obstacles:article_list")


@pytest.fixture
def library(article_in: Callable[..., KnowledgeArticle]) -> dict[str, KnowledgeArticle]:
    """Published articles in both languages, and a draft that must never be found."""
    published = ArticleStatus.PUBLISHED
    return {
        "cloud": article_in(
            published,
            title="Molntjänster och sekretess i vården",
            summary="När får en region lägga patientuppgifter hos en molnleverantör?",
            body="En sekretessprövning behövs före varje röjande.",
        ),
        "transfer": article_in(
            published,
            title="Överföring av personuppgifter till tredje land",
            summary="Schrems II och vad det innebär för amerikanska leverantörer.",
            body="Standardavtalsklausuler räcker inte alltid.",
            topic="third_country",
        ),
        "english": article_in(
            published,
            title="Classifying information before moving it to the cloud",
            summary="How regions classify information security levels.",
            body="Each information asset is assessed for confidentiality and integrity.",
            topic="security_classification",
            language="en",
        ),
        "procurement": article_in(
            published,
            title="Upphandling av molntjänster enligt LOU",
            summary="Krav att ställa när en region köper molntjänster.",
            body="Ställ krav på var data lagras.",
            topic="cloud_procurement",
        ),
        "draft": article_in(
            ArticleStatus.DRAFT,
            title="Molntjänsterna i utkastet",
            summary="Ett utkast om molntjänster.",
            body="Ska aldrig synas.",
        ),
    }


def _found(query: str, topic: str = "") -> list[str]:
    return [a.title for a in article_search(query=query, topic=topic).articles]


def test_an_inflected_swedish_word_finds_its_stem(library: dict[str, KnowledgeArticle]) -> None:
    found = _found("molntjänsterna")
    assert library["cloud"].title in found
    assert library["procurement"].title in found
    assert library["draft"].title not in found


def test_swedish_letters_match_inflected_forms(library: dict[str, KnowledgeArticle]) -> None:
    assert _found("överföringar") == [library["transfer"].title]
    assert _found("sekretessprövningen") == [library["cloud"].title]


def test_an_english_word_finds_the_english_article_by_its_stem(
    library: dict[str, KnowledgeArticle],
) -> None:
    assert _found("classified assets") == [library["english"].title]
    assert _found("clouds") == [library["english"].title]


def test_a_title_match_ranks_above_a_match_in_the_text(
    article_in: Callable[..., KnowledgeArticle],
) -> None:
    in_body = article_in(
        ArticleStatus.PUBLISHED,
        title="Informationsklassning",
        body="Kryptering av molntjänster nämns här i förbigående.",
    )
    in_title = article_in(ArticleStatus.PUBLISHED, title="Kryptering i molnet")
    assert _found("kryptering")[:2] == [in_title.title, in_body.title]


def test_a_misspelt_word_offers_titles_spelt_alike(library: dict[str, KnowledgeArticle]) -> None:
    search = article_search(query="molntjenster")
    titles = [a.title for a in search.articles]
    assert search.similar is True
    assert library["cloud"].title in titles
    assert library["draft"].title not in titles


def test_the_topic_filter_narrows_the_search(library: dict[str, KnowledgeArticle]) -> None:
    assert _found("molntjänster", topic="cloud_procurement") == [library["procurement"].title]
    assert _found("", topic="third_country") == [library["transfer"].title]


def test_a_change_to_the_text_is_searchable_at_once(
    library: dict[str, KnowledgeArticle], reviewer: Any
) -> None:
    article = library["procurement"]
    article_update(
        article=article,
        actor=reviewer,
        expected_version=article.version,
        data={"body": "Nu handlar det om datalagringsplatser i Norrland."},
    )
    assert _found("norrland") == [article.title]


def test_the_page_keeps_search_and_topic_in_the_url_and_shows_the_results(
    library: dict[str, KnowledgeArticle], client: Any
) -> None:
    response = client.get(LIST, {"q": "molntjänsterna", "topic": "cloud_secrecy"})

    body = response.content.decode()
    assert response.status_code == 200
    assert library["cloud"].title in body
    assert library["procurement"].title not in body
    assert library["draft"].title not in body
    assert 'value="molntjänsterna"' in body
    assert '<option value="cloud_secrecy" selected>' in body
    assert "1 article for “molntjänsterna”" in body
    assert f'lang="{library["cloud"].language}"' in body


def test_the_htmx_answer_is_the_results_and_the_count(
    library: dict[str, KnowledgeArticle], client: Any
) -> None:
    response = client.get(LIST, {"q": "molntjänster"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="article-count" hx-swap-oob="innerHTML"' in body
    assert library["cloud"].title in body


def test_a_bad_topic_is_ignored_not_an_error(
    library: dict[str, KnowledgeArticle], client: Any
) -> None:
    response = client.get(LIST, {"topic": "<script>"})
    assert response.status_code == 200
    assert library["english"].title in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


@pytest.mark.parametrize("params", [{}, {"q": "molntjänster"}, {"topic": "cloud_secrecy"}])
def test_the_list_makes_a_fixed_number_of_queries(
    params: dict[str, str], article_in: Callable[..., KnowledgeArticle], client: Any
) -> None:
    url = LIST + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")

    def add(n: int) -> None:
        for i in range(n):
            article_in(ArticleStatus.PUBLISHED, title=f"Molntjänster del {i}")

    add(2)
    few = count_queries(client, url)
    add(6)
    assert count_queries(client, url) == few
