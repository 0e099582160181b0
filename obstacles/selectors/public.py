"""The public compilation: what anyone may read of the obstacle register.

Only published entries appear here, whoever asks; drafts, entries in review, rejected, merged and
withdrawn ones never do (their authors and the reviewers reach them through
`obstacles.permissions.entries`).

Search (PostgreSQL): the `search_vector` a trigger keeps current (migration 0003) is matched with
`websearch_to_tsquery` in both the Swedish and the English configuration, OR-ed, so an inflected
Swedish word ("journalsystemen") finds its stem and so does an English one ("transfers"), and a
word that is a stop word in one language still counts in the other. Results are ranked with
`ts_rank` unless the visitor chose a sort. When nothing matches, the titles spelt most alike
(`word_similarity` >= TRIGRAM_THRESHOLD, at most SIMILAR_LIMIT) are offered instead, for
misspellings. On SQLite (the
embedded default) a plain case-insensitive substring search on title and description is used.

Every page of results costs the same number of queries, however many rows there are.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse

from partnerships.models import ObstacleNote, Partnership, ProcessStep
from partnerships.permissions.base import partnerships_visible_to
from partnerships.selectors.dashboards import DEFAULT_FAMILY
from portal.accounts.selectors import user_memberships

from ..models import Actor, Category, Endorsement, KnowledgeArticle, Mitigation, Obstacle
from ..workflow import ArticleStatus, MitigationStatus, ObstacleStatus

# word_similarity(query, title) at or above this counts as "spelt alike" in the fallback,
# which offers at most SIMILAR_LIMIT entries (the best first): suggestions, not a result set.
TRIGRAM_THRESHOLD = 0.3
SIMILAR_LIMIT = 100
SEARCH_CONFIGS = ("swedish", "english")
NATIONAL = "national"
SORTS = ("newest", "met", "severity")
# The newest first breaks every tie, so pages never shuffle between requests.
NEWEST = ("-published_at", "-id")
ORDERINGS: dict[str, tuple[Any, ...]] = {
    "newest": NEWEST,
    "met": ("-endorsement_count", *NEWEST),
    "severity": ("-severity", *NEWEST),
}
# How many "where we met it" notes the entry's page lists.
MET_NOTES_SHOWN = 10


@dataclass(frozen=True)
class PublicFilters:
    """What the visitor narrowed the compilation by (already validated by the filter form)."""

    q: str = ""
    category: str = ""  # Category.slug
    step: str = ""  # ProcessStep.key of the default template
    actor: str = ""  # Actor.slug
    region: str = ""  # Region.slug, or NATIONAL for entries without a region
    severity: int | None = None
    sort: str = ""  # one of SORTS; empty: best match when searching, newest otherwise


@dataclass
class PublishedResults:
    obstacles: QuerySet[Obstacle]
    # Nothing matched the words as such: these are the entries whose titles are spelt alike.
    similar_only: bool = False
    # How many full-text matches there are, when the search already counted them.
    count: int | None = None


def published_obstacles() -> QuerySet[Obstacle]:
    """Published entries with what a list row shows (category, region, actors)."""
    return (
        Obstacle.objects.filter(status=ObstacleStatus.PUBLISHED)
        .select_related("category", "region")
        .prefetch_related(Prefetch("actors", queryset=Actor.objects.order_by("order", "slug")))
    )


def _filtered(qs: QuerySet[Obstacle], filters: PublicFilters) -> QuerySet[Obstacle]:
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.step:
        qs = qs.filter(step_key=filters.step)
    if filters.actor:
        # Actor slugs are unique, so the join yields each entry at most once.
        qs = qs.filter(actors__slug=filters.actor)
    if filters.region == NATIONAL:
        qs = qs.filter(region__isnull=True)
    elif filters.region:
        qs = qs.filter(region__slug=filters.region)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    return qs


def search_query(q: str) -> SearchQuery:
    """The visitor's words in web-search syntax, in Swedish OR English."""
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIGS[0])
    for config in SEARCH_CONFIGS[1:]:
        query |= SearchQuery(q, search_type="websearch", config=config)
    return query


def obstacle_results(*, filters: PublicFilters) -> PublishedResults:
    """Published entries matching the filters and the search, in the chosen order.

    With a search on PostgreSQL this runs one COUNT query (answered from the search index) to
    decide between the full-text results and the misspelling fallback, and hands the number on
    (`count`) so the page does not count again; the queryset itself stays lazy. (An EXISTS
    with LIMIT 1 let PostgreSQL pick a sequential scan for a common word, and read the whole
    table when nothing matched.)
    """
    qs = _filtered(published_obstacles(), filters)
    ordering = ORDERINGS.get(filters.sort)
    q = filters.q.strip()
    if not q:
        return PublishedResults(qs.order_by(*(ordering or NEWEST)))
    if connection.vendor != "postgresql":
        matched = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
        return PublishedResults(matched.order_by(*(ordering or NEWEST)))
    query = search_query(q)
    matched = qs.filter(search_vector=query)
    count = matched.count()
    if count:
        if ordering:
            return PublishedResults(matched.order_by(*ordering), count=count)
        ranked = matched.annotate(rank=SearchRank(F("search_vector"), query))
        return PublishedResults(ranked.order_by("-rank", *NEWEST), count=count)
    ids = _similar_title_ids(qs, q)
    similar = qs.filter(pk__in=ids).annotate(similarity=TrigramWordSimilarity(q, "title"))
    return PublishedResults(
        similar.order_by(*(ordering or ("-similarity", *NEWEST))),
        similar_only=True,
    )


def _similar_title_ids(qs: QuerySet[Obstacle], q: str) -> list[int]:
    """The SIMILAR_LIMIT entries of `qs` whose titles are most alike `q` (word similarity at
    least TRIGRAM_THRESHOLD), best first.

    The trigram GIN index (migration 0003) answers `title %> q`, but PostgreSQL's planner
    underrates what `word_similarity` costs per row and prefers a sequential scan once a word
    is common (about 1 s at 100,000 entries against about 0.1 s through the index; see
    bench/compilation.py). So, for this one query only (SET LOCAL, inside its own transaction),
    sequential scans are discouraged and the operator's threshold is lowered to ours.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true), "
                "set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(TRIGRAM_THRESHOLD)],
            )
        return list(
            qs.filter(title__trigram_word_similar=q)
            .annotate(similarity=TrigramWordSimilarity(q, "title"))
            .order_by("-similarity", *NEWEST)
            .values_list("pk", flat=True)[:SIMILAR_LIMIT]
        )


def obstacle_list_published(*, filters: PublicFilters) -> QuerySet[Obstacle]:
    """Published entries matching `filters` (search included), in the chosen order."""
    return obstacle_results(filters=filters).obstacles


# --- What the filter form offers -----------------------------------------------------------


def default_process_steps() -> list[ProcessStep]:
    """The steps of the national default process template, in order (one query)."""
    return list(
        ProcessStep.objects.filter(
            template__family=DEFAULT_FAMILY,
            template__region__isnull=True,
            template__is_current=True,
        ).order_by("order")
    )


def filter_choices() -> dict[str, list[Any]]:
    """Categories, default process steps, actors and regions to filter by (four queries)."""
    from regions.models import Region

    return {
        "categories": list(Category.objects.order_by("order", "slug")),
        "steps": default_process_steps(),
        "actors": list(Actor.objects.order_by("order", "slug")),
        "regions": list(Region.objects.order_by("code")),
    }


# --- One entry's page ------------------------------------------------------------------------


def endorsement_of(*, obstacle: Obstacle, user: Any) -> Endorsement | None:
    """The "we met this too" that counts for the user: their (first) organisation's, or their
    own when they belong to none."""
    if not getattr(user, "is_authenticated", False):
        return None
    memberships = user_memberships(user)
    rows = Endorsement.objects.filter(obstacle=obstacle)
    if memberships:
        rows = rows.filter(organisation_id=memberships[0].organisation_id)
    else:
        rows = rows.filter(organisation__isnull=True, user=user)
    return rows.first()


@dataclass
class StepLink:
    key: str
    name: str
    guide_url: str


@dataclass
class PartnershipsMet:
    count: int
    # Only the partnerships the viewer may open; the others are counted, never named.
    visible: list[Partnership] = field(default_factory=list)


def partnerships_that_met(*, obstacle: Obstacle, user: Any) -> PartnershipsMet:
    """How many distinct partnerships noted this obstacle, and which of them the user may see."""
    notes = ObstacleNote.objects.filter(obstacle=obstacle)
    count = notes.aggregate(n=Count("partnership", distinct=True))["n"]
    visible: list[Partnership] = []
    if getattr(user, "is_authenticated", False):
        visible = list(
            partnerships_visible_to(user)
            .filter(pk__in=notes.values("partnership_id"))
            .only("id", "title")
            .order_by("title", "pk")
        )
    return PartnershipsMet(count=count, visible=visible)


def step_link(step_key: str) -> StepLink | None:
    """The default process's step with this key and the anchor of its guidance (one query)."""
    if not step_key:
        return None
    step = (
        ProcessStep.objects.filter(
            template__family=DEFAULT_FAMILY,
            template__region__isnull=True,
            template__is_current=True,
            key=step_key,
        )
        .only("key", "name_sv", "name_en")
        .first()
    )
    guide = reverse("partnerships:guide") + f"#step-{step_key}"
    return StepLink(key=step_key, name=step.name if step else step_key, guide_url=guide)


def obstacle_detail_context(*, obstacle: Obstacle, user: Any) -> dict[str, Any]:
    """Everything the entry's page shows, in a fixed number of queries: its actors, the step
    (with the link to that step's guidance), published mitigations and knowledge articles, the
    "met this too" count with whether the user's organisation said so and the latest notes, and
    the partnerships that met it (counted; named only where the user may see them)."""
    actors = list(obstacle.actors.order_by("order", "slug"))
    mitigations = list(
        Mitigation.objects.filter(obstacles=obstacle, status=MitigationStatus.PUBLISHED)
        .select_related("region")
        .order_by("-published_at", "-id")
    )
    articles = list(
        KnowledgeArticle.objects.filter(obstacles=obstacle, status=ArticleStatus.PUBLISHED)
        .only("id", "title", "summary", "language", "topic", "last_reviewed", "published_at")
        .order_by("-published_at", "-id")
    )
    met_notes = list(
        Endorsement.objects.filter(obstacle=obstacle)
        .exclude(note="")
        .only("id", "note", "created_at")
        .order_by("-created_at", "-id")[:MET_NOTES_SHOWN]
    )
    return {
        "obstacle": obstacle,
        "actors": actors,
        "step": step_link(obstacle.step_key),
        "mitigations": mitigations,
        "articles": articles,
        "met_count": obstacle.endorsement_count,
        "met_notes": met_notes,
        "own_endorsement": endorsement_of(obstacle=obstacle, user=user),
        "partnerships_met": partnerships_that_met(obstacle=obstacle, user=user),
    }
