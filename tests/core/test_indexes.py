"""Every filter and order of the busy pages has an index, and the lists' main queries use them
on PostgreSQL (bench/load prints the same plans at full volume).

The presence test reads pg_index: an index must start with the listed columns, in the listed
directions. The plan tests seed a few thousand rows (bulk, as the services leave them), ANALYZE
them and read EXPLAIN: no sequential scan of the big table, without forcing the planner.
"""

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from obstacles.models import Category, Obstacle
from obstacles.workflow import ObstacleStatus
from partnerships.models import Proposal
from partnerships.permissions.base import submitted_to_regions
from partnerships.workflow import ProposalStatus
from regions.models import Region
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# table -> the leading columns (with DESC where the index is descending) of an index it needs.
EXPECTED = {
    "obstacles_obstacle": [
        # The compilation's three orders (newest, most met, most severe), published only.
        ("status", "published_at DESC", "id DESC"),
        ("status", "endorsement_count DESC", "published_at DESC", "id DESC"),
        ("status", "severity DESC", "published_at DESC", "id DESC"),
        # The review queue (submitted / in review, the longest waiting first).
        ("status", "submitted_at"),
        # Filters.
        ("category_id",),
        ("region_id",),
        ("step_key",),
        ("author_id",),
    ],
    "obstacles_obstacle_actors": [("obstacle_id", "actor_id"), ("actor_id",)],
    "partnerships_proposal": [
        ("region_id", "status", "submitted_at"),
        ("organisation_id", "status"),
        ("call_id",),
        ("submitted_at",),
    ],
    "partnerships_partnership": [
        ("region_id", "status", "current_step_id"),
        ("last_activity_at",),
    ],
    "partnerships_partnershipparty": [("partnership_id",), ("organisation_id",)],
    "dissemination_event": [
        ("status", "starts_at"),
        ("region_id", "status", "starts_at"),
        ("ends_at",),  # the calendar: not ended yet
    ],
    "dissemination_registration": [("event_id", "status", "queued_at"), ("user_id",)],
    "dissemination_publication": [
        ("status", "published_on"),
        ("region_id", "status", "published_on"),
    ],
    "dissemination_lesson": [("status", "published_at"), ("partnership_id",)],
}


def _indexes(table: str) -> list[tuple[str, ...]]:
    """Each index of `table` as its columns, "name DESC" for descending ones."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid,
                   array_agg(a.attname ORDER BY k.n),
                   array_agg((i.indoption[k.n - 1] & 1) = 1 ORDER BY k.n)
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE t.relname = %s
            GROUP BY i.indexrelid
            """,
            [table],
        )
        return [
            tuple(f"{c} DESC" if desc else c for c, desc in zip(cols, descs, strict=True))
            for _oid, cols, descs in cursor.fetchall()
        ]


@pytest.mark.parametrize(
    ("table", "columns"), [(t, c) for t, wanted in EXPECTED.items() for c in wanted]
)
def test_an_index_starts_with_these_columns(table: str, columns: tuple[str, ...]) -> None:
    found = _indexes(table)
    assert any(index[: len(columns)] == columns for index in found), (table, columns, found)


def test_the_search_and_the_misspelling_fallback_have_their_gin_indexes() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'obstacles_obstacle' "
            "AND indexdef ILIKE '%%USING gin%%'"
        )
        definitions = " ".join(row[0] for row in cursor.fetchall())
    assert "(search_vector)" in definitions
    assert "gin_trgm_ops" in definitions


def _plan(queryset: object) -> str:
    sql, params = queryset.query.sql_with_params()  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _vacuum_analyze(table: str) -> None:
    """What autovacuum leaves after a bulk load: statistics, and the visibility map an
    index-only scan needs (outside a transaction, so the tests using it are transactional)."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")


@pytest.fixture
def compilation(reference_data: None) -> int:
    """6,000 entries (5,400 published), spread over categories and three years, vacuumed and
    analysed (a transactional test: VACUUM cannot run inside a transaction)."""
    rng = random.Random(7)
    author = UserFactory()
    categories = list(Category.objects.all())
    now = timezone.now()
    rows = []
    for n in range(6000):
        published = n % 10 != 0
        when = now - dt.timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        rows.append(
            Obstacle(
                title=f"Hinder {n}",
                description="<p>Journalsystemet saknar öppna gränssnitt.</p>",
                category=rng.choice(categories),
                severity=rng.randint(1, 4),
                status=ObstacleStatus.PUBLISHED if published else ObstacleStatus.SUBMITTED,
                author=author,
                submitted_at=when,
                published_at=when if published else None,
                endorsement_count=rng.choice([0, 0, 1, 3]),
            )
        )
    Obstacle.objects.bulk_create(rows, batch_size=2000)
    _vacuum_analyze("obstacles_obstacle")
    return 5400


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "order",
    [
        ("-published_at", "-id"),
        ("-endorsement_count", "-published_at", "-id"),
        ("-severity", "-published_at", "-id"),
    ],
)
def test_a_deep_page_of_the_compilation_reads_its_ids_from_an_index(
    compilation: int, order: tuple[str, ...]
) -> None:
    """What `portal.core.paging.page_rows` asks for page 180 of 216."""
    ids = (
        Obstacle.objects.filter(status=ObstacleStatus.PUBLISHED)
        .order_by(*order)
        .values_list("pk", flat=True)[179 * 25 : 180 * 25]
    )
    plan = _plan(ids)
    assert "Seq Scan on obstacles_obstacle" not in plan, plan
    assert "Index Only Scan" in plan, plan
    assert "Sort" not in plan.split("\n")[1], plan  # the index gives the order


@pytest.mark.django_db(transaction=True)
def test_the_review_queue_uses_the_status_index(compilation: int) -> None:
    queue = Obstacle.objects.filter(
        status__in=[ObstacleStatus.SUBMITTED, ObstacleStatus.IN_REVIEW]
    ).order_by("submitted_at", "id")[:25]
    assert "Seq Scan on obstacles_obstacle" not in _plan(queue)


def test_the_intake_reads_a_regions_proposals_from_the_indexes() -> None:
    """A coordinator's intake: proposals to the region OR to a call it is behind (an OR that
    a join, or IN (subquery), turned into a scan of every proposal)."""
    regions = list(Region.objects.order_by("code"))
    companies = [OrganisationFactory() for _ in range(20)]
    author = UserFactory()
    now = timezone.now()
    Proposal.objects.bulk_create(
        [
            Proposal(
                organisation=companies[n % 20],
                region=regions[n % len(regions)],
                created_by=author,
                status=ProposalStatus.SUBMITTED,
                title=f"Förslag {n}",
                summary="Patienter mäter själva hemma.",
                trl=5,
                submitted_at=now - dt.timedelta(hours=n),
            )
            for n in range(6000)
        ],
        batch_size=2000,
    )
    _analyze("partnerships_proposal")
    uppsala = Region.objects.get(slug="uppsala")
    intake = Proposal.objects.filter(submitted_at__isnull=False).filter(
        submitted_to_regions([uppsala.pk])
    )
    plan = _plan(intake.order_by("-submitted_at", "-id")[:25])
    count_plan = _plan(intake.values("pk"))
    assert "Seq Scan on partnerships_proposal" not in count_plan, count_plan
    assert "Seq Scan on partnerships_proposal" not in plan, plan
    assert intake.count() == len([n for n in range(6000) if regions[n % 21].pk == uppsala.pk])
