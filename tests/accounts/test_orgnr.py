import pytest
from django.core.exceptions import ValidationError

from portal.accounts.orgnr import luhn_valid, normalise_org_number


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("556036-0793", "556036-0793"),
        ("5560360793", "556036-0793"),
        ("  202100-2932 ", "202100-2932"),
        ("232100-0057", "232100-0057"),
    ],
)
def test_valid_numbers_are_stored_normalised(typed: str, stored: str) -> None:
    assert normalise_org_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("556036-0794", "invalid_checksum"),  # bad check digit
        ("5560360790", "invalid_checksum"),
        ("556036-079", "invalid_length"),  # nine digits
        ("55603607931", "invalid_length"),  # eleven digits
        ("", "invalid_length"),
        ("556O36-0793", "invalid_characters"),  # letter O for zero
        ("abcdef-ghij", "invalid_characters"),
        ("55603-60793", "invalid_format"),  # dash in the wrong place
        ("556036--0793", "invalid_format"),
        ("556 036 0793", "invalid_format"),  # spaces inside
        ("556036 -0793", "invalid_format"),
        ("-5560360793", "invalid_format"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(typed: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalise_org_number(typed)
    assert excinfo.value.code == code
    assert str(excinfo.value.messages[0])


def test_luhn_accepts_known_and_refuses_changed_digit() -> None:
    assert luhn_valid("2021002932")
    assert not luhn_valid("2021002933")
