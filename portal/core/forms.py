import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .validators import TEXT_MAX_LENGTH, validate_no_control_characters


def harden_text_fields(fields: dict[str, forms.Field]) -> None:
    """Every text field refuses control characters, and one without a limit gets
    TEXT_MAX_LENGTH (a form error beside the field, and the browser's maxlength)."""
    for field in fields.values():
        if not isinstance(field, forms.CharField):
            continue
        if validate_no_control_characters not in field.validators:
            field.validators.append(validate_no_control_characters)
        # A UUID or JSON field cleans to an object, not text: its own parsing bounds it.
        if field.max_length is None and not isinstance(field, (forms.UUIDField, forms.JSONField)):
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
            field.widget.attrs.update(field.widget_attrs(field.widget))


def cap_length(field: forms.Field, limit: int) -> None:
    """Give a text field a tighter limit than it has (TEXT_MAX_LENGTH by default): the form
    error beside the field says how long it is and may be."""
    assert isinstance(field, forms.CharField)
    field.max_length = limit
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs.update(field.widget_attrs(field.widget))


class InputHygieneMixin:
    """For every form of the portal (through PortalForm and PortalModelForm): hostile text is
    a form error beside its field, never a database error. A test holds every form to it."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        harden_text_fields(self.fields)

    def full_clean(self) -> None:
        # Again: a form may add fields in its own __init__, after this mixin's has run.
        harden_text_fields(self.fields)
        super().full_clean()  # type: ignore[misc]


class PortalForm(InputHygieneMixin, forms.Form):
    """The base of the portal's forms."""


class PortalModelForm(InputHygieneMixin, forms.ModelForm):
    """The base of the portal's model forms."""


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


def _stored_value(form: forms.BaseForm, name: str, current: Any) -> Any:
    """The stored value of a form field: a form may say how (`conflict_stored_value`), e.g. when
    its field shows only part of a many-to-many relation."""
    hook = getattr(form, "conflict_stored_value", None)
    if hook is not None:
        return hook(name, current)
    value = getattr(current, name, None)
    if isinstance(value, models.Manager):
        return list(value.all())
    return value


def _comparable(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return (type(value)._meta.label, value.pk)
    if isinstance(value, (models.QuerySet, list, tuple, set, frozenset)):
        return frozenset(_comparable(item) for item in value)
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def differs_from_stored(form: forms.BaseForm, name: str, current: Any) -> bool:
    """Does what the user sent for `name` (cleaned) differ from the stored row `current`?"""
    cleaned = getattr(form, "cleaned_data", None) or {}
    if name not in cleaned:
        return True
    return _comparable(cleaned[name]) != _comparable(_stored_value(form, name, current))


def _display(current: Any, name: str, value: Any) -> Any:
    """A stored value as people read it: local time, translated yes/no, choice labels, names."""
    display = getattr(current, f"get_{name}_display", None)
    if display is not None and not isinstance(value, (list, models.QuerySet)):
        return display()
    if isinstance(value, dt.datetime):
        return date_format(
            timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i"
        )
    if isinstance(value, dt.date):
        return date_format(value, "Y-m-d")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple, models.QuerySet)):
        return ", ".join(str(getattr(item, "name", item)) for item in value)
    return value


def conflict_rows(form: forms.BaseForm, current: Any) -> list[tuple[Any, Any]]:
    """(label, stored value for display) for each field whose stored value differs from what the
    user submitted: the difference the user has to look at, not every field."""
    rows = []
    for name in form._meta.fields or []:  # type: ignore[attr-defined]
        if name not in form.fields or not differs_from_stored(form, name, current):
            continue
        value = _stored_value(form, name, current)
        rows.append((form.fields[name].label, _display(current, name, value)))
    return rows


def rebase_on_conflict(form: forms.BaseForm, exc: Any) -> list[tuple[Any, Any]]:
    """After a concurrent edit (`ConcurrentEditError`): keep what the user typed, explain, and
    move the form onto the stored version, so saving again is a choice made after seeing the
    other person's change. Returns the stored values of the fields that differ from what the
    user sent, to show beside the form (`core/partials/conflict.html`); empty when what was sent
    is what is stored (a double submit).
    """
    rows = conflict_rows(form, exc.current)
    form.add_error(None, exc.message)
    data = form.data.copy()  # type: ignore[attr-defined]
    data["version"] = str(exc.current.version)
    form.data = data
    return rows
