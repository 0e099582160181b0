"""A report kind's data made into a PDF: the context (the kind's data plus the cover's facts)
and the rendering. Used by the worker and by tests; reads the database, writes nothing."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from .kinds.base import ReportKindBase
from .rendering import RenderedPdf, render_pdf


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


def make_report_pdf(
    spec: ReportKindBase,
    params: dict[str, Any],
    language: str,
    *,
    generated_at: datetime | None = None,
) -> RenderedPdf:
    """The report as PDF bytes, from the data as it is now."""
    context = document_context(spec, params, language, generated_at=generated_at)
    return render_pdf(spec.template_name, context, language=language)
