"""Who may link a partnership's obstacle notes to the register.

The people who work on the partnership (its region's coordinators, members of a party
organisation, people named on it, portal admins) link, unlink and propose; management sponsors
only look. Everyone else gets a 404, whether the note exists or not.
"""

from typing import Any

from django.http import Http404

from partnerships.models import ObstacleNote
from partnerships.permissions.base import can_work_on_partnership, partnerships_visible_to
from partnerships.workflow import PARTNERSHIP_OPEN


def can_link_note(user: Any, note: ObstacleNote) -> bool:
    """A person working on the note's partnership, while the partnership is open (active or
    paused: the same rule as noting an obstacle)."""
    partnership = note.partnership
    return partnership.status in PARTNERSHIP_OPEN and can_work_on_partnership(user, partnership)


def get_note_for_user_or_404(user: Any, pk: Any) -> ObstacleNote:
    """The note if the user may see its partnership and works on it; 404 for missing and
    forbidden alike. Comes with its partnership (and region), step and linked entry."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    note = (
        ObstacleNote.objects.filter(pk=pk, partnership__in=partnerships_visible_to(user))
        .select_related("partnership__region", "step", "obstacle", "author")
        .first()
    )
    if note is None or not can_work_on_partnership(user, note.partnership):
        raise Http404
    return note
