"""The shared cache (Redis) that keeps the portal working while Redis is away.

`ResilientRedisCache` is Django's RedisCache behind a circuit breaker. While Redis answers it is
exactly RedisCache: one cache for every process, so sign-in limits hold across gunicorn workers.
When a call fails because Redis cannot be reached (refused, reset, timed out), the breaker opens:
for PORTAL_CACHE_RETRY_SECONDS every call of this process goes to a per-process memory cache
instead, and then one call tries Redis again (the others keep using memory until it answered).
One warning is logged per outage and process, and one when Redis is back.

The trade-off, on purpose: during an outage each process counts on its own. Sign-in and other
rate limits still hold, but per process (with N gunicorn workers an attacker gets up to N times
the allowance), and what one process cached the others do not see. Nothing the portal must keep
lives in the cache (sessions are in the database), so losing it costs only that. When Redis is
back the memory cache is emptied, and Redis's own entries (which may predate the outage) count
again.
"""

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis is away (not a bad command): the breaker opens on these and only these.
UNREACHABLE_ERRORS: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)


class CircuitBreaker:
    """Process-wide state of one dependency: closed (use it), or open after a failure, for
    `retry_seconds`. When the time is up, the next caller probes the dependency and every other
    caller keeps the fallback for another period, so an outage costs one slow call per period
    and process, not one per call. Thread-safe (gunicorn's threads, Celery's threads)."""

    def __init__(self, name: str, *, retry_seconds: float) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._down_since: float | None = None

    @property
    def is_open(self) -> bool:
        return self._down_since is not None

    def allow(self) -> bool:
        """True: call the dependency (it is up, or this caller is the probe)."""
        if self._down_since is None:  # the common case, without the lock
            return True
        with self._lock:
            if self._down_since is None:
                return True
            now = time.monotonic()
            if now < self._open_until:
                return False
            self._open_until = now + self.retry_seconds
            return True

    def failed(self) -> bool:
        """Record a failed call; True when this starts an outage (log it once)."""
        with self._lock:
            now = time.monotonic()
            self._open_until = now + self.retry_seconds
            if self._down_since is None:
                self._down_since = now
                return True
            return False

    def succeeded(self) -> float | None:
        """Record a call that worked; the outage's length in seconds when this ends one."""
        if self._down_since is None:
            return None
        with self._lock:
            if self._down_since is None:
                return None
            seconds = time.monotonic() - self._down_since
            self._down_since = None
            self._open_until = 0.0
            return seconds


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str, *, retry_seconds: float) -> CircuitBreaker:
    """The one breaker of this process for `name` (Django makes a cache object per thread)."""
    with _breakers_lock:
        breaker = _breakers.get(name)
        if breaker is None:
            breaker = _breakers[name] = CircuitBreaker(name, retry_seconds=retry_seconds)
        return breaker


class ResilientRedisCache(RedisCache):
    """RedisCache that falls back to a per-process memory cache while Redis is unreachable
    (see the module docstring for the rules and the trade-off)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        retry = float(getattr(settings, "PORTAL_CACHE_RETRY_SECONDS", 10))
        self._breaker = breaker_for(f"cache:{server}", retry_seconds=retry)
        # LocMemCache objects with the same name share their storage: one per process.
        self._fallback = LocMemCache(
            f"portal-cache-fallback:{server}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 10_000},
            },
        )

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    def ping(self) -> None:
        """Ask Redis itself, past the breaker (the readiness probe): raises when unreachable."""
        client: Any = self._cache  # type: ignore[attr-defined]  # Django's RedisCacheClient
        client.get_client(write=True).ping()

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self._breaker.allow():
            try:
                result = getattr(RedisCache, name)(self, *args, **kwargs)
            except UNREACHABLE_ERRORS as exc:
                if self._breaker.failed():
                    logger.warning(
                        "Cache: Redis is unreachable (%s: %s); this process uses its own "
                        "memory cache and tries Redis again every %g s",
                        type(exc).__name__,
                        exc,
                        self._breaker.retry_seconds,
                    )
            else:
                outage = self._breaker.succeeded()
                if outage is not None:
                    logger.warning("Cache: Redis is back after %.0f s", outage)
                    self._fallback.clear()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    # Every operation RedisCache implements; BaseCache's others (get_or_set, decr, the
    # versions, the async ones) are built on these.
    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def clear(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("clear", *args, **kwargs)
