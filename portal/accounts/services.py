"""Every write to users, organisations, memberships, join requests and roles."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.concurrency import versioned_update
from portal.core.notifications import MailKind, notify

from .audit_signals import role_changes
from .models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)
from .permissions import can_manage_organisation, is_portal_admin
from .roles import Role
from .selectors import forget_user_roles


def role_grant(*, user: User, role: Role, actor: Any = None) -> None:
    """Put the user in the role's group (idempotent)."""
    group, _created = Group.objects.get_or_create(name=role.value)
    if not user.groups.filter(pk=group.pk).exists():
        with role_changes(actor=actor, audited=True, via="portal"):
            user.groups.add(group)
        audit_record(actor=actor, action="role.grant", target=user, data={"role": role.value})
    forget_user_roles(user)


def role_revoke(*, user: User, role: Role, actor: Any = None) -> None:
    """Take the user out of the role's group (idempotent)."""
    group = Group.objects.filter(name=role.value).first()
    if group and user.groups.filter(pk=group.pk).exists():
        with role_changes(actor=actor, audited=True, via="portal"):
            user.groups.remove(group)
        audit_record(actor=actor, action="role.revoke", target=user, data={"role": role.value})
    forget_user_roles(user)


def _sync_company_role(user: User) -> None:
    """Company members are those who belong to at least one company organisation."""
    in_company = Membership.objects.filter(
        user=user, organisation__kind=OrganisationKind.COMPANY
    ).exists()
    if in_company:
        role_grant(user=user, role=Role.COMPANY_MEMBER)
    else:
        role_revoke(user=user, role=Role.COMPANY_MEMBER)


@transaction.atomic
def user_update_profile(*, user: User, name: str, preferred_language: str) -> User:
    user.name = name
    user.preferred_language = preferred_language
    user.save(update_fields=["name", "preferred_language"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Keep the language the user chose in their profile, so it follows them to other devices."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


@transaction.atomic
def organisation_create(*, creator: User, data: dict[str, Any]) -> Organisation:
    """Create an organisation; its creator becomes its first admin."""
    organisation = Organisation(**data)
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(user=creator, organisation=organisation, role=MembershipRole.ADMIN)
    _sync_company_role(creator)
    audit_record(actor=creator, action="organisation.create", target=organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, expected_version: int, data: dict[str, Any]
) -> Organisation:
    """Change an organisation's details; refuses when someone else saved in between."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    candidate = Organisation(pk=organisation.pk, **data)
    candidate.full_clean(exclude=["version"], validate_unique=False)
    if Organisation.objects.exclude(pk=organisation.pk).filter(org_number=data["org_number"]):
        raise ValidationError(
            {"org_number": _("Another organisation already has this organisation number.")}
        )
    kind_before = organisation.kind
    updated = versioned_update(
        instance=organisation, expected_version=expected_version, changes=data
    )
    if kind_before != updated.kind:
        for membership in Membership.objects.filter(organisation=updated).select_related("user"):
            _sync_company_role(membership.user)
    audit_record(
        actor=actor, action="organisation.update", target=updated, data={"fields": sorted(data)}
    )
    return updated


@transaction.atomic
def join_request_create(*, user: User, organisation: Organisation, message: str) -> JoinRequest:
    """Ask to join. A second request while one is waiting returns the first (no duplicates)."""
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(_("You are already a member of this organisation."))
    existing = JoinRequest.objects.filter(
        user=user, organisation=organisation, status=JoinRequestStatus.PENDING
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                user=user, organisation=organisation, message=message
            )
    except IntegrityError:
        # Two submits raced; the other one won and holds the single pending request.
        return JoinRequest.objects.get(
            user=user, organisation=organisation, status=JoinRequestStatus.PENDING
        )
    admins = User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=MembershipRole.ADMIN,
        is_active=True,
    )
    notify(
        users=admins,
        template="accounts/email/join_request_received",
        kind=MailKind.JOIN_REQUESTS,
        context={"join_request": join_request, "organisation": organisation, "requester": user},
    )
    audit_record(actor=user, action="join_request.create", target=join_request)
    return join_request


@transaction.atomic
def join_request_decide(
    *, actor: User, join_request: JoinRequest, approve: bool, note: str = ""
) -> JoinRequest:
    """An organisation admin approves (the requester becomes a member) or declines.

    The requester is told either way. Deciding a request that is no longer waiting changes
    nothing, so a double click or two admins at once cannot decide it twice.
    """
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if not can_manage_organisation(actor, locked.organisation):
        raise PermissionDenied
    if locked.status != JoinRequestStatus.PENDING:
        return locked
    locked.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    if approve:
        Membership.objects.get_or_create(
            user=locked.user,
            organisation=locked.organisation,
            defaults={"role": MembershipRole.MEMBER},
        )
        _sync_company_role(locked.user)
    notify(
        users=[locked.user],
        template="accounts/email/join_request_decided",
        kind=MailKind.JOIN_REQUESTS,
        context={"join_request": locked, "organisation": locked.organisation},
    )
    audit_record(
        actor=actor,
        action="join_request.approve" if approve else "join_request.decline",
        target=locked,
        reason=note,
    )
    return locked


@transaction.atomic
def join_request_withdraw(*, user: User, join_request: JoinRequest) -> JoinRequest:
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk, user=user)
    if locked.status == JoinRequestStatus.PENDING:
        locked.status = JoinRequestStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        audit_record(actor=user, action="join_request.withdraw", target=locked)
    return locked


@transaction.atomic
def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Make a member an admin or back; an organisation always keeps at least one admin."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if not can_manage_organisation(actor, locked.organisation):
        raise PermissionDenied
    if locked.role == MembershipRole.ADMIN and role != MembershipRole.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organisation=locked.organisation, role=MembershipRole.ADMIN
        )
        if admins.count() <= 1:
            raise ValidationError(_("An organisation must keep at least one admin."))
    locked.role = role
    locked.save(update_fields=["role", "updated_at"])
    audit_record(actor=actor, action="membership.role", target=locked, data={"role": role})
    return locked


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Remove a member (admins), or leave (the member); the last admin cannot leave."""
    locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if locked.user_id != actor.pk and not can_manage_organisation(actor, locked.organisation):
        raise PermissionDenied
    if locked.role == MembershipRole.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organisation=locked.organisation, role=MembershipRole.ADMIN
        )
        if admins.count() <= 1:
            raise ValidationError(_("An organisation must keep at least one admin."))
    user = locked.user
    audit_record(actor=actor, action="membership.remove", target=locked)
    locked.delete()
    _sync_company_role(user)


@transaction.atomic
def user_set_mail_preferences(*, actor: Any, user: User, muted: Iterable[str]) -> User:
    """Switch kinds of mail off (`muted`) and every other kind on, with an audit row.

    A person sets their own preferences (a portal admin may do it for them). Unknown kinds are
    refused rather than stored, so a typo never silently blocks mail. Saving the same choice
    again changes nothing and writes no audit row.
    """
    if actor != user and not is_portal_admin(actor):
        raise PermissionDenied
    wanted = set(muted)
    unknown = wanted - set(MailKind.values)
    if unknown:
        raise ValueError(f"Unknown kinds of mail: {sorted(unknown)}")
    ordered = [kind for kind in MailKind.values if kind in wanted]
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = list(locked.muted_mail or [])
    if sorted(before) == sorted(ordered):
        user.muted_mail = before
        return user
    locked.muted_mail = ordered
    locked.save(update_fields=["muted_mail"])
    user.muted_mail = ordered
    audit_record(
        actor=actor,
        action="user.mail_preferences",
        target=locked,
        data={"muted": ordered, "before": before},
    )
    return user
