"""Personal data: one registry of what the portal holds about a person, app by app.

Every app that keeps rows about people has a `privacy` module with the same parts:

- `SECTION`: the key of its part of the export (`"partnerships"`);
- `TITLE`, `HOLDS` and `KEPT`: translated words for the privacy page (what the app holds about
  the person, and what stays, anonymised, when the account is closed);
- `COVERS`: every relation to the user model it answers for, as `"app_label.Model.field"`;
- `export(user) -> dict`: everything it holds about the person, in a fixed number of queries
  whatever the volume;
- `anonymise(user) -> dict[str, int]`: remove or blank the person's data and keep the records
  that must be kept (region records are public documents); returns counts.

`PROVIDERS` lists the modules. The export, the anonymisation and the privacy page all read this
one list, and `tests/accounts/test_privacy_export.py` checks that every relation to the user
model in the project is covered by exactly one provider, so a new model that points at a person
cannot be forgotten by one and not the other.

This module is also the provider of the `account` section (the user row, email addresses, MFA,
sessions, organisations, join requests, roles and object permissions).
"""

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission

from .audit_signals import role_changes
from .models import FORMER_USER, JoinRequest, JoinRequestStatus, Membership, User
from .selectors import forget_user_roles

# The providers, in the order of the export. Anonymisation runs them in reverse: this module's
# own step (the user row, which the others look the person up by) comes last.
PROVIDERS: tuple[str, ...] = (
    "portal.accounts.privacy",
    "regions.privacy",
    "partnerships.privacy",
    "obstacles.privacy",
    "dissemination.privacy",
    "reports.privacy",
    "portal.core.privacy",
)

EXPORT_FORMAT = "innovation-accelerator/personal-data"
EXPORT_VERSION = 1


def providers() -> list[ModuleType]:
    return [importlib.import_module(path) for path in PROVIDERS]


# --- Shared helpers for the providers ---------------------------------------------------------


def rows(qs: QuerySet[Any], *fields: str, **renamed: str) -> list[dict[str, Any]]:
    """The rows as plain dicts (one query): `fields` by their own names, `renamed` as
    key=path (`organisation="organisation__name"`). Ordered by primary key, so an export is
    stable."""
    # Annotations may not take a model field's name ("organisation"): read them under an alias
    # and rename in Python.
    aliases = {f"privacy_{key}": key for key in renamed}
    expressions = {alias: F(renamed[key]) for alias, key in aliases.items()}
    return [
        {aliases.get(column, column): value for column, value in row.items()}
        for row in qs.order_by("pk").values(*fields, **expressions)
    ]


@dataclass(frozen=True)
class Identifiers:
    """What identifies the person in free text written about them: their name and every email
    address they had, read before the anonymisation changes the user row."""

    name: str
    emails: tuple[str, ...]

    @property
    def distinctive_name(self) -> str:
        """The name, when it is safe to replace in other people's text: at least two words and
        five letters, so "Ann" is not replaced inside "Annual"."""
        name = self.name.strip()
        return name if len(name.split()) >= 2 and len(name) >= 5 else ""

    def needles(self) -> list[str]:
        """The strings to look for in free text: every address, and the distinctive name."""
        found = [email for email in self.emails if email]
        if self.distinctive_name:
            found.append(self.distinctive_name)
        return found


def identifiers(user: User) -> Identifiers:
    """The person's name and addresses (one query), kept on the user object: the anonymisation
    reads them first and the providers that run after the addresses are gone still see them."""
    cached = user.__dict__.get("_privacy_identifiers")
    if cached is None:
        emails = {user.email}
        emails.update(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
        cached = Identifiers(
            name=user.name or "",
            emails=tuple(sorted({e for e in emails if e} | {e.lower() for e in emails if e})),
        )
        user.__dict__["_privacy_identifiers"] = cached
    return cached


def former_user_label() -> str:
    """ "Former user" in the portal's default language, for text stored in the database (the
    audit trail, timelines), which is read later in either language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(FORMER_USER)


def replace_all(text: str, needles: Iterable[str], replacement: str) -> str:
    """`text` with every needle replaced, case-insensitively."""
    for needle in needles:
        if needle:
            text = re.sub(re.escape(needle), replacement, text, flags=re.IGNORECASE)
    return text


def replace_in_data(value: Any, needles: Sequence[str], replacement: str) -> Any:
    """A JSON value (dicts, lists, strings) with the needles replaced in every string."""
    if isinstance(value, str):
        return replace_all(value, needles, replacement)
    if isinstance(value, list):
        return [replace_in_data(item, needles, replacement) for item in value]
    if isinstance(value, dict):
        return {key: replace_in_data(item, needles, replacement) for key, item in value.items()}
    return value


def placeholder_email(user: User) -> str:
    """The address an anonymised account keeps: unique (the column is), never deliverable."""
    return f"anonymised-{user.pk}@invalid.example"


# --- The account section ------------------------------------------------------------------------

SECTION = "account"
TITLE = _("Your account")
HOLDS = _(
    "Your name, email addresses, language, the kinds of mail you switched off, when you joined "
    "and last signed in, your two-factor methods (their kind and dates, never the secrets), the "
    "devices signed in to your account, your organisations, your requests to join one and the "
    "roles you hold."
)
KEPT = _(
    "Deleted: your name, email addresses, password, two-factor methods, sessions, memberships, "
    "open join requests and roles. The account row stays as “Former user”, so the records you "
    "took part in can still say that someone did."
)
COVERS = frozenset(
    {
        "account.EmailAddress.user",
        "mfa.Authenticator.user",
        "usersessions.UserSession.user",
        "guardian.UserObjectPermission.user",
        "accounts.User_groups.user",
        "accounts.User_user_permissions.user",
        "accounts.Membership.user",
        "accounts.JoinRequest.user",
        "accounts.JoinRequest.decided_by",
    }
)


def export(user: User) -> dict[str, Any]:
    """The account section (eight queries)."""
    return {
        "profile": {
            "id": user.pk,
            "name": user.name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "mail_switched_off": list(user.muted_mail or []),
            "joined": user.date_joined,
            "last_sign_in": user.last_login,
            "active": user.is_active,
            "closed_at": user.closed_at,
            "anonymised_at": user.anonymised_at,
        },
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "email_addresses": rows(
            EmailAddress.objects.filter(user=user), "email", "verified", "primary"
        ),
        "two_factor_methods": rows(
            Authenticator.objects.filter(user=user), "type", "created_at", "last_used_at"
        ),
        "sessions": rows(
            UserSession.objects.filter(user=user),
            "ip",
            "user_agent",
            "created_at",
            last_seen="last_seen_at",
        ),
        "organisations": rows(
            Membership.objects.filter(user=user),
            "role",
            organisation_id="organisation_id",
            organisation="organisation__name",
            since="created_at",
        ),
        "join_requests": rows(
            JoinRequest.objects.filter(user=user),
            "id",
            "status",
            "message",
            "created_at",
            "decided_at",
            "decision_note",
            organisation_id="organisation_id",
            organisation="organisation__name",
        ),
        "join_requests_you_decided": rows(
            JoinRequest.objects.filter(decided_by=user),
            "id",
            "status",
            "decided_at",
            "decision_note",
            organisation_id="organisation_id",
        ),
        "object_permissions": rows(
            UserObjectPermission.objects.filter(user=user),
            "object_pk",
            permission="permission__codename",
            model="content_type__model",
        ),
    }


def _end_sessions(user: User) -> int:
    """Delete the person's sessions from the session store and their device list. (Their
    password is made unusable too, which alone invalidates every session Django knows of.)"""
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store: SessionBase = engine(session_key=key)
        store.delete(key)
    UserSession.objects.filter(user=user).delete()
    return len(keys)


def anonymise(user: User) -> dict[str, int]:
    """Delete the account's personal data and keep the row as "Former user".

    Runs last (see `PROVIDERS`). Memberships go (the service has already refused or handed the
    admin role over when the person was an organisation's last admin), open join requests go and
    the messages of decided ones are blanked; email addresses, two-factor methods, sessions,
    roles and object permissions are deleted; the user row gets an undeliverable placeholder
    address, no name, an unusable password and is switched off.
    """
    from portal.core.privacy import forget_in_audit

    forget_in_audit(User, [user.pk])
    forget_in_audit(Membership, Membership.objects.filter(user=user))
    forget_in_audit(JoinRequest, JoinRequest.objects.filter(user=user))
    counts = {
        "memberships": Membership.objects.filter(user=user).delete()[0],
        "join_requests": JoinRequest.objects.filter(
            user=user, status=JoinRequestStatus.PENDING
        ).delete()[0],
        "join_request_messages": JoinRequest.objects.filter(user=user)
        .exclude(message="")
        .update(message=""),
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "two_factor_methods": Authenticator.objects.filter(user=user).delete()[0],
        "sessions": _end_sessions(user),
        "object_permissions": UserObjectPermission.objects.filter(user=user).delete()[0],
        "roles": user.groups.count(),
    }
    user.name = ""
    user.email = placeholder_email(user)
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.muted_mail = []
    user.last_login = None
    user.anonymised_at = timezone.now()
    user.save(
        update_fields=[
            "name",
            "email",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
            "muted_mail",
            "last_login",
            "anonymised_at",
        ]
    )
    # After the row is saved: the role changes are audited naming the person, and by now they
    # are "Former user".
    with role_changes(actor=None, via="anonymisation"):
        user.groups.clear()
    user.user_permissions.clear()
    forget_user_roles(user)
    user.__dict__.pop("_portal_memberships", None)
    return counts


def covered_relations() -> dict[str, str]:
    """Every "app_label.Model.field" the providers cover → the provider's section."""
    covered: dict[str, str] = {}
    for provider in providers():
        for relation in provider.COVERS:
            covered[relation] = provider.SECTION
    return covered


def relations_to_user() -> set[str]:
    """Every relation to the user model in the project (foreign keys and many-to-many), as
    "app_label.Model.field"."""
    from django.apps import apps

    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is User:
                found.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
    return found
