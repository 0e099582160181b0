"""Session activity ("last seen" and the address of each signed-in session), recorded at most
once a minute instead of on every request.

allauth's UserSessionsMiddleware (USERSESSIONS_TRACK_ACTIVITY) reads and rewrites the session's
row in a transaction on every request of a signed-in person: five of the ten queries of the
lightest signed-in page, and a write to the same row by every concurrent request of the
session. This middleware does the same work when the session, its address or its browser
changed since it was last recorded, or PORTAL_SESSION_ACTIVITY_SECONDS have passed; otherwise
not. Which is which is kept in the shared cache; when the cache cannot say (Redis away), the
activity is recorded, as before. The sessions page ("where you are signed in") therefore shows
"last seen" to within that many seconds, and a new address or browser at once.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from allauth.usersessions import app_settings
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse


def _activity_key(request: HttpRequest) -> str:
    client = "|".join(
        [
            str(request.session.session_key),
            str(getattr(request.user, "pk", "")),
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            request.META.get("HTTP_USER_AGENT", ""),
        ]
    )
    return "session-activity:" + hashlib.sha256(client.encode()).hexdigest()[:40]


def _due(request: HttpRequest) -> bool:
    """True when this request's activity should be written (and, from now on, not again for
    PORTAL_SESSION_ACTIVITY_SECONDS)."""
    seconds = settings.PORTAL_SESSION_ACTIVITY_SECONDS
    if seconds <= 0:
        return True
    try:
        return bool(cache.add(_activity_key(request), 1, timeout=seconds))
    except Exception:  # the cache cannot say: record it, as allauth would
        return True


class ThrottledUserSessionsMiddleware:
    """allauth's UserSessionsMiddleware, writing at most once per period per session and client."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        session: Any = getattr(request, "session", None)
        if (
            app_settings.TRACK_ACTIVITY
            and session is not None
            and session.session_key
            and user is not None
            and user.is_authenticated
            and _due(request)
        ):
            UserSession.objects.create_from_request(request)
        return self.get_response(request)
