"""Spreadsheet exports every app shares, made for Swedish Excel.

Excel in Swedish locales opens a file directly when it is UTF-8 with a byte-order mark, uses `;`
between cells (`,` is the decimal separator) and CRLF line ends. Dates are written as 2026-11-25
and times in Europe/Stockholm. A cell that Excel would read as a formula (it begins with = + - @,
a tab or a carriage return, also after leading spaces) gets a leading apostrophe, so text typed
by a user cannot run as a formula on the reader's computer.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

BOM = "\ufeff"
# What spreadsheets read as the start of a formula, also in full-width forms (Excel accepts
# those); checked after any leading whitespace, which Excel skips too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
CHUNK_SIZE = 500


class Echo:
    """A file-like object whose `write` hands back the line, for streaming with csv.writer."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells; numbers pass through unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local_date(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def local_datetime(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
