"""Who may see and edit process templates. Predicates never write.

The national default belongs to the portal's admins; a region's own template belongs to its
coordinators. Coordinators see the default and their regions' templates; everyone else gets 404.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from portal.accounts.permissions import is_portal_admin

from ..models import ProcessTemplate
from .base import coordinated_region_ids


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def templates_visible_to(user: Any) -> QuerySet[ProcessTemplate]:
    """Admins see every template; coordinators the national ones and their regions' own."""
    qs = ProcessTemplate.objects.all()
    if not _signed_in(user):
        return qs.none()
    if is_portal_admin(user):
        return qs
    regions = coordinated_region_ids(user)
    if not regions:
        return qs.none()
    return qs.filter(Q(region__isnull=True) | Q(region_id__in=regions))


def get_template_for_user_or_404(user: Any, pk: Any) -> ProcessTemplate:
    """The template if the user may see it; 404 for missing and forbidden alike."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    template = templates_visible_to(user).select_related("region").filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


def can_edit_template(user: Any, template: ProcessTemplate) -> bool:
    """The current revision only: admins edit the default, a region's coordinators its own."""
    if not _signed_in(user) or not template.is_current:
        return False
    if is_portal_admin(user):
        return True
    return template.region_id is not None and template.region_id in coordinated_region_ids(user)


def can_copy_template_for_region(user: Any, region: Any) -> bool:
    """A region's coordinators (and admins) may give the region its own variant."""
    if not _signed_in(user):
        return False
    return is_portal_admin(user) or region.pk in coordinated_region_ids(user)
