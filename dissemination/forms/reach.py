"""Forms for reach: logging a figure for an event or a publication, and the overview's choice of
region and period (GET)."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm

from ..models import Event, Publication
from ..selectors.reach import ReachScope
from ..services.reach import EARLIEST_DAY, MAX_VALUE, NOTES_MAX, metrics_for

DATE_INPUT = "%Y-%m-%d"
# Digit grouping people type: spaces, no-break spaces, thin spaces.
_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009")


class FigureField(forms.IntegerField):
    """A whole number; accepts '12 000' as typed in Swedish."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.translate(_GROUPING)
        return super().to_python(value)


class ReachEntryForm(PortalForm):
    """One figure for an event or a publication: what was counted, how many, on which day, and
    notes (plain text, e.g. where the figure comes from)."""

    metric = forms.ChoiceField(
        label=_("What was counted"),
        error_messages={
            "required": _("Choose what was counted."),
            "invalid_choice": _("Choose what was counted."),
        },
    )
    value = FigureField(
        label=_("Number"),
        min_value=0,
        max_value=MAX_VALUE,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": _("Write the number."),
            "invalid": _("Write a whole number, 0 or more."),
            "min_value": _("Write a whole number, 0 or more."),
            "max_value": _("Check the number: it is larger than %(limit_value)s."),
        },
    )
    counted_on = forms.DateField(
        label=_("Counted on"),
        input_formats=[DATE_INPUT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT),
        help_text=_("The day the figure belongs to; it decides the quarter it is reported in."),
        error_messages={
            "required": _("Give the day the figure was counted."),
            "invalid": _("Write the date as 2026-11-25."),
        },
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the figure comes from, e.g. “listeners on Spotify, first 30 days”."),
        error_messages={
            "max_length": _(
                "Keep the notes to %(limit_value)d characters (they have %(show_value)d)."
            ),
        },
    )

    def __init__(self, *args: Any, target: Event | Publication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target = target
        today = timezone.localdate()
        field: Any = self.fields["metric"]
        field.choices = [("", _("Choose…")), *((m.value, m.label) for m in metrics_for(target))]
        self.fields["counted_on"].initial = today
        self.fields["counted_on"].widget.attrs.update(
            {"max": today.isoformat(), "min": EARLIEST_DAY.isoformat()}
        )

    def clean_counted_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["counted_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day cannot be in the future."), code="future")
        if day < EARLIEST_DAY:
            raise forms.ValidationError(_("Check the year of the day."), code="too_early")
        return day


class ReachFilterForm(PortalForm):
    """The overview's region and period; both live in the URL. A region the user may not read
    is a 404 (the view checks it before this form); a bad year falls back to the last four
    quarters with the error shown beside the field."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    year = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a year from the list.")},
    )

    YEARS_BACK = 5

    def __init__(self, *args: Any, scopes: list[ReachScope], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region: Any = self.fields["region"]
        region.choices = [(s.key, s.label) for s in scopes]
        this_year = timezone.localdate().year
        years = list(range(this_year, this_year - self.YEARS_BACK, -1))
        asked = str(self.data.get("year", "")).strip() if self.is_bound else ""
        # An earlier year typed into the address still works; it is added to the list.
        if (
            asked.isdigit()
            and EARLIEST_DAY.year <= int(asked) <= this_year
            and int(asked) not in years
        ):
            years.append(int(asked))
        year: Any = self.fields["year"]
        year.choices = [("", _("The last four quarters")), *((y, str(y)) for y in years)]

    def chosen_year(self) -> int | None:
        """The valid year, or None for the last four quarters (also when the year is bad)."""
        if not self.is_valid():
            return None
        return self.cleaned_data.get("year")
