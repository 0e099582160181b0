"""Session activity is written once per PORTAL_SESSION_ACTIVITY_SECONDS per session and client
(portal/core/activity.py), not on every request; a new address or browser is written at once."""

from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

PAGE = "/me/profile/"


def _signed_in(email: str, agent: str = "Firefox") -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _session_writes(client: Client, **extra: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PAGE, **extra).status_code == 200
    return sum("usersessions_usersession" in q["sql"] for q in ctx.captured_queries)


def test_the_middleware_replaces_allauths() -> None:
    assert "portal.core.activity.ThrottledUserSessionsMiddleware" in django_settings.MIDDLEWARE
    assert "allauth.usersessions.middleware.UserSessionsMiddleware" not in (
        django_settings.MIDDLEWARE
    )


def test_activity_is_written_once_per_period_and_client() -> None:
    user = UserFactory()
    client = _signed_in(user.email)
    assert _session_writes(client) > 0  # the first request after signing in
    assert _session_writes(client) == 0
    assert _session_writes(client) == 0
    # Another browser on the same session is news: written at once.
    assert _session_writes(client, HTTP_USER_AGENT="Chromium") > 0
    assert UserSession.objects.get(user=user).user_agent == "Chromium"
    assert _session_writes(client, REMOTE_ADDR="192.0.2.7") > 0
    assert str(UserSession.objects.get(user=user).ip) == "192.0.2.7"


def test_each_session_is_written_for_itself() -> None:
    user = UserFactory()
    laptop = _signed_in(user.email, agent="Laptop")
    phone = _signed_in(user.email, agent="Phone")
    assert _session_writes(laptop) > 0
    assert _session_writes(phone) > 0
    assert sorted(UserSession.objects.filter(user=user).values_list("user_agent", flat=True)) == [
        "Laptop",
        "Phone",
    ]


def test_a_period_of_zero_writes_every_request(settings: Any) -> None:
    settings.PORTAL_SESSION_ACTIVITY_SECONDS = 0
    client = _signed_in(UserFactory().email)
    assert _session_writes(client) > 0
    assert _session_writes(client) > 0


def test_when_the_cache_cannot_answer_every_request_is_written(settings: Any) -> None:
    client = _signed_in(UserFactory().email)
    _session_writes(client)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert _session_writes(client) > 0
    assert _session_writes(client) > 0
