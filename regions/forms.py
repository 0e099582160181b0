"""Input for the region page, its units and its people. Forms validate; services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import VersionedForm
from portal.core.forms import PortalForm

from .models import InnovationUnit, Region, RegionRole
from .selectors import user_find_by_email


class RegionForm(VersionedForm):
    """What a region's coordinators may change on its public page."""

    class Meta:
        model = Region
        fields = ["description", "contact_email", "contact_phone", "website"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
        }
        help_texts = {
            "description": _("What the region offers companies and how to get in touch."),
            "website": _("A full address, starting with https://"),
        }


class InnovationUnitForm(VersionedForm):
    """An innovation office, node, clinic or test bed of a region."""

    class Meta:
        model = InnovationUnit
        fields = [
            "kind",
            "name",
            "description",
            "offers",
            "contact_name",
            "contact_email",
            "contact_phone",
            "website",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "offers": forms.Textarea(attrs={"rows": 5}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
        }
        help_texts = {
            "offers": _("For example test environments, clinical expertise or advice."),
            "website": _("A full address, starting with https://"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # A new unit has no version yet.
            self.fields["version"].required = False

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        data["name"] = data["name"].strip()
        return data


class RegionAssignmentForm(PortalForm):
    """A portal admin gives a registered person a role in a region."""

    email = forms.EmailField(
        label=_("Email address of the person"),
        help_text=_("The person must already have an account on the portal."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=RegionRole.choices)
    title = forms.CharField(
        label=_("Title (optional)"),
        help_text=_("For example Innovation coordinator or Director of health care."),
        max_length=150,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user: Any = None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        self.user = user_find_by_email(email=email)
        if self.user is None or not self.user.is_active:
            raise forms.ValidationError(_("No user with this email address."), code="unknown_user")
        return email
