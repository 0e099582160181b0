"""The form on a subject's page that asks for a report: the kind's parameters and a language."""

from functools import cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds.base import ReportKindBase
from .models import ReportLanguage


@cache
def request_form_class(spec: ReportKindBase) -> type[forms.Form]:
    """The kind's parameter form plus the report's language (default: the page's language)."""
    return type(
        f"{type(spec).__name__}RequestForm",
        (spec.form_class,),
        {
            "language": forms.ChoiceField(
                label=_("Language of the report"), choices=ReportLanguage.choices
            ),
        },
    )


def request_form(
    spec: ReportKindBase,
    *,
    data: Any = None,
    params: dict[str, Any] | None = None,
    language: str = "sv",
) -> forms.Form:
    """The form bound to `data` (a POST) or filled with the page's `params`. Fields the page
    fixes (the ids in `params`, or a kind field with a hidden widget) are hidden; the person's
    choices (a period, a filter, the language) are shown with their labels."""
    form_class = request_form_class(spec)
    initial = {
        **(params or {}),
        "language": language if language in ReportLanguage.values else "sv",
    }
    form = form_class(data=data, initial=initial, auto_id=f"id_report_{spec.kind.value}_%s")
    for name in params or {}:
        if name in form.fields and name != "language":
            form.fields[name].widget = forms.HiddenInput()
    return form


def form_params(spec: ReportKindBase, form: forms.Form) -> tuple[dict[str, Any], str]:
    """The request's canonical parameters and language from a valid form."""
    cleaned = dict(form.cleaned_data)
    language = cleaned.pop("language")
    return spec.params_from_form(cleaned), str(language)
