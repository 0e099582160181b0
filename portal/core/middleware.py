"""The database being away answers a clear 503 page, never an error page or a traceback.

PostgreSQL restarted, failed over or out of connections: the query raises OperationalError or
InterfaceError. `DatabaseOutageMiddleware` turns that into the translated 503 page with
Retry-After when a view raises it (one warning line, no traceback per request); when it comes
from another middleware (the session or the signed-in user is read before the view),
`database_outage_response` does the same from the 500 handler (`portal.core.views.error_500`).
Django closes the broken connection at the end of the request, and CONN_HEALTH_CHECKS makes the
next request open a fresh one: nothing needs restarting once the database is back.

The page is rendered without the request's context processors, which would read the user (the
database again).
"""

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)


def is_database_outage(exc: BaseException | None) -> bool:
    """The exception, or one it was raised from or while handling, is the database's."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page, in the request's language, telling the browser when to try again."""
    retry_url = request.get_full_path() if request.method in ("GET", "HEAD") else ""
    html = render_to_string("503.html", {"retry_url": retry_url})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.PORTAL_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def database_outage_response(request: HttpRequest) -> HttpResponse | None:
    """For the 500 handler: the 503 page when the error being handled is the database's."""
    if not is_database_outage(sys.exc_info()[1]):
        return None
    return database_unavailable(request)


class DatabaseOutageMiddleware:
    """A view that fails because the database is away answers 503 (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        logger.warning(
            "Database unavailable during %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
        )
        return database_unavailable(request)
