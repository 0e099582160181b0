"""Mail preferences: one checkbox per kind of mail a person may switch off.

A ticked box means "send me this". What is stored is the opposite, the kinds switched off
(`User.muted_mail`), so a kind added later reaches everyone until they switch it off.
"""

from typing import Any

from django import forms

from portal.core.notifications import MailKind

from .models import User

FIELD_PREFIX = "mail_"


class MailPreferencesForm(forms.Form):
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
