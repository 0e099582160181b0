"""Personal data in the core tables: the mail the portal sent the person, the audit trail of what
they did, and what they did in the Django admin (see `portal.accounts.privacy` for the registry).

Anonymising keeps the audit trail (who did what stays a record; the person is "Former user"),
deletes the mail sent to them, and replaces their email addresses (and their name, when it is
distinctive) wherever the portal wrote them into text about someone else's action: audit rows,
other people's mail and the Django admin's change log.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models import CharField, JSONField, Model, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.privacy import (
    former_user_label,
    identifiers,
    replace_all,
    replace_in_data,
    rows,
)

from .models import AuditEvent, OutgoingMail

SECTION = "activity"
TITLE = _("Mail and activity records")
HOLDS = _(
    "The mail the portal sent you (subject, date and whether it was delivered), the audit trail "
    "of the changes you made (what, to which record, when and why) and, for staff, the changes "
    "made in the administration pages."
)
KEPT = _(
    "The mail sent to you is deleted. The audit trail stays, with you shown as “Former user”; "
    "your name and email address are removed from it."
)
COVERS = frozenset(
    {
        "core.AuditEvent.actor",
        "core.OutgoingMail.recipient",
        "admin.LogEntry.user",
    }
)


def _mail_to(user: User) -> QuerySet[OutgoingMail]:
    return OutgoingMail.objects.filter(Q(recipient=user) | Q(to__in=identifiers(user).emails))


def export(user: User) -> dict[str, Any]:
    """The activity section (three queries, plus the one that reads the person's addresses)."""
    return {
        "mail_to_you": rows(
            _mail_to(user),
            "to",
            "kind",
            "subject",
            "status",
            "attempts",
            "sent_at",
            created="created_at",
        ),
        "your_actions": rows(
            AuditEvent.objects.filter(actor=user),
            "created_at",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "reason",
        ),
        "administration_changes": rows(
            LogEntry.objects.filter(user=user),
            "action_time",
            "action_flag",
            "object_id",
            "object_repr",
            "change_message",
            model="content_type__model",
        ),
    }


def forget_in_audit(model: type[Model], pks: Iterable[Any] | QuerySet[Any]) -> int:
    """The audit rows about the person's own rows of `model` (their membership, registration,
    …) name them in `target_repr` ("Ada Lindqvist – Webinar"): replace it with "Former user".
    The target's type and id stay, so the row still says what was done to which record.
    `pks`: the ids, or a queryset of the rows (one query either way)."""
    if isinstance(pks, QuerySet):
        ids: Any = pks.order_by().annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    else:
        ids = [str(pk) for pk in pks]
    return AuditEvent.objects.filter(target_type=model._meta.label_lower, target_id__in=ids).update(
        target_repr=former_user_label()
    )


def scrub_text(qs: QuerySet[Any], fields: list[str], needles: list[str]) -> int:
    """Replace the needles (addresses, a distinctive name) with "Former user", case-insensitively,
    in `fields` of the rows of `qs` that contain one: text fields and JSON fields alike (every
    string inside the JSON). Two queries: find the rows, then one bulk update."""
    if not needles:
        return 0
    label = former_user_label()
    model = qs.model
    searchable = {}
    for field in fields:
        if isinstance(model._meta.get_field(field), JSONField):
            searchable[field] = f"{field}_privacy_text"
            qs = qs.annotate(**{searchable[field]: Cast(field, TextField())})
        else:
            searchable[field] = field
    matches = Q()
    for needle in needles:
        for field in fields:
            matches |= Q(**{f"{searchable[field]}__icontains": needle})
    changed = []
    for row in qs.filter(matches):
        for field in fields:
            value = getattr(row, field)
            if isinstance(value, str):
                max_length = model._meta.get_field(field).max_length
                value = replace_all(value, needles, label)[:max_length]
            else:
                value = replace_in_data(value, needles, label)
            setattr(row, field, value)
        changed.append(row)
    if changed:
        model.objects.bulk_update(changed, fields)
    return len(changed)


def anonymise(user: User) -> dict[str, int]:
    """Delete the mail to the person; take their addresses and name out of the audit trail,
    other people's mail and the admin's change log."""
    needles = identifiers(user).needles()
    return {
        "mail_deleted": _mail_to(user).delete()[0],
        "mail_scrubbed": scrub_text(
            OutgoingMail.objects.all(), ["subject", "body", "html_body"], needles
        ),
        "audit_scrubbed": scrub_text(
            AuditEvent.objects.all(), ["target_repr", "reason", "data"], needles
        ),
        "admin_log_scrubbed": scrub_text(
            LogEntry.objects.all(), ["object_repr", "change_message"], needles
        ),
    }
