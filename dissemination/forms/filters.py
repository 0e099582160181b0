"""The public calendar's and the archive's filters, as they stand in the URL.

A value that is not on offer (an edited or outdated link) is reported beside its field and left
out; the other filters still apply, so one bad value in a shared link never empties the page.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.forms import PortalForm
from regions.models import Region

from ..models import CONTENT_LANGUAGES, EventKind, PublicationKind
from ..selectors.public import (
    ALL_EVENTS,
    ALL_PUBLICATIONS,
    NATIONAL,
    ON_SITE,
    ONLINE,
    ArchiveFilters,
    CalendarFilters,
)

ANY = pgettext_lazy("any kind, region, language, mode or year", "All")


def _region_choices(regions: Sequence[Region]) -> list[tuple[str, Any]]:
    return [
        ("", ANY),
        (NATIONAL, _("National (no region)")),
        *[(region.slug, region.name) for region in regions],
    ]


class _FilterForm(PortalForm):
    """Filters read from the URL: never required, each wrong value reported on its own."""

    def cleaned(self, name: str) -> Any:
        """The field's valid value (call after `is_valid()`), or empty when it was not valid."""
        if not self.is_bound:
            return ""
        return getattr(self, "cleaned_data", {}).get(name) or ""


class CalendarFilterForm(_FilterForm):
    kind = forms.ChoiceField(
        label=_("Kind of event"),
        required=False,
        choices=[("", ANY), *EventKind.choices],
        error_messages={"invalid_choice": _("Choose a kind of event from the list.")},
    )
    region = forms.ChoiceField(
        label=_("Organised by"),
        required=False,
        error_messages={"invalid_choice": _("Choose a region from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", ANY), *CONTENT_LANGUAGES],
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
    mode = forms.ChoiceField(
        label=_("Online or on site"),
        required=False,
        choices=[("", ANY), (ONLINE, _("Online")), (ON_SITE, _("On site"))],
        error_messages={"invalid_choice": _("Choose online or on site from the list.")},
    )

    def __init__(self, *args: Any, regions: Sequence[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(regions)  # type: ignore[attr-defined]

    def filters(self) -> CalendarFilters:
        """The valid part of what was asked (call after `is_valid()`)."""
        return CalendarFilters(
            kind=self.cleaned("kind"),
            region=self.cleaned("region"),
            language=self.cleaned("language"),
            mode=self.cleaned("mode"),
        )


class ArchiveFilterForm(_FilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("", ANY),
            (
                _("Events"),
                [(ALL_EVENTS, _("All events")), *EventKind.choices],
            ),
            (
                _("Publications"),
                [(ALL_PUBLICATIONS, _("All publications")), *PublicationKind.choices],
            ),
        ],
        error_messages={"invalid_choice": _("Choose a kind from the list.")},
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        error_messages={"invalid_choice": _("Choose a region from the list.")},
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a year from the list.")},
    )

    def __init__(
        self,
        *args: Any,
        regions: Sequence[Region] = (),
        years: Sequence[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(regions)  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", ANY), *[(y, str(y)) for y in years]]  # type: ignore[attr-defined]

    def filters(self) -> ArchiveFilters:
        return ArchiveFilters(
            kind=self.cleaned("kind"),
            region=self.cleaned("region"),
            year=self.cleaned("year") or None,
        )
