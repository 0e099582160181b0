from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import TemplatesSetting


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


class PortalFormRenderer(TemplatesSetting):
    """Every form: an error summary that is announced, and each error tied to its field."""

    form_template_name = "forms/portal_form.html"
    field_template_name = "forms/portal_field.html"


def rebase_on_conflict(form: forms.BaseForm, current: Any, message: Any) -> forms.BaseForm:
    """After a concurrent edit: keep what the user typed, move it onto the stored version.

    The returned form is bound to the user's input with the current version, so saving it again
    is a deliberate choice made after seeing the other person's change.
    """
    data = form.data.copy()  # type: ignore[attr-defined]
    data["version"] = str(current.version)
    rebased = type(form)(data, instance=current)  # type: ignore[call-arg]
    rebased.is_valid()
    rebased.add_error(None, message)
    return rebased
