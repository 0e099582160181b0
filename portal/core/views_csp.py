"""`/csp-report`: where browsers report what the Content-Security-Policy blocked.

Public on purpose (a browser reports for anonymous visitors too) and without a CSRF token (the
browser sends it, not a form). It answers:

* 204 when the report was read (stored, or counted once already: the same page, blocked address
  and directive within a minute is kept once);
* 400 for a body that is not JSON or not a report, 405 for anything but POST, 413 for a body
  over CSP_REPORT_MAX_BYTES, 415 for another content type;
* 429 when the sender (its address, or the person when signed in) sent more than
  CSP_REPORTS_PER_MINUTE reports in the current minute; nothing is stored then.

Both formats are read: `application/csp-report` (the `report-uri` directive: one object under
"csp-report") and `application/reports+json` (the Reporting API behind `report-to`: a list of
reports, of which those of type "csp-violation" are kept). Every field is cut to the length
its column holds; the report as received is kept in `raw` (without NUL characters, which
PostgreSQL refuses).
"""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import CspReport
from .ratelimit import allow_per_minute

# The report-uri format; some browsers sent it as plain JSON.
CSP_REPORT_TYPES = frozenset({"application/csp-report", "application/json"})
REPORTS_JSON_TYPE = "application/reports+json"
# A Reporting API delivery may batch several reports; more than this in one body is not a
# browser's doing.
MAX_REPORTS_PER_BODY = 20
DEDUPE_SECONDS = 60
INT_MAX = 2**31 - 1
MAX_DEPTH = 16

# Where each column's value is in the two formats.
CSP_REPORT_FIELDS = {
    "document_uri": "document-uri",
    "blocked_uri": "blocked-uri",
    "violated_directive": "violated-directive",
    "effective_directive": "effective-directive",
    "disposition": "disposition",
    "source_file": "source-file",
    "line_number": "line-number",
    "column_number": "column-number",
    "sample": "script-sample",
}
REPORTS_JSON_FIELDS = {
    "document_uri": "documentURL",
    "blocked_uri": "blockedURL",
    "effective_directive": "effectiveDirective",
    "disposition": "disposition",
    "source_file": "sourceFile",
    "line_number": "lineNumber",
    "column_number": "columnNumber",
    "sample": "sample",
}


class BadReport(ValueError):
    """The body is not a CSP report in either format."""


def _clean_json(value: Any, depth: int = 0) -> Any:
    """`value` without NUL characters anywhere (PostgreSQL's jsonb and text refuse them); a
    report nested deeper than a browser would nest one is refused."""
    if depth > MAX_DEPTH:
        raise BadReport("nested too deep")
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean_json(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {
            str(key).replace("\x00", ""): _clean_json(item, depth + 1)
            for key, item in value.items()
        }
    return value


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are not JSON: PostgreSQL would refuse to store them.
    raise BadReport(f"{name} is not JSON")


def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    column = CspReport._meta.get_field(field)
    assert isinstance(column, models.CharField)
    return text.replace("\x00", "")[: column.max_length]


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 <= number <= INT_MAX else None


def _report(body: dict[str, Any], fields: dict[str, str], *, raw: Any, agent: str) -> CspReport:
    values: dict[str, Any] = {}
    for column, key in fields.items():
        value = body.get(key)
        if column in ("line_number", "column_number"):
            values[column] = _number(value)
        else:
            values[column] = _text(value, column)
    if not values.get("violated_directive"):
        # The Reporting API format names only the effective directive.
        values["violated_directive"] = values.get("effective_directive", "")
    return CspReport(**values, user_agent=_text(agent, "user_agent"), raw=_clean_json(raw))


def parse_reports(content_type: str, data: Any, *, user_agent: str) -> list[CspReport]:
    """The reports a body holds, as unsaved rows; BadReport when it is not a CSP report."""
    if content_type in CSP_REPORT_TYPES:
        if not isinstance(data, dict) or not isinstance(data.get("csp-report"), dict):
            raise BadReport("no csp-report object")
        return [_report(data["csp-report"], CSP_REPORT_FIELDS, raw=data, agent=user_agent)]
    if not isinstance(data, list) or len(data) > MAX_REPORTS_PER_BODY:
        raise BadReport("not a list of reports")
    reports = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("body"), dict):
            raise BadReport("a report without a body")
        if item.get("type") != "csp-violation":
            continue  # deprecation, intervention... reports: not ours to keep
        agent = item.get("user_agent") if isinstance(item.get("user_agent"), str) else user_agent
        body = dict(item["body"])
        body.setdefault("documentURL", item.get("url"))
        reports.append(_report(body, REPORTS_JSON_FIELDS, raw=item, agent=agent or ""))
    return reports


def _first_in_a_minute(report: CspReport) -> bool:
    """True the first time this page, blocked address and directive are reported in a minute."""
    key = hashlib.sha256(
        "\n".join([report.document_uri, report.blocked_uri, report.effective_directive]).encode()
    ).hexdigest()
    return bool(cache.add(f"csp-report:seen:{key}", 1, timeout=DEDUPE_SECONDS))


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


@login_not_required
@csrf_exempt
@never_cache
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Store the CSP violations a browser reports (see the module's docstring)."""
    limit = settings.CSP_REPORT_MAX_BYTES
    declared = _declared_length(request)
    if declared is None:
        return HttpResponse(status=400)
    if declared > limit:
        return HttpResponse(status=413)
    content_type = (request.content_type or "").lower()
    if content_type not in CSP_REPORT_TYPES and content_type != REPORTS_JSON_TYPE:
        return HttpResponse(status=415)
    if not allow_per_minute(request, scope="csp-report", limit=settings.CSP_REPORTS_PER_MINUTE):
        return HttpResponse(status=429, headers={"Retry-After": "60"})
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse(status=413)
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
        reports = parse_reports(
            content_type, data, user_agent=request.headers.get("User-Agent", "")
        )
    # json's errors, UnicodeDecodeError and BadReport are ValueErrors; a body of a thousand
    # nested brackets exhausts the parser's recursion.
    except (ValueError, RecursionError):
        return HttpResponse(status=400)
    fresh = [report for report in reports if _first_in_a_minute(report)]
    if fresh:
        CspReport.objects.bulk_create(fresh)
    return HttpResponse(status=204)
