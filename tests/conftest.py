"""Shared fixtures.

In CI (CI=true) nothing that needs PostgreSQL, Redis, a Celery worker or Chromium may be skipped:
a missing service fails the run instead.
"""

import importlib
import logging
import os
import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings

from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made there by
# the test itself are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")


def _missing_services() -> dict[str, str]:
    missing = {}
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing["postgres"] = "DATABASE_URL does not point at PostgreSQL"
    if not settings.REDIS_URL:
        missing["redis"] = "REDIS_URL is not set"
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        missing["chromium"] = f"{CHROMIUM} is not installed"
    return missing


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (DATABASE_URL)")
    config.addinivalue_line("markers", "redis: needs Redis (REDIS_URL)")
    config.addinivalue_line("markers", "chromium: needs Debian's Chromium")
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright")
    if IN_CI:
        missing = _missing_services()
        if missing:
            raise pytest.UsageError(
                "CI=true but services are missing: " + "; ".join(missing.values())
            )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Outside CI, skip what needs a service that is not configured (say why)."""
    missing = _missing_services()
    for item in items:
        for marker in ("postgres", "redis", "chromium"):
            if marker in missing and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=missing[marker]))
        if "chromium" in missing and item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=missing["chromium"]))


@pytest.fixture(scope="session", autouse=True)
def _mail_through_the_outbox(django_test_environment: None) -> None:
    """Django's test set-up swaps EMAIL_BACKEND for locmem; put the outbox back, so every test
    sends mail as production does: written to OutgoingMail, handed to `deliver_mail` after the
    commit, delivered to locmem (PORTAL_MAIL_DELIVERY_BACKEND), where `mail.outbox` shows it."""
    settings.EMAIL_BACKEND = "portal.core.mail.OutboxBackend"


@pytest.fixture(scope="session", autouse=True)
def _security_events_captured(request: pytest.FixtureRequest) -> Iterator[None]:
    """`portal.security` does not propagate to the root logger (its JSON lines go to standard
    output on their own), where pytest's caplog listens: give it caplog's handlers too, so
    `caplog.records` holds the security events and a failing test's report shows them."""
    plugin = request.config.pluginmanager.get_plugin("logging-plugin")
    handlers = [plugin.caplog_handler, plugin.report_handler] if plugin else []
    security_logger = logging.getLogger("portal.security")
    for handler in handlers:
        security_logger.addHandler(handler)
    yield
    for handler in handlers:
        security_logger.removeHandler(handler)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and cached state never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the settings' language: a request by a Swedish user activates Swedish
    for the thread, which must not leak into the next test's direct service calls."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """The rows the data migrations create (21 regions, role groups, the default Co-sharing
    process, the clause library, obstacle categories and actors), as a fresh database has them.

    A transactional test's flush empties every table, data-migration rows included; a
    transactional test that needs them asks for this fixture.
    """
    from django.apps import apps

    for module, function in [
        ("regions.migrations.0002_swedish_regions", "load_regions"),
        ("portal.accounts.migrations.0002_roles", "create_roles"),
        ("partnerships.migrations.0002_default_process_template", "load"),
        ("partnerships.migrations.0003_clause_library", "load"),
        ("obstacles.migrations.0002_categories_and_actors", "load"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return UserFactory()


@pytest.fixture
def with_mfa():  # type: ignore[no-untyped-def]
    """Give a user a TOTP authenticator, as staff roles must have before they can work."""
    from allauth.mfa.models import Authenticator

    def _with_mfa(user):  # type: ignore[no-untyped-def]
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
        )
        return user

    return _with_mfa


# --- A real Celery worker (Celery's own pytest fixtures) on the Redis broker --------------------


@pytest.fixture(scope="session")
def celery_config() -> dict[str, object]:
    return {"broker_url": settings.REDIS_URL, "task_always_eager": False}


@pytest.fixture
def celery_app(celery_config):  # type: ignore[no-untyped-def]
    """Celery's `celery_worker` fixture drives the portal's own app, not a throwaway test app."""
    from portal.celery import app

    previous = {key: app.conf.get(key) for key in celery_config}
    app.conf.update(celery_config)
    yield app
    app.conf.update(previous)


@pytest.fixture(scope="session")
def celery_worker_parameters() -> dict[str, object]:
    return {"perform_ping_check": False, "queues": ("celery", "reports")}


@pytest.fixture(scope="session")
def celery_worker_pool() -> str:
    return "solo"
