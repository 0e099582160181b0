"""The form that closes an account: the person's password again and an explicit confirmation."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm

from .models import User


class CloseAccountForm(PortalForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to close your account.")},
        help_text=_("We ask again so that nobody else can close your account."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account is closed for good and my personal data removed; this "
            "cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm that you want to close it.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "close-%s")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
