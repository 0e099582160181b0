"""The portal admins' audit log: who changed what, filterable, and its CSV export.

Only portal admins get anything here; everyone else who is signed in (staff roles included)
gets 404, as if the page did not exist; anonymous visitors are sent to sign in by
LoginRequiredMiddleware. The filters are a GET form, so a filtered view is a URL to share; with
htmx the form swaps the results (and itself, to show errors beside its fields) and pushes the
URL; without JavaScript it is an ordinary form. Malformed filters are shown as errors beside the
field, with what was typed kept, and no rows are shown until they are corrected.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.accounts.permissions import is_portal_admin

from .exports import BOM, CHUNK_SIZE, Echo, local_date, local_datetime, safe_cell
from .forms_audit import AuditLogFilterForm
from .models import AuditEvent
from .security import export_logged
from .selectors_audit import (
    action_label,
    audit_action_choices,
    audit_events,
    audit_rows_for_display,
    kind_of,
)

PER_PAGE = 50


def _admin_or_404(request: HttpRequest) -> None:
    if not is_portal_admin(request.user):
        raise Http404


def _filter_form(request: HttpRequest) -> AuditLogFilterForm:
    actions = audit_action_choices()
    if request.GET.get("action") and request.GET["action"] not in dict(actions):
        actions = audit_action_choices(fresh=True)  # it may be newer than the kept list
    form = AuditLogFilterForm(request.GET or None, actions=actions)
    if form.is_bound:
        form.is_valid()
    return form


def _filter_query(request: HttpRequest, form: AuditLogFilterForm) -> str:
    """The filters as typed (without the page), for the page links and the export link."""
    return urlencode([(name, request.GET[name]) for name in form.fields if request.GET.get(name)])


def _is_htmx(request: HttpRequest) -> bool:
    """A request from the filter form or a page link (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit rows, newest first, 50 a page, filtered by the form in the URL."""
    _admin_or_404(request)
    form = _filter_form(request)
    usable = not form.errors
    page = None
    if usable:
        paginator = Paginator(audit_events(filters=form.filters()), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = audit_rows_for_display(page.object_list)
    context = {
        "form": form,
        "page": page,
        "query": _filter_query(request, form),
    }
    if _is_htmx(request):
        response = render(request, "core/partials/audit_results_htmx.html", context)
    else:
        response = render(request, "core/audit_log.html", context)
    # The same URL answers a fragment or the page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "private, no-store"
    return response


# --- CSV export ---------------------------------------------------------------------------------


def _header() -> list[str]:
    return [
        _("When"),
        _("Who"),
        _("Email address"),
        _("Action"),
        _("Action code"),
        _("Kind of record"),
        _("Record number"),
        _("Record"),
        _("Reason"),
        _("Details"),
    ]


def _row(event: AuditEvent) -> list[Any]:
    actor: Any = event.actor
    return [
        local_datetime(event.created_at),
        actor.get_full_name() if actor is not None else _("The portal (automatic)"),
        actor.email if actor is not None else "",
        action_label(event.action),
        event.action,
        kind_of(event.target_type),
        event.target_id,
        event.target_repr,
        event.reason,
        json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else "",
    ]


def audit_csv_lines(events: Iterable[AuditEvent], *, language: str) -> Iterator[str]:
    """The CSV text for Swedish Excel, line by line, BOM first, every text cell made safe from
    formula injection; rendered in `language` even when streamed after the view returned."""
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    with translation.override(language):
        yield BOM + writer.writerow(_header())
        for event in events:
            yield writer.writerow([safe_cell(cell) for cell in _row(event)])


@require_GET
def audit_log_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered rows (all of them, not one page) as CSV; logged as an export."""
    _admin_or_404(request)
    form = _filter_form(request)
    query = _filter_query(request, form)
    if form.errors:
        # The page shows what is wrong with the filters beside the fields.
        return redirect(f"{reverse('core:audit_log')}?{query}")
    filters = form.filters()
    events = audit_events(filters=filters)
    language = get_language() or "sv"
    response = StreamingHttpResponse(
        (
            line.encode("utf-8")
            for line in audit_csv_lines(events.iterator(chunk_size=CHUNK_SIZE), language=language)
        ),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"audit-log-{local_date(timezone.now())}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    # Logged once streamed, with the number of rows sent (portal.core.security).
    return export_logged(request, response, export="audit_log", filters=filters.as_log_fields())
