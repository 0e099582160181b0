"""The region activity report: proposals, partnerships by step, gates passed, events and reach,
obstacles reported, for one region and period, with charts that have table alternatives."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import ReportKind
from .base import ReportKindBase


class RegionActivityParams(forms.Form):
    region = forms.SlugField(label=_("Region"), max_length=60)
    start = forms.DateField(label=_("From"))
    end = forms.DateField(label=_("To"))


class RegionActivityReport(ReportKindBase):
    kind = ReportKind.REGION_ACTIVITY
    template_name = "reports/pdf/region_activity.html"
    form_class = RegionActivityParams

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"region:{params['region']}"

    def subject_url(self, params: dict[str, Any]) -> str:
        return reverse("regions:detail", args=[params["region"]])
