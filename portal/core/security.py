"""Security events as structured records: one JSON object per event on the `portal.security`
logger (failed sign-ins, denied access, MFA and role changes, exports, closed accounts...).

Call `security_event("login_failed", request=request, user=user, email=...)` from views,
services and signal handlers. The record never carries passwords, codes or message texts.
Without a `request`, the request being answered (allauth's request context) is used, so a
permission helper that only has the user still logs the address and path.

`portal.core.logging.JSONFormatter` writes them as JSON lines (settings: LOGGING, the
"[security events]" block). Two helpers cover what many places share:

- `access_refused(...)`: a permission helper is about to answer 404 for an object that exists
  but is not the user's to see;
- `export_logged(...)`: a download of non-public data (a streamed CSV is logged when it has been
  sent, with its row count).
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse

logger = logging.getLogger("portal.security")

R = TypeVar("R", bound=HttpResponseBase)


def client_address(request: HttpRequest) -> str:
    """The client's address as the sign-in limits see it (honours ALLAUTH_TRUSTED_PROXY_COUNT)."""
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except Exception:
        return str(request.META.get("REMOTE_ADDR", ""))


def current_request() -> HttpRequest | None:
    """The request being answered in this thread, if any (set by allauth's AccountMiddleware)."""
    from allauth.core import context

    request = context.request
    return request if isinstance(request, HttpRequest) else None


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
    if request is None:
        request = current_request()
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


def access_refused(
    thing: str,
    pk: Any,
    *,
    user: Any = None,
    exists: Callable[[], bool] | bool = True,
    **fields: Any,
) -> None:
    """Log `access_denied` (outcome "not_visible") when the object `thing` #`pk` exists but the
    user may not see it; the caller answers 404 all the same, so nothing leaks to the visitor.

    `exists` is either known (True: the helper already holds the row) or a callable asked only
    here, on the refusal path, so the happy path makes no extra query. A missing object is not
    logged: a mistyped address is not an attack worth a record.
    """
    try:
        if not (exists() if callable(exists) else exists):
            return
    except Exception:  # a failed look-up must never turn a 404 into a 500
        return
    security_event(
        "access_denied",
        user=user,
        outcome="not_visible",
        level=logging.WARNING,
        object=thing,
        object_id=str(pk)[:100],
        **fields,
    )


def _counted(
    chunks: Iterable[Any], log: Callable[[int, bool], None], header_chunks: int
) -> Iterator[Any]:
    sent = 0
    complete = False
    try:
        for chunk in chunks:
            sent += 1
            yield chunk
        complete = True
    finally:
        log(max(sent - header_chunks, 0), complete)


def export_logged(
    request: HttpRequest,
    response: R,
    *,
    export: str,
    rows: int | None = None,
    header_chunks: int = 1,
    **fields: Any,
) -> R:
    """Log `export` for a download of non-public data and return `response` unchanged.

    A streamed response (the CSV exports yield one chunk per line, the header first) is logged
    once it has been sent, with `rows`: the chunks after the first `header_chunks`, and outcome
    "interrupted" when the client went away before the end. Any other response (a file
    included) is logged now, with `rows` when the caller knows it.
    """
    if (
        isinstance(response, StreamingHttpResponse)
        and not isinstance(response, FileResponse)
        and not response.is_async
    ):
        content = cast(Iterator[bytes], response.streaming_content)
        user = getattr(request, "user", None)

        def log(count: int, complete: bool) -> None:
            security_event(
                "export",
                request=request,
                user=user,
                outcome="ok" if complete else "interrupted",
                export=export,
                rows=count,
                **fields,
            )

        response.streaming_content = _counted(content, log, header_chunks)
        return response
    security_event("export", request=request, export=export, rows=rows, **fields)
    return response
