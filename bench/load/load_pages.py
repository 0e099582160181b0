"""The pages the load benchmark drives, the sessions it drives them with, and what it measures
in-process: each page's queries (Django's test client on the same database, the same
production settings and the same session as the load) and the query plans of those queries.
"""

import re
import statistics
import time
from dataclasses import dataclass, field

from load_seed import BENCH_USERS, COORDINATED_REGION

# Who the load signs in as, in the order the tables show them. "anonymous" sends no cookie.
SESSION_KINDS = ("anonymous", "coordinator", "member", "reviewer")
CEILING = "ceiling"
# A table with at least this many rows is "big" (the volumes: 100,000 obstacles, 10,000
# proposals, 5,000 events, 2,000 partnerships): a sequential scan of it is reported.
BIG_TABLE_ROWS = 2000


@dataclass
class Page:
    name: str
    who: str
    url: str
    # Rendered afresh (the page cache bypassed): what the query limit is about.
    queries: int = 0
    ms: float = 0.0
    # Answered from the page cache (nothing written since it was rendered).
    cached_queries: int = 0
    bytes: int = 0
    status: int = 0
    sql: list[str] = field(default_factory=list)


def pages() -> list[Page]:
    """Every page in the order it is measured: for each kind of session, its ceiling first.
    Objects are picked from the seeded data (the same ones every run)."""
    from django.db.models import Count
    from django.utils import timezone

    from dissemination.models import Event
    from dissemination.workflow import EventStatus
    from obstacles.models import Obstacle
    from obstacles.workflow import ObstacleStatus
    from partnerships.models import Partnership

    # The middle published entry that has mitigations and articles (the richest page).
    obstacle = (
        Obstacle.objects.filter(status=ObstacleStatus.PUBLISHED, mitigations__isnull=False)
        .annotate(n=Count("mitigations"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    event = (
        Event.objects.filter(status=EventStatus.PUBLISHED, starts_at__gt=timezone.now())
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    partnership = (
        Partnership.objects.filter(region__slug=COORDINATED_REGION)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    published = Obstacle.objects.filter(status=ObstacleStatus.PUBLISHED).count()
    deep = max(1, published // 25 * 4 // 5)  # four fifths of the way down
    ceiling = "/_ceiling/"
    return [
        Page(CEILING, "anonymous", ceiling),
        Page("home", "anonymous", "/"),
        Page("regions", "anonymous", "/regions/"),
        Page("region page", "anonymous", f"/regions/{COORDINATED_REGION}/"),
        Page("obstacles", "anonymous", "/obstacles/"),
        Page(
            "obstacles, filtered + search",
            "anonymous",
            "/obstacles/?q=molntj%C3%A4nster&category=data-protection-cloud&severity=3",
        ),
        Page(f"obstacles, page {deep}", "anonymous", f"/obstacles/?page={deep}"),
        Page("obstacle page", "anonymous", f"/obstacles/{obstacle}/"),
        Page("event calendar", "anonymous", "/events/"),
        Page("event page", "anonymous", f"/events/{event}/"),
        Page("process guide", "anonymous", "/partnerships/guide/"),
        Page("lessons", "anonymous", "/events/lessons/"),
        Page(CEILING, "coordinator", ceiling),
        Page("my page", "coordinator", "/me/"),
        Page("proposals inbox", "coordinator", "/partnerships/intake/"),
        Page("partnerships", "coordinator", "/partnerships/"),
        Page("pipeline", "coordinator", f"/partnerships/regions/{COORDINATED_REGION}/pipeline/"),
        Page("partnership page", "coordinator", f"/partnerships/{partnership}/"),
        Page(CEILING, "member", ceiling),
        Page("my page", "member", "/me/"),
        Page("partnerships", "member", "/partnerships/"),
        Page("my events", "member", "/events/mine/"),
        Page(CEILING, "reviewer", ceiling),
        Page("review queue", "reviewer", "/obstacles/review/"),
    ]


def create_sessions() -> dict[str, str]:
    """A fresh server-side session for each bench account, as signing in leaves it (the user,
    the backend and the password hash the session is bound to): kind -> session key.
    Earlier runs' sessions are removed first (this database is the benchmark's own)."""
    from allauth.usersessions.models import UserSession
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from portal.accounts.models import User

    Session.objects.all().delete()
    UserSession.objects.all().delete()
    keys = {}
    for kind in SESSION_KINDS[1:]:
        user = User.objects.get(email=BENCH_USERS[kind])
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        assert session.session_key
        keys[kind] = session.session_key
    return keys


def cookie_header(kind: str, sessions: dict[str, str]) -> str:
    from django.conf import settings

    if kind == "anonymous":
        return ""
    return f"{settings.SESSION_COOKIE_NAME}={sessions[kind]}"


def measure_queries(
    all_pages: list[Page], sessions: dict[str, str], host: str, *, repeat: int = 5
) -> None:
    """Each page's status, size, queries and server time in this process, with the same
    session cookie the load sends: rendered afresh (page cache off; one warm-up GET first, so
    the session rows settle; the median of `repeat` GETs), then answered from the page cache."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    for page in all_pages:
        client = Client(HTTP_HOST=host)
        if page.who != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[page.who]
        with override_settings(PORTAL_PAGE_CACHE_SECONDS=0):
            client.get(page.url)
            times = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get(page.url)
                    body = b"".join(response) if response.streaming else response.content
                    times.append((time.perf_counter() - started) * 1000)
        page.status = response.status_code
        page.bytes = len(body)
        page.queries = len(ctx.captured_queries)
        page.ms = statistics.median(times)
        page.sql = [q["sql"] for q in ctx.captured_queries]
        client.get(page.url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(page.url)
        page.cached_queries = len(ctx.captured_queries)


_SCAN = re.compile(
    r"(Seq Scan|Parallel Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan)"
    r"(?: Backward)?(?: using (\S+))? on (\S+)"
)
_TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


@dataclass
class Plan:
    sql: str
    text: str
    ms: float
    big_tables: list[str]
    seq_scans_on_big: list[str]

    @property
    def scans(self) -> list[str]:
        out = []
        for kind, index, table in _SCAN.findall(self.text):
            out.append(f"{kind} {'using ' + index + ' ' if index else ''}on {table}")
        return out


def table_rows() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public'"
        )
        return {name: int(rows) for name, rows in cursor.fetchall()}


def explain(sql: str, rows: dict[str, int]) -> Plan:
    """EXPLAIN (ANALYZE, BUFFERS) of one captured SELECT, and the sequential scans it makes of
    big tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        text = "\n".join(row[0] for row in cursor.fetchall())
    ms_match = re.search(r"Execution Time: ([\d.]+) ms", text)
    big = sorted({t for t in _TABLE.findall(sql) if rows.get(t, 0) >= BIG_TABLE_ROWS})
    seq = sorted(
        f"{table} (read {read:,} rows, kept {kept:,})"
        for table, read, kept in sequential_reads(text)
        if rows.get(table, 0) >= BIG_TABLE_ROWS and read >= SEQ_READ_ROWS and kept * 5 < read
    )
    return Plan(sql, text, float(ms_match.group(1)) if ms_match else 0.0, big, seq)


# A sequential scan of a big table counts against the page when it reads at least this many
# rows and keeps less than a fifth of them: an index on the filter would read fewer. (One that
# keeps a third of the table, say the calendar's "not ended yet", is what PostgreSQL should do
# even with the index there; one that stops after a few rows, under a LIMIT, reads little.)
SEQ_READ_ROWS = 1000
_SEQ_NODE = re.compile(r"Seq Scan on (\S+) .*actual time=\S+ rows=(\d+) loops=(\d+)")
_REMOVED = re.compile(r"Rows Removed by Filter: (\d+)")


def sequential_reads(text: str) -> list[tuple[str, int, int]]:
    """(table, rows read, rows kept) of every sequential scan in an EXPLAIN ANALYZE text."""
    lines = text.splitlines()
    found = []
    for n, line in enumerate(lines):
        node = _SEQ_NODE.search(line)
        if node is None:
            continue
        table, kept, loops = node.group(1), int(node.group(2)), int(node.group(3))
        removed = 0
        for detail in lines[n + 1 :]:
            if "->" in detail:
                break
            match = _REMOVED.search(detail)
            if match:
                removed = int(match.group(1))
                break
        found.append((table, (kept + removed) * loops, kept * loops))
    return found


def page_plans(page: Page, rows: dict[str, int]) -> list[Plan]:
    """The plans of the page's SELECTs that read a big table (the page's main queries)."""
    plans = []
    for sql in page.sql:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        if not any(rows.get(t, 0) >= BIG_TABLE_ROWS for t in _TABLE.findall(sql)):
            continue
        plans.append(explain(sql, rows))
    return plans
