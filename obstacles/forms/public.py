"""Forms of the public compilation: the filters (read from the URL) and "we met this too"."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.forms import PortalForm

from ..models import Endorsement, Severity
from ..selectors.public import NATIONAL, PublicFilters

SEARCH_MAX_LENGTH = 200


class ObstacleFilterForm(PortalForm):
    """The compilation's search, filters and sort, as they stand in the URL.

    A value that is not on offer (an edited or outdated link) is reported beside its field and
    left out; the other filters still apply.
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_(
            "Words in Swedish or English. Use quotation marks for a phrase and a minus sign to "
            "leave a word out."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={
            "max_length": _(
                "Use at most %(limit_value)d characters to search (you used %(show_value)d)."
            )
        },
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    step = forms.ChoiceField(
        label=_("Co-sharing step"),
        required=False,
        error_messages={"invalid_choice": _("Choose a step from the list.")},
    )
    actor = forms.ChoiceField(
        label=_("Affects"),
        required=False,
        error_messages={"invalid_choice": _("Choose who it affects from the list.")},
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        error_messages={"invalid_choice": _("Choose a region from the list.")},
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", pgettext_lazy("any severity", "Any")), *Severity.choices],
        error_messages={"invalid_choice": _("Choose a severity from the list.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Best match (newest when not searching)")),
            ("newest", _("Newest")),
            ("met", _("Most met")),
            ("severity", _("Most severe")),
        ],
        error_messages={"invalid_choice": _("Choose an order from the list.")},
    )

    def __init__(
        self,
        *args: Any,
        categories: Any = (),
        steps: Any = (),
        actors: Any = (),
        regions: Any = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        any_ = pgettext_lazy("any category, step, actor or region", "All")
        self._set_choices("category", [("", any_), *[(c.slug, c.name) for c in categories]])
        self._set_choices("step", [("", any_), *[(s.key, s.name) for s in steps]])
        self._set_choices("actor", [("", any_), *[(a.slug, a.name) for a in actors]])
        self._set_choices(
            "region",
            [
                ("", any_),
                (NATIONAL, _("National (no region)")),
                *[(r.slug, r.name) for r in regions],
            ],
        )

    def _set_choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        self.fields[name].choices = choices  # type: ignore[attr-defined]

    def filters(self) -> PublicFilters:
        """The valid part of what was asked (call after `is_valid()`); invalid fields are left
        out, so one bad value in a shared link does not empty the whole list."""
        if not self.is_bound:
            return PublicFilters()
        data = getattr(self, "cleaned_data", {})
        return PublicFilters(
            q=(data.get("q") or "").strip(),
            category=data.get("category") or "",
            step=data.get("step") or "",
            actor=data.get("actor") or "",
            region=data.get("region") or "",
            severity=data.get("severity"),
            sort=data.get("sort") or "",
        )


class EndorseForm(PortalForm):
    """ "We met this too", with an optional short note of where."""

    note = forms.CharField(
        label=_("Where did you meet it? (optional)"),
        required=False,
        max_length=Endorsement._meta.get_field("note").max_length,
        help_text=_("For example the region, the care unit or the kind of project."),
        error_messages={
            "max_length": _("Keep the note to %(limit_value)d characters (it has %(show_value)d).")
        },
    )
