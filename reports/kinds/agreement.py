"""The agreement: the text in force (or the draft, marked as one), its version, checksum and
the parties' acceptances."""

from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerships.models import Agreement
from partnerships.permissions.base import get_partnership_for_user_or_404

from ..models import ReportKind
from .base import ReportKindBase


class AgreementParams(forms.Form):
    partnership = forms.IntegerField(label=_("Partnership"), min_value=1)


class AgreementReport(ReportKindBase):
    kind = ReportKind.AGREEMENT
    template_name = "reports/pdf/agreement.html"
    form_class = AgreementParams

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"agreement:{params['partnership']}"

    def subject_url(self, params: dict[str, Any]) -> str:
        return reverse("partnerships:agreement", args=[params["partnership"]])

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        """The parties and the region (whoever may open the partnership), once there is one."""
        partnership = get_partnership_for_user_or_404(user, params.get("partnership"))
        if not Agreement.objects.filter(partnership=partnership).exists():
            raise Http404
