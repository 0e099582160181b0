"""Reads for the obstacle reviewers: the queue, an entry's review page and its possible
duplicates. Each page costs a fixed number of queries, however many rows it shows."""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value

from regions.models import Region

from ..models import Actor, Category, Obstacle, ObstacleTransition, ReviewerNote
from ..permissions.entries import is_obstacle_reviewer, obstacles_visible_to
from ..workflow import AWAITING_REVIEW, ObstacleStatus
from .authoring import step_names

NATIONAL = "national"  # the region filter's value for entries not tied to a region

# An entry may duplicate one that is published or waiting for review; drafts, rejected, merged
# and withdrawn entries are not offered as merge targets.
DUPLICATE_STATES = frozenset({ObstacleStatus.PUBLISHED, *AWAITING_REVIEW})
# Trigram similarity of the titles from which another entry counts as a possible duplicate even
# when no title word matches its text (misspellings, compound words).
TITLE_SIMILARITY = 0.2
_WORD = re.compile(r"\w{3,}")
_MAX_WORDS = 12


@dataclass(frozen=True)
class ReviewQueueFilters:
    category: str = ""  # a category's slug
    region: str = ""  # a region's slug, or NATIONAL


def review_queue(*, user: Any, filters: ReviewQueueFilters) -> QuerySet[Obstacle]:
    """Entries waiting for a reviewer (submitted or in review), the longest waiting first; for
    reviewers only (anyone else gets nothing)."""
    if not is_obstacle_reviewer(user):
        return Obstacle.objects.none()
    qs = obstacles_visible_to(user).filter(status__in=AWAITING_REVIEW)
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.region == NATIONAL:
        qs = qs.filter(region__isnull=True)
    elif filters.region:
        qs = qs.filter(region__slug=filters.region)
    return qs.select_related("category", "region", "author", "organisation", "claimed_by").order_by(
        F("submitted_at").asc(nulls_last=True), "id"
    )


def review_queue_categories() -> QuerySet[Category]:
    """Every category, retired ones too: entries written before may still wait in them."""
    return Category.objects.order_by("order", "slug")


def review_queue_regions() -> QuerySet[Region]:
    return Region.objects.order_by("code")


@dataclass
class ReviewPage:
    obstacle: Obstacle
    step_name: str
    actors: list[Actor] = field(default_factory=list)
    history: list[ObstacleTransition] = field(default_factory=list)
    notes: list[ReviewerNote] = field(default_factory=list)
    duplicates: list[Obstacle] = field(default_factory=list)


def obstacle_review_page(*, obstacle: Obstacle) -> ReviewPage:
    """Everything the review page shows about one entry (fetched with its category, region,
    author, organisation, claim holder and merge target, as `get_obstacle_for_user_or_404`
    gives it): its actors, history, the reviewers' notes and its possible duplicates."""
    names = step_names()
    return ReviewPage(
        obstacle=obstacle,
        step_name=names.get(obstacle.step_key, obstacle.step_key),
        actors=list(obstacle.actors.order_by("order", "slug")),
        history=obstacle_history(obstacle=obstacle),
        notes=reviewer_notes(obstacle=obstacle),
        duplicates=obstacle_possible_duplicates(obstacle, limit=5),
    )


def obstacle_history(*, obstacle: Obstacle) -> list[ObstacleTransition]:
    """Every move of the entry, oldest first, with who made it."""
    return list(
        ObstacleTransition.objects.filter(obstacle=obstacle)
        .select_related("actor", "merged_into")
        .order_by("created_at", "id")
    )


def reviewer_notes(*, obstacle: Obstacle) -> list[ReviewerNote]:
    """The reviewers' private notes on the entry, oldest first."""
    return list(
        ReviewerNote.objects.filter(obstacle=obstacle)
        .select_related("author")
        .order_by("created_at", "id")
    )


def _title_words(title: str) -> list[str]:
    words: list[str] = []
    for word in _WORD.findall((title or "").lower()):
        if not word.isdigit() and word not in words:
            words.append(word)
    return words[:_MAX_WORDS]


def obstacle_possible_duplicates(obstacle: Obstacle, *, limit: int = 5) -> list[Obstacle]:
    """Up to `limit` published or waiting entries (other than `obstacle` itself) that may
    describe the same obstacle, the likeliest first.

    On PostgreSQL: trigram similarity of the titles plus a full-text match of the title's words
    (stemmed in the entry's language, and as written) against the other entries' search vector,
    which holds their title and text. On SQLite: the number of title words the titles share.
    """
    words = _title_words(obstacle.title)
    candidates = (
        Obstacle.objects.filter(status__in=DUPLICATE_STATES)
        .exclude(pk=obstacle.pk)
        .select_related("category", "region")
    )
    if connection.vendor != "postgresql":
        return _duplicates_by_shared_words(candidates, words, limit)
    similarity = TrigramSimilarity("title", obstacle.title)
    condition = Q(similarity__gte=TITLE_SIMILARITY)
    annotations: dict[str, Any] = {"similarity": similarity}
    if words:
        config = "english" if obstacle.language == "en" else "swedish"
        query = reduce(
            or_,
            [SearchQuery(w, config=config) | SearchQuery(w, config="simple") for w in words],
        )
        annotations["rank"] = SearchRank(F("search_vector"), query)
        condition |= Q(search_vector=query)
    else:
        annotations["rank"] = Value(0.0, output_field=FloatField())
    return list(
        candidates.annotate(**annotations)
        .filter(condition)
        .annotate(score=F("similarity") + F("rank"))
        .order_by("-score", "-id")[:limit]
    )


def _duplicates_by_shared_words(
    candidates: QuerySet[Obstacle], words: list[str], limit: int
) -> list[Obstacle]:
    if not words:
        return []
    rows = list(
        candidates.filter(reduce(or_, [Q(title__icontains=w) for w in words])).order_by("-id")[:200]
    )
    wanted = set(words)
    scored = [(len(wanted & set(_title_words(row.title))), row) for row in rows]
    scored = [(shared, row) for shared, row in scored if shared]
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return [row for _shared, row in scored[:limit]]
