"""The outbox: every message the portal sends is written down first, then delivered by a worker.

`OutboxBackend` is Django's EMAIL_BACKEND, so notifications (`notify`), allauth's security mail
and anything else that uses `django.core.mail` land here. It writes one `OutgoingMail` row per
recipient, inside the caller's transaction (a rollback takes the mail with it), and after the
commit hands the row ids to `portal.core.tasks.deliver_mail`. The real transport is
PORTAL_MAIL_DELIVERY_BACKEND (EMAIL_URL: console, SMTP in production).

The rules:

- A row is delivered only by whoever claims it: a conditional UPDATE from "pending and due" to
  "sending" with a fresh claim token. A second delivery of the same id finds nothing to claim,
  so a task delivered twice sends once.
- A refused or failed send is kept: attempts + 1, the reason, the next attempt after an
  exponential backoff (PORTAL_MAIL_RETRY_BASE_SECONDS, doubling, at most
  PORTAL_MAIL_RETRY_MAX_SECONDS). After PORTAL_MAIL_MAX_ATTEMPTS, or at once when the server
  refuses the address or the message for good (SMTP 5xx), it is "could not be delivered".
- The broker being away never loses mail or breaks a page: the row stays pending and the sweep
  (`sweep_outbox`, every minute) hands it over later. The sweep also takes back claims older than
  PORTAL_MAIL_CLAIM_SECONDS (a worker killed mid-send) and removes sent mail after
  PORTAL_MAIL_KEEP_SENT_DAYS.
- The person a mail was for sees what could not be delivered on their profile page, with the
  reason in plain words, and may try again; portal admins see every undelivered mail.
"""

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from email.utils import parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from .audit import audit_record
from .models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

# `notify` names the kind of mail in this header; it is kept in the row, never sent.
KIND_HEADER = "X-Portal-Mail-Kind"
# The broker is away (Redis down, refused, unreachable): the row waits for the sweep.
ENQUEUE_ERRORS: tuple[type[BaseException], ...] = (BrokerError, RedisError, OSError)
# A page must not wait for Redis: publish with a retry policy of no retries, which fails in
# milliseconds when Redis is down. (Not `retry=False`: kombu then opens the first connection
# through its own connection retries, measured at 2 to 6 s per page with Redis down.) What
# fails now is handed over by the next sweep.
FAIL_FAST: dict[str, Any] = {"max_retries": 0}
# A row written moments ago was handed over on commit: the sweep leaves it to that task for a
# minute before it hands it over again (a second hand-over would send nothing, only cost a task).
FRESH_SECONDS = 60


class MailFailure(models.TextChoices):
    """Why a delivery failed, in plain words. Stored as the start of `last_error`
    ("<reason>: <the server's answer>"), so the pages can say it in the reader's language."""

    ADDRESS_REFUSED = "address-refused", _("The mail server refused the address.")
    MESSAGE_REFUSED = "message-refused", _("The mail server refused the message.")
    DEFERRED = "deferred", _("The mail server was busy and asked us to try again later.")
    UNREACHABLE = "unreachable", _("We could not reach the mail server.")
    INTERRUPTED = "interrupted", _("Sending was interrupted.")
    ERROR = "error", _("Something went wrong while sending.")


def failure_reason(last_error: str) -> MailFailure | None:
    """The reason stored at the start of `last_error` (None when nothing failed)."""
    code = last_error.split(":", 1)[0]
    return MailFailure(code) if code in MailFailure.values else None


def failure_text(last_error: str) -> str:
    """The reason for a person: plain words, never the server's own answer."""
    reason = failure_reason(last_error)
    return str(reason.label) if reason is not None else ""


def failure_detail(last_error: str) -> str:
    """The server's answer (for portal admins)."""
    return last_error.split(":", 1)[1].strip() if ":" in last_error else last_error


# --- The backend --------------------------------------------------------------------------------


class OutboxBackend(BaseEmailBackend):
    """Django's mail API writes to the outbox; a worker delivers (see the module docstring)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        messages = list(email_messages)
        if not messages:
            return 0
        try:
            rows = outbox_record(messages=messages)
        except Exception:
            # Django's own error mail (mail_admins) asks for silence: it must not fail a page.
            if not self.fail_silently:
                raise
            logger.exception("Could not write %s message(s) to the outbox", len(messages))
            return 0
        transaction.on_commit(partial(outbox_enqueue, [row.pk for row in rows]))
        return len(messages)


def _html_alternative(message: EmailMessage) -> str:
    for alternative in getattr(message, "alternatives", None) or []:
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html":
            return str(content)
    return ""


def outbox_record(*, messages: Sequence[EmailMessage]) -> list[OutgoingMail]:
    """Write one pending row per recipient (to, cc and bcc each get their own message, so a
    blind copy stays blind). The kind comes from the X-Portal-Mail-Kind header; the recipient is
    the user whose address it is. Attachments and other headers are not kept (the portal sends
    none). A message Django would refuse (a line break in the subject) is refused here, at once,
    as Django's own backends would."""
    rows: list[OutgoingMail] = []
    for message in messages:
        message.message()  # Django's checks (header injection) before anything is stored
        kind = str(message.extra_headers.get(KIND_HEADER, "") or "")[:32]
        html = _html_alternative(message)
        for recipient in message.recipients():
            address = parseaddr(str(recipient))[1] or str(recipient)
            rows.append(
                OutgoingMail(
                    to=address[:254],
                    kind=kind,
                    subject=str(message.subject),
                    body=str(message.body),
                    html_body=html,
                    from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL)[:254],
                )
            )
    if not rows:
        return []
    from portal.accounts.models import User

    addresses = {row.to for row in rows} | {row.to.lower() for row in rows}
    users = {
        email.lower(): pk
        for pk, email in User.objects.filter(email__in=addresses).values_list("pk", "email")
    }
    for row in rows:
        row.recipient_id = users.get(row.to.lower())
    return OutgoingMail.objects.bulk_create(rows)


def outbox_enqueue(mail_ids: Iterable[int]) -> int:
    """Hand rows to the delivery task. A broker that is away is logged, not raised: the rows stay
    pending and the sweep hands them over later. Returns how many were handed over."""
    from .tasks import deliver_mail

    ids = list(mail_ids)
    for handed, mail_id in enumerate(ids):
        try:
            deliver_mail.apply_async(args=(mail_id,), retry=True, retry_policy=FAIL_FAST)
        except ENQUEUE_ERRORS as exc:
            # The rest would wait for the same broker: leave them all to the sweep, due now
            # (a fresh row is otherwise left alone for a minute, see FRESH_SECONDS).
            logger.warning(
                "%s mail(s) stay in the outbox until the task queue is back: %s",
                len(ids) - handed,
                exc,
            )
            OutgoingMail.objects.filter(
                pk__in=ids[handed:], status=MailStatus.PENDING, next_attempt_at__isnull=True
            ).update(next_attempt_at=timezone.now())
            return handed
    return len(ids)


# --- Delivery -----------------------------------------------------------------------------------


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failed ones: base, doubling, capped."""
    base = settings.PORTAL_MAIL_RETRY_BASE_SECONDS
    seconds = min(settings.PORTAL_MAIL_RETRY_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=seconds)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split())


def classify_failure(exc: BaseException) -> tuple[MailFailure, str, bool]:
    """(reason, the server's answer, refused for good?) for an exception from the transport.

    Only an SMTP 5xx for the address (RCPT) or for the message (DATA) is final; a 4xx, a server
    that cannot be reached, a refused sign-in or anything unexpected is worth another try.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        detail = "; ".join(f"{code} {_text(text)}" for code, text in answers)
        final = bool(answers) and all(500 <= int(code) < 600 for code, _text_ in answers)
        return (MailFailure.ADDRESS_REFUSED if final else MailFailure.DEFERRED), detail, final
    if isinstance(exc, smtplib.SMTPResponseException):
        code = int(exc.smtp_code)
        detail = f"{code} {_text(exc.smtp_error)}"
        if isinstance(exc, smtplib.SMTPDataError) and 500 <= code < 600:
            return MailFailure.MESSAGE_REFUSED, detail, True
        if 400 <= code < 500:
            return MailFailure.DEFERRED, detail, False
        return MailFailure.ERROR, detail, False
    # SMTPServerDisconnected, refused connections, timeouts, unknown hosts (all OSError).
    if isinstance(exc, OSError):
        return MailFailure.UNREACHABLE, f"{type(exc).__name__}: {_text(exc)}", False
    return MailFailure.ERROR, type(exc).__name__, False


def _transport_send(mail: OutgoingMail) -> None:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email or None,
        to=[mail.to],
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    connection = get_connection(
        settings.PORTAL_MAIL_DELIVERY_BACKEND,
        fail_silently=False,
        timeout=settings.EMAIL_TIMEOUT,
    )
    connection.send_messages([message])


def outbox_claim(*, mail_id: int, now: dt.datetime | None = None) -> uuid.UUID | None:
    """Claim a pending, due row for one delivery attempt (counted now, so a message that kills
    its worker every time still reaches the limit). None: nothing to do, someone else holds it,
    it was sent, it failed for good or it is not due yet."""
    now = now or timezone.now()
    token = uuid.uuid4()
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id, status=MailStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            status=MailStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    return token if claimed else None


def outbox_deliver(*, mail_id: int) -> str:
    """Deliver one row if it can be claimed. Returns what happened: "sent", "retry" (kept for the
    next attempt), "failed" (refused for good or out of attempts) or "skipped" (not claimable).

    Every outcome is written on condition of the claim token: a worker whose claim was taken
    back (stale) changes nothing.
    """
    token = outbox_claim(mail_id=mail_id)
    if token is None:
        return "skipped"
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        _transport_send(mail)
    except Exception as exc:
        return _record_failure(mail=mail, token=token, exc=exc)
    now = timezone.now()
    OutgoingMail.objects.filter(pk=mail_id, claim_token=token).update(
        status=MailStatus.SENT,
        sent_at=now,
        claim_token=None,
        claimed_at=None,
        next_attempt_at=None,
        last_error="",
        updated_at=now,
    )
    return "sent"


def _record_failure(*, mail: OutgoingMail, token: uuid.UUID, exc: BaseException) -> str:
    reason, detail, final = classify_failure(exc)
    out_of_attempts = mail.attempts >= settings.PORTAL_MAIL_MAX_ATTEMPTS
    failed = final or out_of_attempts
    now = timezone.now()
    OutgoingMail.objects.filter(pk=mail.pk, claim_token=token).update(
        status=MailStatus.FAILED if failed else MailStatus.PENDING,
        last_error=f"{reason.value}: {detail}"[:500],
        next_attempt_at=None if failed else now + retry_delay(mail.attempts),
        claim_token=None,
        claimed_at=None,
        updated_at=now,
    )
    log = logger.warning if failed else logger.info
    log(
        "Mail %s not delivered (attempt %s, %s): %s",
        mail.pk,
        mail.attempts,
        "given up" if failed else "will try again",
        detail,
        exc_info=reason == MailFailure.ERROR,
    )
    return "failed" if failed else "retry"


def outbox_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Celery beat, every minute: take back interrupted deliveries, hand due rows to the
    workers (at most PORTAL_MAIL_SWEEP_BATCH, the longest waiting first) and remove sent mail
    past PORTAL_MAIL_KEEP_SENT_DAYS."""
    now = now or timezone.now()
    stale = OutgoingMail.objects.filter(
        status=MailStatus.SENDING,
        claimed_at__lt=now - dt.timedelta(seconds=settings.PORTAL_MAIL_CLAIM_SECONDS),
    )
    interrupted = f"{MailFailure.INTERRUPTED.value}: the delivery did not finish"
    failed = stale.filter(attempts__gte=settings.PORTAL_MAIL_MAX_ATTEMPTS).update(
        status=MailStatus.FAILED,
        claim_token=None,
        claimed_at=None,
        next_attempt_at=None,
        last_error=interrupted,
        updated_at=now,
    )
    taken_back = stale.update(
        status=MailStatus.PENDING,
        claim_token=None,
        claimed_at=None,
        next_attempt_at=now,
        last_error=interrupted,
        updated_at=now,
    )
    due = list(
        OutgoingMail.objects.filter(status=MailStatus.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(
                next_attempt_at__isnull=True,
                created_at__lte=now - dt.timedelta(seconds=FRESH_SECONDS),
            )
        )
        .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[: settings.PORTAL_MAIL_SWEEP_BATCH]
    )
    handed = outbox_enqueue(due)
    removed, _by_model = OutgoingMail.objects.filter(
        status=MailStatus.SENT,
        sent_at__lt=now - dt.timedelta(days=settings.PORTAL_MAIL_KEEP_SENT_DAYS),
    ).delete()
    return {
        "taken_back": taken_back,
        "failed": failed,
        "due": len(due),
        "handed_over": handed,
        "removed": removed,
    }


@transaction.atomic
def outbox_retry(*, actor: Any, mail: OutgoingMail) -> bool:
    """The "Try again" button: a waiting or failed row becomes due now with a fresh set of
    attempts, and is handed to a worker after the commit. False (nothing changed) when it is
    being sent or was sent meanwhile. Audited."""
    now = timezone.now()
    changed = OutgoingMail.objects.filter(
        pk=mail.pk, status__in=[MailStatus.PENDING, MailStatus.FAILED]
    ).update(
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        claim_token=None,
        claimed_at=None,
        updated_at=now,
    )
    if not changed:
        return False
    audit_record(
        actor=actor,
        action="mail.retry",
        target=mail,
        data={"status": mail.status, "attempts": mail.attempts},
    )
    transaction.on_commit(partial(outbox_enqueue, [mail.pk]))
    return True
