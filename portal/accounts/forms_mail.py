"""Mail preferences: one checkbox per kind of mail a person may switch off (and the filters of
the undelivered mail page).

A ticked box means "send me this". What is stored is the opposite, the kinds switched off
(`User.muted_mail`), so a kind added later reaches everyone until they switch it off.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm
from portal.core.models import MailStatus
from portal.core.notifications import MailKind

from .models import User

FIELD_PREFIX = "mail_"


class MailPreferencesForm(PortalForm):
    """Checked: I want this kind of mail."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        muted = set(user.muted_mail or [])
        for kind in MailKind:
            self.fields[FIELD_PREFIX + kind.value] = forms.BooleanField(
                label=kind.label, required=False, initial=kind.value not in muted
            )

    def kind_fields(self) -> list[Any]:
        return [self[FIELD_PREFIX + kind.value] for kind in MailKind]

    def muted(self) -> list[str]:
        """The kinds left unticked, in MailKind order."""
        return [
            kind.value for kind in MailKind if not self.cleaned_data.get(FIELD_PREFIX + kind.value)
        ]


class UndeliveredMailFilterForm(PortalForm):
    """GET filters of the undelivered mail page (portal admins); they live in the URL."""

    STATUS_CHOICES = [
        ("", _("All undelivered mail")),
        (MailStatus.FAILED.value, _("Could not be delivered")),
        (MailStatus.PENDING.value, _("Waiting for another attempt")),
    ]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    to = forms.CharField(
        label=_("Address contains"),
        required=False,
        max_length=254,
        error_messages={
            "max_length": _(
                "Keep the address to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )
