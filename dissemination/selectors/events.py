"""Reads for the events pages (see the app README)."""

from typing import Any

from ..models import Event


def organiser_panel_context(*, user: Any, event: Event) -> dict[str, Any]:
    """The organisers' panel on an event page: edit, the moves allowed now, attendees, reach.

    Rendered by `templates/dissemination/partials/organiser_panel.html`."""
    return {}
