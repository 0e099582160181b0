"""/reports/: asking for a PDF from a subject's page, following its progress, downloading it.

Every view that shows a request fetches it through `get_report_request_for_user_or_404`: the
requester only, and only while they may still see the subject (404 for everyone else).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.core.ratelimit import allow_per_minute
from portal.core.uploads import PDF, file_response, safe_filename

from . import selectors, services
from .forms import form_params, request_form
from .kinds import get_kind
from .models import RenderedReport, ReportKind, ReportRequest
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
    fields; more than REPORTS_REQUESTS_PER_MINUTE a minute are refused (429)."""
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
    if not allow_per_minute(
        request, scope="reports:request", limit=settings.REPORTS_REQUESTS_PER_MINUTE
    ):
        message = _("You have asked for too many reports. Wait a minute and try again.")
        if _is_htmx(request):
            return _panel_response(request, spec, params=params, error=message)
        response = render(
            request,
            "reports/request.html",
            {"form": form, "spec": spec, "error": message},
            status=429,
        )
        response["Retry-After"] = "60"
        return response
    if not request.user.is_authenticated and not request.session.session_key:
        # The session must exist before it can own the request.
        request.session.save()
    report_request = services.report_request(
        user=request.user,
        session_key=request.session.session_key or "",
        kind=spec.kind.value,
        params=params,
        language=language,
    )
    if _is_htmx(request):
        return _panel_response(request, spec, params=params)
    return redirect(report_request)


def _describe(report_request: ReportRequest) -> dict[str, Any]:
    """The request in words for its page: the report's title, subtitle and subject link."""
    spec = get_kind(report_request.kind)
    try:
        title = str(spec.title(report_request.params, report_request.language))
        subtitle = str(spec.subtitle(report_request.params, report_request.language))
    except Exception:  # a kind not finished yet, or a subject changed beyond recognition
        title, subtitle = str(spec.kind.label), ""
    return {
        "title": title,
        "subtitle": subtitle,
        "subject_url": spec.subject_url(report_request.params),
        "language_label": report_request.get_language_display(),
    }


@login_not_required
@require_GET
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """A request's page: what was asked for, its progress, the download or what went wrong."""
    report_request = get_report_request_for_user_or_404(request, pk)
    context = {
        "report_request": report_request,
        "status": selectors.report_status(report_request),
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
    """The PDF as an attachment named after its title; 404 until it is ready. Each download
    keeps the file from expiring for another retention period."""
    report_request = get_report_request_for_user_or_404(request, pk)
    rendered = report_request.report
    if report_request.state != ReportState.READY or rendered is None or not rendered.file:
        raise Http404
    if not rendered.file.storage.exists(rendered.file.name):
        raise Http404
    RenderedReport.objects.filter(pk=rendered.pk).update(last_used_at=timezone.now())
    name = safe_filename(f"{rendered.title}.pdf")
    return file_response(rendered.file, name=name, content_type=PDF.content_type)


@login_not_required
@require_POST
def retry(request: HttpRequest, pk: Any) -> HttpResponse:
    """Ask again after a failure (POST). Only a failed request can be retried: 404 otherwise."""
    report_request = get_report_request_for_user_or_404(request, pk)
    if report_request.state != ReportState.FAILED:
        raise Http404
    report_request = services.report_retry(report_request=report_request)
    if _is_htmx(request):
        return _fragment(request, STATUS, {"status": selectors.report_status(report_request)})
    return redirect(report_request)


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's report requests, newest first (a fixed number of queries)."""
    page = Paginator(selectors.my_reports(request.user), REQUESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"request": rr, "status": selectors.report_status(rr), "kind_label": rr.get_kind_display()}
        for rr in page.object_list
    ]
    return render(request, "reports/mine.html", {"page": page, "rows": rows})


urlpatterns: list[URLPattern] = [
    path("", mine, name="mine"),
    path("new/<slug:kind>/", request_report, name="request"),
    path("<uuid:pk>/", detail, name="detail"),
    path("<uuid:pk>/status/", status, name="status"),
    path("<uuid:pk>/download/", download, name="download"),
    path("<uuid:pk>/retry/", retry, name="retry"),
]

__all__ = ["ReportKind", "urlpatterns"]
