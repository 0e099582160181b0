"""The Co-sharing process guide: every step of the default template or a region's variant."""

from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import ReportKind
from .base import ReportKindBase


class ProcessGuideParams(forms.Form):
    # A region's slug, or empty for the national default template.
    region = forms.SlugField(label=_("Region"), required=False, max_length=60)


class ProcessGuideReport(ReportKindBase):
    kind = ReportKind.PROCESS_GUIDE
    template_name = "reports/pdf/process_guide.html"
    form_class = ProcessGuideParams
    public = True

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"guide:{params.get('region') or 'national'}"

    def subject_url(self, params: dict[str, Any]) -> str:
        url = reverse("partnerships:guide")
        return f"{url}?region={params['region']}" if params.get("region") else url

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        raise Http404  # TODO(helper): public; 404 only for an unknown region
