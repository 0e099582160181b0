"""Reads for the registrations pages (see the app README)."""

from typing import Any

from ..models import Event


def registration_panel_context(*, user: Any, event: Event) -> dict[str, Any]:
    """The registration panel on an event page: the person's registration, the form, seats
    left, the online link (confirmed only) and who is coming (consenting attendees).

    Rendered by `templates/dissemination/partials/registration_panel.html`."""
    return {}
