"""Rendered pages kept briefly in the shared cache, dropped by any write to the portal's data.

The portal's busiest pages (the public compilation, the calendar, region pages, the
dashboards) cost tens of milliseconds of template rendering and a handful of queries, though
most requests ask for a page nobody changed since the last time. A view marked `@cached_page`
is answered from Redis when the same page was rendered for the same person less than
PORTAL_PAGE_CACHE_SECONDS ago and nothing was written since.

What a cached copy is keyed by: the host, the path with its query string, the language, the
user and the session (an anonymous visitor without a session shares the copy with every other
such visitor; one with a session — say, one who asked for a report — has copies of their own),
and the current *generation*. What it holds: the status-200 HTML and the view's headers, with
the CSRF token of whoever it was rendered for replaced by a marker; each visitor gets their own
token put back in, so forms on a cached page work as on a fresh one.

When it is refreshed: every INSERT, UPDATE or DELETE on the portal's own tables (Django's
`connection.execute_wrappers`, installed on every connection of every process — web, workers,
management commands — so no write path can forget it) sets a new generation once its
transaction commits; copies of older generations are never read again and expire on their own.
Tables that change on every request and show on no page (sessions, session activity, the mail
outbox, CSP reports) do not count. A page rendered while another transaction commits is stored
under the generation read *before* rendering, so it cannot outlive that write. Writes made
outside Django (psql) are seen after PORTAL_PAGE_CACHE_SECONDS at most.

When it is not used: anything but GET/HEAD, htmx requests (fragments), a request with flash
messages waiting, responses that are not 200 HTML or set a cookie, and whenever the shared
cache is not Redis or Redis is unreachable (the resilient cache's breaker is open: per-process
memory could not see other processes' writes). PORTAL_PAGE_CACHE_SECONDS = 0 turns it off.
"""

import hashlib
import logging
import re
import uuid
import zlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import (  # type: ignore[attr-defined]  # not in the stubs
    _unmask_cipher_token,
    get_token,
)
from django.utils import translation

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
CSRF_MARKER = b"__portal-csrf-token__"
# Longer query strings are not cached (nobody shares them; they would only fill the cache).
MAX_QUERY_STRING = 512
# Writes to these tables (prefixes) leave every cached page as it is: they change on every
# request or in the background and no cached page shows them.
UNWATCHED_TABLES = (
    "django_session",
    "usersessions_",
    "core_outgoingmail",
    "core_cspreport",
    "django_celery",
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# Headers a stored copy does not keep (set anew for every response).
_SKIP_HEADERS = frozenset({"set-cookie", "content-length"})


# --- The generation ------------------------------------------------------------------------


def _cache_usable() -> bool:
    """Only a healthy shared Redis: a per-process memory cache cannot see other processes'
    writes, so serving from it could show a page older than a write made elsewhere."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return False
    breaker = getattr(backend, "breaker", None)
    return not (breaker is not None and breaker.is_open)


def new_generation() -> None:
    """Every cached page is out of date from now on."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the cache is best effort; a lost bump ages out (the TTL)
        logger.warning("Page cache: could not start a new generation", exc_info=True)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    return str(generation)


def _watches(sql: str) -> bool:
    match = _WRITE.match(sql)
    return match is not None and not match.group(1).startswith(UNWATCHED_TABLES)


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Execute wrapper: a write to a watched table starts a new generation when it commits
    (at once outside a transaction; never when the transaction rolls back)."""
    result = execute(sql, params, many, context)
    if getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) <= 0:
        return result  # nothing is cached, so nothing to refresh (and no on-commit callback)
    if isinstance(sql, str) and _watches(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            new_generation()
        elif not any(
            callback is new_generation for _sids, callback, *_ in connection.run_on_commit
        ):
            transaction.on_commit(new_generation, using=connection.alias)
    return result


def install_write_watch(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver (portal.core.apps): watch this connection's writes."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


# --- The views -----------------------------------------------------------------------------


def _cacheable(request: HttpRequest, *, signed_in: bool) -> bool:
    seconds = getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0)
    if seconds <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if request.headers.get("HX-Request") or len(request.META.get("QUERY_STRING", "")) > (
        MAX_QUERY_STRING
    ):
        return False
    user: Any = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not signed_in:
        return False
    if len(messages.get_messages(request)):
        return False
    return _cache_usable()


def _key(request: HttpRequest, generation: str) -> str:
    user: Any = getattr(request, "user", None)
    session = getattr(request, "session", None)
    who = f"{getattr(user, 'pk', None) or 0}:{getattr(session, 'session_key', None) or '-'}"
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(f"{who}|{where}".encode()).hexdigest()[:40]
    return f"pagecache:{generation}:{translation.get_language() or ''}:{digest}"


def _storable(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "text/html" in response.get("Content-Type", "")
        and "no-store" not in control
        and "private" not in control
    )


def _without_token(request: HttpRequest, content: bytes) -> bytes:
    """The page with each CSRF token of this request (masked differently each time it was
    asked for) replaced by the marker."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content
    tokens = {
        match.group(0)
        for match in _TOKEN.finditer(content)
        if _unmask_cipher_token(match.group(0).decode()) == secret
    }
    for token in tokens:
        content = content.replace(token, CSRF_MARKER)
    return content


def _from_copy(request: HttpRequest, copy: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    body, headers = copy
    content = zlib.decompress(body)
    if CSRF_MARKER in content:
        content = content.replace(CSRF_MARKER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def cached_page(view: Callable[..., HttpResponse] | None = None, *, signed_in: bool = True) -> Any:
    """Serve the view's page from the page cache when it may (see the module docstring).

    `signed_in=False` caches it for visitors who are not signed in only. Put it next to the
    function (below `login_not_required`, `require_GET`), so those run first.
    """

    def decorate(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request, signed_in=signed_in):
                return func(request, *args, **kwargs)
            try:
                key = _key(request, _generation())
                copy = cache.get(key)
            except Exception:
                logger.warning("Page cache: read failed", exc_info=True)
                return func(request, *args, **kwargs)
            if copy is not None:
                return _from_copy(request, copy)
            response = func(request, *args, **kwargs)
            if _storable(response):
                headers = [
                    (name, value)
                    for name, value in response.headers.items()
                    if name.lower() not in _SKIP_HEADERS
                ]
                body = zlib.compress(_without_token(request, response.content), 1)
                try:
                    cache.set(key, (body, headers), settings.PORTAL_PAGE_CACHE_SECONDS)
                except Exception:
                    logger.warning("Page cache: write failed", exc_info=True)
            return response

        return wrapper

    return decorate(view) if view is not None else decorate
