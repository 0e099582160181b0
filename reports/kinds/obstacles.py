"""The obstacle compilation: published obstacles matching the public list's filters, by category,
with mitigations, knowledge articles and a table of contents with page numbers."""

from typing import Any

from django import forms
from django.urls import reverse

from ..models import ReportKind
from .base import ReportKindBase, digest


class ObstacleCompilationParams(forms.Form):
    """TODO(helper): the same fields and validation as the public list's filter form."""


class ObstacleCompilationReport(ReportKindBase):
    kind = ReportKind.OBSTACLES
    template_name = "reports/pdf/obstacles.html"
    form_class = ObstacleCompilationParams
    public = True

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"obstacles:{digest(params)[:16]}"

    def subject_url(self, params: dict[str, Any]) -> str:
        return reverse("obstacles:list")

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        return None  # public: anyone may read the published compilation
