"""Content kept in both working languages: pick the column for the active language."""

from typing import Any

from django.utils.translation import get_language


def current_language() -> str:
    """'en' when English is active, otherwise 'sv' (Swedish is the working language)."""
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def localized(obj: Any, field: str) -> str:
    """`obj.<field>_sv` or `obj.<field>_en` by the active language, falling back to Swedish."""
    value = getattr(obj, f"{field}_{current_language()}", "")
    return value or getattr(obj, f"{field}_sv", "")
