"""Validators every form shares: text that PostgreSQL, a terminal or a PDF cannot take.

PostgreSQL refuses NUL in text (a 500 if it reaches the database), and the other C0 and C1
control characters (escape sequences, bells, DEL) are never part of what a person types: they
garble logs, CSV exports read in a terminal and rendered PDFs. Tab, line feed and carriage
return are ordinary text. Every form of the portal refuses the rest beside the field through
`portal.core.forms.PortalForm` / `PortalModelForm`; query parameters read outside a form go
through `query_text`.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls except tab (\x09), line feed (\x0a) and carriage return (\x0d); DEL; C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# The longest free text any form takes where the model sets no limit (a guidance text, an
# article, a description): far above what people write, far below what slows pages and PDFs.
TEXT_MAX_LENGTH = 20_000


@deconstructible
class ProhibitControlCharactersValidator:
    message = _(
        "Remove the control characters (invisible characters such as NUL or escape) from this text."
    )
    code = "control_characters"

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProhibitControlCharactersValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_no_control_characters = ProhibitControlCharactersValidator()


def query_text(value: str | None, *, max_length: int = 100) -> str:
    """A search term from a query parameter read outside a form: control characters removed
    (PostgreSQL refuses NUL), trimmed and cut to `max_length`."""
    return CONTROL_CHARACTERS.sub("", value or "").strip()[:max_length]
