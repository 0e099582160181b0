"""Every write of the reports app: asking for a report, the worker's claim and outcome, the
person's retry and the periodic clean-up (see README.md for the states and moves)."""

from .cleanup import reports_fail_stuck, reports_remove_expired, reports_requeue_waiting
from .requests import (
    FORMAT_VERSION,
    WAITING_FOR_QUEUE,
    TooManyPending,
    report_downloaded,
    report_enqueue,
    report_key,
    report_request,
    report_retry,
)
from .work import (
    ClaimHeld,
    RenderInterrupted,
    report_claim,
    report_fail,
    report_render,
    report_requeue_after_error,
)

__all__ = [
    "FORMAT_VERSION",
    "WAITING_FOR_QUEUE",
    "ClaimHeld",
    "RenderInterrupted",
    "TooManyPending",
    "report_claim",
    "report_downloaded",
    "report_enqueue",
    "report_fail",
    "report_key",
    "report_render",
    "report_request",
    "report_requeue_after_error",
    "report_retry",
    "reports_fail_stuck",
    "reports_remove_expired",
    "reports_requeue_waiting",
]
