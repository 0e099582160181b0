"""Time the public obstacle compilation at realistic volume and print the figures.

Seeds a throwaway test database (created and destroyed here, never your own data) with
published obstacles (default 100,000) spread over every category, step, region, severity and
both languages, with affected actors and "met" counts; PostgreSQL's trigger fills the search
vectors as the rows go in. It first measures the pages on a small seed (1,000 rows), then on the
full one, and fails if any page's query count differs between the two. For each page it prints
the median and p95 server time, the queries per request and the response size, and finally the
full-text search's time relative to the unfiltered list.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/compilation.py --obstacles 100000
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

from _seed import (
    EN_PROBLEMS,
    EN_SUBJECTS,
    SV_PROBLEMS,
    SV_SUBJECTS,
    bench_author,
    link_actors,
    obstacle_steps,
    published_obstacle,
    throwaway_database,
)

BATCH = 5000
SMALL = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--obstacles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    with throwaway_database(postgresql_because=": it measures its search"):
        _run(args)


def _text(rng: random.Random, n: int, language: str) -> tuple[str, str]:
    if language == "en":
        subject, problem = rng.choice(EN_SUBJECTS), rng.choice(EN_PROBLEMS)
        body = (
            f"<p>{subject} {problem}. We met this in entry {n} while testing at home.</p>"
            "<p>The region and the company could not agree on who carries the risk.</p>"
        )
    else:
        subject, problem = rng.choice(SV_SUBJECTS), rng.choice(SV_PROBLEMS)
        body = (
            f"<p>{subject} {problem}. Vi mötte detta i post {n} under testet i hemmet.</p>"
            "<p>Regionen och företaget kunde inte enas om vem som bär risken.</p>"
        )
    return f"{subject} {problem} ({n})", body


def _seed(*, count: int, start: int, rng: random.Random) -> None:
    """Bulk-insert `count` published obstacles the way the services would leave them."""
    from django.utils import timezone

    from obstacles.models import Actor, Category, Obstacle
    from regions.models import Region

    categories = list(Category.objects.all())
    actors = list(Actor.objects.all())
    regions: list[Any] = [*Region.objects.all(), None]
    steps = obstacle_steps()
    author = bench_author()
    now = timezone.now()
    for first in range(start, start + count, BATCH):
        rows = [
            published_obstacle(
                n,
                rng=rng,
                text=_text,
                categories=categories,
                steps=steps,
                region_of=lambda _n: rng.choice(regions),
                author=author,
                now=now,
                evidence="<p>Erfarenheter från regionens innovationskontor.</p>",
            )
            for n in range(first, min(first + BATCH, start + count))
        ]
        created = Obstacle.objects.bulk_create(rows, batch_size=BATCH)
        link_actors(created, actors=actors, rng=rng, batch_size=BATCH * 2)


def _measure(
    pages: list[tuple[str, str, dict[str, str]]], *, repeat: int, label: str
) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    figures: dict[str, Any] = {}
    print(f"\n{label}: {repeat} requests per page after one warm-up")
    print(f"{'page':30} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>9} {'rows':>8}")
    for name, url, headers in pages:
        client.get(url, headers=headers)
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url, headers=headers)
                body = b"".join(response) if response.streaming else response.content
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        page = response.context.get("page") if response.context else None
        rows = page.paginator.count if page is not None else "-"
        figures[name] = {"median": statistics.median(times), "queries": len(ctx.captured_queries)}
        print(
            f"{name:30} {statistics.median(times):10.1f} {p95:8.1f} "
            f"{len(ctx.captured_queries):8d} {len(body):9d} {rows!s:>8}"
        )
    return figures


def _run(args: argparse.Namespace) -> None:
    from django.db import connection

    from obstacles.models import Obstacle

    rng = random.Random(2026)
    htmx = {"HX-Request": "true"}
    pages: list[tuple[str, str, dict[str, str]]] = [
        ("list", "/obstacles/", {}),
        ("list, page 200", "/obstacles/?page=200", {}),
        (
            "filtered list",
            "/obstacles/?category=data-protection-cloud&severity=4&region=uppsala",
            {},
        ),
        ("sorted by most met", "/obstacles/?sort=met", {}),
        ("search (sv, inflected)", "/obstacles/?q=molntjänster", {}),
        ("search (en)", "/obstacles/?q=transfers", {}),
        ("search + filter", "/obstacles/?q=upphandlingar&step=test&sort=severity", {}),
        ("search, misspelt (fallback)", "/obstacles/?q=journalsytemet", {}),
        ("htmx results only", "/obstacles/?q=transfers&severity=3", htmx),
    ]

    _seed(count=SMALL, start=0, rng=rng)
    small = _measure(pages, repeat=3, label=f"{SMALL:,} published obstacles (query counts)")

    started = time.perf_counter()
    _seed(count=args.obstacles - SMALL, start=SMALL, rng=rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE obstacles_obstacle; ANALYZE obstacles_obstacle_actors;")
    total = Obstacle.objects.count()
    print(
        f"\nseeded {total:,} published obstacles (search vectors by the trigger) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    detail = Obstacle.objects.order_by("pk").values_list("pk", flat=True)[total // 2]
    pages.append(("an entry's page", f"/obstacles/{detail}/", {}))
    large = _measure(pages, repeat=args.repeat, label=f"database: {connection.vendor}")

    print("\nexports (streamed; one request each; at most OBSTACLE_EXPORT_MAX_ROWS rows)")
    from django.conf import settings
    from django.test import Client

    from obstacles.models import Category

    # The largest selection an export may hold: one category, narrowed to severities until it
    # fits under the cap; and the whole compilation, which must be refused (400) at once.
    financing = Obstacle.objects.filter(category__in=Category.objects.filter(slug="financing"))
    fits = "severity=4" if financing.count() > settings.OBSTACLE_EXPORT_MAX_ROWS else ""
    selection = f"category=financing&{fits}".rstrip("&")
    for name, url, expected in [
        ("CSV, one category", f"/obstacles/export.csv?{selection}", 200),
        ("JSON, one category", f"/obstacles/export.json?{selection}", 200),
        ("CSV, everything (refused)", "/obstacles/export.csv", 400),
    ]:
        t0 = time.perf_counter()
        response = Client(REMOTE_ADDR=f"192.0.2.{expected % 250}").get(url)
        size = sum(len(chunk) for chunk in response)
        elapsed = (time.perf_counter() - t0) * 1000
        print(f"{name:30} {elapsed:10.1f} ms {size:>12,d} bytes  HTTP {response.status_code}")
        if response.status_code != expected:
            raise SystemExit(f"{name}: expected HTTP {expected}, got {response.status_code}")

    base = large["list"]["median"]
    for name in ("search (sv, inflected)", "search (en)", "search, misspelt (fallback)"):
        print(f"{name} / unfiltered list: {large[name]['median'] / base:.2f}×")
    changed = {
        name: (small[name]["queries"], large[name]["queries"])
        for name in small
        if small[name]["queries"] != large[name]["queries"]
    }
    print(
        f"query counts the same at {SMALL:,} and {total:,} rows:",
        "yes" if not changed else f"NO {changed}",
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak_mb:.0f} MB")
    if changed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
