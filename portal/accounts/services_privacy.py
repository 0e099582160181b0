"""Closing accounts and anonymising people: the person's own choice (`close_account`) and the
retention rule for accounts nobody has used for PORTAL_INACTIVE_ACCOUNT_DAYS
(`anonymise_inactive_accounts`, run daily by Celery beat). Both go through `anonymise_user`,
which runs every app's `privacy.anonymise` (see `privacy.PROVIDERS`) in one transaction.

Region records are public documents (offentlighetsprincipen) and archiving law limits what may
be deleted, so a person's contributions stay and the person in them becomes "Former user"; what
is only about the person (addresses, sessions, memberships, registrations' details, mail,
report requests) is deleted.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.translation import ngettext

from portal.core.audit import audit_record
from portal.core.models import AuditEvent
from portal.core.notifications import notify
from portal.core.security import security_event

from .models import Membership, MembershipRole, Organisation, User
from .permissions import is_portal_admin
from .privacy import EXPORT_FORMAT, EXPORT_VERSION, identifiers, providers
from .roles import Role

logger = logging.getLogger(__name__)

# The audit action that records an inactivity warning: the retention run reads it back to know
# who was warned (and when) since their last sign-in.
INACTIVITY_WARNING = "user.inactivity_warning"
RETENTION_RUN = "privacy.retention_run"


# --- The export ---------------------------------------------------------------------------------


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about `user`, one section per app (see `privacy.PROVIDERS`),
    with a header saying what the document is. A fixed number of queries, whatever the
    volume: each section reads each of its tables once."""
    sections = {}
    about = {}
    for provider in providers():
        sections[provider.SECTION] = provider.export(user)
        about[provider.SECTION] = {"title": str(provider.TITLE), "holds": str(provider.HOLDS)}
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": timezone.now(),
        "language": translation.get_language(),
        "person": {"id": user.pk},
        "about": about,
        "sections": sections,
    }


# --- Closing and anonymising ----------------------------------------------------------------------


def organisations_needing_an_admin(*, user: User) -> QuerySet[Organisation]:
    """The organisations where `user` is the only admin and others are members: closing the
    account would leave them without anyone who can manage them (one query)."""
    admin_of = Membership.objects.filter(user=user, role=MembershipRole.ADMIN).values(
        "organisation_id"
    )
    return (
        Organisation.objects.filter(pk__in=admin_of)
        .annotate(
            admins=Count("memberships", filter=Q(memberships__role=MembershipRole.ADMIN)),
            members=Count("memberships"),
        )
        .filter(admins=1, members__gt=1)
        .order_by("name")
    )


def _hand_over_admin(user: User, organisations: list[Organisation]) -> int:
    """The retention rule cannot ask the person: in each organisation they were the only admin
    of, the longest-standing other member becomes admin (an organisation always keeps one)."""
    handed = 0
    for organisation in organisations:
        successor = (
            Membership.objects.select_for_update()
            .filter(organisation=organisation)
            .exclude(user=user)
            .order_by("created_at", "pk")
            .first()
        )
        if successor is None:
            continue
        successor.role = MembershipRole.ADMIN
        successor.save(update_fields=["role", "updated_at"])
        audit_record(
            actor=None,
            action="membership.role",
            target=successor,
            reason="The only admin's account was anonymised under the retention rule.",
            data={"role": MembershipRole.ADMIN.value, "automatic": True},
        )
        handed += 1
    return handed


@transaction.atomic
def anonymise_user(
    *, user: User, reason: str, actor: Any = None, hand_over_admin: bool = False
) -> dict[str, dict[str, int]]:
    """Remove `user`'s personal data everywhere and keep the records that must be kept, with the
    person shown as "Former user" (rule: README "Privacy").

    Every provider's `anonymise` runs in reverse registry order (the account row last), in this
    one transaction: either everything is anonymised or nothing is. When the person is the only
    admin of an organisation with other members, refuses (ValidationError, code "last_admin")
    unless `hand_over_admin` (the retention rule), which makes the longest-standing member admin.
    Anonymising someone already anonymised changes nothing and returns {}. Writes an audit row
    with the counts (no personal data).
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.anonymised_at is not None:
        return {}
    identifiers(locked)  # read the name and every address before anything is deleted
    # Lock the admin memberships of the person's organisations, as `membership_set_role` and
    # `membership_remove` do, so nobody steps down as admin while we decide.
    list(
        Membership.objects.select_for_update().filter(
            organisation__in=Membership.objects.filter(
                user=locked, role=MembershipRole.ADMIN
            ).values("organisation_id"),
            role=MembershipRole.ADMIN,
        )
    )
    needing = list(organisations_needing_an_admin(user=locked))
    if needing and not hand_over_admin:
        raise ValidationError(
            ngettext(
                "You are the only admin of %(names)s, which has other members. Make one of them "
                "an admin first (or remove them), then close your account.",
                "You are the only admin of %(names)s, which have other members. Make one of "
                "them an admin in each first (or remove them), then close your account.",
                len(needing),
            )
            % {"names": ", ".join(o.name for o in needing)},
            code="last_admin",
        )
    counts: dict[str, dict[str, int]] = {}
    if needing:
        counts["handed_over"] = {"organisations": _hand_over_admin(locked, needing)}
    for provider in reversed(providers()):
        counts[provider.SECTION] = provider.anonymise(locked)
    audit_record(
        actor=actor,
        action="user.anonymise",
        target=locked,
        reason=reason,
        data={"counts": counts},
    )
    security_event("account_anonymised", user=locked, reason=reason)
    # The caller's object follows the stored row.
    for name in ("name", "email", "password", "is_active", "anonymised_at", "closed_at"):
        setattr(user, name, getattr(locked, name))
    return counts


@transaction.atomic
def close_account(*, user: User, actor: Any) -> dict[str, dict[str, int]]:
    """The person closes their own account (a portal admin may do it for them): refused while
    they are the only admin of an organisation with other members (ValidationError, code
    "last_admin"); otherwise `closed_at` is set and the person anonymised at once. The caller
    signs the person out."""
    if actor is None or (actor.pk != user.pk and not is_portal_admin(actor)):
        raise PermissionDenied
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.anonymised_at is not None:
        return {}
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at"])
    user.closed_at = locked.closed_at
    audit_record(actor=actor, action="user.close", target=locked)
    return anonymise_user(user=user, reason="closed", actor=actor)


# --- The retention rule -------------------------------------------------------------------------


@dataclass
class RetentionRun:
    """What one run of the retention rule did (counts only: the admins' report)."""

    enabled: bool = True
    warned: int = 0
    anonymised: int = 0
    failed: int = 0
    organisations_handed_over: int = 0
    failures: list[int] = field(default_factory=list)


def _inactive(now: dt.datetime, days: int) -> QuerySet[Any]:
    """People whose last sign-in (or joining, if they never signed in) is more than `days`
    ago; never superusers, never anyone already anonymised."""
    last_warned = (
        AuditEvent.objects.filter(
            action=INACTIVITY_WARNING,
            target_type=User._meta.label_lower,
            target_id=Cast(OuterRef("pk"), CharField()),
            created_at__gte=OuterRef("last_seen"),
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        User.objects.filter(is_superuser=False, anonymised_at__isnull=True)
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .annotate(warned_at=Subquery(last_warned))
        .filter(last_seen__lt=now - dt.timedelta(days=days))
        .order_by("pk")
    )


def _warn(user: User, *, deadline: dt.datetime) -> None:
    with transaction.atomic():
        notify(
            users=[user],
            template="accounts/email/inactivity_warning",
            context={"deadline": deadline, "days": settings.PORTAL_INACTIVE_ACCOUNT_DAYS},
        )
        audit_record(
            actor=None,
            action=INACTIVITY_WARNING,
            target=user,
            data={"anonymise_after": deadline.date().isoformat()},
        )


def anonymise_inactive_accounts(*, now: dt.datetime | None = None) -> RetentionRun:
    """The retention rule (daily): anonymise accounts unused for PORTAL_INACTIVE_ACCOUNT_DAYS
    (0 switches the rule off), with `anonymise_user`.

    With PORTAL_INACTIVE_WARNING_DAYS (> 0), active people are first mailed a warning that many
    days before, and are anonymised only once a warning sent since their last sign-in is at
    least that old (signing in again cancels it); people who cannot sign in anyway (switched
    off) are not warned. Each person is anonymised in their own transaction, so one failure
    stops nobody else. Portal admins get a mail with the counts (no names) when anything
    happened, and every run leaves an audit row with the counts.
    """
    days = settings.PORTAL_INACTIVE_ACCOUNT_DAYS
    if days <= 0:
        return RetentionRun(enabled=False)
    now = now or timezone.now()
    warning_days = max(0, min(settings.PORTAL_INACTIVE_WARNING_DAYS, days))
    run = RetentionRun()

    due = _inactive(now, days)
    if warning_days:
        due = due.filter(
            Q(is_active=False) | Q(warned_at__lte=now - dt.timedelta(days=warning_days))
        )
    for user in list(due):
        try:
            counts = anonymise_user(user=user, reason="inactive", actor=None, hand_over_admin=True)
        except Exception:  # one person's failure must not stop the others
            logger.exception("retention: could not anonymise user %s", user.pk)
            run.failed += 1
            run.failures.append(user.pk)
            continue
        run.anonymised += 1
        run.organisations_handed_over += counts.get("handed_over", {}).get("organisations", 0)

    if warning_days:
        to_warn = _inactive(now, days - warning_days).filter(is_active=True, warned_at__isnull=True)
        # Whoever is warned gets the whole warning period, however late the run finds them.
        deadline = now + dt.timedelta(days=warning_days)
        for user in list(to_warn):
            _warn(user, deadline=deadline)
            run.warned += 1

    _report(run, now=now, days=days, warning_days=warning_days)
    return run


def _report(run: RetentionRun, *, now: dt.datetime, days: int, warning_days: int) -> None:
    counts = {
        "warned": run.warned,
        "anonymised": run.anonymised,
        "failed": run.failed,
        "organisations_handed_over": run.organisations_handed_over,
        "inactive_account_days": days,
        "warning_days": warning_days,
    }
    with transaction.atomic():
        # Not about one row: the run itself is the target (by its day).
        AuditEvent.objects.create(
            action=RETENTION_RUN,
            target_type="privacy.retention",
            target_id=timezone.localdate(now).isoformat(),
            target_repr="retention rule",
            data=counts,
        )
        if run.warned or run.anonymised or run.failed:
            admins = (
                User.objects.filter(
                    Q(groups__name=Role.PORTAL_ADMIN.value) | Q(is_superuser=True),
                    is_active=True,
                    anonymised_at__isnull=True,
                )
                .distinct()
                .order_by("pk")
            )
            notify(
                users=admins,
                template="accounts/email/retention_report",
                context={**counts, "run_on": now},
            )
    logger.info("retention: %s", counts)
