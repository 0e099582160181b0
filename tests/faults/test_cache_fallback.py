"""The cache (portal.core.cache.ResilientRedisCache) against a real Redis that goes away: every
operation keeps working on the process's memory, one warning per outage, a hung Redis costs one
socket timeout per retry period, and Redis is used again when it is back."""

import logging
import threading
import time
from typing import Any

import pytest
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from portal.core.cache import ResilientRedisCache

from .conftest import RedisServer

UNREACHABLE = "Cache: Redis is unreachable"


def make_cache(redis: RedisServer) -> ResilientRedisCache:
    return ResilientRedisCache(
        redis.url(0),
        {"KEY_PREFIX": "faults", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )


def warnings(caplog: Any, text: str) -> int:
    return sum(1 for r in caplog.records if r.levelno == logging.WARNING and text in r.message)


@override_settings(PORTAL_CACHE_RETRY_SECONDS=0.5)
def test_every_operation_works_on_memory_while_redis_is_away_and_redis_returns(
    private_redis: RedisServer, caplog: Any
) -> None:
    caplog.set_level(logging.WARNING, logger="portal.core.cache")
    cache = make_cache(private_redis)
    cache.set("before", "in redis", 60)
    assert cache.get("before") == "in redis"
    private_redis.stop()

    assert cache.get("before") is None  # Redis's entries are out of reach
    cache.set("a", 1, 60)
    assert cache.get("a") == 1 and cache.has_key("a")
    assert cache.add("n", 0, 60) and not cache.add("n", 5, 60)
    assert cache.incr("n") == 1 and cache.incr("n", 2) == 3 and cache.decr("n") == 2
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set_many({"x": "X", "y": "Y"}, 60)
    assert cache.get_many(["x", "y", "z"]) == {"x": "X", "y": "Y"}
    assert cache.get_or_set("made", lambda: "once", 60) == "once"
    assert cache.touch("x", 120)
    cache.delete_many(["x", "y"])
    assert cache.delete("a") and cache.get("a") is None
    with pytest.raises(RedisConnectionError):
        cache.ping()  # the readiness probe asks Redis itself
    assert cache.breaker.is_open
    assert warnings(caplog, UNREACHABLE) == 1  # once per outage, however many calls

    # Back (empty, as after a crash): after the retry period the next call asks Redis, and
    # the memory of the outage is dropped.
    private_redis.start()
    time.sleep(0.6)
    assert cache.get("made") is None
    assert not cache.breaker.is_open
    assert warnings(caplog, "Cache: Redis is back") == 1
    cache.set("after", "in redis again", 60)
    assert private_redis._client().get(cache.make_and_validate_key("after")) is not None


@override_settings(PORTAL_CACHE_RETRY_SECONDS=1.5)
def test_a_hung_redis_costs_one_socket_timeout_per_retry_period_for_the_whole_process(
    private_redis: RedisServer,
) -> None:
    cache = make_cache(private_redis)
    cache.set("warm", 1, 60)
    private_redis.pause()
    try:
        started = time.monotonic()
        assert cache.get("warm") is None
        first = time.monotonic() - started
        assert 0.9 < first < 2.0, first  # the 1 s socket timeout, once

        # Other threads have cache objects of their own (as Django makes them): they share
        # the process's breaker and memory, and wait for nothing.
        seen: list[Any] = []

        def other_thread() -> None:
            other = make_cache(private_redis)
            began = time.monotonic()
            other.set("shared", "from another thread", 60)
            seen.append((other.get("shared"), time.monotonic() - began))

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join(timeout=10)
        assert seen and seen[0][0] == "from another thread" and seen[0][1] < 0.2, seen
        started = time.monotonic()
        for i in range(200):
            cache.set(f"k{i}", i, 60)
            assert cache.get(f"k{i}") == i
        assert time.monotonic() - started < 0.5

        # After the retry period one call probes Redis again (and waits its timeout); the
        # others meanwhile keep to memory.
        time.sleep(1.6)
        started = time.monotonic()
        assert cache.get("shared") == "from another thread"
        assert 0.9 < time.monotonic() - started < 2.0
        started = time.monotonic()
        assert cache.get("k1") == 1
        assert time.monotonic() - started < 0.1
    finally:
        private_redis.resume()
