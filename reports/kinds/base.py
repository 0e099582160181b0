"""What every kind of report provides, so the request, the worker and the pages treat them alike.

A kind answers five questions: which parameters it takes (a form), who may see its subject
(`check_access`, 404 otherwise), what the report is about (`subject_key`, e.g. "partnership:12"),
what the data looks like right now (`fingerprint`: changes whenever anything the report shows
changes) and what the print template needs (`build_context`: plain data only – dicts, lists,
strings, numbers, dates – so the rendering is a pure function of it and can be tested on its own).
"""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import translation

from ..models import ReportKind


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    raise TypeError(f"Report contexts hold plain data only, not {type(value).__name__}")


def _param(value: Any) -> Any:
    """A cleaned form value as JSON: dates as ISO text, no value as ""."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str | int | bool):
        return value
    return str(value)


def digest(value: Any) -> str:
    """A stable SHA-256 of plain data (dict keys sorted)."""
    encoded = json.dumps(value, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class ReportKindBase:
    kind: ReportKind
    # The print template under templates/reports/pdf/, extending reports/pdf/base.html.
    template_name: str
    # Validates the parameters posted from the subject's page (hidden fields and choices).
    form_class: type[forms.Form]
    # Public kinds may be asked for by anonymous visitors (their session owns the request).
    public: bool = False
    # The start of a volume's file name inside a ZIP ("obstacle-compilation-01-of-10.pdf").
    file_stem: str = "report"

    def params_from_form(self, cleaned_data: dict[str, Any]) -> dict[str, Any]:
        """The request's parameters as canonical, JSON-safe data (no defaults left implicit)."""
        return {key: _param(value) for key, value in sorted(cleaned_data.items())}

    def initial_params(self, **kwargs: Any) -> dict[str, Any]:
        """The parameters the subject's page offers (e.g. {"partnership": 12})."""
        return dict(kwargs)

    def subject_key(self, params: dict[str, Any]) -> str:
        raise NotImplementedError

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        """Raise Http404 unless `user` (possibly anonymous) may see the report's subject."""
        raise NotImplementedError

    def build_context(self, params: dict[str, Any], language: str) -> dict[str, Any]:
        """Everything the print template shows, as plain data. Runs with `language` active."""
        raise NotImplementedError

    def volumes(self, context: dict[str, Any]) -> list[dict[str, Any]]:
        """The built context split into the contexts of complete PDFs, rendered one after
        another so that a worker never holds more than one volume's layout. One (the default):
        a plain PDF; several: a ZIP of PDFs (reports.documents)."""
        return [context]

    def fingerprint(self, params: dict[str, Any], language: str) -> str:
        """Changes whenever anything the report shows changes. The default hashes the context
        itself (exact, and cheap for small reports); large kinds override it with aggregates."""
        with translation.override(language):
            return digest(self.build_context(params, language))

    def title(self, params: dict[str, Any], language: str) -> str:
        """The report's title (cover, PDF metadata, file name). Runs with `language` active."""
        raise NotImplementedError

    def subtitle(self, params: dict[str, Any], language: str) -> str:
        """A line under the title on the cover (the region, the period, the filter...)."""
        return ""

    def heading(self, params: dict[str, Any], language: str) -> tuple[str, str]:
        """The title and the subtitle together (the request's page shows both). Kinds that read
        both from the same row override it to read that row once."""
        return self.title(params, language), self.subtitle(params, language)

    def subject_url(self, params: dict[str, Any]) -> str:
        """The page the report belongs to (links back from the request's page)."""
        raise NotImplementedError
