from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm, PortalModelForm

from .models import MembershipRole, Organisation, User
from .orgnr import normalise_org_number


class SignupForm(PortalForm):
    """allauth's sign-up form gets the person's name too (ACCOUNT_SIGNUP_FORM_CLASS)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request: Any, user: User) -> None:
        user.name = self.cleaned_data["name"]
        user.preferred_language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        user.save(update_fields=["name", "preferred_language"])


class VersionedForm(PortalModelForm):
    """A form for a row that several people edit: carries the version the editor started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or []}


class OrganisationForm(VersionedForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "org_number", "website", "description"]
        widgets = {
            "org_number": forms.TextInput(attrs={"inputmode": "numeric", "placeholder": ""}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False

    def clean_org_number(self) -> str:
        return normalise_org_number(self.cleaned_data["org_number"])


class JoinRequestForm(PortalForm):
    message = forms.CharField(
        label=_("Message to the organisation's admins (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JoinDecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
    )
    note = forms.CharField(
        label=_("Note to the requester (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MembershipRoleForm(PortalForm):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class ProfileForm(PortalModelForm):
    class Meta:
        model = User
        fields = ["name", "preferred_language"]
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "name"})}


class LanguageForm(PortalForm):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
