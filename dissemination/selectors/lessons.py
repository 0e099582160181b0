"""Reads for the lessons pages (see the app README)."""

from typing import Any

from partnerships.models import Partnership


def partnership_lessons_context(*, user: Any, partnership: Partnership) -> dict[str, Any]:
    """The lessons-learned section of a partnership page: its lessons the user may
    see, and what the user may do with them.

    Rendered by `templates/dissemination/partials/partnership_lessons.html`."""
    return {}
