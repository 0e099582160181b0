"""Who may see a report request, its progress and its file."""

from typing import Any

from django.http import Http404, HttpRequest

from portal.core.security import access_refused

from .kinds import get_kind
from .models import ReportRequest


def is_requester(request: HttpRequest, report_request: ReportRequest) -> bool:
    """The person who asked: the signed-in user, or the anonymous session that asked (for a
    request that has no user). A session that signs in does not inherit anonymous requests:
    Django cycles the session key on sign-in."""
    user = request.user
    if user.is_authenticated:
        return report_request.requested_by_id == user.pk
    session_key = request.session.session_key
    return bool(
        session_key
        and report_request.requested_by_id is None
        and report_request.session_key == session_key
    )


def get_report_request_for_user_or_404(request: HttpRequest, pk: Any) -> ReportRequest:
    """The request `pk`, for its requester only, and only while they may still see the
    report's subject: 404 for a missing request, someone else's, and a lost subject alike
    (so neither existence nor the subject leaks). Used by the page, the status fragment, the
    download and the retry."""
    report_request = (
        ReportRequest.objects.select_related("report").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if report_request is None:
        raise Http404
    if not is_requester(request, report_request):
        access_refused("report_request", pk, user=request.user)
        raise Http404
    get_kind(report_request.kind).check_access(request.user, report_request.params)
    return report_request
