"""Public pages every visitor sees, the language switch, health probes and error pages."""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.forms import LanguageForm
from portal.accounts.services import user_set_language
from portal.core.middleware import database_outage_response
from portal.core.pagecache import cached_page
from portal.core.redirects import next_path
from portal.core.security import security_event
from regions.selectors import region_list_public

logger = logging.getLogger(__name__)


@login_not_required
@require_GET
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    regions = [r for r in region_list_public() if r.participating]
    return render(request, "core/home.html", {"participating_regions": regions})


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch between Swedish and English; a signed-in user's choice is kept in the profile."""
    form = LanguageForm(request.POST)
    response = HttpResponseRedirect(next_path(request, request.POST.get("next"), default="/"))
    if form.is_valid():
        language = form.cleaned_data["language"]
        user: Any = request.user
        if user.is_authenticated:
            user_set_language(user=user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering."""
    return JsonResponse({"status": "ok"})


def _unavailable(exc: BaseException) -> str:
    """What /readyz says about a failed check: the kind of error only (the probe is public, so
    no addresses); the detail goes to the log."""
    return f"unavailable: {type(exc).__name__}"


def check_database() -> str | None:
    """A round trip to PostgreSQL (the caller runs it on a connection of its own)."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("readiness: database unreachable: %s", exc)
        return _unavailable(exc)
    return None


def check_cache(backend: Any = None) -> str | None:
    """Redis as the cache uses it, asked past the cache's fallback (ResilientRedisCache.ping):
    the portal keeps working on per-process memory meanwhile, but it is not what it should be.
    A memory cache (no REDIS_URL) has nothing to be away."""
    from redis.exceptions import RedisError

    backend = backend if backend is not None else caches["default"]
    ping = getattr(backend, "ping", None)
    if ping is None:
        return None
    try:
        ping()
    except (RedisError, OSError) as exc:
        logger.warning("readiness: cache unreachable: %s", exc)
        return _unavailable(exc)
    return None


def check_broker() -> str | None:
    """Ping the broker when one is configured (REDIS_URL); tasks in-process need none."""
    if not settings.REDIS_URL:
        return None
    import redis

    timeout = settings.PORTAL_READYZ_TIMEOUT_SECONDS
    try:
        with redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=timeout, socket_timeout=timeout
        ) as client:
            client.ping()
    except (redis.RedisError, OSError) as exc:
        logger.warning("readiness: broker unreachable: %s", exc)
        return _unavailable(exc)
    return None


def _own_connections(check: Callable[[], str | None]) -> str | None:
    try:
        return check()
    finally:
        connections.close_all()  # this thread's connections only


def check_all(checks: dict[str, Callable[[], str | None]], *, timeout: float) -> dict[str, str]:
    """Run the checks at once, each in a thread of its own, and wait at most `timeout` seconds
    for all of them: a dependency that does not answer (a black-holed host) counts as
    unavailable instead of holding the probe. A late check finishes in the background, bounded
    by its own connect and socket timeouts."""
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    results: dict[str, str] = {}
    try:
        futures = {name: pool.submit(_own_connections, check) for name, check in checks.items()}
        deadline = time.monotonic() + timeout
        for name, future in futures.items():
            try:
                results[name] = future.result(timeout=max(0.0, deadline - time.monotonic())) or "ok"
            except FutureTimeout:
                logger.warning("readiness: %s gave no answer within %g s", name, timeout)
                results[name] = f"unavailable: no answer within {timeout:g} s"
            except Exception as exc:
                logger.warning("readiness: %s check failed: %r", name, exc)
                results[name] = _unavailable(exc)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return results


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic? Says what is down: the database, and with REDIS_URL the cache and the
    broker, each "ok" or "unavailable: <why>" within PORTAL_READYZ_TIMEOUT_SECONDS. 503
    ("unavailable") when one of PORTAL_READYZ_REQUIRED is not ok; 200 "degraded" when only
    another one is."""
    checks: dict[str, Callable[[], str | None]] = {"database": check_database}
    if settings.REDIS_URL:
        checks["cache"] = partial(check_cache, caches["default"])
        checks["broker"] = check_broker
    results = check_all(checks, timeout=settings.PORTAL_READYZ_TIMEOUT_SECONDS)
    required = set(settings.PORTAL_READYZ_REQUIRED)
    ready = all(value == "ok" for name, value in results.items() if name in required)
    status = "ok" if all(v == "ok" for v in results.values()) else "degraded"
    return JsonResponse(
        {"status": status if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    security_event(
        "access_denied",
        request=request,
        outcome="forbidden",
        level=logging.WARNING,
        reason=type(exception).__name__ if exception is not None else None,
    )
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # The database away while a middleware read the session or the user: the 503 page.
    outage = database_outage_response(request)
    if outage is not None:
        return outage
    return render(request, "500.html", status=500)


def error_429(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """allauth's rate limits (sign-in, sign-up, password and email changes) answer with this
    page: translated, in the portal's look, and logged."""
    login = request.path == reverse("account_login")
    security_event(
        "login_rate_limited" if login else "rate_limited",
        request=request,
        outcome="refused",
        level=logging.WARNING,
    )
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Django's reason is a fixed text ("CSRF cookie not set.", "Origin checking failed - ...
    # does not match any trusted origins."): never the token itself.
    security_event(
        "access_denied",
        request=request,
        outcome="csrf_failed",
        level=logging.WARNING,
        reason=reason[:200],
    )
    return render(request, "403_csrf.html", status=403)
