"""The life of a report request, as data: its states and the moves between them.

queued → rendering (a worker claims the row) → ready | failed; rendering → queued (a transient
failure: the task retries with backoff); failed → queued (the person asks again); queued or
rendering → failed (the periodic sweep, when no worker finished the job within its time limits).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RENDERING = "rendering", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


# (from, to) pairs that services may perform.
REPORT_MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (ReportState.QUEUED, ReportState.RENDERING),
        (ReportState.RENDERING, ReportState.RENDERING),  # a stale claim taken over after a crash
        (ReportState.RENDERING, ReportState.READY),
        (ReportState.RENDERING, ReportState.FAILED),
        (ReportState.RENDERING, ReportState.QUEUED),
        (ReportState.FAILED, ReportState.QUEUED),
        (ReportState.QUEUED, ReportState.FAILED),
    }
)
# States in which a request still waits for a worker (the page keeps polling).
IN_PROGRESS = frozenset({ReportState.QUEUED, ReportState.RENDERING})


def can_move(source: str, target: str) -> bool:
    return (source, target) in REPORT_MOVES


class ReportError(models.TextChoices):
    """Why a request failed: each has a message that tells the person what to do."""

    TEMPORARY = "temporary", _("A service the portal needs was briefly unavailable.")
    TOO_LONG = "too_long", _("Making the report took too long.")
    TOO_LARGE = "too_large", _("The report would be too large.")
    SUBJECT_GONE = "subject_gone", _("What the report is about is gone or no longer yours to see.")
    ERROR = "error", _("Something went wrong while making the report.")
