"""The reports' background work: making a PDF (queue `reports`), the hourly clean-up and the
every-minute hand-over of requests the broker did not take."""

import logging
import random
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404
from redis.exceptions import RedisError

from .services import (
    ClaimHeld,
    RenderInterrupted,
    report_fail,
    report_render,
    report_requeue_after_error,
    reports_fail_stuck,
    reports_remove_expired,
    reports_requeue_waiting,
)
from .workflow import ReportError

logger = logging.getLogger(__name__)

# Failures worth another try: the database, Redis, the disk or the network was briefly away.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    RedisError,
    OSError,
    ConnectionError,
    TimeoutError,
)
# How often a duplicate delivery waits for the worker that holds the claim. Long enough to
# outlast a render that hits the hard time limit (the claim is stale after it).
CLAIM_WAITS = 12


def backoff(attempt: int, *, base: float = 5.0, cap: float = 300.0) -> float:
    """Exponential backoff with jitter: about 5 s, 10 s, 20 s… (up to `cap`), so retries of
    many requests after one outage do not all arrive at the same moment."""
    delay = min(cap, base * 2 ** max(attempt - 1, 0))
    return float(delay + random.uniform(0, delay / 4))  # noqa: S311 (jitter, not a secret)


def _detail(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"[:2000]


@shared_task(
    bind=True,
    name="reports.tasks.render_report",
    acks_late=True,
    reject_on_worker_lost=True,
    queue="reports",
    soft_time_limit=settings.REPORTS_SOFT_TIME_LIMIT,
    time_limit=settings.REPORTS_TIME_LIMIT,
    max_retries=settings.REPORTS_MAX_ATTEMPTS,
)
def render_report(self: Any, request_id: str) -> str | None:
    """Make the PDF for one report request (by id). Safe to deliver twice: the claim makes
    the second delivery wait and then find the request finished.

    Transient errors requeue the request and retry with backoff; after REPORTS_MAX_ATTEMPTS
    tries the request fails as temporary. Running past the soft time limit fails it as too
    long (not retried: it would take as long again). Anything else fails it as an error,
    with the detail logged and kept for the admin, never shown to the person.
    """
    max_attempts = settings.REPORTS_MAX_ATTEMPTS
    try:
        request = report_render(request_id=request_id)
    except ClaimHeld as exc:
        waits = self.request.retries
        # In-process (no broker) there is nobody else to wait for.
        if self.request.is_eager or waits >= CLAIM_WAITS + max_attempts:
            logger.info("Report %s: still claimed elsewhere, leaving it to that worker", request_id)
            return None
        raise self.retry(
            exc=exc, countdown=backoff(waits + 1, cap=60.0), max_retries=CLAIM_WAITS + max_attempts
        ) from exc
    except RenderInterrupted as interrupted:
        cause = interrupted.__cause__ or interrupted
        token = interrupted.claim_token

        def fail(error_code: str) -> None:
            report_fail(
                request_id=request_id,
                claim_token=token,
                error_code=error_code,
                detail=_detail(cause),
            )

        # Not retried: past the soft time limit (it would take as long again), or a kind that
        # says why it refuses (e.g. too many obstacles for one compilation).
        # The subject vanishing between the access check and the context (a partnership deleted
        # mid-render) is "gone", not an error worth another try.
        refused = (
            ReportError.TOO_LONG
            if isinstance(cause, SoftTimeLimitExceeded)
            else ReportError.SUBJECT_GONE
            if isinstance(cause, Http404)
            else getattr(cause, "report_error", None)
        )
        if refused in ReportError.values:
            fail(refused)
            return None
        if isinstance(cause, TRANSIENT_ERRORS):
            from .models import ReportRequest

            attempts = (
                ReportRequest.objects.filter(pk=request_id)
                .values_list("attempts", flat=True)
                .first()
            ) or max_attempts
            if attempts >= max_attempts:
                logger.warning(
                    "Report %s failed after %s attempts: %r", request_id, attempts, cause
                )
                fail(ReportError.TEMPORARY)
                return None
            if not report_requeue_after_error(
                request_id=request_id, claim_token=token, detail=_detail(cause)
            ):
                return None  # another worker took over the claim
            if self.request.is_eager:
                # In-process (no broker): try again at once; the attempts column bounds it.
                return render_report.run(request_id)  # type: ignore[no-any-return]
            raise self.retry(
                exc=cause,
                countdown=backoff(attempts),
                max_retries=CLAIM_WAITS + max_attempts,
            ) from cause
        logger.exception("Report %s failed", request_id, exc_info=cause)
        fail(ReportError.ERROR)
        return None
    return request.state if request is not None else None


@shared_task(name="reports.tasks.remove_expired_reports", acks_late=True)
def remove_expired_reports() -> dict[str, int]:
    """Celery beat: remove files past the retention period and fail requests nobody finished
    (see `services.cleanup`)."""
    return {"removed": reports_remove_expired(), "failed": reports_fail_stuck()}


@shared_task(name="reports.tasks.requeue_waiting_reports", acks_late=True)
def requeue_waiting_reports() -> dict[str, int]:
    """Celery beat, every minute: hand over again the requests whose task the broker could not
    take or lost (see `services.cleanup.reports_requeue_waiting`)."""
    return reports_requeue_waiting()
