"""Asking for a report, and asking again after a failure."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from portal.core.audit import audit_record

from ..kinds import get_kind
from ..kinds.base import digest
from ..models import RenderedReport, ReportRequest
from ..workflow import IN_PROGRESS, ReportState, can_move

logger = logging.getLogger(__name__)

# The broker could not take the task (Redis down, refused, not answering).
ENQUEUE_ERRORS: tuple[type[BaseException], ...] = (BrokerError, RedisError, OSError)
# A queued request whose task the broker could not take carries this at the start of its
# error_detail until the sweep hands it over (the technical detail follows, for the admin).
WAITING_FOR_QUEUE = "waiting-for-queue"

# Part of every key: bump it when the print templates change meaningfully, so files made with
# the old templates are no longer reused (they expire with the retention period).
FORMAT_VERSION = 2
# How long a reused file must still have before the retention sweep removes it.
REUSE_MARGIN = timedelta(days=1)


def report_key(*, kind: str, params: dict[str, Any], language: str, fingerprint: str) -> str:
    """Identical requests for identical data share one key, hence one rendered file."""
    return digest([FORMAT_VERSION, str(kind), params, str(language), fingerprint])


def is_reusable(rendered: RenderedReport, *, now: Any) -> bool:
    """Rule: a rendered file is handed out again while it is in storage and the retention sweep
    will not remove it soon (made less than REPORTS_RETENTION_DAYS minus REUSE_MARGIN ago) –
    a request for a file about to go would vanish with it."""
    fresh_after = now - timedelta(days=settings.REPORTS_RETENTION_DAYS) + REUSE_MARGIN
    return rendered.created_at > fresh_after and rendered_file_exists(rendered)


def rendered_file_exists(rendered: RenderedReport) -> bool:
    """A RenderedReport is reusable only while its file is still in storage."""
    return bool(rendered.file) and rendered.file.storage.exists(rendered.file.name)


class TooManyPending(Exception):
    """The requester already has REPORTS_MAX_PENDING requests waiting or being made."""

    def __init__(self, pending: int) -> None:
        super().__init__(f"{pending} reports are already being made")
        self.pending = pending


def _pending_owner(*, user: Any, client_address: str) -> tuple[str, Any]:
    """Who the pending cap counts: a signed-in user by their account, an anonymous visitor by
    their client address (a new session does not buy a new allowance)."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", ReportRequest.objects.filter(requested_by=user)
    return f"ip:{client_address}", ReportRequest.objects.filter(
        requested_by__isnull=True, client_address=client_address
    )


def _check_pending(*, user: Any, client_address: str) -> None:
    """Rule (availability): at most REPORTS_MAX_PENDING requests queued or rendering per
    requester at a time. The requester's advisory lock is held, so two POSTs at once cannot
    both slip under the cap."""
    owner, rows = _pending_owner(user=user, client_address=client_address)
    _lock(f"report-pending:{owner}")
    pending = rows.filter(state__in=IN_PROGRESS).count()
    if pending >= settings.REPORTS_MAX_PENDING:
        raise TooManyPending(pending)


def report_enqueue(request_id: Any) -> bool:
    """Hand a queued request to the workers. Rule: the broker being away (Redis down, refused,
    not answering) never fails the person's request or loses it: the row stays queued, marked
    WAITING_FOR_QUEUE (its page says the report will take longer), and the every-minute sweep
    (`reports_requeue_waiting`) hands it over when the broker is back. The publish fails fast
    (no retries, short socket timeouts: the [resilience] settings). True when handed over."""
    from ..tasks import render_report

    try:
        render_report.apply_async(args=(str(request_id),), retry=False)
    except ENQUEUE_ERRORS as exc:
        logger.warning(
            "Report %s stays queued until the task queue is back: %s: %s",
            request_id,
            type(exc).__name__,
            exc,
        )
        ReportRequest.objects.filter(pk=request_id, state=ReportState.QUEUED).update(
            error_detail=f"{WAITING_FOR_QUEUE}: {type(exc).__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
        )
        return False
    return True


def _enqueue(request_id: Any) -> None:
    report_enqueue(request_id)


def _lock_requester(*, owner: str, key: str) -> None:
    """Serialise one requester's identical requests (a double click, two tabs), so two POSTs at
    once make one row. A transaction-scoped advisory lock: nothing to clean up, and it works for
    anonymous sessions, which have no row to lock. SQLite serialises writers by itself."""
    _lock(f"report:{owner}:{key}")


def _lock(name: str) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])


@transaction.atomic
def report_request(
    *,
    user: Any,
    session_key: str,
    kind: str,
    params: dict[str, Any],
    language: str,
    client_address: str = "",
) -> ReportRequest:
    """Record a request for a report (the view has checked access and the parameters).

    Rules: the same requester asking again for the same data (same key) gets their earlier
    request back unless it failed, so a double submit creates nothing twice; when a file for
    this key already exists the request is ready at once and no worker is involved; otherwise
    the request waits in the queue and the task is enqueued after commit. A signed-in user owns
    the request; an anonymous visitor's session owns it otherwise (public kinds only). A new
    request that would wait beyond REPORTS_MAX_PENDING of the requester's (the user, or the
    anonymous client address) raises TooManyPending; a ready file does not count.
    """
    spec = get_kind(kind)
    with translation.override(language):
        fingerprint = spec.fingerprint(params, language)
    key = report_key(kind=kind, params=params, language=language, fingerprint=fingerprint)
    signed_in = bool(user is not None and user.is_authenticated)
    owner = f"user:{user.pk}" if signed_in else f"session:{session_key}"
    if not signed_in and not session_key:
        raise ValueError("An anonymous request needs a session.")
    _lock_requester(owner=owner, key=key)

    mine = (
        ReportRequest.objects.filter(requested_by=user)
        if signed_in
        else ReportRequest.objects.filter(requested_by__isnull=True, session_key=session_key)
    )
    existing = (
        mine.filter(key=key).exclude(state=ReportState.FAILED).select_related("report").first()
    )
    if (
        existing is not None
        and existing.report is not None
        and not rendered_file_exists(existing.report)
    ):
        # The file vanished from storage (a restore, a disk swap): forget it, and with it the
        # requests that pointed at it, rather than leave the person with a link that 404s.
        RenderedReport.objects.filter(pk=existing.report.pk).delete()
        existing = None
    if existing is not None:
        return existing

    now = timezone.now()
    rendered = RenderedReport.objects.filter(key=key).first()
    reusable = rendered is not None and is_reusable(rendered, now=now)
    if not reusable:
        _check_pending(user=user, client_address=client_address)
    fields: dict[str, Any] = {
        "kind": kind,
        "params": params,
        "language": language,
        "key": key,
        "subject": spec.subject_key(params),
        "requested_by": user if signed_in else None,
        "session_key": "" if signed_in else session_key,
        "client_address": "" if signed_in else client_address,
    }
    if rendered is not None and reusable:
        RenderedReport.objects.filter(pk=rendered.pk).update(last_used_at=now)
        ready = ReportRequest.objects.create(
            **fields, state=ReportState.READY, report=rendered, finished_at=now
        )
        _audit(ready, user, action="report.request")
        return ready
    created = ReportRequest.objects.create(**fields, state=ReportState.QUEUED)
    _audit(created, user, action="report.request")
    transaction.on_commit(lambda: _enqueue(created.pk))
    return created


def _audit(report_request: ReportRequest, user: Any, *, action: str) -> None:
    """Who took out which report (the admins' audit log): signed-in people only; an anonymous
    visitor can ask only for public reports."""
    if user is not None and user.is_authenticated:
        audit_record(
            actor=user,
            action=action,
            target=report_request,
            data={
                "kind": report_request.kind,
                "subject": report_request.subject,
                "language": report_request.language,
            },
        )


@transaction.atomic
def report_retry(
    *, report_request: ReportRequest, user: Any = None, client_address: str = ""
) -> ReportRequest:
    """The person asks again after a failure: failed → queued with fresh attempts, and the task
    is enqueued after commit. Only a failed request may be retried (ValueError otherwise).
    The retry waits again, so it counts against REPORTS_MAX_PENDING (TooManyPending)."""
    locked = ReportRequest.objects.select_for_update().get(pk=report_request.pk)
    if not can_move(locked.state, ReportState.QUEUED) or locked.state != ReportState.FAILED:
        raise ValueError(f"A {locked.state} request cannot be retried.")
    _check_pending(
        user=user if user is not None else locked.requested_by, client_address=client_address
    )
    if locked.requested_by_id is None:
        locked.client_address = client_address
    locked.state = ReportState.QUEUED
    locked.attempts = 0
    locked.claim_token = None
    locked.claimed_at = None
    locked.finished_at = None
    locked.error_code = ""
    locked.error_detail = ""
    locked.mailed_at = None
    # The retry counts as a new request for the sweeper and the "mail when slow" rule.
    locked.created_at = timezone.now()
    locked.save(
        update_fields=[
            "state",
            "attempts",
            "claim_token",
            "claimed_at",
            "finished_at",
            "error_code",
            "error_detail",
            "mailed_at",
            "client_address",
            "created_at",
            "updated_at",
        ]
    )
    _audit(locked, user if user is not None else locked.requested_by, action="report.retry")
    transaction.on_commit(lambda: _enqueue(locked.pk))
    return locked


def report_downloaded(*, rendered: RenderedReport) -> None:
    """Rule: a download counts as use of the file (`last_used_at`, which the retention sweep
    reads for files nobody asks for); it never extends a file's life past the retention from
    when it was made."""
    RenderedReport.objects.filter(pk=rendered.pk).update(last_used_at=timezone.now())
