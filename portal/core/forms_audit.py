"""The audit log's filters (a GET form: the filters live in the URL)."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import PortalForm
from .selectors_audit import AREAS, AuditFilters

TEXT_MAX = 200
# The portal keeps no rows from before 2000; a date far outside is a typing mistake (and a
# year like 0001 or 9999 would overflow the time-zone arithmetic).
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
DATE_ERROR = _("Enter a date between 2000-01-01 and 2100-12-31, written as 2026-03-31.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AuditLogFilterForm(PortalForm):
    area = forms.ChoiceField(label=_("Area"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    who = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("Part of the person's name or email address."),
    )
    target = forms.CharField(
        label=_("What"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("Part of the object's name, or its number."),
    )
    date_from = forms.DateField(
        label=_("From date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        error_messages={"invalid": DATE_ERROR},
    )
    date_to = forms.DateField(
        label=_("To date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        error_messages={"invalid": DATE_ERROR},
        help_text=_("Dates in Swedish time; both days are included."),
    )
    reason = forms.CharField(label=_("Reason contains"), required=False, max_length=TEXT_MAX)

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas"))] + [  # type: ignore[attr-defined]
            (area.key, area.label) for area in AREAS
        ]
        self.fields["action"].choices = [("", _("All actions")), *actions]  # type: ignore[attr-defined]

    def _clean_date(self, name: str) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(DATE_ERROR, code="out_of_range")
        return value

    def clean_date_from(self) -> dt.date | None:
        return self._clean_date("date_from")

    def clean_date_to(self) -> dt.date | None:
        return self._clean_date("date_to")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The to date must not be before the from date."))
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters to apply; call after `is_valid()` returned True (or on an unbound form)."""
        data = self.cleaned_data if self.is_bound else {}
        return AuditFilters(
            area=data.get("area") or "",
            action=data.get("action") or "",
            who=data.get("who") or "",
            target=data.get("target") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            reason=data.get("reason") or "",
        )
