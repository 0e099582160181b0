"""Forms for registering for an event and for marking attendance.

The registration form only checks the input; the service decides whether there is a seat, a
place in the queue or no registration at all (closed), and cleans the text again.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.selectors import user_memberships
from portal.core.forms import PortalForm

from ..models import Registration

# The registration form sits on an event page beside other forms: its own ids avoid clashes.
REGISTRATION_AUTO_ID = "registration-%s"


class RegistrationForm(PortalForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        error_messages={"required": _("Write the name the organisers should know you by.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    needs = forms.CharField(
        label=_("Dietary or accessibility needs"),
        max_length=2000,
        required=False,
        help_text=_("Only the organisers see this."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_to_list = forms.BooleanField(
        label=_("Show my name and organisation to the other attendees"),
        required=False,
        help_text=_("Only people with a seat at this event and the organisers see the list."),
    )
    # Unticked by default, like the list: the organisers run the event through the portal's own
    # mail (confirmation, changes, cancellation), so nobody needs the address without consent.
    consent_to_share_contact = forms.BooleanField(
        label=_("Let the organisers and the other attendees see my email address"),
        required=False,
        help_text=_(
            "So that they can contact you about the event or after it. The other attendees see "
            "it beside your name, so only if your name is shown too. You can change this later."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", REGISTRATION_AUTO_ID)
        super().__init__(*args, **kwargs)

    @classmethod
    def for_user(cls, user: Any, data: Any = None) -> "RegistrationForm":
        """Bound to `data`, or prefilled from the profile: the person's name and the
        organisation of their first membership (no query: the menu reads the memberships)."""
        if data is not None:
            return cls(data)
        memberships = sorted(user_memberships(user), key=lambda m: (m.created_at, m.pk))
        return cls(
            initial={
                "name": getattr(user, "name", "") or "",
                "organisation": memberships[0].organisation.name if memberships else "",
            }
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "organisation": data["organisation"],
            "needs": data["needs"],
            "consent_to_list": data["consent_to_list"],
            "consent_to_share_contact": data["consent_to_share_contact"],
        }


ATTENDED_CHOICES = [("", _("Not marked")), ("yes", _("Attended")), ("no", _("Did not attend"))]
_AS_VALUE = {"": None, "yes": True, "no": False}
_AS_CHOICE = {None: "", True: "yes", False: "no"}


class AttendanceForm(PortalForm):
    """One choice per confirmed registration (`attended-<id>`). Each carries the value the page
    was drawn with, so only the rows this organiser changed are saved and a change another
    organiser made meanwhile to another row is not overwritten."""

    def __init__(self, *args: Any, registrations: Iterable[Registration], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "attendance-%s")
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[Registration, str]] = []
        for registration in registrations:
            name = f"attended-{registration.pk}"
            self.fields[name] = forms.ChoiceField(
                # An anonymised person's registration has no name left: "Former user".
                label=registration.name or str(registration.user),
                choices=ATTENDED_CHOICES,
                required=False,
                initial=_AS_CHOICE[registration.attended],
                show_hidden_initial=True,
            )
            self.rows.append((registration, name))

    def changed_attendance(self) -> dict[int, bool | None]:
        """Registration id → attended, for the rows changed in this form."""
        return {
            registration.pk: _AS_VALUE[self.cleaned_data[name]]
            for registration, name in self.rows
            if name in self.changed_data
        }

    def bound_rows(self) -> list[tuple[Registration, forms.BoundField]]:
        return [(registration, self[name]) for registration, name in self.rows]
