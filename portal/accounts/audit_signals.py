"""Role changes made outside the portal's services are audited too.

The services (`role_grant`, `role_revoke`, `region_assign_role`, ...) write their own audit rows
with the person who acted. A role can also change in the Django admin (a user's groups, the
"superuser" and "admin access" boxes), from a group's side (`group.user_set`) or in a shell; the
receivers here catch those: each change becomes an audit row (`role.grant` / `role.revoke`,
target the user, `data["role"]` the group name or `superuser` / `staff`) and a
`role_changed` security event. The actor is whoever `role_changes(actor=...)` names: the
services name theirs, `UserAdmin` names the admin signed in; anything else is recorded as done by
the system (no actor).

Every group change, whoever made it, is logged as a security event (after the commit, so a
change that was rolled back is not reported); the audit row is written here only when no service
writes its own (`audited=True`).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_init, post_save
from django.dispatch import receiver

from portal.core.audit import audit_record
from portal.core.security import security_event

from .models import User

# The flags on User that give rights beyond the groups: what they are called in the audit row.
FLAG_ROLES = {"is_superuser": "superuser", "is_staff": "staff"}
_INITIAL = "_audit_initial_flags"
_CLEARED = "_audit_cleared_pks"


@dataclass(frozen=True)
class RoleChangeContext:
    actor: Any
    audited: bool
    via: str


_context: ContextVar[RoleChangeContext | None] = ContextVar("role_change_context", default=None)


@contextmanager
def role_changes(*, actor: Any, audited: bool = False, via: str = "admin") -> Iterator[None]:
    """Role changes inside this block were made by `actor` (through `via`). With
    `audited=True` the caller writes the audit rows itself and only the security event is left
    to the receivers."""
    token = _context.set(RoleChangeContext(actor=actor, audited=audited, via=via))
    try:
        yield
    finally:
        _context.reset(token)


def _actor_of(context: RoleChangeContext | None) -> Any:
    actor = context.actor if context is not None else None
    return actor if getattr(actor, "is_authenticated", False) else None


def record_role_change(*, user: User, role: str, granted: bool) -> None:
    """One role given to or taken from `user`: an audit row (unless the service writes it) and
    a `role_changed` security event once the change is committed."""
    context = _context.get()
    actor = _actor_of(context)
    via = context.via if context is not None else "system"
    if context is None or not context.audited:
        audit_record(
            actor=actor,
            action="role.grant" if granted else "role.revoke",
            target=user,
            data={"role": role, "via": via},
        )
    transaction.on_commit(
        partial(
            security_event,
            "role_changed",
            user=actor,
            change="granted" if granted else "revoked",
            role=role,
            target_user_id=user.pk,
            by_user_id=actor.pk if actor is not None else None,
            via=via,
        )
    )


def _pairs(instance: Any, reverse: bool, pks: Iterable[Any]) -> Iterator[tuple[User, str]]:
    """(user, group name) for each change, whichever side of the relation it was made from."""
    pks = list(pks)
    if not pks:
        return
    if reverse:  # group.user_set.add(...): the instance is the group, the pks are users
        for user in User.objects.filter(pk__in=pks).order_by("pk"):
            yield user, instance.name
    else:  # user.groups.add(...): the instance is the user, the pks are groups
        names = Group.objects.filter(pk__in=pks).order_by("name").values_list("name", flat=True)
        for name in names:
            yield instance, name


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_user_groups")
def audit_group_change(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **kwargs: Any
) -> None:
    if action == "pre_clear":
        # A clear does not say what it removed: remember it before it happens.
        related = instance.user_set if reverse else instance.groups
        setattr(instance, _CLEARED, list(related.values_list("pk", flat=True)))
        return
    if action == "post_clear":
        pks: Iterable[Any] = getattr(instance, _CLEARED, [])
        granted = False
    elif action in ("post_add", "post_remove"):
        pks = pk_set or ()
        granted = action == "post_add"
    else:
        return
    for user, role in _pairs(instance, reverse, pks):
        record_role_change(user=user, role=role, granted=granted)


@receiver(post_init, sender=User, dispatch_uid="audit_user_flags_initial")
def remember_flags(sender: Any, instance: User, **kwargs: Any) -> None:
    # Read from __dict__: a deferred field must not cost a query on every user loaded.
    setattr(instance, _INITIAL, {name: instance.__dict__.get(name) for name in FLAG_ROLES})


@receiver(post_save, sender=User, dispatch_uid="audit_user_flags")
def audit_flag_change(
    sender: Any,
    instance: User,
    created: bool,
    update_fields: frozenset[str] | None,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    if raw:  # loading fixtures
        return
    initial: dict[str, Any] = getattr(instance, _INITIAL, {})
    for name, role in FLAG_ROLES.items():
        if update_fields is not None and name not in update_fields:
            continue
        now = instance.__dict__.get(name)
        before = False if created else initial.get(name)
        if now is None or before is None or bool(now) == bool(before):
            continue
        record_role_change(user=instance, role=role, granted=bool(now))
    setattr(instance, _INITIAL, {name: instance.__dict__.get(name) for name in FLAG_ROLES})
