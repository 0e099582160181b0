"""Per-person (or per-address) limits on costly actions, counted in the shared cache (Redis in
production), so every web process enforces the same limit."""

from allauth.account.adapter import get_adapter as get_account_adapter
from django.core.cache import cache
from django.http import HttpRequest


def requester_key(request: HttpRequest) -> str:
    """The signed-in person, or the client address for anonymous visitors (the same address
    allauth's sign-in limits use: ALLAUTH_TRUSTED_PROXY_COUNT says how many proxies in front of
    the portal to trust in X-Forwarded-For)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{get_account_adapter(request).get_client_ip(request)}"


def allow_per_minute(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """True while the requester did `scope` at most `limit` times in the current minute."""
    key = f"{scope}:{requester_key(request)}"
    cache.add(key, 0, timeout=60)
    try:
        return bool(cache.incr(key) <= limit)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=60)
        return True
