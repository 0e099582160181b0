"""An event's attendee list as CSV for its organisers, made for Swedish Excel.

UTF-8 with a byte-order mark, `;` between cells, CRLF line ends, times in Europe/Stockholm
(see `portal.core.exports`). Every registration is a row (confirmed, waiting, cancelled), with
the needs only organisers see and the email addresses of those who agreed to share them; every
text cell a spreadsheet would read as a formula (a name typed as `=cmd|…`) gets a leading
apostrophe.
"""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.exports import BOM, CHUNK_SIZE, Echo, local_datetime, safe_cell

from ..models import Event, Registration
from ..selectors.registrations import attendee_rows


def header_row() -> list[str]:
    """The column titles in the active language."""
    return [
        _("Name"),
        _("Organisation"),
        _("Email"),
        _("Dietary or accessibility needs"),
        _("Shown on the attendee list"),
        _("Email address shared"),
        _("Status"),
        _("Place in the waiting list"),
        _("Registered at"),
        _("Attended"),
    ]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def attendee_row(registration: Registration) -> list[Any]:
    """One registration as a row; needs a row read through `attendee_rows`."""
    return [
        # An anonymised person's registration has no name left: "Former user".
        registration.name or str(registration.user),
        registration.organisation,
        # Only with the consent given at registration (the portal mails everyone itself).
        registration.user.email if registration.consent_to_share_contact else "",
        registration.needs,
        _yes_no(registration.consent_to_list),
        _yes_no(registration.consent_to_share_contact),
        registration.get_status_display(),
        getattr(registration, "queue_place", None) or "",
        local_datetime(getattr(registration, "registered_at", registration.created_at)),
        _yes_no(registration.attended),
    ]


def attendee_csv_lines(registrations: Iterable[Registration], *, language: str) -> Iterator[str]:
    """The CSV text, line by line, BOM first; rendered in `language` even when streamed after
    the view has returned."""
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    with translation.override(language):
        yield BOM + writer.writerow(header_row())
        for registration in registrations:
            yield writer.writerow([safe_cell(cell) for cell in attendee_row(registration)])


def export_filename(event: Event) -> str:
    """attendees-2026-10-27-event-12.csv: the event's local date and number (ASCII only)."""
    day = timezone.localtime(event.starts_at).strftime("%Y-%m-%d")
    return f"attendees-{day}-event-{event.pk}.csv"


def attendees_csv_response(*, event: Event, language: str) -> StreamingHttpResponse:
    """Stream every registration of `event` as CSV (private: never cached)."""
    rows = attendee_rows(event=event).iterator(chunk_size=CHUNK_SIZE)
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in attendee_csv_lines(rows, language=language)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(event)}"'
    response["Cache-Control"] = "private, no-store"
    return response
