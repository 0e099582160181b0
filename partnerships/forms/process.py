"""Forms of the partnership page and the template editor. They validate input; the services
hold the rules. Each form on the partnership page has its own prefix, so ids never collide."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, User
from portal.accounts.orgnr import normalise_org_number
from portal.core.forms import PortalForm, PortalModelForm, cap_length

from ..models import ChecklistItem, PartnershipParty, PartyKind, ProcessStep
from ..workflow import PartnershipAction

REASON_WIDGET = forms.Textarea(attrs={"rows": 3})
# A step's guidance is on the public guide and in every process-guide PDF: ten times the
# longest the default process has, so one edit cannot make them slow to render.
GUIDANCE_MAX_LENGTH = 10_000
DOCUMENTS_MAX_LENGTH = 2_000
# What a person types for an organisation number: digits, with a dash and spaces anywhere.
_LOOKS_LIKE_A_NUMBER = re.compile(r"^[\d\s-]*\d[\d\s-]*$")


class StepBoundForm(PortalForm):
    """Carries the step the person saw, so a second press of the same button moves nothing."""

    expected_step_id = forms.IntegerField(widget=forms.HiddenInput)


class AdvanceForm(StepBoundForm):
    prefix = "advance"


class MoveBackForm(StepBoundForm):
    prefix = "back"
    reason = forms.CharField(
        label=_("Why does the partnership move back?"), max_length=2000, widget=REASON_WIDGET
    )


STATUS_CHOICES = [
    (PartnershipAction.PAUSE.value, PartnershipAction.PAUSE.label),
    (PartnershipAction.RESUME.value, PartnershipAction.RESUME.label),
    (PartnershipAction.COMPLETE.value, PartnershipAction.COMPLETE.label),
    (PartnershipAction.STOP.value, PartnershipAction.STOP.label),
    (PartnershipAction.WITHDRAW.value, PartnershipAction.WITHDRAW.label),
]


class StatusForm(PortalForm):
    prefix = "status"
    action = forms.ChoiceField(label=_("What happens"), choices=STATUS_CHOICES)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=REASON_WIDGET,
        help_text=_("Required except when resuming."),
    )

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            field = self.fields["action"]
            field.choices = [c for c in STATUS_CHOICES if c[0] in allowed]  # type: ignore[attr-defined]


class GateApproveForm(PortalForm):
    prefix = "gate"
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=REASON_WIDGET
    )


class StepChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class DocumentForm(PortalForm):
    prefix = "doc"
    title = forms.CharField(label=_("Title"), max_length=200)
    step = StepChoiceField(
        label=_("Step"), queryset=ProcessStep.objects.none(), required=False, empty_label="—"
    )
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, DOCX, XLSX, PNG or JPEG, at most 20 MB.")
    )

    def __init__(
        self, *args: Any, partnership: Any, steps: list[Any] | None = None, **kwargs: Any
    ) -> None:
        """`steps`: the partnership's steps in order, when the page has read them already (a
        blank form then lists them without a query; a sent form is checked by the query)."""
        super().__init__(*args, **kwargs)
        step_field: Any = self.fields["step"]
        step_field.queryset = ProcessStep.objects.filter(
            template_id=partnership.template_id
        ).order_by("order")
        if not self.is_bound:
            self.initial["step"] = partnership.current_step_id
            if steps is not None:
                step_field.choices = [("", step_field.empty_label)] + [
                    (step.pk, step_field.label_from_instance(step)) for step in steps
                ]


class MessageForm(PortalForm):
    prefix = "msg"
    body = forms.CharField(
        label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ObstacleNoteForm(PortalForm):
    prefix = "obstacle"
    text = forms.CharField(
        label=_("The obstacle"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PartyAddForm(PortalForm):
    """The organisation is typed, not picked from a list: the portal holds thousands, so a list
    of them all would be a query on every view of the page and a page too heavy to use. The
    coordinator gives its organisation number or its exact name; `clean_organisation` finds it
    with one query and returns the `Organisation`. A blank form makes no query."""

    prefix = "party"
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,  # as long as an organisation's name may be
        help_text=_(
            "The organisation number (e.g. 556677-8899) or the organisation's name exactly as "
            "registered in the portal."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of party"),
        choices=[(k.value, k.label) for k in PartyKind if k != PartyKind.REGION],
    )
    role = forms.CharField(label=_("Role in the partnership"), max_length=200, required=False)

    def clean_organisation(self) -> Organisation:
        """The organisation with the typed number, or the one called exactly that (any case)."""
        typed: str = self.cleaned_data["organisation"]  # stripped by the field
        not_found = ValidationError(
            _(
                "No organisation with that number or name has an account in the portal. Ask "
                "them to register their organisation first."
            ),
            code="not_found",
        )
        number_error: ValidationError | None = None
        if _LOOKS_LIKE_A_NUMBER.match(typed):
            try:
                number = normalise_org_number(re.sub(r"\s", "", typed))
            except ValidationError as exc:
                number_error = exc  # said unless an organisation is called exactly that
            else:
                found = Organisation.objects.filter(org_number=number).first()
                if found is None:
                    raise not_found
                return found
        named = list(Organisation.objects.filter(name__iexact=typed).order_by("pk")[:2])
        if len(named) > 1:
            raise ValidationError(
                _("Several organisations are called that: give the organisation number instead."),
                code="ambiguous",
            )
        if named:
            return named[0]
        raise number_error or not_found


class MemberAddForm(PortalForm):
    prefix = "member"
    party = forms.ModelChoiceField(label=_("Party"), queryset=PartnershipParty.objects.none())
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The person must already have an account in the portal."),
    )
    role = forms.CharField(label=_("Role"), max_length=150, required=False)

    def __init__(
        self, *args: Any, partnership: Any, parties: list[Any] | None = None, **kwargs: Any
    ) -> None:
        """`parties`: the partnership's parties, when the page has read them already (a blank
        form then lists them without a query; a sent form is checked by the query)."""
        super().__init__(*args, **kwargs)
        party_field: Any = self.fields["party"]
        party_field.queryset = PartnershipParty.objects.filter(
            partnership=partnership
        ).select_related("organisation", "region", "unit")
        if not self.is_bound and parties is not None:
            party_field.choices = [("", party_field.empty_label)] + [
                (party.pk, party_field.label_from_instance(party)) for party in parties
            ]

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody with this email address has an account."))
        self.cleaned_data["user"] = user
        return email


class TemplateStepForm(PortalModelForm):
    class Meta:
        model = ProcessStep
        fields = [
            "name_sv",
            "name_en",
            "guidance_sv",
            "guidance_en",
            "documents_sv",
            "documents_en",
            "gate_role",
        ]
        widgets = {
            "guidance_sv": forms.Textarea(attrs={"rows": 10}),
            "guidance_en": forms.Textarea(attrs={"rows": 10}),
            "documents_sv": forms.Textarea(attrs={"rows": 3}),
            "documents_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "guidance_sv": _(
                "Simple HTML: paragraphs, lists, bold, italics, headings and links. "
                "Anything else is removed."
            ),
            "guidance_en": _(
                "Simple HTML: paragraphs, lists, bold, italics, headings and links. "
                "Anything else is removed."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for language in ("sv", "en"):
            cap_length(self.fields[f"guidance_{language}"], GUIDANCE_MAX_LENGTH)
            cap_length(self.fields[f"documents_{language}"], DOCUMENTS_MAX_LENGTH)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or []}


class ChecklistItemForm(PortalModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["text_sv", "text_en", "help_sv", "help_en", "required"]
        widgets = {
            "help_sv": forms.Textarea(attrs={"rows": 2}),
            "help_en": forms.Textarea(attrs={"rows": 2}),
        }

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or []}
