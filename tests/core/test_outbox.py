"""The outbox (portal/core/mail.py): every message is written down first, handed to a worker after
the commit, delivered once by whoever holds its claim, and kept when the task queue is away.

These run in-process (test settings: eager Celery, locmem delivery) on the real PostgreSQL; the
real SMTP servers and the real worker are in test_outbox_smtp.py.
"""

import datetime as dt
import logging
import smtplib
import time
from typing import Any

import pytest
from django.core import mail
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection, send_mail
from django.db import transaction
from django.utils import timezone

from portal.core.mail import (
    KIND_HEADER,
    MailFailure,
    classify_failure,
    failure_detail,
    failure_text,
    outbox_claim,
    outbox_deliver,
    outbox_enqueue,
    outbox_sweep,
    retry_delay,
)
from portal.core.models import MailStatus, OutgoingMail
from portal.core.notifications import MailKind, notify
from portal.core.tasks import deliver_mail, send_email, sweep_outbox
from tests.factories import UserFactory
from tests.factories_mail import OutgoingMailFactory

pytestmark = pytest.mark.django_db


def _status(row: OutgoingMail) -> str:
    return str(OutgoingMail.objects.values_list("status", flat=True).get(pk=row.pk))


# --- Writing down -----------------------------------------------------------------------------


def test_a_message_is_recorded_per_recipient_and_delivered_after_the_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ada = UserFactory(email="ada@example.se")
    message = EmailMultiAlternatives(
        subject="Your proposal",
        body="Plain text",
        to=["Ada Lovelace <ADA@example.se>"],
        cc=["cc@example.se"],
        bcc=["hidden@example.se"],
        headers={KIND_HEADER: MailKind.PROPOSAL_DECISION.value},
    )
    message.attach_alternative("<p>HTML text</p>", "text/html")

    with django_capture_on_commit_callbacks() as callbacks:
        assert message.send() == 1
    rows = {row.to: row for row in OutgoingMail.objects.all()}
    assert set(rows) == {"ADA@example.se", "cc@example.se", "hidden@example.se"}
    assert all(row.status == MailStatus.PENDING for row in rows.values())
    assert all(row.kind == "proposal_decision" for row in rows.values())
    assert all(row.html_body == "<p>HTML text</p>" for row in rows.values())
    assert rows["ADA@example.se"].recipient == ada  # the address's owner, whatever its case
    assert rows["cc@example.se"].recipient is None
    assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1

    for callback in callbacks:
        callback()

    assert sorted(m.to[0] for m in mail.outbox) == sorted(rows)
    for sent in mail.outbox:
        assert len(sent.recipients()) == 1  # a blind copy stays blind
        assert KIND_HEADER not in sent.extra_headers and KIND_HEADER not in str(sent.message())
        assert sent.alternatives[0][0] == "<p>HTML text</p>"  # type: ignore[attr-defined]
        assert sent.subject == "Your proposal" and sent.body == "Plain text"
    assert set(OutgoingMail.objects.values_list("status", "attempts")) == {(MailStatus.SENT, 1)}


def test_mail_of_a_rolled_back_transaction_is_neither_kept_nor_sent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_mail("Never", "Never happened", None, ["nobody@example.se"])
        assert OutgoingMail.objects.count() == 1
        raise RuntimeError
    assert OutgoingMail.objects.count() == 0
    assert mail.outbox == []


def test_notify_records_the_kind_and_the_recipient_in_their_language(
    django_capture_on_commit_callbacks: Any,
) -> None:
    swede = UserFactory(email="sven@example.se", preferred_language="sv")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[swede],
            template="accounts/email/join_request_received",
            context={"join_request": None, "organisation": "Vård AB", "requester": swede},
            kind=MailKind.JOIN_REQUESTS,
        )
    row = OutgoingMail.objects.get()
    assert (row.to, row.recipient, row.kind, row.status) == (
        "sven@example.se",
        swede,
        "join_requests",
        MailStatus.SENT,
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == row.subject
    assert KIND_HEADER not in mail.outbox[0].extra_headers


def test_a_header_injection_is_refused_at_once_and_nothing_is_stored() -> None:
    with pytest.raises(BadHeaderError):
        send_mail("Hello\nBcc: victim@example.se", "x", None, ["a@example.se"])
    assert OutgoingMail.objects.count() == 0


def test_the_old_task_name_writes_to_the_outbox(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_email.delay(to=["queued@example.se"], subject="From the old queue", body="Hi")
    assert OutgoingMail.objects.get().status == MailStatus.SENT
    assert [m.to for m in mail.outbox] == [["queued@example.se"]]


def test_a_silent_connection_never_raises_when_the_outbox_cannot_be_written(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Django's error mail (mail_admins) asks for silence: an unwritable outbox (here a subject
    with a line break) must not turn the error page into another error."""
    connection = get_connection(fail_silently=True)
    message = EmailMultiAlternatives("a\nb", "x", None, ["admin@example.se"])
    with caplog.at_level(logging.ERROR, logger="portal.core.mail"):
        assert connection.send_messages([message]) == 0
    assert "Could not write" in caplog.text
    assert OutgoingMail.objects.count() == 0


# --- Delivering once --------------------------------------------------------------------------


def test_a_second_delivery_of_the_same_id_sends_nothing() -> None:
    row = OutgoingMailFactory()
    assert deliver_mail.delay(row.pk).get() == "sent"
    assert deliver_mail.delay(row.pk).get() == "skipped"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claim_token) == (MailStatus.SENT, 1, None)
    assert row.sent_at is not None


def test_a_row_not_yet_due_or_failed_for_good_is_not_claimed() -> None:
    later = OutgoingMailFactory(next_attempt_at=timezone.now() + dt.timedelta(minutes=5))
    failed = OutgoingMailFactory(status=MailStatus.FAILED, attempts=8)
    assert outbox_claim(mail_id=later.pk) is None
    assert outbox_deliver(mail_id=failed.pk) == "skipped"
    assert mail.outbox == []
    assert _status(later) == MailStatus.PENDING and _status(failed) == MailStatus.FAILED


def test_an_outcome_is_written_only_by_the_claim_holder() -> None:
    """A delivery whose claim was taken back (the sweep thought it dead) changes nothing."""
    row = OutgoingMailFactory()
    token = outbox_claim(mail_id=row.pk)
    assert token is not None
    assert outbox_claim(mail_id=row.pk) is None  # claimed: nobody else gets it
    OutgoingMail.objects.filter(pk=row.pk).update(claim_token=None, status=MailStatus.PENDING)
    from portal.core.mail import _record_failure

    row.refresh_from_db()
    assert _record_failure(mail=row, token=token, exc=OSError("late")) == "retry"
    row.refresh_from_db()
    assert row.last_error == "" and row.next_attempt_at is None  # the late answer was ignored


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 60), (2, 120), (3, 240), (8, 7680), (9, 15360), (10, 21600), (30, 21600)],
)
def test_the_wait_doubles_from_a_minute_up_to_six_hours(attempts: int, seconds: int) -> None:
    assert retry_delay(attempts) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("exc", "reason", "final"),
    [
        (
            smtplib.SMTPRecipientsRefused({"a@x.se": (550, b"5.1.1 No such user")}),
            MailFailure.ADDRESS_REFUSED,
            True,
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@x.se": (450, b"4.2.1 Mailbox busy")}),
            MailFailure.DEFERRED,
            False,
        ),
        (smtplib.SMTPDataError(554, b"5.7.1 Spam"), MailFailure.MESSAGE_REFUSED, True),
        (smtplib.SMTPDataError(421, b"4.3.2 Try later"), MailFailure.DEFERRED, False),
        (smtplib.SMTPSenderRefused(451, b"Later", "p@x.se"), MailFailure.DEFERRED, False),
        (smtplib.SMTPAuthenticationError(535, b"Bad login"), MailFailure.ERROR, False),
        (ConnectionRefusedError(111, "Connection refused"), MailFailure.UNREACHABLE, False),
        (smtplib.SMTPServerDisconnected("gone"), MailFailure.UNREACHABLE, False),
        (TimeoutError("timed out"), MailFailure.UNREACHABLE, False),
        (ValueError("a bug"), MailFailure.ERROR, False),
    ],
)
def test_only_a_5xx_for_the_address_or_the_message_is_final(
    exc: BaseException, reason: MailFailure, final: bool
) -> None:
    got_reason, detail, got_final = classify_failure(exc)
    assert (got_reason, got_final) == (reason, final)
    assert len(detail) < 300 and "\n" not in detail


def test_the_reason_is_said_in_plain_words_and_the_answer_kept_for_admins() -> None:
    stored = "address-refused: 550 5.1.1 No such user"
    assert failure_text(stored) == "The mail server refused the address."
    assert failure_detail(stored) == "550 5.1.1 No such user"
    assert failure_text("") == "" and failure_text("nonsense") == ""


# --- The sweep --------------------------------------------------------------------------------


def _age(row: OutgoingMail, **fields: Any) -> None:
    OutgoingMail.objects.filter(pk=row.pk).update(**fields)


def test_the_sweep_takes_back_a_stale_claim_and_delivers_it(settings: Any) -> None:
    settings.PORTAL_MAIL_CLAIM_SECONDS = 300
    now = timezone.now()
    stale = OutgoingMailFactory()
    assert outbox_claim(mail_id=stale.pk, now=now - dt.timedelta(seconds=301)) is not None
    busy = OutgoingMailFactory()
    assert outbox_claim(mail_id=busy.pk, now=now - dt.timedelta(seconds=100)) is not None

    result = sweep_outbox.delay().get()

    assert result["taken_back"] == 1 and result["handed_over"] == 1
    stale.refresh_from_db()
    assert (stale.status, stale.attempts) == (MailStatus.SENT, 2)  # the lost try counted
    assert _status(busy) == MailStatus.SENDING  # a live claim is left alone
    assert [m.to for m in mail.outbox] == [[stale.to]]


def test_a_stale_claim_out_of_attempts_fails(settings: Any) -> None:
    settings.PORTAL_MAIL_MAX_ATTEMPTS = 3
    row = OutgoingMailFactory(attempts=2)
    outbox_claim(mail_id=row.pk, now=timezone.now() - dt.timedelta(hours=1))

    assert outbox_sweep()["failed"] == 1

    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.FAILED, 3)
    assert failure_text(row.last_error) == "Sending was interrupted."
    assert mail.outbox == []


def test_the_sweep_hands_over_due_mail_oldest_first_in_bounded_batches(settings: Any) -> None:
    settings.PORTAL_MAIL_SWEEP_BATCH = 2
    now = timezone.now()
    due = [OutgoingMailFactory(to=f"due{i}@example.se") for i in range(3)]
    for i, row in enumerate(due):
        _age(row, next_attempt_at=now - dt.timedelta(minutes=10 - i))
    fresh = OutgoingMailFactory(to="fresh@example.se")  # handed over on its own commit
    later = OutgoingMailFactory(to="later@example.se", next_attempt_at=now + dt.timedelta(hours=1))

    first = outbox_sweep()
    assert (first["due"], first["handed_over"]) == (2, 2)
    assert [m.to[0] for m in mail.outbox] == ["due0@example.se", "due1@example.se"]
    assert outbox_sweep()["handed_over"] == 1
    assert [m.to[0] for m in mail.outbox][2:] == ["due2@example.se"]
    assert _status(fresh) == MailStatus.PENDING and _status(later) == MailStatus.PENDING

    _age(fresh, created_at=now - dt.timedelta(minutes=2))  # its hand-over was lost
    assert outbox_sweep()["handed_over"] == 1
    assert mail.outbox[-1].to == ["fresh@example.se"]
    assert _status(later) == MailStatus.PENDING


def test_the_sweep_removes_sent_mail_after_the_keeping_period(settings: Any) -> None:
    settings.PORTAL_MAIL_KEEP_SENT_DAYS = 30
    now = timezone.now()
    old = OutgoingMailFactory(status=MailStatus.SENT, sent_at=now - dt.timedelta(days=31))
    recent = OutgoingMailFactory(status=MailStatus.SENT, sent_at=now - dt.timedelta(days=29))
    failed = OutgoingMailFactory(status=MailStatus.FAILED, attempts=8)
    _age(failed, created_at=now - dt.timedelta(days=90))

    assert outbox_sweep()["removed"] == 1

    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}
    assert not OutgoingMail.objects.filter(pk=old.pk).exists()


# --- The task queue is away -------------------------------------------------------------------


def point_broker(app: Any, url: str) -> None:
    """Make the portal's Celery app publish to `url` from now on. Celery keeps the connection
    pool and the producer pool of the first broker (`app.close()` drops neither), so both are
    dropped here."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_away(celery_app: Any) -> Any:
    """The portal's Celery app publishing to a port where nothing listens (Redis down)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    previous = celery_app.conf.broker_url
    point_broker(celery_app, f"redis://127.0.0.1:{port}/0")
    yield celery_app
    point_broker(celery_app, previous)


def test_mail_is_kept_and_the_page_not_held_up_when_the_queue_is_away(
    broker_away: Any, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert not broker_away.conf.task_always_eager
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="portal.core.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = send_mail("Kept", "Kept while Redis is down", None, ["a@example.se", "b@x.se"])
    elapsed = time.monotonic() - started

    assert sent == 1
    assert elapsed < 2.0, f"sending waited {elapsed:.1f} s for the broker"
    assert "stay in the outbox until the task queue is back" in caplog.text
    rows = OutgoingMail.objects.all()
    assert rows.count() == 2
    # Both wait, due now, for the sweep (which runs when the workers, and so Redis, are back).
    assert {(r.status, r.attempts, r.next_attempt_at is not None) for r in rows} == {
        (MailStatus.PENDING, 0, True)
    }
    assert mail.outbox == []
    # The sweep, run while the broker is still away, loses nothing either.
    assert outbox_sweep()["handed_over"] == 0
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.PENDING}


def test_handing_over_stops_at_the_first_broker_error(broker_away: Any) -> None:
    rows = [OutgoingMailFactory() for _ in range(3)]
    started = time.monotonic()
    assert outbox_enqueue([r.pk for r in rows]) == 0
    assert time.monotonic() - started < 2.0
