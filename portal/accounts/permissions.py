"""Who may do what with organisations. Predicates never write."""

from typing import Any

from django.http import Http404

from .models import MembershipRole, Organisation
from .roles import Role
from .selectors import membership_for, user_has_role


def is_portal_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user_has_role(user, Role.PORTAL_ADMIN)


def is_member(user: Any, organisation: Organisation) -> bool:
    return membership_for(user=user, organisation=organisation) is not None


def can_manage_organisation(user: Any, organisation: Organisation) -> bool:
    """Organisation admins (and portal admins) edit it and answer its join requests."""
    if is_portal_admin(user):
        return True
    membership = membership_for(user=user, organisation=organisation)
    return membership is not None and membership.role == MembershipRole.ADMIN


def can_see_members(user: Any, organisation: Organisation) -> bool:
    return is_member(user, organisation) or is_portal_admin(user)


def can_request_to_join(user: Any, organisation: Organisation) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not is_member(user, organisation)


def get_organisation_or_404(pk: Any) -> Organisation:
    try:
        return Organisation.objects.get(pk=int(pk))
    except (Organisation.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


def get_organisation_for_admin_or_404(user: Any, pk: Any) -> Organisation:
    """The organisation if the user may manage it; 404 both when missing and when forbidden."""
    organisation = get_organisation_or_404(pk)
    if not can_manage_organisation(user, organisation):
        raise Http404
    return organisation
