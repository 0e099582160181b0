"""CSV export of a region's pipeline, made for Swedish Excel.

Excel in Swedish locales opens a file directly when it is UTF-8 with a byte-order mark, uses `;`
between cells (`,` is the decimal separator) and CRLF line ends. Dates are written as 2026-11-25
and times in Europe/Stockholm. A cell that Excel would read as a formula (it begins with = + - @,
a tab or a carriage return, also after leading spaces) gets a leading apostrophe, so text typed
by a company cannot run as a formula on a coordinator's computer.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.exports import (
    BOM,
    CHUNK_SIZE,
    Echo,
    local_date,
    local_datetime,
    safe_cell,
)
from regions.models import Region

from .models import Partnership
from .selectors.dashboards import companies_of, is_gate_waiting, region_partnerships, unit_of
from .workflow import AgreementStatus


def header_row() -> list[str]:
    """The column titles in the active language."""
    return [
        _("ID"),
        _("Title"),
        _("Companies"),
        _("Region"),
        _("Unit"),
        _("Current step"),
        _("Status"),
        _("Kind of collaboration"),
        _("Started"),
        _("Last activity"),
        _("Days since activity"),
        _("Gate waiting"),
        _("Agreement status"),
    ]


def partnership_row(partnership: Partnership, *, now: dt.datetime) -> list[Any]:
    """One partnership as a row; needs a partnership read through `region_partnerships`."""
    agreement_status = getattr(partnership, "agreement_status", None)
    return [
        partnership.pk,
        partnership.title,
        ", ".join(companies_of(partnership)),
        partnership.region.name,
        unit_of(partnership),
        partnership.current_step.name,
        partnership.get_status_display(),
        partnership.get_collaboration_kind_display(),
        local_date(partnership.created_at),
        local_datetime(partnership.last_activity_at),
        max((now - partnership.last_activity_at).days, 0),
        _("yes") if is_gate_waiting(partnership) else _("no"),
        str(AgreementStatus(agreement_status).label) if agreement_status else _("No agreement"),
    ]


def pipeline_csv_lines(
    partnerships: Iterable[Partnership], *, language: str, now: dt.datetime | None = None
) -> Iterator[str]:
    """The CSV text, line by line, BOM first; rendered in `language` even when streamed after
    the view has returned."""
    now = now or timezone.now()
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    with translation.override(language):
        yield BOM + writer.writerow(header_row())
        for partnership in partnerships:
            yield writer.writerow([safe_cell(c) for c in partnership_row(partnership, now=now)])


def export_filename(region: Region, *, now: dt.datetime | None = None) -> str:
    return f"pipeline-{region.slug}-{local_date(now or timezone.now())}.csv"


def pipeline_csv_response(*, region: Region, language: str) -> StreamingHttpResponse:
    """Stream every partnership of the region (open and closed) as CSV, in chunks."""
    now = timezone.now()
    rows = region_partnerships(region_ids=[region.pk]).iterator(chunk_size=CHUNK_SIZE)
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in pipeline_csv_lines(rows, language=language, now=now)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(region, now=now)}"'
    response["Cache-Control"] = "private, no-store"
    return response
