"""What the worker does with a request: claim it, make (or reuse) the PDF, finish or fail.

Every outcome is a conditional UPDATE on the claim token the worker got when it claimed the
row, so a worker whose claim was taken over (it crashed, or hung past its time limit) cannot
overwrite what the newer worker decided.
"""

import hashlib
import logging
import time
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone, translation

from portal.core.notifications import MailKind, notify

from ..documents import RenderedDocument, make_report_pdf
from ..kinds import get_kind
from ..models import RenderedReport, ReportRequest
from ..workflow import IN_PROGRESS, ReportError, ReportState
from .requests import is_reusable, report_key

logger = logging.getLogger(__name__)


class ClaimHeld(Exception):
    """Another worker holds a fresh claim on the request (a duplicate delivery): try later,
    by which time the request is usually ready and the later try does nothing."""


class RenderInterrupted(Exception):
    """Making the report failed after the claim; carries the claim so the task can requeue or
    fail exactly this attempt. The original exception is `__cause__`."""

    def __init__(self, *, request_id: Any, claim_token: uuid.UUID) -> None:
        super().__init__(f"Rendering report request {request_id} failed")
        self.request_id = request_id
        self.claim_token = claim_token


def _stale_before(now: Any) -> Any:
    """A claim older than the hard time limit (plus a minute's grace) belongs to a worker that
    is gone: the task cannot still be running."""
    return now - timedelta(seconds=settings.REPORTS_TIME_LIMIT + 60)


def report_claim(*, request_id: Any) -> uuid.UUID | None:
    """Claim a waiting request for rendering with one conditional UPDATE: queued → rendering,
    or a rendering request whose claim went stale (a crashed worker). Returns the new claim
    token, or None when another worker holds the request or it is finished."""
    now = timezone.now()
    token = uuid.uuid4()
    claimed = (
        ReportRequest.objects.filter(pk=request_id)
        .filter(
            Q(state=ReportState.QUEUED)
            | Q(state=ReportState.RENDERING, claimed_at__lt=_stale_before(now))
        )
        .update(
            state=ReportState.RENDERING,
            attempts=F("attempts") + 1,
            claim_token=token,
            claimed_at=now,
            updated_at=now,
        )
    )
    return token if claimed else None


def _mail_if_slow(request: ReportRequest, *, finished_at: Any) -> bool:
    """Rule: the requester is mailed the link when the report took longer than
    REPORTS_MAIL_AFTER_SECONDS (ready or failed): they may have left the page. Anonymous
    requesters have no address. Sent after commit, in the requester's language."""
    user = request.requested_by
    if user is None:
        return False
    if (finished_at - request.created_at).total_seconds() <= settings.REPORTS_MAIL_AFTER_SECONDS:
        return False
    notify(
        users=[user],
        template="reports/mail/report_finished",
        context={
            "report_request": request,
            "link": settings.PORTAL_SITE_URL + request.get_absolute_url(),
        },
        kind=MailKind.REPORT_READY,
    )
    return True


def _after_finish(request_id: Any, *, finished_at: Any) -> None:
    request = ReportRequest.objects.select_related("requested_by").get(pk=request_id)
    if _mail_if_slow(request, finished_at=finished_at):
        ReportRequest.objects.filter(pk=request_id).update(mailed_at=finished_at)


@transaction.atomic
def report_fail(
    *, request_id: Any, claim_token: uuid.UUID | None, error_code: str, detail: str = ""
) -> bool:
    """Rendering → failed (or, from the sweeper with no claim, an unclaimed queued|rendering
    request → failed).

    With a claim token the move happens only while that claim is still the row's, so a worker
    that lost its claim cannot fail a request another worker finished. The detail is for the
    logs and the admin, never shown to the person. False when nothing was changed.
    """
    now = timezone.now()
    rows = ReportRequest.objects.filter(pk=request_id)
    if claim_token is None:
        # The sweeper read no claim: fail only a row still unclaimed, so a worker that claimed
        # it in the meantime keeps it.
        rows = rows.filter(state__in=IN_PROGRESS, claim_token__isnull=True)
    else:
        rows = rows.filter(state=ReportState.RENDERING, claim_token=claim_token)
    failed = rows.update(
        state=ReportState.FAILED,
        error_code=error_code,
        error_detail=detail[:10_000],
        finished_at=now,
        updated_at=now,
    )
    if failed:
        _after_finish(request_id, finished_at=now)
    return bool(failed)


def report_requeue_after_error(*, request_id: Any, claim_token: uuid.UUID, detail: str) -> bool:
    """Rendering → queued after a transient failure, so the task's retry can claim it again.
    Conditional on the claim; False when the claim was lost."""
    now = timezone.now()
    return bool(
        ReportRequest.objects.filter(
            pk=request_id, state=ReportState.RENDERING, claim_token=claim_token
        ).update(
            state=ReportState.QUEUED,
            claim_token=None,
            claimed_at=None,
            error_detail=detail[:10_000],
            updated_at=now,
        )
    )


def _store(
    *,
    request: ReportRequest,
    key: str,
    fingerprint: str,
    title: str,
    pdf: RenderedDocument,
    seconds: float,
) -> RenderedReport:
    """Save the PDF privately under a random name and record it.

    Rule: one file per key. When a RenderedReport with this key exists and its file is still
    in storage (another worker finished the same data meanwhile), that file is kept and our
    bytes are dropped: replacing it would pull the file from under people downloading it.
    Only a row whose file is missing gets our file. A concurrent insert of the same key
    (the key is unique) likewise keeps theirs and drops ours."""
    now = timezone.now()
    existing = RenderedReport.objects.filter(key=key).first()
    if existing is not None and is_reusable(existing, now=now):
        return existing
    rendered = existing or RenderedReport(
        key=key,
        kind=request.kind,
        language=request.language,
        params=request.params,
        fingerprint=fingerprint,
    )
    old_name = rendered.file.name if existing is not None and rendered.file else ""
    rendered.title = title[:300]
    rendered.size = len(pdf.content)
    rendered.sha256 = hashlib.sha256(pdf.content).hexdigest()
    rendered.pages = pdf.pages
    rendered.volumes = pdf.volumes
    rendered.render_seconds = seconds
    rendered.last_used_at = now
    rendered.created_at = now  # a remade file's retention counts from now
    rendered.file.save(f"{uuid.uuid4().hex}{pdf.extension}", ContentFile(pdf.content), save=False)
    try:
        with transaction.atomic():
            rendered.save()
    except IntegrityError:
        rendered.file.storage.delete(rendered.file.name)
        return RenderedReport.objects.get(key=key)
    except BaseException:
        # No row will ever point at the file (a database error, the soft time limit): remove it
        # now, the retention sweep only finds files through their rows.
        rendered.file.storage.delete(rendered.file.name)
        raise
    if old_name:
        # The row's earlier file had vanished from storage; make sure no half of it lingers.
        rendered.file.storage.delete(old_name)
    return rendered


def _finish(*, request_id: Any, claim_token: uuid.UUID, rendered: RenderedReport, key: str) -> bool:
    now = timezone.now()
    with transaction.atomic():
        done = ReportRequest.objects.filter(
            pk=request_id, state=ReportState.RENDERING, claim_token=claim_token
        ).update(
            state=ReportState.READY,
            report=rendered,
            key=key,
            finished_at=now,
            error_code="",
            error_detail="",
            updated_at=now,
        )
        if not done:
            return False
        RenderedReport.objects.filter(pk=rendered.pk).update(last_used_at=now)
        _after_finish(request_id, finished_at=now)
    return True


def report_render(*, request_id: Any) -> ReportRequest | None:
    """Make the report a request asks for (what the task does).

    Rules: a finished request (ready or failed) is left alone, so a task delivered twice
    renders once; a request another worker holds a fresh claim on raises ClaimHeld (the task
    tries again later); otherwise the request is claimed, the subject is checked again for the
    requester (gone or no longer theirs → failed, subject_gone), the data's key is recomputed
    and an existing file with that key is reused; only when there is none is the PDF made and
    stored. The outcome is written only while this worker's claim still holds. Errors after
    the claim come out as RenderInterrupted (with the claim) for the task to classify.
    """
    request = ReportRequest.objects.select_related("requested_by").filter(pk=request_id).first()
    if request is None or request.state in (ReportState.READY, ReportState.FAILED):
        return request
    token = report_claim(request_id=request_id)
    if token is None:
        state = ReportRequest.objects.filter(pk=request_id).values_list("state", flat=True)
        if not state or state[0] in (ReportState.READY, ReportState.FAILED):
            return None
        raise ClaimHeld(str(request_id))
    try:
        spec = get_kind(request.kind)
        user = request.requested_by
        try:
            spec.check_access(user if user is not None else AnonymousUser(), request.params)
        except Http404:
            report_fail(
                request_id=request_id,
                claim_token=token,
                error_code=ReportError.SUBJECT_GONE,
                detail="The requester may no longer see the subject.",
            )
            return ReportRequest.objects.get(pk=request_id)
        language = request.language
        with translation.override(language):
            fingerprint = spec.fingerprint(request.params, language)
        key = report_key(
            kind=request.kind, params=request.params, language=language, fingerprint=fingerprint
        )
        rendered = RenderedReport.objects.filter(key=key).first()
        if rendered is None or not is_reusable(rendered, now=timezone.now()):
            started = time.monotonic()
            pdf = make_report_pdf(spec, request.params, language)
            seconds = time.monotonic() - started
            with translation.override(language):
                title = str(spec.title(request.params, language))
            rendered = _store(
                request=request,
                key=key,
                fingerprint=fingerprint,
                title=title,
                pdf=pdf,
                seconds=seconds,
            )
            logger.info(
                "Report %s rendered: %s volume(s), %s pages, %s bytes, %.2f s",
                request_id,
                pdf.volumes,
                pdf.pages,
                len(pdf.content),
                seconds,
            )
        _finish(request_id=request_id, claim_token=token, rendered=rendered, key=key)
    except Exception as exc:
        raise RenderInterrupted(request_id=request_id, claim_token=token) from exc
    return ReportRequest.objects.get(pk=request_id)
