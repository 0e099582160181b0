"""The reach report as CSV for Swedish Excel (UTF-8 with BOM, `;`, CRLF, formula-safe cells).

One header, then: one row per quarter of the period with the figures of the chosen region (or
national, or programme-wide), a row for the whole period, and one row per event and publication
with its own figures for the period (their rows add up to the period's). Registrations,
attendance and downloads are totals (counted by the portal plus logged), with the portal's share
in the column beside them. The rows are streamed: every event and publication, however many
(the overview lists only the top ones).
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.exports import BOM, CHUNK_SIZE, Echo, local_date, safe_cell

from ..models import Event
from ..selectors.reach import (
    ItemReach,
    QuarterReach,
    ReachFigures,
    ReachScope,
    iter_reach_items,
    reach_by_quarter,
    reach_total,
)


def header_row() -> list[str]:
    """The column titles in the active language."""
    return [
        _("Figures for"),
        _("Quarter"),
        _("Region"),
        _("ID"),
        _("Kind"),
        _("Title"),
        _("Date"),
        _("Address"),
        _("Events held"),
        _("Publications published"),
        _("Registrations"),
        _("of which counted by the portal"),
        _("Attendance"),
        _("of which marked in the portal"),
        _("Listeners"),
        _("Downloads"),
        _("of which through the portal"),
        _("Views"),
    ]


def _figures(row: ReachFigures) -> list[int]:
    return [
        row.events,
        row.publications,
        row.registrations,
        row.registrations_portal,
        row.attendance,
        row.attendance_portal,
        row.listeners,
        row.downloads,
        row.downloads_portal,
        row.views,
    ]


def quarter_row(row: QuarterReach, *, scope: ReachScope) -> list[Any]:
    return [_("Quarter"), row.label, scope.description, "", "", "", "", "", *_figures(row)]


def total_row(total: ReachFigures, *, scope: ReachScope, period: str) -> list[Any]:
    return [_("Whole period"), period, scope.description, "", "", "", "", "", *_figures(total)]


def item_row(row: ItemReach, *, base_url: str) -> list[Any]:
    item = row.item
    is_event = isinstance(item, Event)
    return [
        _("Event") if is_event else _("Publication"),
        row.quarter_label,
        item.region.name if item.region_id else _("National"),  # type: ignore[union-attr]
        item.pk,
        str(item.get_kind_display()),  # type: ignore[union-attr]
        item.title,
        row.day.isoformat(),
        base_url + item.get_absolute_url(),
        *_figures(row),
    ]


def reach_csv_lines(
    *,
    scope: ReachScope,
    quarters: Sequence[QuarterReach],
    items: Iterable[ItemReach],
    base_url: str,
    language: str,
) -> Iterator[str]:
    """The CSV text, line by line, BOM first, in `language` (also when streamed after the view
    has returned); `items` is read one row at a time."""
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    base_url = base_url.rstrip("/")
    with translation.override(language):
        yield BOM + writer.writerow(header_row())
        rows: list[list[Any]] = [quarter_row(q, scope=scope) for q in quarters]
        if quarters:
            period = f"{quarters[0].label} – {quarters[-1].label}"
            rows.append(total_row(reach_total(quarters), scope=scope, period=period))
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])
        for item in items:
            yield writer.writerow([safe_cell(cell) for cell in item_row(item, base_url=base_url)])


def reach_filename(*, scope: ReachScope, year: int | None) -> str:
    period = str(year) if year else f"to-{local_date(timezone.now())}"
    return f"reach-{scope.key}-{period}.csv"


def reach_csv_response(
    *,
    scope: ReachScope,
    quarters: list[tuple[int, int]],
    year: int | None,
    base_url: str,
    language: str,
) -> StreamingHttpResponse:
    """The reach report of `scope` over `quarters` as a CSV download, streamed: the quarters
    first, then every event and publication read in chunks (private: never cached)."""
    figures = reach_by_quarter(
        region_ids=scope.region_ids, include_national=scope.include_national, quarters=quarters
    )
    items = iter_reach_items(
        region_ids=scope.region_ids,
        include_national=scope.include_national,
        quarters=quarters,
        chunk_size=CHUNK_SIZE,
    )
    lines = reach_csv_lines(
        scope=scope, quarters=figures, items=items, base_url=base_url, language=language
    )
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8"
    )
    filename = reach_filename(scope=scope, year=year)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
