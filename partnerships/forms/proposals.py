"""Forms for calls, proposals, attachments, triage, reviews and the intake filter."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import VersionedForm
from portal.accounts.models import User
from portal.core.forms import PortalForm, differs_from_stored
from regions.models import Region

from ..models import Call, CallCriterion, CollaborationKind, Proposal
from ..services.proposals import EDITABLE_FIELDS
from ..workflow import ProposalStatus

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

TRL_CHOICES = [
    ("", _("Choose the maturity")),
    (1, _("TRL 1 – basic principles observed")),
    (2, _("TRL 2 – technology concept formulated")),
    (3, _("TRL 3 – proof of concept")),
    (4, _("TRL 4 – validated in the lab")),
    (5, _("TRL 5 – validated in a relevant environment")),
    (6, _("TRL 6 – demonstrated in a relevant environment")),
    (7, _("TRL 7 – demonstrated in a care setting")),
    (8, _("TRL 8 – complete and qualified")),
    (9, _("TRL 9 – proven in routine use")),
]


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RegionMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _local_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


# --- Calls ------------------------------------------------------------------------------------


class CallForm(VersionedForm):
    """Dates are typed in Swedish time; Django reads them in the current time zone."""

    lead_region = RegionChoiceField(label=_("Lead region"), queryset=Region.objects.none())
    regions = RegionMultipleChoiceField(
        label=_("Other regions behind the call"),
        queryset=Region.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The lead region is always included."),
    )

    class Meta:
        model = Call
        fields = ["title", "description", "lead_region", "regions", "opens_at", "closes_at"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "opens_at": _local_input(),
            "closes_at": _local_input(),
        }
        help_texts = {
            "opens_at": _("Swedish time (Europe/Stockholm)."),
            "closes_at": _(
                "Swedish time (Europe/Stockholm). Proposals can be submitted until then."
            ),
        }

    # Set by the create form: a second POST of the same form (a double click) finds the call the
    # first one created instead of creating another one.
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, lead_regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_region"].queryset = lead_regions  # type: ignore[attr-defined]
        for name in ("opens_at", "closes_at"):
            field: Any = self.fields[name]
            field.input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
        # Only a region's own coordinators put it behind a call (the service refuses others):
        # offer the regions the user may lead in, and those already behind the call.
        offered = Q(pk__in=lead_regions.values("pk"))
        if not self.instance.pk:
            self.fields["version"].required = False
            if not self.is_bound:
                self.initial["client_token"] = uuid.uuid4()
        else:
            del self.fields["client_token"]
            behind = [r.pk for r in self.instance.regions.all()]
            offered |= Q(pk__in=behind)
            self.initial["regions"] = [r for r in behind if r != self.instance.lead_region_id]
        regions_field: Any = self.fields["regions"]
        regions_field.queryset = Region.objects.filter(offered).order_by("code")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        lead, regions = cleaned.get("lead_region"), cleaned.get("regions")
        if lead is not None and regions is not None:
            # The lead region is always behind the call; "other regions" are the others.
            cleaned["regions"] = [r for r in regions if r.pk != lead.pk]
        return cleaned

    def conflict_stored_value(self, name: str, current: Any) -> Any:
        """The conflict panel compares "other regions" without the lead region, as shown."""
        if name == "regions":
            return [r for r in current.regions.order_by("code") if r.pk != current.lead_region_id]
        return getattr(current, name, None)

    def _post_clean(self) -> None:
        # The model's constraints are checked by the service and the database; the M2M and the
        # lead region are passed to the service separately.
        pass

    def call_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("title", "description", "opens_at", "closes_at")}


class CriterionForm(PortalForm):
    title = forms.CharField(label=_("Criterion"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What a reviewer looks for"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)

    def has_changed(self) -> bool:
        return bool(self.data.get(self.add_prefix("title"), "").strip())


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=20, validate_max=True)


def criteria_initial(criteria: list[CallCriterion]) -> list[dict[str, Any]]:
    return [{"title": c.title, "description": c.description, "weight": c.weight} for c in criteria]


def criteria_data(formset: Any) -> list[dict[str, Any]]:
    return [
        f.cleaned_data
        for f in formset.forms
        if getattr(f, "cleaned_data", None) and f.cleaned_data.get("title")
    ]


# --- Proposals ------------------------------------------------------------------------------


class ProposalNewForm(PortalForm):
    organisation = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("code"),
        help_text=_("The region whose one way in receives the proposal."),
    )
    title = forms.CharField(label=_("Title of the proposal"), max_length=200)
    client_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, memberships: list[Any], call: Call | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            (m.organisation_id, m.organisation.name) for m in memberships
        ]
        if len(memberships) == 1:
            self.fields["organisation"].initial = memberships[0].organisation_id
        if call is not None:
            self.fields["region"].queryset = call.regions.order_by("code")  # type: ignore[attr-defined]
            self.fields["region"].initial = call.lead_region_id
            self.fields["region"].help_text = _("One of the regions behind the call.")
        if not self.is_bound:
            self.initial["client_token"] = uuid.uuid4()


CE_MARKED_SENT = "ce_marked_sent"


class ProposalForm(VersionedForm):
    ce_marked_sent = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")
    trl = forms.TypedChoiceField(
        label=_("Maturity (TRL 1–9)"),
        choices=TRL_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Technology readiness level: how far the solution has come."),
    )

    class Meta:
        model = Proposal
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "care_need": forms.Textarea(attrs={"rows": 5}),
            "solution": forms.Textarea(attrs={"rows": 5}),
            "company_brings": forms.Textarea(attrs={"rows": 3}),
            "company_asks": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {
            "summary": _("Two or three sentences: what you propose and for whom."),
            "care_need": _("Which need in the care does it meet, and who owns it?"),
            "solution": _("How the solution works and what evidence there is so far."),
            "device_class": _(
                "The class under the Medical Devices (MDR) or IVD (IVDR) Regulation."
            ),
            "collaboration_kind": _("What you want from the region: a test, an evaluation, …"),
            "company_brings": _("For example the product, staff time, training or funding."),
            "company_asks": _("For example a clinic to test in, staff time or data."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collaboration_kind"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a kind")),
            *CollaborationKind.choices,
        ]

    def submitted_fields(self) -> list[str]:
        """The fields the request actually carried. An unchecked checkbox sends nothing, so the
        form carries a hidden marker (`ce_marked_sent`) to tell "unchecked" from "not sent"."""
        sent = set(self.data)
        if CE_MARKED_SENT in sent:
            sent.add("ce_marked")
        return [name for name in self._meta.fields or [] if name in sent]

    def valid_changes(self) -> dict[str, Any]:
        """The fields that were sent and validated, for autosave: the others are kept as stored
        (a field missing from the request is never blanked)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name]
            for name in self.submitted_fields()
            if name in cleaned and name not in self.errors
        }

    def matches_stored(self, current: Proposal) -> bool:
        """Every field sent is valid and equals the stored row: the save that "conflicted" was
        the user's own (an autosave in flight when Save was pressed, a double submit)."""
        self.is_valid()
        names = self.submitted_fields()
        return bool(names) and not any(
            name in self.errors or differs_from_stored(self, name, current) for name in names
        )


class DecisionForm(PortalForm):
    message = forms.CharField(
        label=_("Message to the company"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you ask for changes or decline."),
    )


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachmentForm(PortalForm):
    file = forms.FileField(
        label=_("Attach a file"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG; at most 20 MB and 10 files."),
    )


# --- Reviews ----------------------------------------------------------------------------------


class ReviewAssignForm(PortalForm):
    email = forms.EmailField(
        label=_("Reviewer's email address"),
        help_text=_("The person must already have an account in the portal."),
    )

    reviewer: User | None = None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        self.reviewer = User.objects.filter(email__iexact=email, is_active=True).first()
        if self.reviewer is None:
            raise ValidationError(_("Nobody with this email address has an account."))
        return email


SCORE_CHOICES = [("", _("Not scored yet")), *[(i, str(i)) for i in range(1, 6)]]


class ReviewForm(PortalForm):
    """One score (1–5) and comment per criterion, an overall comment and the version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("Overall comment"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, criteria: list[CallCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(criterion)s (weight %(weight)d): score")
                % {"criterion": criterion.title, "weight": criterion.weight},
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=criterion.description,
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("%(criterion)s: comment") % {"criterion": criterion.title},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (
                self.cleaned_data.get(f"score_{c.pk}"),
                self.cleaned_data.get(f"note_{c.pk}", ""),
            )
            for c in self.criteria
        }


# --- Intake -----------------------------------------------------------------------------------


class IntakeFilterForm(PortalForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *[c for c in ProposalStatus.choices if c[0] != "draft"]],
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    call = forms.TypedChoiceField(label=_("Call"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Kind of collaboration"),
        required=False,
        choices=[("", _("All")), *CollaborationKind.choices],
    )
    trl_min = forms.IntegerField(label=_("TRL from"), required=False, min_value=1, max_value=9)
    trl_max = forms.IntegerField(label=_("TRL to"), required=False, min_value=1, max_value=9)
    submitted_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("Submitted to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, calls: Any, regions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All")), *[(c.pk, c.title) for c in calls]]
        self.fields["call"].choices = choices  # type: ignore[attr-defined]
        regions = list(regions)
        if len(regions) > 1:
            self.fields["region"].choices = [  # type: ignore[attr-defined]
                ("", _("All")),
                *[(r.slug, r.name) for r in regions],
            ]
        else:
            del self.fields["region"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("trl_min"), cleaned.get("trl_max")
        if low and high and low > high:
            self.add_error("trl_max", _("The upper TRL must not be below the lower one."))
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and end < start:
            self.add_error("submitted_to", _("The end date must not be before the start date."))
        return cleaned
