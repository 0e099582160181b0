"""Content kept in both working languages: pick the column for the active language."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language


def current_language() -> str:
    """'en' when English is active, otherwise 'sv' (Swedish is the working language)."""
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def localized(obj: Any, field: str) -> str:
    """`obj.<field>_sv` or `obj.<field>_en` by the active language, falling back to Swedish."""
    value = getattr(obj, f"{field}_{current_language()}", "")
    return value or getattr(obj, f"{field}_sv", "")


def in_each_language(render: Callable[[], Any]) -> dict[str, str]:
    """`render()` once per portal language: for text generated now and read later by people who
    use either language (a timeline entry), so it can be shown in the reader's language."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(render())
    return texts
