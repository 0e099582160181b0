"""The partnership guidance report: where one partnership stands and what comes next."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerships.permissions.base import get_partnership_for_user_or_404

from ..models import ReportKind
from .base import ReportKindBase


class PartnershipParams(forms.Form):
    partnership = forms.IntegerField(label=_("Partnership"), min_value=1)


class PartnershipReport(ReportKindBase):
    kind = ReportKind.PARTNERSHIP
    template_name = "reports/pdf/partnership.html"
    form_class = PartnershipParams

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"partnership:{params['partnership']}"

    def subject_url(self, params: dict[str, Any]) -> str:
        return reverse("partnerships:detail", args=[params["partnership"]])

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        get_partnership_for_user_or_404(user, params.get("partnership"))
