"""Who may do what with organisations. Predicates never write."""

from typing import Any

from django.http import Http404

from portal.core.security import access_refused

from .models import JoinRequest, Membership, MembershipRole, Organisation
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
    organisation = Organisation.objects.filter(pk=_int_or_404(pk)).first()
    if organisation is None:
        raise Http404
    return organisation


def get_organisation_for_admin_or_404(user: Any, pk: Any) -> Organisation:
    """The organisation if the user may manage it; 404 both when missing and when forbidden."""
    organisation = get_organisation_or_404(pk)
    if not can_manage_organisation(user, organisation):
        access_refused("organisation", pk, user=user)
        raise Http404
    return organisation


def get_join_request_for_admin_or_404(user: Any, pk: Any) -> JoinRequest:
    """A join request the user may decide (an admin of its organisation); 404 otherwise."""
    join_request = (
        JoinRequest.objects.select_related("organisation", "user")
        .filter(pk=_int_or_404(pk))
        .first()
    )
    if join_request is None or not can_manage_organisation(user, join_request.organisation):
        raise Http404
    return join_request


def get_own_join_request_or_404(user: Any, pk: Any) -> JoinRequest:
    """The user's own join request (ownership is part of the lookup); 404 otherwise."""
    join_request = (
        JoinRequest.objects.select_related("organisation")
        .filter(pk=_int_or_404(pk), user_id=getattr(user, "pk", 0) or 0)
        .first()
    )
    if join_request is None:
        raise Http404
    return join_request


def get_membership_for_user_or_404(user: Any, pk: Any) -> Membership:
    """A membership the user may act on: their own, or any in an organisation they manage."""
    membership = (
        Membership.objects.select_related("organisation", "user").filter(pk=_int_or_404(pk)).first()
    )
    if membership is None or (
        membership.user_id != getattr(user, "pk", None)
        and not can_manage_organisation(user, membership.organisation)
    ):
        raise Http404
    return membership


def _int_or_404(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
