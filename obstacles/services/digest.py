"""The reviewers' daily digest: what waits for review in the obstacle register.

Run every morning by `obstacles.tasks.send_review_digest` (Celery beat, 07:00 Europe/Stockholm).

Idempotent per reviewer and day: a sent digest leaves an audit row
(`AuditEvent` action "obstacle.digest", target the reviewer, `data["date"]` the Stockholm date).
Before sending, the reviewer's user row is locked and that row looked for, so running the task
twice on one day (a retry, or two beat processes) sends each reviewer one digest.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.audit import audit_record
from portal.core.models import AuditEvent
from portal.core.notifications import MailKind, notify, wants_mail

from ..models import Mitigation, MitigationStatus, Obstacle
from ..permissions.entries import claim_is_active
from ..workflow import AWAITING_REVIEW

DIGEST_ACTION = "obstacle.digest"


@dataclass(frozen=True)
class WaitingItem:
    """One entry or mitigation in the digest: how long it has waited and who holds it."""

    item: Any
    age_days: int
    holder: Any = None


def _age(moment: dt.datetime | None, today: dt.date) -> int:
    if moment is None:
        return 0
    return max((today - timezone.localdate(moment)).days, 0)


def review_digest_waiting(*, today: dt.date) -> tuple[list[WaitingItem], list[WaitingItem]]:
    """Entries submitted or in review, and submitted mitigations, oldest first, with their age
    in days on `today` and (for entries) the reviewer whose claim is active. Two queries."""
    now = timezone.now()
    entries = (
        Obstacle.objects.filter(status__in=AWAITING_REVIEW)
        .select_related("category", "claimed_by")
        .order_by(F("submitted_at").asc(nulls_first=True), "id")
    )
    mitigations = Mitigation.objects.filter(status=MitigationStatus.SUBMITTED).order_by(
        "created_at", "id"
    )
    return (
        [
            WaitingItem(
                item=entry,
                age_days=_age(entry.submitted_at, today),
                holder=entry.claimed_by if claim_is_active(entry, now=now) else None,
            )
            for entry in entries
        ],
        [WaitingItem(item=m, age_days=_age(m.created_at, today)) for m in mitigations],
    )


def digest_reviewers() -> list[Any]:
    """Active people holding the obstacle reviewer role."""
    return list(
        User.objects.filter(groups__name=Role.OBSTACLE_REVIEWER.value, is_active=True)
        .distinct()
        .order_by("pk")
    )


def _already_sent(reviewer: Any, day: dt.date) -> bool:
    return AuditEvent.objects.filter(
        action=DIGEST_ACTION,
        target_type=User._meta.label_lower,
        target_id=str(reviewer.pk),
        data__date=day.isoformat(),
    ).exists()


@transaction.atomic
def _send_one(*, reviewer: Any, day: dt.date, context: dict[str, Any]) -> bool:
    # The lock makes a second run on the same day wait, then see this run's audit row.
    list(User.objects.select_for_update().filter(pk=reviewer.pk).values_list("pk", flat=True))
    if _already_sent(reviewer, day):
        return False
    notify(
        users=[reviewer],
        template="obstacles/mail/review_digest",
        context=context,
        kind=MailKind.OBSTACLE_DIGEST,
    )
    audit_record(
        actor=None,
        action=DIGEST_ACTION,
        target=reviewer,
        data={
            "date": day.isoformat(),
            "obstacles": len(context["obstacles"]),
            "mitigations": len(context["mitigations"]),
        },
    )
    return True


def obstacle_review_digest_send(*, today: dt.date | None = None) -> int:
    """Each active obstacle reviewer gets one digest a day, in their language, listing what
    waits: entries submitted or in review (oldest first, days waiting, who has taken them) and
    submitted mitigations. Nothing waiting, no mail; a reviewer who switched the digest off
    gets none; a second run on the same day sends nothing new. Returns the digests sent."""
    today = today or timezone.localdate()
    obstacles, mitigations = review_digest_waiting(today=today)
    if not obstacles and not mitigations:
        return 0
    context = {
        "obstacles": obstacles,
        "mitigations": mitigations,
        "total": len(obstacles) + len(mitigations),
        "day": today,
    }
    sent = 0
    for reviewer in digest_reviewers():
        if not reviewer.email or not wants_mail(reviewer, MailKind.OBSTACLE_DIGEST):
            continue
        if _send_one(reviewer=reviewer, day=today, context=context):
            sent += 1
    return sent
