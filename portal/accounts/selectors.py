"""Reads for accounts and organisations, scoped to the user."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import JoinRequest, JoinRequestStatus, Membership, MembershipRole, Organisation
from .roles import STAFF_ROLES, Role

# Marks "has a TOTP authenticator" among the group names read in the same query (no role is
# called that), and the region permissions ("region:<codename>:<region id>").
_HAS_TOTP = "mfa:totp"
_REGION_PREFIX = "region:"
# The guardian region permissions every page's rules ask about (coordinator and sponsor).
REGION_CODENAMES = ("coordinate_region", "sponsor_region")


def _read_roles_and_totp(user: Any) -> set[str]:
    """The user's role (group) names, whether they have a TOTP authenticator and the regions
    they coordinate or sponsor for, in one query (a UNION: every staff request asks for all
    three: the MFA middleware, then the menu and the tenancy rules), kept on the user object for
    the request (`_portal_region_perms`: what `partnerships.permissions.base` reads)."""
    from allauth.mfa.models import Authenticator
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    region_perms = apps.get_model("regions", "RegionUserObjectPermission")
    text: CharField[str, str] = CharField()
    # No ordering in a part of a UNION (SQLite refuses it).
    groups = Group.objects.filter(user=user).order_by().values_list("name", flat=True)
    totp = (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        .order_by()
        .annotate(marker=Value(_HAS_TOTP, output_field=text))
        .values_list("marker", flat=True)
    )
    regions = (
        region_perms.objects.filter(user=user, permission__codename__in=REGION_CODENAMES)
        .order_by()
        .annotate(
            marker=Concat(
                Value(_REGION_PREFIX),
                "permission__codename",
                Value(":"),
                Cast("content_object_id", text),
                output_field=text,
            )
        )
        .values_list("marker", flat=True)
    )
    names = set(groups.union(totp, regions, all=True))
    user._portal_has_totp = _HAS_TOTP in names
    names.discard(_HAS_TOTP)
    found: dict[str, set[int]] = {codename: set() for codename in REGION_CODENAMES}
    for name in [n for n in names if n.startswith(_REGION_PREFIX)]:
        names.discard(name)
        codename, _sep, region_id = name[len(_REGION_PREFIX) :].rpartition(":")
        found[codename].add(int(region_id))
    user.__dict__.setdefault("_portal_region_perms", {}).update(
        {codename: frozenset(ids) for codename, ids in found.items()}
    )
    if user.is_superuser:
        names.add(Role.PORTAL_ADMIN.value)
    user._portal_role_names = names
    return names


def forget_user_roles(user: Any) -> None:
    """Drop what `_read_roles_and_totp` kept on the user object (after a role or a region
    permission changed): the next question reads them again."""
    for name in ("_portal_role_names", "_portal_has_totp", "_portal_region_perms"):
        user.__dict__.pop(name, None)


def user_role_names(user: Any) -> set[str]:
    """The role (group) names a user holds, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_role_names", None)
    if cached is None:
        cached = _read_roles_and_totp(user)
    return cached


def user_has_totp(user: Any) -> bool:
    """Whether the user has a TOTP authenticator (read with their roles, once per request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "_portal_has_totp", None) is None:
        _read_roles_and_totp(user)
    return bool(user._portal_has_totp)


def user_has_role(user: Any, role: Role) -> bool:
    return role.value in user_role_names(user)


def user_has_staff_role(user: Any) -> bool:
    return bool(user_role_names(user) & {r.value for r in STAFF_ROLES})


def user_memberships(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        user._portal_memberships = cached
    return cached


def user_menu_context(user: Any) -> dict[str, Any]:
    """The user menu's organisations and translated role names (two queries, cached per user)."""
    if not getattr(user, "is_authenticated", False):
        return {
            "menu_memberships": [],
            "menu_roles": [],
            "menu_obstacle_reviewer": False,
            "menu_organiser": False,
            "menu_reach": False,
            "menu_portal_admin": False,
        }
    names = user_role_names(user)
    roles = [role.label for role in Role if role.value in names]
    return {
        "menu_memberships": user_memberships(user),
        "menu_roles": roles,
        "menu_obstacle_reviewer": bool(
            names & {Role.OBSTACLE_REVIEWER.value, Role.PORTAL_ADMIN.value}
        ),
        # Coordinators organise their region's events and review its lessons learned.
        "menu_organiser": bool(names & {Role.REGION_COORDINATOR.value, Role.PORTAL_ADMIN.value}),
        "menu_reach": bool(
            names
            & {
                Role.REGION_COORDINATOR.value,
                Role.MANAGEMENT_SPONSOR.value,
                Role.PORTAL_ADMIN.value,
            }
        ),
        "menu_portal_admin": Role.PORTAL_ADMIN.value in names,
    }


def organisation_list(*, search: str = "") -> QuerySet[Organisation]:
    """Organisations anyone signed in can find (to ask to join one), with their member counts."""
    qs = Organisation.objects.annotate(member_count=Count("memberships"))
    if search:
        query = Q(name__icontains=search)
        digits = "".join(ch for ch in search if ch.isdigit())
        if len(digits) >= 6:
            # Numbers are stored as NNNNNN-NNNN: match what was typed, with or without the dash.
            typed = digits[:6] + ("-" + digits[6:10] if len(digits) > 6 else "")
            query |= Q(org_number__startswith=typed)
        qs = qs.filter(query)
    return qs.order_by("name")


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__name", "user__email")
    )


def organisation_pending_requests(*, organisation: Organisation) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(organisation=organisation, status=JoinRequestStatus.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def user_join_requests(*, user: Any) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user).select_related("organisation")


def membership_for(*, user: Any, organisation: Organisation) -> Membership | None:
    for membership in user_memberships(user):
        if membership.organisation_id == organisation.pk:
            return membership
    return None


def organisation_admin_emails(*, organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation=organisation, role=MembershipRole.ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
    )
