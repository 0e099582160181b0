"""What the benches seed alike (not a bench itself): the throwaway database they run in, the
words obstacle titles are made of, and published obstacle rows as the services leave them.

The callers keep their own loops and their own order of random draws, so each bench seeds
exactly the rows it seeded before these helpers were shared.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

# Words a Swedish region (or an English-writing company) would use, combined into titles and
# descriptions so the search index holds a realistic vocabulary.
SV_SUBJECTS = [
    "Journalsystemet",
    "Molntjänsten",
    "Upphandlingen",
    "Avtalet om testbädd",
    "Debiteringsmodellen",
    "Personuppgiftsbiträdesavtalet",
    "CE-märkningen",
    "Ledningsförankringen",
    "Hälsoekonomiska utvärderingen",
    "Integrationen med vårdens system",
    "Sekretessprövningen",
    "Överföringen till tredjeland",
]
SV_PROBLEMS = [
    "saknar öppna gränssnitt",
    "drar ut på tiden",
    "kräver en juridisk bedömning",
    "stoppar testet i hemmet",
    "har ingen ägare i verksamheten",
    "blir dyrare än väntat",
    "går inte att förena med LOU",
    "saknar stöd i regionens riktlinjer",
]
EN_SUBJECTS = [
    "Data transfers to third countries",
    "The cloud provider's contract",
    "Access to patient records",
    "Reimbursement for staff time",
    "Clinical evaluation under MDR",
    "Interoperability with the EHR",
]
EN_PROBLEMS = [
    "blocks the pilot",
    "takes months to settle",
    "needs a legal assessment",
    "is missing in the region's guidelines",
]


@contextmanager
def throwaway_database(*, postgresql_because: str = "") -> Iterator[str]:
    """Set Django up and create a test database (never your own data), yield its name, and
    destroy it afterwards. Refuses anything but PostgreSQL (what the portal runs on);
    `postgresql_because` is added to that message."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        raise SystemExit(f"Run this against PostgreSQL (set DATABASE_URL){postgresql_because}.")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield str(connection.settings_dict["NAME"])
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def bench_author() -> Any:
    """The one account that wrote every seeded entry."""
    from portal.accounts.models import User

    author = User.objects.filter(email="author@bench.example").first()
    if author is None:
        author = User.objects.create_user(email="author@bench.example", password="x" * 12)
    return author


def obstacle_steps() -> list[str]:
    """The step keys an obstacle may name: none, or one of the default process's steps."""
    from obstacles.selectors.public import default_process_steps

    return ["", *[s.key for s in default_process_steps()]]


def published_obstacle(
    n: int,
    *,
    rng: random.Random,
    text: Callable[[random.Random, int, str], tuple[str, str]],
    categories: Sequence[Any],
    steps: Sequence[str],
    region_of: Callable[[int], Any],
    author: Any,
    now: dt.datetime,
    **fields: Any,
) -> Any:
    """Entry `n` (one in five in English), published at some moment in the last three years,
    as the review service leaves it; `fields` adds to it (evidence, known mitigation)."""
    from obstacles.models import Obstacle
    from obstacles.workflow import ObstacleStatus

    language = "en" if n % 5 == 0 else "sv"
    title, body = text(rng, n, language)
    published = now - dt.timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
    return Obstacle(
        title=title,
        description=body,
        **fields,
        category=rng.choice(categories),
        step_key=rng.choice(steps),
        region=region_of(n),
        severity=rng.randint(1, 4),
        language=language,
        status=ObstacleStatus.PUBLISHED,
        author=author,
        submitted_at=published,
        published_at=published,
        endorsement_count=rng.choice([0, 0, 0, 1, 1, 2, 3, 5, 8, 13]),
    )


def link_actors(
    obstacles: Sequence[Any], *, actors: Sequence[Any], rng: random.Random, batch_size: int
) -> None:
    """One to three affected actors for each entry."""
    from obstacles.models import Obstacle

    Through = Obstacle.actors.through
    Through.objects.bulk_create(
        [
            Through(obstacle_id=o.pk, actor_id=a.pk)
            for o in obstacles
            for a in rng.sample(actors, k=rng.randint(1, 3))
        ],
        batch_size=batch_size,
    )
