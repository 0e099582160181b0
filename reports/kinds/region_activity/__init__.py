"""The region activity report: proposals, partnerships by step, gates passed, events and reach,
obstacles reported and lessons learned, for one region and period, with charts that have table
alternatives. For the region's coordinators and management sponsors, and portal admins.

The period is whole days in Europe/Stockholm: from `start` 00:00 to the midnight after `end`.
The context holds aggregates only (counts per status, step, kind, category and quarter, plus the
few lessons published), read with a fixed number of queries however many rows there are. The
fingerprint reads the same counts in one statement (`figures.all_counts`) beside reach and the
lessons: seven queries, so the request's page and the download stay within the URL walk's budget.
"""

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dissemination.selectors.reach import local_midnight, quarter_of
from partnerships.permissions.base import coordinated_region_ids, sponsored_region_ids
from portal.accounts.permissions import is_portal_admin
from portal.core.forms import PortalForm
from regions.models import Region

from ...models import ReportKind
from ..base import ReportKindBase, digest
from . import figures
from .figures import quarter_first_day, quarter_last_day

# Nothing in the portal is older than this; earlier dates only risk overflowing the time zone
# arithmetic (year 1 in Stockholm is before the first UTC instant Python can hold).
EARLIEST_START = dt.date(2000, 1, 1)
# The longest period one report covers (a funder's multi-year programme, not the whole history).
MAX_YEARS = 3


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, month=3, day=1)


def last_full_quarter(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar quarter before today's (the panel's default)."""
    year, number = quarter_of(today or timezone.localdate())
    previous = (year - 1, 4) if number == 1 else (year, number - 1)
    return quarter_first_day(previous), quarter_last_day(previous)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        # ISO dates: what `<input type="date">` reads and sends, in every language.
        super().__init__(format="%Y-%m-%d")


class RegionActivityParams(PortalForm):
    region = forms.SlugField(label=gettext_lazy("Region"), max_length=60, widget=forms.HiddenInput)
    # The region page offers the last full calendar quarter (callables: worked out per page).
    start = forms.DateField(
        label=gettext_lazy("From"), widget=DateInput(), initial=lambda: last_full_quarter()[0]
    )
    end = forms.DateField(
        label=gettext_lazy("To"), widget=DateInput(), initial=lambda: last_full_quarter()[1]
    )

    def clean(self) -> dict[str, Any]:
        """The period: ends on or after its start, starts no later than today, at most three
        years long. Each error stands beside the field to change."""
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and start > timezone.localdate():
            self.add_error("start", _("The period cannot start after today."))
        elif start and start < EARLIEST_START:
            self.add_error(
                "start",
                _("The period cannot start before %(date)s.")
                % {"date": date_format(EARLIEST_START, "j F Y")},
            )
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period must be on or after its start."))
            elif end >= _years_later(start, MAX_YEARS):
                self.add_error(
                    "end", _("A report covers at most %(years)d years.") % {"years": MAX_YEARS}
                )
        return data


class RegionActivityReport(ReportKindBase):
    kind = ReportKind.REGION_ACTIVITY
    template_name = "reports/pdf/region_activity.html"
    form_class = RegionActivityParams

    def initial_params(self, **kwargs: Any) -> dict[str, Any]:
        """The region page offers the last full calendar quarter."""
        first, last = last_full_quarter()
        return {"start": first.isoformat(), "end": last.isoformat(), **kwargs}

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"region:{params['region']}"

    def subject_url(self, params: dict[str, Any]) -> str:
        return reverse("regions:detail", args=[params["region"]])

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        """The region's coordinators and management sponsors, and portal admins; 404 for
        everyone else and for an unknown region."""
        region = Region.objects.filter(slug=str(params.get("region") or "")).first()
        if region is None:
            raise Http404
        if is_portal_admin(user):
            return
        if region.pk not in coordinated_region_ids(user) | sponsored_region_ids(user):
            raise Http404

    # --- Cover ------------------------------------------------------------------------------

    def _region(self, params: dict[str, Any]) -> Region:
        region = Region.objects.filter(slug=str(params["region"])).first()
        if region is None:
            raise Http404
        return region

    def title(self, params: dict[str, Any], language: str) -> str:
        region = Region.objects.filter(slug=str(params["region"])).first()
        name = region.name if region else str(params["region"])
        with translation.override(language):
            return _("Activity report for %(region)s") % {"region": name}

    def subtitle(self, params: dict[str, Any], language: str) -> str:
        start, end = _period(params)
        with translation.override(language):
            return f"{date_format(start, 'j F Y')} – {date_format(end, 'j F Y')}"

    # --- Content ----------------------------------------------------------------------------

    def fingerprint(self, params: dict[str, Any], language: str) -> str:
        """Changes whenever anything the report prints changes, in seven queries: the region,
        every count the sections print read by their own querysets in one statement (events
        are counted as held once they have started, so the key moves as time passes), and
        reach and the lessons as the context has them. The rest of the context is worked out
        from these, the period and `language` (which the report's key holds)."""
        with translation.override(language):
            region = self._region(params)
            start, end = _period(params)
            since, until = local_midnight(start), local_midnight(end + dt.timedelta(days=1))
            return digest(
                {
                    "region": [region.pk, region.name],
                    "period": [start, end],
                    "language": language,
                    "counts": figures.all_counts(region, since, until),
                    "reach": figures.reach(region, start, end),
                    "lessons": figures.lessons(region, since, until),
                }
            )

    def build_context(self, params: dict[str, Any], language: str) -> dict[str, Any]:
        """Thirteen queries, however many proposals, partnerships, events or obstacles."""
        region = self._region(params)
        start, end = _period(params)
        since, until = local_midnight(start), local_midnight(end + dt.timedelta(days=1))
        proposals = figures.proposals(region, since, until)
        default_steps = figures.default_steps()
        steps = figures.partnerships_by_step(region, since, until, default_steps)
        gates = figures.gates_passed(region, since, until, default_steps)
        events = figures.events(region, since, until)
        reach = figures.reach(region, start, end)
        obstacles = figures.obstacles(region, since, until)
        lessons = figures.lessons(region, since, until)
        return {
            "region_name": region.name,
            "period": {
                "start": start,
                "end": end,
                "start_label": date_format(start, "j F Y"),
                "end_label": date_format(end, "j F Y"),
            },
            "key_figures": [
                {"label": _("Proposals received"), "value": proposals["total"]},
                {"label": _("Partnerships started"), "value": steps["total_started"]},
                {"label": _("Active partnerships now"), "value": steps["total_active"]},
                {"label": _("Gates passed"), "value": gates["total"]},
                {"label": _("Events held"), "value": events["total"]},
                {"label": _("Registrations"), "value": events["registrations"]},
                {"label": _("Attendance"), "value": events["attendance"]},
                {"label": _("Obstacles reported"), "value": obstacles["total"]},
                {"label": _("Lessons learned published"), "value": len(lessons)},
            ],
            "proposals": proposals,
            "steps": steps,
            "gates": gates,
            "events": events,
            "reach": reach,
            "obstacles": obstacles,
            "lessons": lessons,
        }


def _period(params: dict[str, Any]) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(str(params["start"])), dt.date.fromisoformat(str(params["end"]))
