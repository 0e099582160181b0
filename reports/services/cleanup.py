"""The periodic clean-up: expired files go, and nothing waits forever."""

from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import RenderedReport, ReportRequest
from ..workflow import IN_PROGRESS, ReportError, ReportState
from .requests import WAITING_FOR_QUEUE, report_enqueue
from .work import report_fail

# A request handed over to the broker moments ago is the workers' for this long before the
# stuck-sweep may fail it (it may be old: it waited for the broker).
HANDED_OVER_GRACE = timedelta(seconds=60)
# At most this many requests are handed over per sweep (every minute).
REQUEUE_BATCH = 500


def _delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


@transaction.atomic
def reports_remove_expired(*, now: Any = None) -> int:
    """Rule: a rendered report lives at most REPORTS_RETENTION_DAYS from when it was made
    (downloads and reuse do not extend it), and one nobody asked for within that period goes
    too; it is removed with its file (after commit) and the requests that led to it. Failed or
    waiting requests without a file are removed after the same period. Returns how many
    rendered reports went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REPORTS_RETENTION_DAYS)
    expired = list(
        RenderedReport.objects.filter(Q(created_at__lt=cutoff) | Q(last_used_at__lt=cutoff)).only(
            "pk", "file"
        )
    )
    if expired:
        storage = expired[0].file.storage
        names = [r.file.name for r in expired if r.file]
        RenderedReport.objects.filter(pk__in=[r.pk for r in expired]).delete()
        transaction.on_commit(partial(_delete_files, storage, names))
    ReportRequest.objects.filter(report__isnull=True, updated_at__lt=cutoff).filter(
        Q(state=ReportState.FAILED) | Q(state__in=IN_PROGRESS)
    ).delete()
    return len(expired)


def reports_fail_stuck(*, now: Any = None) -> int:
    """Rule: nothing waits forever. A request still waiting or being made after
    (REPORTS_MAX_ATTEMPTS + 1) × REPORTS_TIME_LIMIT since its last claim (or since it was asked
    for, when no worker ever claimed it) fails: too_long when a worker had it, temporary when
    none ever came. Except a request whose task the broker could not take (WAITING_FOR_QUEUE):
    it waits for the broker, however long, and once handed over it gets HANDED_OVER_GRACE
    before this sweep may fail it. Returns how many failed."""
    now = now or timezone.now()
    limit = timedelta(seconds=(settings.REPORTS_MAX_ATTEMPTS + 1) * settings.REPORTS_TIME_LIMIT)
    stuck = ReportRequest.objects.filter(state__in=IN_PROGRESS).filter(
        Q(claimed_at__lt=now - limit)
        | Q(
            claimed_at__isnull=True,
            created_at__lt=now - limit,
            # Just handed over (after the broker was back): the workers get a minute first.
            updated_at__lt=now - HANDED_OVER_GRACE,
        )
    )
    # Waiting for the broker: the person was told it is made when the broker is back.
    stuck = stuck.exclude(state=ReportState.QUEUED, error_detail__startswith=WAITING_FOR_QUEUE)
    failed = 0
    for pk, claimed_at, token in stuck.values_list("pk", "claimed_at", "claim_token"):
        code = ReportError.TOO_LONG if claimed_at is not None else ReportError.TEMPORARY
        # A claimed row fails only under the claim seen here: a worker that claimed it again
        # in the meantime keeps it.
        if report_fail(
            request_id=pk, claim_token=token, error_code=code, detail="No worker finished in time."
        ):
            failed += 1
    return failed


def reports_requeue_waiting(*, now: Any = None) -> dict[str, int]:
    """Rule: a request is made even when the broker lost or never took its task. Every minute
    (beat): a queued request whose task the broker could not take (WAITING_FOR_QUEUE) is handed
    over again at once; one that was handed over but that no worker claimed within
    REPORTS_REQUEUE_AFTER_SECONDS (the broker lost it: Redis restarted without its data) is
    handed over again too, at most once per that period. A second delivery of a task that did
    arrive is harmless: the worker's claim makes it render once. The longest waiting go first,
    at most REQUEUE_BATCH a sweep; the sweep stops at the first hand-over that fails (the
    broker is still away). Returns how many were waiting and how many were handed over."""
    now = now or timezone.now()
    after = timedelta(seconds=settings.REPORTS_REQUEUE_AFTER_SECONDS)
    waiting = list(
        ReportRequest.objects.filter(state=ReportState.QUEUED, claim_token__isnull=True)
        .filter(Q(error_detail__startswith=WAITING_FOR_QUEUE) | Q(updated_at__lt=now - after))
        .order_by("updated_at")
        .values_list("pk", "error_detail")[:REQUEUE_BATCH]
    )
    handed = 0
    for pk, detail in waiting:
        if not report_enqueue(pk):
            break
        handed += 1
        # Handed over: the page no longer says the broker is away, and the next hand-over of
        # a task that still does not arrive waits another REPORTS_REQUEUE_AFTER_SECONDS.
        rows = ReportRequest.objects.filter(pk=pk, state=ReportState.QUEUED)
        if detail.startswith(WAITING_FOR_QUEUE):
            rows = rows.filter(error_detail=detail)
            rows.update(error_detail="", updated_at=timezone.now())
        else:
            rows.update(updated_at=timezone.now())
    return {"waiting": len(waiting), "handed_over": handed}
