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
from .work import report_fail


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
    none ever came. Returns how many failed."""
    now = now or timezone.now()
    limit = timedelta(seconds=(settings.REPORTS_MAX_ATTEMPTS + 1) * settings.REPORTS_TIME_LIMIT)
    stuck = ReportRequest.objects.filter(state__in=IN_PROGRESS).filter(
        Q(claimed_at__lt=now - limit) | Q(claimed_at__isnull=True, created_at__lt=now - limit)
    )
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
