"""PostgreSQL away or restarted: requests answer a clear 503 page (never a traceback), /readyz
says the database is down, and once it is back the same gunicorn serves again without a restart.

gunicorn with production settings on a PostgreSQL cluster of the test's own (stopped, started and
restarted with pg_ctl) and a Redis of its own.
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from .conftest import PortalServer, PostgresCluster, RedisServer, Visitor, portal_python
from .results import record
from .world import PASSWORD

PUBLIC = ["/", "/regions/", "/obstacles/", "/events/"]
SIGNED_IN = ["/me/", "/events/mine/"]
EMAIL = "pat.postgres@example.se"


@pytest.fixture
def portal(
    postgres_up: PostgresCluster,
    private_redis: RedisServer,
    start_portal: Callable[..., PortalServer],
) -> PortalServer:
    server = start_portal(database_url=postgres_up.url(), redis_url=private_redis.url(0))
    portal_python(
        "from allauth.account.models import EmailAddress\n"
        "from django.contrib.auth.hashers import make_password\n"
        "from portal.accounts.models import User\n"
        f"user, _ = User.objects.get_or_create(email={EMAIL!r})\n"
        "user.name = 'Pat Postgres'\n"
        "user.preferred_language = 'en'\n"
        f"user.password = make_password({PASSWORD!r})\n"
        "user.save()\n"
        "EmailAddress.objects.get_or_create(\n"
        "    user=user, email=user.email, defaults={'verified': True, 'primary': True}\n"
        ")\n"
        "print(json.dumps(user.pk))",
        server.env,
    )
    return server


def signed_in(portal: PortalServer) -> Visitor:
    visitor = Visitor(portal.url)
    assert visitor.sign_in(EMAIL, PASSWORD).status == 302
    return visitor


def is_unavailable_page(answer: object, *, language: str = "en") -> bool:
    text = getattr(answer, "text", "")
    headers = getattr(answer, "headers", {})
    title = "Temporarily unavailable" if language == "en" else "Tillfälligt otillgänglig"
    return (
        getattr(answer, "status", 0) == 503
        and headers.get("retry-after") == "30"
        and f'<html lang="{language}">' in text
        and f"<h1>{title}</h1>" in text
        and "Traceback" not in text
        and "OperationalError" not in text
    )


def test_with_the_database_stopped_pages_answer_503_and_readyz_says_so_then_all_recovers(
    portal: PortalServer, postgres_up: PostgresCluster
) -> None:
    person = signed_in(portal)
    assert person.get("/me/").status == 200
    visitor = Visitor(portal.url)
    token = visitor.csrf_token("/accounts/login/")  # the form is open when the database goes
    postgres_up.stop()
    try:
        down = Visitor(portal.url).get("/readyz")
        assert down.status == 503
        assert json.loads(down.text) == {
            "status": "unavailable",
            "checks": {
                "database": "unavailable: OperationalError",
                "cache": "ok",
                "broker": "ok",
            },
        }
        assert down.seconds < 3.5

        # Anonymous pages (the view's query fails), a signed-in page (the session is read by a
        # middleware before any view), a form sent: the same page, in the visitor's language.
        assert is_unavailable_page(Visitor(portal.url).get("/regions/"))
        assert is_unavailable_page(Visitor(portal.url, language="sv").get("/"), language="sv")
        assert is_unavailable_page(person.get("/me/"))
        answer = visitor.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": EMAIL, "password": PASSWORD},
        )
        assert is_unavailable_page(answer)
    finally:
        postgres_up.start()

    # The same gunicorn, its workers never restarted: everything answers again.
    ready = Visitor(portal.url).get("/readyz")
    assert ready.status == 200, ready.text
    for path in PUBLIC:
        assert Visitor(portal.url).get(path).status == 200, path
    assert person.get("/me/").status == 200
    assert signed_in(portal).get("/me/").status == 200
    record(
        "PostgreSQL stopped",
        f"/readyz 503 in {down.seconds:.2f} s (database unavailable, cache and broker ok); "
        "pages 503 with Retry-After in the visitor's language; all 200 after the start",
    )


@dataclass
class Outcome:
    path: str
    started: float
    status: int  # 0: no answer (a socket error or a time-out)
    seconds: float
    error: str = ""
    page_ok: bool = True


def test_a_restart_under_load_fails_requests_cleanly_and_the_next_ones_succeed(
    portal: PortalServer, postgres_up: PostgresCluster
) -> None:
    person = signed_in(portal)
    stop = threading.Event()
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    started = time.monotonic()

    def visit(paths: list[str], visitor: Visitor) -> None:
        while not stop.is_set():
            for path in paths:
                begun = time.monotonic()
                try:
                    answer = visitor.get(path, timeout=15)
                    outcome = Outcome(path, begun - started, answer.status, answer.seconds)
                    if answer.status == 503:
                        outcome.page_ok = is_unavailable_page(answer)
                except Exception as exc:  # a hung or dropped request: what must not happen
                    outcome = Outcome(path, begun - started, 0, time.monotonic() - begun, repr(exc))
                with lock:
                    outcomes.append(outcome)

    threads = [threading.Thread(target=visit, args=(PUBLIC, Visitor(portal.url))) for _ in range(3)]
    for _ in range(3):
        clone = Visitor(portal.url)
        clone.cookies = dict(person.cookies)
        threads.append(threading.Thread(target=visit, args=(SIGNED_IN, clone)))
    for thread in threads:
        thread.start()
    try:
        time.sleep(2.0)
        restart_at = time.monotonic() - started
        postgres_up.restart()
        restarted_at = time.monotonic() - started
        time.sleep(3.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a request hung"

    statuses = Counter(o.status for o in outcomes)
    assert all(o.status in (200, 302, 503) for o in outcomes), [
        o for o in outcomes if o.status not in (200, 302, 503)
    ][:5]
    assert all(o.page_ok for o in outcomes), "a 503 without the page or Retry-After"
    assert statuses[503] >= 1, f"the restart was not felt: {statuses}"
    assert max(o.seconds for o in outcomes) < 15
    # After the restart settled, every request succeeds without restarting gunicorn.
    settled = [o for o in outcomes if o.started > restarted_at + 1.0]
    assert settled and all(o.status == 200 for o in settled), Counter(o.status for o in settled)
    for path in PUBLIC:
        assert Visitor(portal.url).get(path).status == 200, path
    for path in SIGNED_IN:
        assert person.get(path).status == 200, path
    failed = [o for o in outcomes if o.status == 503]
    record(
        "PostgreSQL restarted under load",
        f"6 clients (3 anonymous, 3 signed in), {len(outcomes)} requests: "
        f"{dict(sorted(statuses.items()))}; restart took {restarted_at - restart_at:.2f} s; 503s "
        f"between {min(o.started for o in failed):.2f} s and "
        f"{max(o.started + o.seconds for o in failed):.2f} s (restart at {restart_at:.2f} s); "
        f"slowest answer {max(o.seconds for o in outcomes):.2f} s; no time-outs; all 200 "
        "after the restart",
    )
