"""Who may organise events, and which moves an organiser may make on one now.

Built on `permissions.base`: organisers of a region's events are its coordinators; portal admins
organise national events and every region's.
"""

from typing import Any

from partnerships.permissions import coordinated_region_ids
from portal.accounts.permissions import is_portal_admin

from ..models import Event
from ..workflow import EVENT_EDITABLE, EVENT_MOVES, event_move_allowed
from .base import can_organise, can_organise_for_region


def can_organise_any(user: Any) -> bool:
    """The organisers' pages (dashboard, new event) are for portal admins and coordinators of
    at least one region; everyone else gets 404."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(is_portal_admin(user) or coordinated_region_ids(user))


def can_organise_national(user: Any) -> bool:
    """National events (no region) are organised by portal admins."""
    return can_organise_for_region(user, None)


def can_edit_event(user: Any, event: Event) -> bool:
    """Organisers edit the text while the event is a draft, published or postponed (a cancelled
    event keeps the text it was cancelled with)."""
    return event.status in EVENT_EDITABLE and can_organise(user, event)


def event_moves_for(user: Any, event: Event) -> list[str]:
    """The moves of `workflow.EVENT_MOVES` the user may make on the event now, in table order."""
    if not can_organise(user, event):
        return []
    return [str(move) for move in EVENT_MOVES if event_move_allowed(move=move, status=event.status)]
