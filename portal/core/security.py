"""Security events as structured records: one JSON object per event on the `portal.security`
logger (failed sign-ins, denied access, MFA and role changes, exports, closed accounts...).

Call `security_event("login_failed", request=request, user=user, email=...)` from views,
services and signal handlers. The record never carries passwords, codes or message texts.
"""

import logging
from typing import Any

from django.http import HttpRequest

logger = logging.getLogger("portal.security")


def client_address(request: HttpRequest) -> str:
    """The client's address as the sign-in limits see it (honours ALLAUTH_TRUSTED_PROXY_COUNT)."""
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except Exception:
        return str(request.META.get("REMOTE_ADDR", ""))


def security_event(
    event: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    outcome: str = "ok",
    level: int = logging.INFO,
    **fields: Any,
) -> dict[str, Any]:
    """Log one security event; returns the record (handy in tests)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    record: dict[str, Any] = {"event": event, "outcome": outcome}
    if user is not None and getattr(user, "is_authenticated", False):
        record["user_id"] = user.pk
    if request is not None:
        record["ip"] = client_address(request)
        record["method"] = request.method
        record["path"] = request.path[:500]
    record.update({key: value for key, value in fields.items() if value is not None})
    logger.log(level, event, extra={"security": record})
    return record
