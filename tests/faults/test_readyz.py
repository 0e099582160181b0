"""/readyz says what is down, within about two seconds, whatever hangs.

gunicorn with production settings on the pytest database and a Redis of the test's own (cache
and broker); PostgreSQL down is in test_postgres.py.
"""

from collections.abc import Callable

import pytest

from .conftest import PortalServer, RedisServer, Visitor
from .results import record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ALL_OK = {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}
# 2 s per check (run side by side), plus the request itself.
IN_TIME = 3.5


@pytest.fixture
def portal(
    private_redis: RedisServer, start_portal: Callable[..., PortalServer], test_database_url: str
) -> PortalServer:
    return start_portal(database_url=test_database_url, redis_url=private_redis.url(0))


def readyz(portal: PortalServer) -> tuple[int, dict[str, object], float]:
    answer = Visitor(portal.url).get("/readyz")
    assert answer.headers["content-type"] == "application/json"
    import json

    return answer.status, json.loads(answer.text), answer.seconds


def test_readyz_says_the_cache_and_the_broker_are_down_when_redis_is_stopped(
    portal: PortalServer, private_redis: RedisServer
) -> None:
    assert readyz(portal)[:2] == (200, ALL_OK)
    private_redis.stop()

    status, body, seconds = readyz(portal)

    assert status == 503
    assert body == {
        "status": "unavailable",
        "checks": {
            "database": "ok",
            "cache": "unavailable: ConnectionError",
            "broker": "unavailable: ConnectionError",
        },
    }
    assert seconds < IN_TIME
    private_redis.start()
    assert readyz(portal)[:2] == (200, ALL_OK)
    record("/readyz, Redis stopped", f"503 in {seconds:.2f} s: {body['checks']}")


def test_readyz_answers_in_time_when_redis_accepts_connections_but_never_answers(
    portal: PortalServer, private_redis: RedisServer
) -> None:
    private_redis.pause()
    try:
        status, body, seconds = readyz(portal)
    finally:
        private_redis.resume()

    assert status == 503
    checks = body["checks"]
    assert isinstance(checks, dict)
    assert checks["database"] == "ok"
    assert str(checks["cache"]).startswith("unavailable: ")
    assert str(checks["broker"]).startswith("unavailable: ")
    assert seconds < IN_TIME, seconds
    assert readyz(portal)[:2] == (200, ALL_OK)
    record("/readyz, Redis frozen (SIGSTOP)", f"503 in {seconds:.2f} s: {checks}")
