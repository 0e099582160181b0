"""Load benchmark: the portal's main pages under gunicorn and wrk, against the ceiling.

Seeds (once, or with --seed) a database of its own (default portal_load) with the issue's
volume — 21 regions, 10,000 proposals, 2,000 partnerships, 100,000 obstacles, 5,000 events with
registrations, their people and organisations (see load_seed.py) — then:

1. creates a server-side session for each bench account (coordinator, company member,
   obstacle reviewer; the staff ones have a TOTP authenticator, so the MFA rule lets them in);
2. counts each page's queries in this process (Django's test client, same settings, database
   and session cookie as the load) and prints EXPLAIN (ANALYZE, BUFFERS) of every query that
   reads a big table, flagging sequential scans of big tables;
3. collects the static files as the image does and starts gunicorn with the production
   settings (a generated secret, DJANGO_ALLOWED_HOSTS=127.0.0.1, no TLS redirect since wrk
   speaks plain HTTP, Redis cache) and 2 x cores + 1 sync workers;
4. drives every page with wrk at each concurrency for --duration seconds, the ceiling
   (/_ceiling/: the base layout, no queries of its own) first for each kind of session, and
   prints requests per second, median and p99 latency, errors and the ratio to the ceiling;
5. prints PASS/FAIL for the issue's targets: no errors, every page at least a third of its
   ceiling's throughput, at most 15 queries per page.

    .venv/bin/python bench/load/run.py [--seed] [--duration 10] [--concurrency 1,8,32]

It needs PostgreSQL, Redis and wrk (Debian package `wrk`). See bench/load/README.md.
"""

import argparse
import logging
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# bench/load first (this directory; its modules are named load_* so they shadow nothing), then
# bench/ for the shared seeding helpers and the other benches' seeders, then the project.
sys.path[1:1] = [str(HERE.parent), str(ROOT)]

from load_pages import (  # noqa: E402
    BIG_TABLE_ROWS,
    CEILING,
    Page,
    cookie_header,
    create_sessions,
    measure_queries,
    page_plans,
    pages,
    sequential_reads,
    table_rows,
)
from load_server import (  # noqa: E402
    Load,
    collectstatic,
    combined,
    get,
    gunicorn,
    server_env,
    wrk,
)

MAX_QUERIES = 15
MIN_RATIO = 1 / 3
WARM_UP_REQUESTS = 10
BIG_VOLUMES = [
    ("regions_region", "regions"),
    ("partnerships_proposal", "proposals"),
    ("partnerships_partnership", "partnerships"),
    ("obstacles_obstacle", "obstacles"),
    ("obstacles_obstacle_actors", "obstacle actors"),
    ("dissemination_event", "events"),
    ("dissemination_registration", "registrations"),
    ("dissemination_publication", "publications"),
    ("dissemination_lesson", "lessons"),
    ("accounts_user", "users"),
    ("accounts_organisation", "organisations"),
]


def say(text: str = "") -> None:
    print(text, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", action="store_true", help="drop, recreate and seed the DB")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument(
        "--ceiling-seconds",
        type=int,
        default=2,
        help="seconds of each ceiling run (one before and one after every page)",
    )
    parser.add_argument("--concurrency", default="1,8,32", help="connections, comma-separated")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_load"
        ),
        help="the benchmark's own database (LOAD_DATABASE_URL); never your data",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    parser.add_argument("--no-load", action="store_true", help="queries and plans only")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    started = time.perf_counter()

    secret = secrets.token_urlsafe(64)
    static_root = Path(tempfile.mkdtemp(prefix="portal-load-static-"))
    log_dir = Path(tempfile.mkdtemp(prefix="portal-load-logs-"))
    env = server_env(
        database_url=args.database_url,
        redis_url=args.redis_url,
        secret=secret,
        static_root=static_root,
    )
    # This process runs with the server's settings too: same database, cache and secret (the
    # sessions it creates are the ones the server accepts).
    os.environ.clear()
    os.environ.update(env)
    _ensure_database(args.database_url, recreate=args.seed)
    try:
        _run(args, env, levels, static_root, log_dir, started)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def _run(
    args: argparse.Namespace,
    env: dict[str, str],
    levels: list[int],
    static_root: Path,
    log_dir: Path,
    started: float,
) -> None:

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from load_seed import is_seeded, seed

    say("# Load benchmark")
    say(
        f"machine: {os.cpu_count()} cores, load average {_load()}; Python "
        f"{platform.python_version()}, Django {django.get_version()}, "
        f"{_server_version()}; gunicorn: {args.workers} sync workers"
    )
    say(f"database: {urlsplit(args.database_url).path.lstrip('/')}")
    call_command("migrate", verbosity=0)
    if not is_seeded():
        say("\n## Seeding")
        # The services log a security event for every role they grant: not news here.
        logging.getLogger("portal.security").setLevel(logging.WARNING)
        seed(log=say)
        logging.getLogger("portal.security").setLevel(logging.NOTSET)
    rows = table_rows()
    say("volume: " + ", ".join(f"{rows.get(table, 0):,} {label}" for table, label in BIG_VOLUMES))

    say("\n## Static files (collectstatic as the image is built: hashed names, .gz and .br)")
    t0 = time.perf_counter()
    collectstatic(env)
    say(f"collected into {static_root} in {time.perf_counter() - t0:.0f} s")

    sessions = create_sessions()
    all_pages = [p for p in pages() if p.name == CEILING or args.only in p.name]
    say(
        "\n## Each page in this process (Django test client, the load's session): rendered "
        "afresh\n(page cache off: queries, median ms of 5) and answered from the page cache"
    )
    measure_queries(all_pages, sessions, host="127.0.0.1")
    say(
        f"{'session':12} {'page':32} {'status':>6} {'queries':>8} {'ms':>7} {'bytes':>9} "
        f"{'cached: queries':>16}"
    )
    for page in all_pages:
        say(
            f"{page.who:12} {page.name:32} {page.status:6d} {page.queries:8d} {page.ms:7.1f} "
            f"{page.bytes:9,d} {page.cached_queries:16d}"
        )
    broken = [p for p in all_pages if p.status != 200]
    if broken:
        raise SystemExit(f"pages that do not answer 200: {[(p.name, p.status) for p in broken]}")

    seq_scans = _print_plans(all_pages, rows)
    connection.close()

    results: dict[tuple[int, str, str], Load] = {}
    if not args.no_load:
        with gunicorn(env, workers=args.workers, log_dir=log_dir) as base:
            _warm_up(base, all_pages, sessions)
            for level in levels:
                _drive(base, all_pages, sessions, level, args, results)
        say(f"\ngunicorn's log and access log: {log_dir}")
    _verdict(all_pages, results, levels, seq_scans)
    say(f"\nbenchmark took {time.perf_counter() - started:.0f} s")


def _drive(
    base: str,
    all_pages: list[Page],
    sessions: dict[str, str],
    level: int,
    args: argparse.Namespace,
    results: dict[tuple[int, str, str], Load],
) -> None:
    """Every page at one concurrency, each run between two short runs of its session's ceiling
    (so a change in the machine's load while the page runs moves both alike); the ratio is the
    page's requests per second over those two ceiling runs'. Each session's ceiling row sums
    all its runs."""
    say(
        f"\n## Concurrency {level} (wrk: {min(level, 2)} threads; each page {args.duration} s "
        f"between two {args.ceiling_seconds} s runs of the ceiling; load average {_load()})"
    )
    say(
        f"{'session':12} {'page':32} {'RPS':>7} {'median ms':>10} {'p99 ms':>8} "
        f"{'errors':>7} {'ceiling':>8} {'ratio':>6} {'queries':>8}"
    )

    def run(page: Page, seconds: int) -> Load:
        return wrk(
            base,
            page.url,
            cookie=cookie_header(page.who, sessions),
            concurrency=level,
            seconds=seconds,
        )

    ceilings = {p.who: p for p in all_pages if p.name == CEILING}
    slices: dict[str, list[Load]] = {who: [] for who in ceilings}
    for page in all_pages:
        if page.name == CEILING:
            continue
        ceiling = ceilings[page.who]
        before = run(ceiling, args.ceiling_seconds)
        load = run(page, args.duration)
        after = run(ceiling, args.ceiling_seconds)
        slices[page.who] += [before, after]
        around = combined([before, after])
        load.ceiling_rps = around.rps
        load.errors += around.errors
        results[(level, page.who, page.name)] = load
        say(_row(page, load, around.rps))
        if page is [p for p in all_pages if p.who == page.who][-1]:
            total = combined(slices[page.who])
            results[(level, page.who, CEILING)] = total
            say(_row(ceiling, total, total.rps))


def _row(page: Page, load: Load, ceiling_rps: float) -> str:
    errors = f"{load.errors}" + (f" {load.detail}" if load.detail else "")
    ratio = load.rps / ceiling_rps if ceiling_rps else 0.0
    return (
        f"{page.who:12} {page.name:32} {load.rps:7.1f} {load.p50_ms:10.1f} {load.p99_ms:8.1f} "
        f"{errors:>7} {ceiling_rps:8.1f} {ratio:6.2f} {page.queries:8d}"
    )


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def _ensure_database(url: str, *, recreate: bool) -> None:
    """Create the benchmark's database when missing; with `recreate`, drop it first — only
    when it is empty or holds the benchmark's own data, never anything else."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
    }
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
            if exists and recreate:
                _refuse_foreign(name, params)
                cursor.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
                )
                exists = False
            if not exists:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()


def _refuse_foreign(name: str, params: dict) -> None:
    import psycopg2
    from load_seed import BENCH_USERS

    db = psycopg2.connect(dbname=name, **params)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT to_regclass('accounts_user') IS NOT NULL")
            (has_users,) = cursor.fetchone()
            if not has_users:
                return
            cursor.execute("SELECT count(*) FROM accounts_user")
            (users,) = cursor.fetchone()
            cursor.execute(
                "SELECT count(*) FROM accounts_user WHERE email = %s", [BENCH_USERS["admin"]]
            )
            (bench,) = cursor.fetchone()
    finally:
        db.close()
    if users and not bench:
        raise SystemExit(
            f"{name} holds users but no benchmark data: not dropping it (pick another name)."
        )


def _warm_up(base: str, all_pages: list[Page], sessions: dict[str, str]) -> None:
    """A few GETs of every page (templates compiled, connections open in every worker); each
    must answer 200 — a signed-in page redirecting to sign-in or MFA set-up would measure the
    wrong thing."""
    for page in all_pages:
        for _ in range(WARM_UP_REQUESTS):
            status, _body = get(base, page.url, cookie_header(page.who, sessions))
            if status != 200:
                raise SystemExit(f"{page.who} {page.url}: HTTP {status} from gunicorn")


def _print_plans(all_pages: list[Page], rows: dict[str, int]) -> dict[str, list[str]]:
    """EXPLAIN of each page's queries that read a big table: one line per query (its scans and
    time) and the full plan of the page's slowest one. Returns the pages that scan a big table
    sequentially."""
    say(
        "\n## Query plans (EXPLAIN ANALYZE of every query that reads a table of 2,000 rows or more)"
    )
    seq: dict[str, list[str]] = {}
    seen: set[str] = set()
    for page in all_pages:
        if page.name == CEILING:
            continue
        plans = page_plans(page, rows)
        key = f"{page.who}: {page.name}"
        say(f"\n### {key} ({page.url}): {len(plans)} of {page.queries} queries read big tables")
        for n, plan in enumerate(plans, 1):
            mark = (
                "  SEQ SCAN of " + ", ".join(plan.seq_scans_on_big) if plan.seq_scans_on_big else ""
            )
            if not mark:
                reads = [
                    f"{table} read {read:,} rows, kept {kept:,}"
                    for table, read, kept in sequential_reads(plan.text)
                    if rows.get(table, 0) >= BIG_TABLE_ROWS
                ]
                mark = f"  (sequential, as it should: {'; '.join(reads)})" if reads else ""
            say(f"  {n}. {plan.ms:7.2f} ms  {'; '.join(dict.fromkeys(plan.scans))}{mark}")
            if plan.seq_scans_on_big:
                seq.setdefault(key, []).extend(plan.seq_scans_on_big)
        main = max(plans, key=lambda p: p.ms, default=None)
        if main is not None and main.sql not in seen:
            seen.add(main.sql)
            say("  slowest, in full:")
            say("    " + main.sql[:600] + (" ..." if len(main.sql) > 600 else ""))
            for line in main.text.splitlines():
                say("    " + line)
    return seq


def _verdict(
    all_pages: list[Page],
    results: dict,
    levels: list[int],
    seq_scans: dict[str, list[str]],
) -> None:
    say("\n## Targets")
    many = [f"{p.who}: {p.name} ({p.queries})" for p in all_pages if p.queries > MAX_QUERIES]
    say(f"at most {MAX_QUERIES} queries a page: " + ("PASS" if not many else f"FAIL {many}"))
    say(
        "no sequential scan of a big table where an index would read less: "
        + ("PASS" if not seq_scans else f"FAIL {sorted(seq_scans)}")
    )
    if not results:
        return
    errors = [
        f"c={c} {who}: {name} ({load.errors})"
        for (c, who, name), load in results.items()
        if load.errors
    ]
    say("no errors: " + ("PASS" if not errors else f"FAIL {errors}"))
    slow = []
    lowest: dict[int, float] = {}
    for (c, who, name), load in results.items():
        ceiling_rps = load.ceiling_rps
        if name == CEILING or not ceiling_rps:
            continue
        ratio = load.rps / ceiling_rps
        lowest[c] = min(lowest.get(c, ratio), ratio)
        if ratio < MIN_RATIO:
            slow.append(f"c={c} {who}: {name} ({ratio:.2f})")
    say("every page at least 1/3 of its ceiling: " + ("PASS" if not slow else f"FAIL {slow}"))
    for level in levels:
        if level in lowest:
            say(f"  concurrency {level}: lowest ratio {lowest[level]:.2f}")


if __name__ == "__main__":
    main()
