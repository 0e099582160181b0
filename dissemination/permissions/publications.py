"""Who may create, edit and move publications (see `base` for who may see them).

The organisers of a publication are its region's coordinators; portal admins organise national
publications and every region's. Everyone else gets 404 on the organiser pages.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from partnerships.permissions import coordinated_region_ids
from portal.accounts.permissions import is_portal_admin
from regions.models import Region

from ..models import Publication
from ..workflow import PUBLICATION_MOVES, PublicationStatus, publication_move_allowed
from .base import can_organise


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def can_create_publication(user: Any) -> bool:
    """Coordinators of at least one region and portal admins add publications."""
    if not _signed_in(user):
        return False
    return is_portal_admin(user) or bool(coordinated_region_ids(user))


def organised_regions(user: Any) -> QuerySet[Region]:
    """The regions the user may publish for (portal admins: every region, and national)."""
    if not _signed_in(user):
        return Region.objects.none()
    regions = Region.objects.order_by("-participating", "code")
    if is_portal_admin(user):
        return regions
    return regions.filter(pk__in=coordinated_region_ids(user))


def publication_moves_for(user: Any, publication: Publication) -> list[str]:
    """The moves the user may make on the publication now (none unless they organise it)."""
    if not can_organise(user, publication):
        return []
    return [
        move
        for move in PUBLICATION_MOVES
        if publication_move_allowed(move=move, status=publication.status)
    ]


def get_publication_to_download_or_404(user: Any, pk: Any) -> tuple[Publication, bool]:
    """The publication whose file the user may download, and whether they organise it: anyone
    while it is published, its organisers always; 404 otherwise (missing and forbidden alike)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    publication = Publication.objects.select_related("region").filter(pk=pk).first()
    if publication is None:
        raise Http404
    organiser = can_organise(user, publication)
    if publication.status != PublicationStatus.PUBLISHED and not organiser:
        raise Http404
    return publication, organiser
