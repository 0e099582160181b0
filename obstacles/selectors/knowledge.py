"""Reads for knowledge articles and mitigations, already scoped to the user.

Every function makes a fixed number of queries whatever the number of rows (related rows come
with `select_related` / `prefetch_related`). Full-text search on PostgreSQL uses the
`search_vector` a trigger keeps (migration 0003: the article's own language decides swedish or
english stemming, the title is also indexed with `simple`); the query is parsed with each of
those configurations, so an inflected Swedish word ("molntjänsterna") finds its stem
("molntjänster") and an English one its English stem. When nothing matches, titles similar to
the words typed (trigram word similarity) are offered instead. On SQLite (the embedded default)
the search is a plain `icontains`.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value

from partnerships.permissions import partnerships_visible_to

from ..models import KnowledgeArticle, Mitigation, Obstacle
from ..permissions.entries import is_obstacle_reviewer
from ..permissions.knowledge import _signed_in
from ..workflow import ArticleStatus, MitigationStatus, ObstacleStatus

SEARCH_CONFIGS = ("swedish", "english", "simple")
MAX_QUERY_LENGTH = 200


def _uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _search_query(text: str) -> SearchQuery:
    """The words parsed by each configuration (web-search syntax: "quotes", or, -not), OR-ed."""
    parts = [SearchQuery(text, config=config, search_type="websearch") for config in SEARCH_CONFIGS]
    query = parts[0]
    for part in parts[1:]:
        query = query | part
    return query


@dataclass
class ArticleSearch:
    """The articles to show and how they were found: `similar` when no article matched the
    words and titles resembling them are shown instead."""

    articles: QuerySet[KnowledgeArticle]
    query: str = ""
    similar: bool = False


def _published_articles() -> QuerySet[KnowledgeArticle]:
    return KnowledgeArticle.objects.filter(status=ArticleStatus.PUBLISHED).defer(
        "body", "search_vector"
    )


def article_search(*, topic: str = "", query: str = "") -> ArticleSearch:
    """Published articles, filtered by topic and searched by `query` (best match first;
    otherwise the most recently published first)."""
    qs = _published_articles()
    if topic:
        qs = qs.filter(topic=topic)
    query = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    if not query:
        return ArticleSearch(articles=qs.order_by("-published_at", "-id"))
    if not _uses_postgres():
        words = Q(title__icontains=query) | Q(summary__icontains=query) | Q(body__icontains=query)
        return ArticleSearch(
            articles=qs.filter(words).order_by("-published_at", "-id"), query=query
        )
    search = _search_query(query)
    found = (
        qs.filter(search_vector=search)
        .annotate(rank=SearchRank(F("search_vector"), search))
        .order_by("-rank", "-published_at", "-id")
    )
    if found.exists():
        return ArticleSearch(articles=found, query=query)
    similar = qs.filter(title__trigram_word_similar=query).order_by("-published_at", "-id")
    return ArticleSearch(articles=similar, query=query, similar=True)


def articles_unpublished_for(*, user: Any) -> QuerySet[KnowledgeArticle]:
    """Drafts and unpublished articles the user works on: reviewers see all of them, authors
    their own (oldest change last)."""
    qs = KnowledgeArticle.objects.exclude(status=ArticleStatus.PUBLISHED).defer(
        "body", "search_vector"
    )
    if not is_obstacle_reviewer(user):
        if not _signed_in(user):
            return qs.none()
        qs = qs.filter(author_id=user.pk)
    return qs.select_related("author").order_by("-updated_at", "-id")


def _obstacles_shown(user: Any) -> QuerySet[Obstacle]:
    """The linked obstacles a page lists: published ones; reviewers also see the others."""
    qs = Obstacle.objects.select_related("category").only(
        "id",
        "title",
        "status",
        "language",
        "severity",
        "category__slug",
        "category__name_sv",
        "category__name_en",
    )
    if not is_obstacle_reviewer(user):
        qs = qs.filter(status=ObstacleStatus.PUBLISHED)
    return qs.order_by("pk")


def article_obstacles(*, article: KnowledgeArticle, user: Any) -> list[Obstacle]:
    """The obstacles the article addresses that the user may open from its page."""
    return list(_obstacles_shown(user).filter(knowledge_articles=article))


def article_references(*, article: KnowledgeArticle) -> list[str]:
    return [line.strip() for line in (article.references or "").splitlines() if line.strip()]


def articles_for_obstacle(*, obstacle: Obstacle) -> QuerySet[KnowledgeArticle]:
    """Published articles linked to an obstacle (for the obstacle's page)."""
    return _published_articles().filter(obstacles=obstacle).order_by("-published_at", "-id")


# --- Mitigations -------------------------------------------------------------------------------


def _with_partnership_visibility(qs: QuerySet[Mitigation], user: Any) -> QuerySet[Mitigation]:
    """Each mitigation gets `partnership_visible`: may this user see the partnership it names?
    (One subquery, not one query per row.)"""
    if not _signed_in(user):
        return qs.annotate(partnership_visible=Value(False, output_field=BooleanField()))
    visible = partnerships_visible_to(user).filter(pk=OuterRef("partnership_id"))
    return qs.annotate(partnership_visible=Exists(visible))


def _mitigation_rows(user: Any) -> QuerySet[Mitigation]:
    return _with_partnership_visibility(
        Mitigation.objects.select_related("author", "region", "partnership"), user
    )


def mitigation_obstacles(*, mitigation: Mitigation, user: Any) -> list[Obstacle]:
    """The obstacles a mitigation is for that the user may open from its page."""
    return list(_obstacles_shown(user).filter(mitigations=mitigation))


def mitigations_for_obstacle(*, obstacle: Obstacle, user: Any) -> QuerySet[Mitigation]:
    """Published mitigations of an obstacle (for the obstacle's page), oldest first, each with
    `partnership_visible` (name the partnership only when it is True; the region otherwise)."""
    return (
        _mitigation_rows(user)
        .filter(obstacles=obstacle, status=MitigationStatus.PUBLISHED)
        .order_by("published_at", "id")
    )


def mitigation_review_queue(*, user: Any) -> QuerySet[Mitigation]:
    """Submitted mitigations waiting for a reviewer, oldest first, with every obstacle they are
    for (reviewers see all of them)."""
    return (
        _mitigation_rows(user)
        .filter(status=MitigationStatus.SUBMITTED)
        .prefetch_related(
            Prefetch("obstacles", queryset=_obstacles_shown(user), to_attr="shown_obstacles")
        )
        .order_by("created_at", "id")
    )


def mitigations_of_author(*, user: Any) -> QuerySet[Mitigation]:
    """The user's own mitigations in every state, newest first, with their published obstacles."""
    if not _signed_in(user):
        return Mitigation.objects.none()
    return (
        _mitigation_rows(user)
        .filter(author_id=user.pk)
        .prefetch_related(
            Prefetch("obstacles", queryset=_obstacles_shown(user), to_attr="shown_obstacles")
        )
        .order_by("-created_at", "-id")
    )
