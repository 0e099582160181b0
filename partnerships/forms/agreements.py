"""Forms for the agreement: the clause editor, a rule tick and an acceptance."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm
from portal.core.i18n import current_language

from ..agreement_rules import COLLABORATION_RULES
from ..models import Agreement, AgreementClause, Clause, RegionRoleInAgreement
from ..services.agreements import ROLE_CLAUSES, TEXT_MAX, clean_value, variable_default

RESERVED = {"version", "language", "region_role", "clauses"}


def _widget(variable: dict[str, Any]) -> forms.Widget:
    kind = variable.get("type")
    if kind == "number":
        return forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"})
    if kind == "decimal":
        return forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"})
    if kind == "date":
        return forms.DateInput(attrs={"type": "date"})
    return forms.TextInput(attrs={"maxlength": TEXT_MAX})


class AgreementForm(PortalForm):
    """The clauses switched on, the region's role, the language, and one typed input per variable
    of the library. Variable values are only required for switched-on clauses (the service says
    which are missing); their types are checked here and again in the service."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    language = forms.ChoiceField(label=_("Language of the agreement"), choices=settings.LANGUAGES)
    region_role = forms.ChoiceField(
        label=_("The region's role"),
        choices=RegionRoleInAgreement.choices,
        widget=forms.RadioSelect,
    )
    clauses = forms.MultipleChoiceField(
        label=_("Clauses"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The type of collaboration clause follows the region's role."),
    )

    def __init__(
        self,
        *args: Any,
        agreement: Agreement,
        library: list[Clause],
        rows: list[AgreementClause],
        **kwargs: Any,
    ) -> None:
        lang = current_language()
        kind = agreement.partnership.collaboration_kind
        stored = {row.clause.key: row.values for row in rows}
        initial: dict[str, Any] = {
            "version": agreement.version,
            "language": agreement.language,
            "region_role": agreement.region_role,
            "clauses": [key for key in stored if key not in ROLE_CLAUSES.values()],
        }
        self.variables: dict[str, dict[str, Any]] = {}
        self.clause_of: dict[str, Clause] = {}
        for clause in library:
            for variable in clause.variables:
                name = variable["name"]
                if name in RESERVED or name in self.variables:
                    continue
                self.variables[name] = variable
                self.clause_of[name] = clause
                initial[name] = stored.get(clause.key, {}).get(name) or variable_default(
                    variable, language=agreement.language, kind=kind
                )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["clauses"].choices = [  # type: ignore[attr-defined]
            (clause.key, getattr(clause, f"title_{lang}") or clause.title_sv)
            for clause in library
            if clause.key not in ROLE_CLAUSES.values()
        ]
        for name, variable in self.variables.items():
            label = variable.get(f"label_{lang}") or variable.get("label_sv") or name
            clause = self.clause_of[name]
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                widget=_widget(variable),
                help_text=getattr(clause, f"title_{lang}") or clause.title_sv,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, variable in self.variables.items():
            raw = cleaned.get(name)
            if raw in (None, ""):
                continue
            try:
                cleaned[name] = clean_value(variable, raw)
            except ValidationError as exc:
                self.add_error(name, exc)
        return cleaned

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.variables}


class RuleCheckForm(PortalForm):
    rule = forms.ChoiceField(choices=COLLABORATION_RULES)
    done = forms.BooleanField(required=False)


class AcceptForm(PortalForm):
    """The hidden fields of an accept button: the party, and the version and checksum the person
    read. Anything else was not sent by the page."""

    party = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    checksum = forms.RegexField(regex=r"\A[0-9a-f]{64}\Z")
