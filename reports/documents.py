"""A report kind's data made into a document: the context (the kind's data plus the cover's facts)
and the rendering. Used by the worker and by tests; reads the database, writes nothing.

A kind may split its context into volumes (`ReportKindBase.volumes`): WeasyPrint keeps every
page's layout until the PDF is written, so a 5,000-entry compilation in one PDF needs gigabytes.
Each volume becomes a complete tagged PDF of its own (cover, running headers, contents), rendered
one after another with everything of the previous one released first, and the volumes are packed
into one ZIP. PDFs are not merged: merging loses the PDF/UA structure tree."""

import gc
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .kinds.base import ReportKindBase
from .rendering import render_pdf

PDF = "application/pdf"
ZIP = "application/zip"


@dataclass(frozen=True)
class RenderedDocument:
    """A finished report: one PDF, or a ZIP of `volumes` PDFs (pages: all volumes' pages)."""

    content: bytes
    pages: int
    content_type: str = PDF
    extension: str = ".pdf"
    volumes: int = 1
    refused: tuple[str, ...] = field(default=())


def report_meta(
    spec: ReportKindBase, params: dict[str, Any], language: str, *, generated_at: datetime
) -> dict[str, Any]:
    """What the cover, the running header and footer and the PDF's metadata show."""
    with translation.override(language):
        return {
            "title": spec.title(params, language),
            "subtitle": spec.subtitle(params, language),
            "kind_label": str(spec.kind.label),
            "language": language,
            "generated_at": timezone.localtime(generated_at),
            "subject_url": settings.PORTAL_SITE_URL + spec.subject_url(params),
        }


def document_context(
    spec: ReportKindBase,
    params: dict[str, Any],
    language: str,
    *,
    generated_at: datetime | None = None,
) -> dict[str, Any]:
    """The print template's context: the kind's data and, under `report`, the cover's facts."""
    with translation.override(language):
        context = spec.build_context(params, language)
    context["report"] = report_meta(
        spec, params, language, generated_at=generated_at or timezone.now()
    )
    return context


def volume_title(title: str, *, number: int, count: int, language: str) -> str:
    """A volume's title (cover, running header, PDF metadata): the report's, with its place."""
    with translation.override(language):
        return _("%(title)s, volume %(number)s of %(count)s") % {
            "title": title,
            "number": number,
            "count": count,
        }


def volume_name(spec: ReportKindBase, *, number: int, count: int) -> str:
    """A volume's file name in the ZIP, in reading order: "obstacle-compilation-01-of-10.pdf"."""
    width = max(2, len(str(count)))
    return f"{spec.file_stem}-{number:0{width}d}-of-{count:0{width}d}.pdf"


def volume_contexts(
    spec: ReportKindBase, context: dict[str, Any], language: str
) -> list[dict[str, Any]]:
    """The kind's volumes of `context` (a document context); with several, each one's title
    names its place ("…, volume 2 of 10") on the cover, in the running header and in the PDF's
    metadata."""
    with translation.override(language):
        volumes = spec.volumes(context)
    count = len(volumes)
    if count > 1:
        for number, volume in enumerate(volumes, start=1):
            meta = volume["report"]
            volume["report"] = {
                **meta,
                "title": volume_title(meta["title"], number=number, count=count, language=language),
            }
    return volumes


def make_report_pdf(
    spec: ReportKindBase,
    params: dict[str, Any],
    language: str,
    *,
    generated_at: datetime | None = None,
) -> RenderedDocument:
    """The report from the data as it is now: one PDF, or a ZIP (stored, not compressed: PDFs
    are compressed already) of one PDF per volume when the kind splits its context."""
    volumes = volume_contexts(
        spec, document_context(spec, params, language, generated_at=generated_at), language
    )
    if len(volumes) == 1:
        rendered = render_pdf(spec.template_name, volumes[0], language=language)
        return RenderedDocument(
            content=rendered.content, pages=rendered.pages, refused=rendered.refused
        )
    count = len(volumes)
    buffer = io.BytesIO()
    pages = 0
    refused: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for number in range(1, count + 1):
            # Popped, so the volume's data goes with its layout and the peak stays one volume's.
            volume = volumes.pop(0)
            rendered = render_pdf(spec.template_name, volume, language=language)
            archive.writestr(volume_name(spec, number=number, count=count), rendered.content)
            pages += rendered.pages
            refused += rendered.refused
            del volume, rendered
            gc.collect()  # WeasyPrint's boxes form reference cycles: free them before the next
    return RenderedDocument(
        content=buffer.getvalue(),
        pages=pages,
        content_type=ZIP,
        extension=".zip",
        volumes=count,
        refused=tuple(refused),
    )
