"""Swedish organisation numbers (organisationsnummer): NNNNNN-NNNN with a Luhn check digit."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Ten digits, with the dash (if any) only in its one place. Spaces and dashes elsewhere are
# refused rather than guessed at, so a typo is not silently turned into another organisation.
_FORMAT = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_valid(digits: str) -> bool:
    """True when the last digit is the Luhn check digit of the others."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(first_nine: str) -> str:
    """The check digit that makes `first_nine` + digit Luhn-valid."""
    for candidate in "0123456789":
        if luhn_valid(first_nine + candidate):
            return candidate
    raise ValueError(first_nine)  # pragma: no cover - one of ten digits always fits


def normalise_org_number(value: str) -> str:
    """Return the number as NNNNNN-NNNN, or raise ValidationError saying what is wrong."""
    text = (value or "").strip()
    match = _FORMAT.match(text)
    if not match:
        if re.search(r"[^\d\s-]", text):
            raise ValidationError(
                _("An organisation number has only digits and one dash, as in 556036-0793."),
                code="invalid_characters",
            )
        if len(re.sub(r"\D", "", text)) != 10:
            raise ValidationError(
                _("An organisation number has ten digits, as in 556036-0793."),
                code="invalid_length",
            )
        raise ValidationError(
            _("Write the organisation number as NNNNNN-NNNN, as in 556036-0793."),
            code="invalid_format",
        )
    digits = match.group(1) + match.group(2)
    if not luhn_valid(digits):
        raise ValidationError(
            _("This organisation number's check digit is wrong. Check for a typo."),
            code="invalid_checksum",
        )
    return f"{match.group(1)}-{match.group(2)}"


def validate_org_number(value: str) -> None:
    normalise_org_number(value)
