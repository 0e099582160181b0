"""Forms for linking a partnership's obstacle note to the register."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm


class NoteLinkSearchForm(PortalForm):
    q = forms.CharField(
        label=_("Search the register"),
        help_text=_("Words from the obstacle, or its entry number (for example 42)."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class NoteLinkForm(PortalForm):
    obstacle = forms.IntegerField(
        label=_("Entry number"),
        min_value=1,
        error_messages={
            "required": _("Choose the entry to link the note to."),
            "invalid": _("Give the entry's number."),
            "min_value": _("Give the entry's number."),
        },
    )
