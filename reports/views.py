"""/reports/: asking for a PDF from a subject's page, following its progress, downloading it.

Every view that shows a request fetches it through `get_report_request_for_user_or_404`: the
requester only, and only while they may still see the subject (404 for everyone else).
"""

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.core.ratelimit import allow_per_minute
from portal.core.security import export_logged
from portal.core.uploads import PDF, file_response, safe_filename

from . import selectors, services
from .documents import ZIP
from .forms import form_params, request_form
from .kinds import get_kind
from .models import ReportKind, ReportRequest
from .permissions import get_report_request_for_user_or_404
from .workflow import ReportState

PANEL = "reports/partials/request_panel.html"
STATUS = "reports/partials/status.html"
REQUESTS_PER_PAGE = 20


def _is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _fragment(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    response["Cache-Control"] = "no-store"
    return response


def _panel_response(
    request: HttpRequest, spec: Any, *, params: dict[str, Any], form: Any = None, error: str = ""
) -> HttpResponse:
    """The panel alone, for htmx. Errors are answered 200 too: htmx swaps only successful
    answers, and the panel carries its own errors beside the fields."""
    panel = selectors.report_panel(
        request, kind=spec.kind.value, params=params, form=form, error=error
    )
    if panel is None:
        raise Http404
    return _fragment(request, PANEL, {"panel": panel})


def _client_address(request: HttpRequest) -> str:
    """An anonymous visitor's client address (the one the rate limit counts: allauth's, which
    trusts ALLAUTH_TRUSTED_PROXY_COUNT proxies); signed-in people are counted by account."""
    if request.user.is_authenticated:
        return ""
    return str(get_account_adapter(request).get_client_ip(request) or "")[:45]


def _over_rate_limit(request: HttpRequest) -> str:
    """The message when the requester asked for more than REPORTS_REQUESTS_PER_MINUTE reports
    this minute (asking and trying again share one allowance), else ""."""
    if allow_per_minute(
        request, scope="reports:request", limit=settings.REPORTS_REQUESTS_PER_MINUTE
    ):
        return ""
    return _("You have asked for too many reports. Wait a minute and try again.")


def _pending_message(pending: int) -> str:
    return ngettext(
        "You already have %(count)s report being made; wait until it is ready.",
        "You already have %(count)s reports being made; wait until one is ready.",
        pending,
    ) % {"count": pending}


def _refused(
    request: HttpRequest, spec: Any, *, form: Any, params: dict[str, Any], message: str
) -> HttpResponse:
    """A request refused by a limit: htmx gets the panel with the message (200, so htmx swaps
    it in); a plain POST gets the form page with the message and 429."""
    if _is_htmx(request):
        return _panel_response(request, spec, params=params, form=form, error=message)
    response = render(
        request,
        "reports/request.html",
        {"form": form, "spec": spec, "error": message},
        status=429,
    )
    response["Retry-After"] = "60"
    return response


def _fixed_params(spec: Any, form: Any) -> dict[str, Any] | None:
    """The page-fixed parameters (the kind's hidden fields, e.g. the partnership's id) from a
    bound form, or None when one of them is not valid (then there is no subject to check)."""
    hidden = [name for name, field in spec.form_class().fields.items() if field.widget.is_hidden]
    if any(name in form.errors for name in hidden):
        return None
    return spec.params_from_form({name: form.cleaned_data.get(name) for name in hidden})


@login_not_required
@require_POST
def request_report(request: HttpRequest, kind: str) -> HttpResponse:
    """Ask for a report (POST from the subject's page). Public kinds accept anonymous visitors
    (their session owns the request); private kinds send them to sign in, and answer 404 to a
    signed-in person who may not see the subject. Invalid parameters come back beside the
    fields; more than REPORTS_REQUESTS_PER_MINUTE a minute, or a new request beyond
    REPORTS_MAX_PENDING waiting ones, are refused with a message (429; htmx: the panel)."""
    spec = get_kind(kind)
    if not spec.public and not request.user.is_authenticated:
        return redirect_to_login(reverse("reports:mine"))
    form = request_form(spec, data=request.POST, language=get_language() or "sv")
    if not form.is_valid():
        fixed = _fixed_params(spec, form)
        if fixed is not None:
            # Someone who may not see the subject learns nothing, not even about the form.
            spec.check_access(request.user, fixed)
            if _is_htmx(request):
                return _panel_response(request, spec, params=fixed, form=form)
        return render(request, "reports/request.html", {"form": form, "spec": spec}, status=422)
    params, language = form_params(spec, form)
    spec.check_access(request.user, params)
    message = _over_rate_limit(request)
    if message:
        return _refused(request, spec, form=form, params=params, message=message)
    if not request.user.is_authenticated and not request.session.session_key:
        # The session must exist before it can own the request.
        request.session.save()
    try:
        report_request = services.report_request(
            user=request.user,
            session_key=request.session.session_key or "",
            kind=spec.kind.value,
            params=params,
            language=language,
            client_address=_client_address(request),
        )
    except services.TooManyPending as exc:
        return _refused(
            request, spec, form=form, params=params, message=_pending_message(exc.pending)
        )
    if _is_htmx(request):
        return _panel_response(request, spec, params=params)
    return redirect(report_request)


def _describe(report_request: ReportRequest) -> dict[str, Any]:
    """The request in words for its page: the report's title, subtitle and subject link."""
    spec = get_kind(report_request.kind)
    try:
        # The document's own title, as it stands on its cover (in the report's language).
        with translation.override(report_request.language):
            title, subtitle = spec.heading(report_request.params, report_request.language)
    except Exception:  # a kind not finished yet, or a subject changed beyond recognition
        title, subtitle = str(spec.kind.label), ""
    return {
        "title": str(title),
        "subtitle": str(subtitle),
        "subject_url": spec.subject_url(report_request.params),
        "language_label": report_request.get_language_display(),
    }


@login_not_required
@require_GET
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """A request's page: what was asked for, its progress, the download or what went wrong.
    A ready file whose data changed since it was made is not offered; the page says so and
    offers to make a new one."""
    report_request = get_report_request_for_user_or_404(request, pk)
    stale = selectors.report_is_stale(report_request)
    context = {
        "report_request": report_request,
        "status": selectors.report_status(report_request, stale=stale),
        **_describe(report_request),
    }
    response = render(request, "reports/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_GET
def status(request: HttpRequest, pk: Any) -> HttpResponse:
    """The progress fragment htmx polls every 2 s while the request waits or is being made;
    the answer for a finished request carries no trigger, so the polling stops."""
    report_request = get_report_request_for_user_or_404(request, pk)
    return _fragment(request, STATUS, {"status": selectors.report_status(report_request)})


@login_not_required
@require_GET
def download(request: HttpRequest, pk: Any) -> HttpResponseBase:
    """The PDF as an attachment named after its title; 404 until it is ready. A file whose
    data changed since it was made is not served: the person is sent to the request's page,
    which offers a new one. Files are private to their requester: never cached."""
    report_request = get_report_request_for_user_or_404(request, pk)
    rendered = report_request.report
    if report_request.state != ReportState.READY or rendered is None or not rendered.file:
        raise Http404
    if not rendered.file.storage.exists(rendered.file.name):
        raise Http404
    if selectors.report_is_stale(report_request):
        # The request's page says that the data changed and offers a new report.
        return redirect(report_request)
    services.report_downloaded(rendered=rendered)
    zipped = rendered.file.name.endswith(".zip")  # a compilation in volumes
    name = safe_filename(f"{rendered.title}{'.zip' if zipped else '.pdf'}")
    response = file_response(
        rendered.file,
        name=name,
        content_type=ZIP if zipped else PDF.content_type,
        cache_control="private, no-store",
    )
    return export_logged(
        request, response, export="report", kind=report_request.kind, report=report_request.pk
    )


@login_not_required
@require_POST
def retry(request: HttpRequest, pk: Any) -> HttpResponse:
    """Ask again (POST): a failed request is queued again; a ready one whose data changed
    since its file was made gets a new request with the same parameters and language (the
    person is taken to it). 404 for anything else. The same per-minute limit and the same
    cap on waiting requests as asking apply (429 with the message; htmx: the fragment)."""
    report_request = get_report_request_for_user_or_404(request, pk)
    renew = report_request.state == ReportState.READY and selectors.report_is_stale(report_request)
    if report_request.state != ReportState.FAILED and not renew:
        raise Http404
    message = _over_rate_limit(request)
    if not message:
        try:
            if renew:
                if not request.user.is_authenticated and not request.session.session_key:
                    request.session.save()
                new_request = services.report_request(
                    user=request.user,
                    session_key=request.session.session_key or "",
                    kind=report_request.kind,
                    params=report_request.params,
                    language=report_request.language,
                    client_address=_client_address(request),
                )
                return redirect(new_request)
            report_request = services.report_retry(
                report_request=report_request,
                user=request.user,
                client_address=_client_address(request),
            )
        except services.TooManyPending as exc:
            message = _pending_message(exc.pending)
    status_context = {
        "status": selectors.report_status(report_request, stale=renew),
        "error": message,
    }
    if _is_htmx(request):
        return _fragment(request, STATUS, status_context)
    if message:
        response = render(
            request,
            "reports/detail.html",
            {"report_request": report_request, **status_context, **_describe(report_request)},
            status=429,
        )
        response["Retry-After"] = "60"
        response["Cache-Control"] = "no-store"
        return response
    return redirect(report_request)


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's report requests, newest first (a fixed number of queries).
    Rows of private kinds show the kind, language, date and state only, not the title."""
    page = Paginator(selectors.my_reports(request.user), REQUESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # Only public kinds' titles are listed: a private subject (a partnership, an agreement, a
    # region's activity) the person may no longer see must not leak its name here, and
    # checking each row's access would cost queries per row. The request's own page, which
    # checks access, shows the title.
    rows = [
        {
            "request": rr,
            "status": selectors.report_status(rr),
            "kind_label": rr.get_kind_display(),
            "title": rr.report.title if rr.report and get_kind(rr.kind).public else "",
        }
        for rr in page.object_list
    ]
    return render(
        request,
        "reports/mine.html",
        {"page": page, "rows": rows, "retention_days": settings.REPORTS_RETENTION_DAYS},
    )


urlpatterns: list[URLPattern] = [
    path("", mine, name="mine"),
    path("new/<slug:kind>/", request_report, name="request"),
    path("<uuid:pk>/", detail, name="detail"),
    path("<uuid:pk>/status/", status, name="status"),
    path("<uuid:pk>/download/", download, name="download"),
    path("<uuid:pk>/retry/", retry, name="retry"),
]

__all__ = ["ReportKind", "urlpatterns"]
