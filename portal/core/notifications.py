"""Tell people things by email, in their own language, once the transaction has committed.

The messages are written to the outbox (portal/core/mail.py) inside the caller's transaction and
handed to a worker after the commit: a rollback tells nobody, and a mail server or task queue
that is away loses nothing.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .mail import KIND_HEADER


class MailKind(models.TextChoices):
    """Kinds of mail a person may switch off on their profile page.

    Security mail (sign-in codes, password and email changes) is sent by allauth, has no kind and
    cannot be switched off.
    """

    JOIN_REQUESTS = "join_requests", _("Requests to join my organisation and their answers")
    PROPOSAL_SUBMITTED = "proposal_submitted", _("A proposal was submitted to my region")
    PROPOSAL_DECISION = (
        "proposal_decision",
        _("Changes requested, declined or accepted on my organisation's proposals"),
    )
    REVIEW_ASSIGNED = "review_assigned", _("I am asked to review a proposal")
    GATE_WAITING = "gate_waiting", _("A partnership gate is waiting for my approval")
    PARTNERSHIP_ACTIVITY = "partnership_activity", _("Moves and messages in my partnerships")
    AGREEMENT_VERSION = "agreement_version", _("A new version of an agreement I am party to")
    AGREEMENT_IN_FORCE = "agreement_in_force", _("An agreement I am party to is in force")
    OBSTACLE_DECISION = (
        "obstacle_decision",
        _("Decisions on obstacles, mitigations and articles I submitted"),
    )
    OBSTACLE_DIGEST = "obstacle_digest", _("A daily digest of what waits for my review")
    LESSON_REVIEW = "lesson_review", _("A lesson learned waits for my review")
    LESSON_DECISION = "lesson_decision", _("Decisions on lessons learned I wrote")
    REPORT_READY = "report_ready", _("A report I asked for is ready or failed")


def wants_mail(user: Any, kind: "MailKind | str | None") -> bool:
    """False when the user switched this kind of mail off (mail without a kind always goes)."""
    if kind is None:
        return True
    return str(kind) not in (getattr(user, "muted_mail", None) or [])


def notify(
    *,
    users: Iterable[Any],
    template: str,
    context: dict[str, Any],
    kind: "MailKind | None" = None,
) -> None:
    """Render `template`_subject.txt / _body.txt per user and send after commit.

    Each user gets the message in their preferred language, unless they switched `kind` off.
    Call from services, inside their transaction: the messages are written to the outbox in
    that transaction and handed to a worker once it commits, so if it rolls back nobody is
    told about something that did not happen.
    """
    messages: list[EmailMessage] = []
    seen: set[Any] = set()
    for user in users:
        if not getattr(user, "email", "") or not getattr(user, "is_active", True):
            continue
        if user.email in seen or not wants_mail(user, kind):
            continue
        seen.add(user.email)
        language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            ctx = {**context, "recipient": user, "site_url": settings.PORTAL_SITE_URL}
            subject = render_to_string(f"{template}_subject.txt", ctx).strip()
            body = render_to_string(f"{template}_body.txt", ctx)
        subject = " ".join(subject.split())
        headers = {KIND_HEADER: str(kind)} if kind else {}
        messages.append(EmailMessage(subject=subject, body=body, to=[user.email], headers=headers))
    if messages:
        get_connection().send_messages(messages)
