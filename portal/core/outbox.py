"""The outbox as people see it: what a person or a portal admin may list and try again.

Reads and permission helpers for the pages (portal/accounts/views_mail.py and the profile's
section); the writes are in portal/core/mail.py.
"""

from typing import Any

from django.db import models
from django.db.models import Q
from django.http import Http404

from .models import MailStatus, OutgoingMail

# Mail that has not gone out yet: failed for good, or refused at least once and waiting.
UNDELIVERED = Q(status=MailStatus.FAILED) | Q(status=MailStatus.PENDING, attempts__gte=1)


def outbox_undelivered_for_user(*, user: Any) -> models.QuerySet[OutgoingMail]:
    """The mail meant for `user` that has not gone out (failed, or refused and waiting). Only
    the columns the profile shows: never another person's mail, never a body."""
    return (
        OutgoingMail.objects.filter(UNDELIVERED, recipient=user)
        .only("pk", "created_at", "subject", "status", "attempts", "last_error", "next_attempt_at")
        .order_by("-created_at", "-pk")
    )


def outbox_undelivered(*, status: str = "", to: str = "") -> models.QuerySet[OutgoingMail]:
    """Every undelivered mail (portal admins), newest first, by status and address."""
    rows = OutgoingMail.objects.filter(UNDELIVERED).defer("body", "html_body")
    if status:
        rows = rows.filter(status=status)
    if to:
        rows = rows.filter(to__icontains=to)
    return rows.select_related("recipient").order_by("-created_at", "-pk")


def can_retry_mail(user: Any, mail: OutgoingMail) -> bool:
    """A mail that waits or failed may be tried again by the person it is for and by portal
    admins."""
    from portal.accounts.permissions import is_portal_admin

    if mail.status not in (MailStatus.PENDING, MailStatus.FAILED):
        return False
    return mail.recipient_id == getattr(user, "pk", None) or is_portal_admin(user)


def get_mail_for_user_or_404(user: Any, pk: int) -> OutgoingMail:
    """A row of the outbox that `user` may act on: their own, or any for portal admins. 404 for
    everyone else, whether it exists or not."""
    from portal.accounts.permissions import is_portal_admin

    from .security import access_refused

    rows = OutgoingMail.objects.defer("body", "html_body")
    if not is_portal_admin(user):
        rows = rows.filter(recipient_id=getattr(user, "pk", None))
    mail = rows.filter(pk=pk).first()
    if mail is None:
        access_refused(
            "outgoing_mail",
            pk,
            user=user,
            exists=lambda: OutgoingMail.objects.filter(pk=pk).exists(),
        )
        raise Http404
    return mail
