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


def rebase_on_conflict(form: forms.BaseForm, exc: Any) -> list[tuple[Any, Any]]:
    """After a concurrent edit (`ConcurrentEditError`): keep what the user typed, explain, and
    move the form onto the stored version, so saving again is a choice made after seeing the
    other person's change. Returns the stored values, field by field, to show beside the form
    (`core/partials/conflict.html`).
    """
    form.add_error(None, exc.message)
    data = form.data.copy()  # type: ignore[attr-defined]
    data["version"] = str(exc.current.version)
    form.data = data
    rows = []
    for name in form._meta.fields:  # type: ignore[attr-defined]
        display = getattr(exc.current, f"get_{name}_display", None)
        rows.append((form.fields[name].label, display() if display else getattr(exc.current, name)))
    return rows
