"""What the report pages and the panel on subject pages show."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .forms import request_form
from .kinds import get_kind
from .models import ReportRequest
from .services.requests import WAITING_FOR_QUEUE, report_key
from .workflow import IN_PROGRESS, ReportError, ReportState


def size_label(size: int) -> str:
    """A file size as people write it: "340 kB", "1,2 MB" (decimal units, localised)."""
    if size < 1000:
        return _("%(size)s bytes") % {"size": size}
    if size < 1_000_000:
        return _("%(size)s kB") % {"size": formats.number_format(round(size / 1000))}
    return _("%(size)s MB") % {"size": formats.number_format(size / 1_000_000, 1)}


@dataclass(frozen=True)
class ReportStatus:
    """One request's progress as the status fragment shows it."""

    request: ReportRequest
    in_progress: bool
    ready: bool
    failed: bool
    # Ready: "PDF, 12 pages, 340 kB". Failed: why, and what to do about it.
    file_label: str
    # "Download PDF", or for a compilation in volumes "Download the PDF volumes (ZIP)".
    download_label: str
    error_message: str
    advice: str
    # Ready, but the data changed since the file was made: the file is not served any more.
    stale: bool = False
    # Waiting, and it will take longer: the broker could not take the task (Redis away), or no
    # worker claimed it within REPORTS_REQUEUE_AFTER_SECONDS. The page says so.
    delayed: bool = False


def report_is_stale(report_request: ReportRequest) -> bool:
    """Rule: a ready request's file is served only while it shows the data as it is now. The
    kind's key is recomputed (its fingerprint: a few queries, or the whole context for small
    kinds); a different key means the data changed since the file was made."""
    rendered = report_request.report
    if report_request.state != ReportState.READY or rendered is None:
        return False
    spec = get_kind(report_request.kind)
    language = report_request.language
    with translation.override(language):
        fingerprint = spec.fingerprint(report_request.params, language)
    current = report_key(
        kind=report_request.kind,
        params=report_request.params,
        language=language,
        fingerprint=fingerprint,
    )
    return current != rendered.key


def report_status(report_request: ReportRequest, *, stale: bool = False) -> ReportStatus:
    """What the person sees of a request: progress, the file, or why it failed and what to do
    (narrow the filter when it was too large or too long; otherwise try again). `stale` (from
    `report_is_stale`, computed by the caller where it is worth its cost) replaces the
    download with an offer to make a new one."""
    state = report_request.state
    file_label = error_message = advice = ""
    download_label = _("Download PDF")
    if state == ReportState.READY and report_request.report is not None:
        rendered = report_request.report
        file_label = _("PDF, %(pages)s pages, %(size)s") % {
            "pages": rendered.pages,
            "size": size_label(rendered.size),
        }
        if rendered.pages == 1:
            file_label = _("PDF, 1 page, %(size)s") % {"size": size_label(rendered.size)}
        if rendered.volumes > 1:
            file_label = _("ZIP of %(volumes)s PDF volumes, %(pages)s pages, %(size)s") % {
                "volumes": rendered.volumes,
                "pages": rendered.pages,
                "size": size_label(rendered.size),
            }
            download_label = _("Download the PDF volumes (ZIP)")
    if state == ReportState.FAILED:
        code = report_request.error_code or ReportError.ERROR
        error_message = str(ReportError(code).label)
        if code in (ReportError.TOO_LARGE, ReportError.TOO_LONG):
            advice = _("Narrow the filter and try again.")
        elif code == ReportError.SUBJECT_GONE:
            advice = ""
        else:
            advice = _("Try again. If it fails again, wait a while before the next try.")
    return ReportStatus(
        request=report_request,
        in_progress=state in IN_PROGRESS,
        ready=state == ReportState.READY,
        failed=state == ReportState.FAILED,
        file_label=file_label,
        download_label=str(download_label),
        error_message=error_message,
        advice=advice,
        stale=stale and state == ReportState.READY,
        delayed=report_is_delayed(report_request),
    )


def report_is_delayed(report_request: ReportRequest) -> bool:
    """Rule: a waiting request whose task the broker could not take (it is handed over when
    the broker is back), or that no worker claimed within REPORTS_REQUEUE_AFTER_SECONDS, will
    take longer than usual, and the person is told so."""
    if report_request.state != ReportState.QUEUED:
        return False
    if report_request.error_detail.startswith(WAITING_FOR_QUEUE):
        return True
    waited = timezone.now() - report_request.updated_at
    return waited > timedelta(seconds=settings.REPORTS_REQUEUE_AFTER_SECONDS)


@dataclass
class ReportPanel:
    """The "PDF report" section of a subject's page: the form, and the person's latest request
    for this subject with its progress."""

    kind: str
    kind_label: str
    form: forms.Form
    action: str
    latest: ReportStatus | None
    # A signed-out visitor on a private kind is asked to sign in instead (not used for now:
    # private subjects are never shown to them).
    error: str = ""


def _latest_request(request: HttpRequest, subject: str, kind: str) -> ReportRequest | None:
    """The requester's latest request for the subject: one indexed query (none at all for a
    visitor without a session)."""
    user = request.user
    if user.is_authenticated:
        rows = ReportRequest.objects.filter(requested_by=user)
    else:
        session_key = request.session.session_key
        if not session_key:
            return None
        rows = ReportRequest.objects.filter(requested_by__isnull=True, session_key=session_key)
    return (
        rows.filter(subject=subject, kind=kind)
        .select_related("report")
        .order_by("-created_at")
        .first()
    )


def report_panel(
    request: HttpRequest,
    *,
    kind: str,
    params: dict[str, Any],
    form: forms.Form | None = None,
    error: str = "",
    access_checked: bool = False,
) -> ReportPanel | None:
    """The panel for a subject page, or None when the person may not ask for this report
    (a private kind for a signed-out visitor, or a subject they may not see). Adds at most one
    query to the page (the latest request), beyond what the kind's access check reads.

    `access_checked`: the page fetched the subject through the kind's own rule (the same
    permission helper) just before, so the check is not read a second time."""
    spec = get_kind(kind)
    if not spec.public and not request.user.is_authenticated:
        return None
    if not access_checked:
        try:
            spec.check_access(request.user, params)
        except Http404:
            return None
    latest = _latest_request(request, spec.subject_key(params), str(spec.kind.value))
    return ReportPanel(
        kind=spec.kind.value,
        kind_label=str(spec.kind.label),
        form=form or request_form(spec, params=params, language=get_language() or "sv"),
        action=reverse("reports:request", args=[spec.kind.value]),
        latest=report_status(latest) if latest is not None else None,
        error=error,
    )


def my_reports(user: Any) -> QuerySet[ReportRequest]:
    """The signed-in person's requests, newest first, with their files (fixed query count)."""
    return (
        ReportRequest.objects.filter(requested_by=user)
        .select_related("report")
        .order_by("-created_at")
    )
