"""Reads for the publications pages (see the app README)."""

from typing import Any

from ..models import Publication


def publication_organiser_context(*, user: Any, publication: Publication) -> dict[str, Any]:
    """The organisers' panel on a publication page: edit, publish or withdraw, reach.

    Rendered by `templates/dissemination/partials/publication_organiser_panel.html`."""
    return {}
