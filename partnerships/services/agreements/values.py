"""The values of clause variables: labels, defaults, cleaning by type, and amounts as readers
expect them. Values are data: they are inserted into the text, never evaluated.
"""

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TEXT_MAX = 300
NUMBER_MAX = 1_000_000
DECIMAL_MAX = Decimal("100000000")
WHOLE_NUMBER = re.compile(r"[0-9]+", re.ASCII)
AMOUNT = re.compile(r"[0-9]+(?:[.,][0-9]+)?", re.ASCII)


def _lang(language: str) -> str:
    return "en" if language == "en" else "sv"


def variable_label(variable: Mapping[str, Any], language: str) -> str:
    return str(variable.get(f"label_{_lang(language)}") or variable.get("label_sv") or "")


def variable_default(variable: Mapping[str, Any], *, language: str, kind: str) -> str:
    lang = _lang(language)
    by_kind = (variable.get("kind_defaults") or {}).get(kind) or {}
    if by_kind.get(lang):
        return str(by_kind[lang])
    return str(variable.get(f"default_{lang}") or variable.get("default") or "")


def clean_value(variable: Mapping[str, Any], raw: Any) -> str:
    """The value in its stored form (digits, `1234.50`, ISO date, or trimmed text), or a
    ValidationError saying what is wrong. Values are data: they are never evaluated."""
    kind = variable.get("type", "text")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(_("Fill in this value."))
    if kind == "number":
        text = str(raw).strip()
        # Plain ASCII digits only: int() would also take "1_000", "+5" or other scripts' digits.
        if isinstance(raw, bool) or not WHOLE_NUMBER.fullmatch(text):
            raise ValidationError(_("Enter a whole number with digits only, such as 120."))
        digits = text.lstrip("0") or "0"
        if len(digits) > len(str(NUMBER_MAX)) or int(digits) > NUMBER_MAX:
            raise ValidationError(
                _("Enter a number between 0 and %(max)s.") % {"max": f"{NUMBER_MAX:,}"}
            )
        return digits
    if kind == "decimal":
        text = str(raw).strip()
        # Digits with at most one decimal comma or point: Decimal() would also take "1e3",
        # "NaN", "Infinity" or "1_000".
        if isinstance(raw, bool) or not AMOUNT.fullmatch(text):
            raise ValidationError(
                _(
                    "Enter an amount with digits and at most one decimal separator, such as 850 "
                    "or 850,50."
                )
            )
        whole, _sep, fraction = text.replace(",", ".").partition(".")
        if len(fraction.rstrip("0")) > 2:
            raise ValidationError(_("Use at most two decimals."))
        whole = whole.lstrip("0") or "0"
        amount = Decimal(f"{whole}.{fraction or '0'}") if len(whole) < 20 else DECIMAL_MAX + 1
        if amount > DECIMAL_MAX:
            raise ValidationError(
                _("Enter an amount between 0 and %(max)s.") % {"max": f"{DECIMAL_MAX:,.0f}"}
            )
        return f"{amount.quantize(Decimal('0.01'))}"
    if kind == "date":
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError as exc:
            raise ValidationError(_("Enter a date as 2026-11-25.")) from exc
    text = " ".join(str(raw).split())
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("Use at most %(max)s characters (it has %(count)s).")
            % {"max": TEXT_MAX, "count": len(text)}
        )
    return text


def format_amount(amount: Decimal, language: str) -> str:
    """SEK as Swedish or English readers expect: `12 500` / `12,500`, `850,50` / `850.50`."""
    amount = amount.quantize(Decimal("0.01"))
    whole = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    if _lang(language) == "sv":
        return whole.replace(",", " ").replace(".", ",")
    return whole


def _display(variable: Mapping[str, Any], value: str, language: str) -> str:
    if variable.get("type") == "decimal":
        return format_amount(Decimal(value), language)
    if variable.get("type") == "number":
        return format_amount(Decimal(value), language)
    return value


def compensation_totals(values: Mapping[str, str]) -> dict[str, Decimal]:
    """Hours × rate for staff and for test resources, and their sum (missing values count 0)."""

    def num(name: str) -> Decimal:
        try:
            return Decimal(values.get(name) or "0")
        except InvalidOperation:
            return Decimal("0")

    staff = num("staff_hours") * num("staff_rate")
    test = num("test_resource_hours") * num("test_resource_rate")
    return {"staff_total": staff, "test_resource_total": test, "total_compensation": staff + test}
