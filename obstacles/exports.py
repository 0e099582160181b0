"""Exports of the published compilation, with the filters the visitor chose: CSV and JSON.

Only published entries are exported (the rows come from `selectors.public`). Both are streamed
in chunks, so 100,000 entries never sit in memory at once.

CSV, made for Swedish Excel (the same rules as the Co-sharing pipeline export, whose helpers are
reused): UTF-8 with a byte-order mark, `;` between cells, CRLF line ends, dates as 2026-11-25,
formatted text as plain text, and every text cell that a spreadsheet would read as a formula
(= + - @, tab, CR, also after spaces) prefixed with an apostrophe.

JSON (`application/json`, UTF-8), a stable shape (new keys may be added, none removed or renamed
while "format" stays 1)::

    {
      "format": 1,
      "generated": "2026-11-25T10:00:00+01:00",   # Europe/Stockholm
      "language": "sv",                            # the language of the names below
      "filters": {"q": "", "category": "", "step": "", "actor": "", "region": "",
                  "severity": null, "sort": ""},
      "obstacles": [
        {
          "id": 12,
          "url": "https://portal.example/obstacles/12/",
          "title": "…",
          "language": "sv",                        # the language the entry is written in
          "category": {"key": "data-protection-cloud", "name": "…"},
          "step": {"key": "test", "name": "…"} | null,   # null: several steps / not specific
          "actors": [{"key": "company", "name": "…"}],
          "region": {"key": "uppsala", "name": "Region Uppsala"} | null,   # null: national
          "severity": {"value": 3, "name": "…"},   # 1 low, 2 medium, 3 high, 4 blocking
          "description": "<p>…</p>",                # sanitised HTML (the safe subset)
          "description_text": "…",                  # the same as plain text
          "evidence": "…", "evidence_text": "…",
          "known_mitigation": "…", "known_mitigation_text": "…",
          "published": "2026-11-25",
          "met_count": 4,
          "mitigations": ["…"]                      # titles of the published mitigations
        }
      ],
      "count": 1
    }
"""

import csv
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.exports import BOM, Echo, local_date, safe_cell

from .models import Mitigation, Obstacle
from .selectors.public import PublicFilters, default_process_steps, obstacle_list_published
from .workflow import MitigationStatus

EXPORT_FORMAT = 1
CHUNK_SIZE = 500
_PK_PLACEHOLDER = 987654321
_BLOCK_END = re.compile(r"</(p|li|ul|ol)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(value: str) -> str:
    """Sanitised HTML as plain text: paragraphs and list items on lines of their own."""
    if not value:
        return ""
    text = _BLOCK_END.sub("\n", value)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()


def export_rows(*, filters: PublicFilters) -> QuerySet[Obstacle]:
    """The published entries to export, with their published mitigations' titles."""
    return obstacle_list_published(filters=filters).prefetch_related(
        Prefetch(
            "mitigations",
            queryset=Mitigation.objects.filter(status=MitigationStatus.PUBLISHED)
            .only("id", "title")
            .order_by("title", "id"),
            to_attr="published_mitigations",
        )
    )


class RowContext:
    """What every row needs and is read once per export: step names and the address shape."""

    def __init__(self, *, base_url: str) -> None:
        self.steps = {s.key: s.name for s in default_process_steps()}
        pattern = reverse("obstacles:detail", args=[_PK_PLACEHOLDER])
        self._url = base_url.rstrip("/") + pattern.replace(str(_PK_PLACEHOLDER), "{pk}")

    def url(self, obstacle: Obstacle) -> str:
        return self._url.format(pk=obstacle.pk)

    def step_name(self, obstacle: Obstacle) -> str:
        return self.steps.get(obstacle.step_key, obstacle.step_key)


def _mitigation_titles(obstacle: Obstacle) -> list[str]:
    return [m.title for m in getattr(obstacle, "published_mitigations", [])]


# --- CSV -------------------------------------------------------------------------------------


def csv_header() -> list[str]:
    """The column titles in the active language."""
    return [
        _("ID"),
        _("Address"),
        _("Title"),
        _("Language of the entry"),
        _("Category"),
        _("Co-sharing step"),
        _("Affects"),
        _("Region"),
        _("Severity"),
        _("Description"),
        _("Evidence and sources"),
        _("Known mitigation"),
        _("Published"),
        _("Met by"),
        _("Mitigations"),
    ]


def csv_row(obstacle: Obstacle, *, ctx: RowContext) -> list[Any]:
    """One entry as a row of plain text (numbers stay numbers)."""
    return [
        obstacle.pk,
        ctx.url(obstacle),
        obstacle.title,
        obstacle.language,
        obstacle.category.name,
        ctx.step_name(obstacle) if obstacle.step_key else _("Several steps / not specific"),
        ", ".join(a.name for a in obstacle.actors.all()),
        obstacle.region.name if obstacle.region else _("National"),
        str(obstacle.get_severity_display()),
        html_to_text(obstacle.description),
        html_to_text(obstacle.evidence),
        html_to_text(obstacle.known_mitigation),
        local_date(obstacle.published_at),
        obstacle.endorsement_count,
        "; ".join(_mitigation_titles(obstacle)),
    ]


def csv_lines(obstacles: Iterable[Obstacle], *, ctx: RowContext, language: str) -> Iterator[str]:
    """The CSV text, line by line, BOM first, in `language` even when streamed after the view
    has returned."""
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    with translation.override(language):
        yield BOM + writer.writerow(csv_header())
        for obstacle in obstacles:
            yield writer.writerow([safe_cell(c) for c in csv_row(obstacle, ctx=ctx)])


# --- JSON ------------------------------------------------------------------------------------


def json_record(obstacle: Obstacle, *, ctx: RowContext) -> dict[str, Any]:
    """One entry in the documented JSON shape (see the module docstring)."""
    region = obstacle.region
    return {
        "id": obstacle.pk,
        "url": ctx.url(obstacle),
        "title": obstacle.title,
        "language": obstacle.language,
        "category": {"key": obstacle.category.slug, "name": obstacle.category.name},
        "step": (
            {"key": obstacle.step_key, "name": ctx.step_name(obstacle)}
            if obstacle.step_key
            else None
        ),
        "actors": [{"key": a.slug, "name": a.name} for a in obstacle.actors.all()],
        "region": {"key": region.slug, "name": region.name} if region else None,
        "severity": {"value": obstacle.severity, "name": str(obstacle.get_severity_display())},
        "description": obstacle.description,
        "description_text": html_to_text(obstacle.description),
        "evidence": obstacle.evidence,
        "evidence_text": html_to_text(obstacle.evidence),
        "known_mitigation": obstacle.known_mitigation,
        "known_mitigation_text": html_to_text(obstacle.known_mitigation),
        "published": local_date(obstacle.published_at),
        "met_count": obstacle.endorsement_count,
        "mitigations": _mitigation_titles(obstacle),
    }


def json_chunks(
    obstacles: Iterable[Obstacle], *, ctx: RowContext, language: str, filters: PublicFilters
) -> Iterator[str]:
    """The JSON document in pieces: the head, one record at a time, then the count."""
    with translation.override(language):
        head = {
            "format": EXPORT_FORMAT,
            "generated": timezone.localtime().isoformat(timespec="seconds"),
            "language": language,
            "filters": asdict(filters),
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "obstacles": ['
        count = 0
        for obstacle in obstacles:
            yield ("," if count else "") + json.dumps(
                json_record(obstacle, ctx=ctx), ensure_ascii=False
            )
            count += 1
        yield f'], "count": {count}}}'


# --- Responses -------------------------------------------------------------------------------


def _filename(extension: str) -> str:
    return f"obstacles-{local_date(timezone.now())}.{extension}"


def _stream(chunks: Iterator[str], *, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def published_csv_response(
    *, request: HttpRequest, filters: PublicFilters, language: str
) -> StreamingHttpResponse:
    ctx = RowContext(base_url=request.build_absolute_uri("/"))
    rows = export_rows(filters=filters).iterator(chunk_size=CHUNK_SIZE)
    return _stream(
        csv_lines(rows, ctx=ctx, language=language),
        content_type="text/csv; charset=utf-8",
        filename=_filename("csv"),
    )


def published_json_response(
    *, request: HttpRequest, filters: PublicFilters, language: str
) -> StreamingHttpResponse:
    ctx = RowContext(base_url=request.build_absolute_uri("/"))
    rows = export_rows(filters=filters).iterator(chunk_size=CHUNK_SIZE)
    return _stream(
        json_chunks(rows, ctx=ctx, language=language, filters=filters),
        content_type="application/json; charset=utf-8",
        filename=_filename("json"),
    )
