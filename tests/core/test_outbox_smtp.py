"""The outbox against real mail servers and a real Celery worker: a server that refuses an address
(550 at RCPT), one that is busy (421 at DATA), one that accepts, a port where nothing listens,
and Redis itself stopped and started again.

Each SMTP server is aiosmtpd on a free local port, its answers chosen by the test; the portal's
delivery backend is Django's SMTP backend pointed at it. "Beat" is the test calling
`sweep_outbox` as celery beat would every minute, and the retry base is made short so the
backoff can be watched in seconds.
"""

import asyncio
import datetime as dt
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail import send_mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.core.mail import outbox_claim, outbox_deliver, retry_delay
from portal.core.models import AuditEvent, MailStatus, OutgoingMail
from portal.core.tasks import deliver_mail, sweep_outbox
from tests.core.test_outbox import point_broker
from tests.factories import UserFactory
from tests.factories_mail import OutgoingMailFactory
from tests.utils import at_once, wait_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class MailServer:
    """An aiosmtpd handler: `mode` says how it answers ("accept", "refuse-address" = 550 at
    RCPT, "busy" = 421 at DATA); `received` holds (recipients, message) it accepted."""

    mode: str = "accept"
    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    data_delay: float = 0.0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.mode == "refuse-address":
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        if self.mode == "busy":
            return "421 4.3.2 Service busy, try later"
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 2.0.0 Message accepted for delivery"

    def to(self, address: str) -> int:
        return sum(address in rcpts for rcpts, _content in self.received)


def _deliver_with_smtp(settings: Any, port: int) -> None:
    settings.PORTAL_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp(settings: Any) -> Iterator[MailServer]:
    """A real SMTP server the portal delivers to."""
    handler = MailServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    _deliver_with_smtp(settings, port)
    yield handler
    controller.stop()


@pytest.fixture
def nobody_listens(settings: Any) -> int:
    """The portal delivers to a port where no mail server listens."""
    port = free_port()
    _deliver_with_smtp(settings, port)
    return port


def _row(address: str) -> OutgoingMail:
    return OutgoingMail.objects.get(to=address)


def _make_due(row: OutgoingMail) -> None:
    """Time passes: the row's next attempt is due."""
    OutgoingMail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def _profile(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    return response.content.decode()


# --- In-process: what each answer leads to ----------------------------------------------------


@pytest.mark.django_db
def test_an_address_the_server_refuses_fails_at_once_and_the_person_sees_it(
    smtp: MailServer, django_capture_on_commit_callbacks: Any
) -> None:
    smtp.mode = "refuse-address"
    person = UserFactory(email="gone@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Your agreement is in force", "Private text", None, ["gone@example.se"])

    row = _row("gone@example.se")
    assert (row.status, row.attempts, row.next_attempt_at) == (MailStatus.FAILED, 1, None)
    assert row.last_error.startswith("address-refused: 550 5.1.1")
    assert smtp.received == []

    page = _profile(person)
    assert "Mail we could not deliver to you" in page
    assert "Your agreement is in force" in page
    assert "The mail server refused the address." in page
    assert "Private text" not in page and "5.1.1" not in page


@pytest.mark.django_db
def test_a_busy_server_keeps_the_mail_until_its_next_attempt(
    smtp: MailServer, django_capture_on_commit_callbacks: Any
) -> None:
    smtp.mode = "busy"
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Busy", "Text", None, ["busy@example.se"])

    row = _row("busy@example.se")
    assert (row.status, row.attempts) == (MailStatus.PENDING, 1)
    assert row.last_error == "deferred: 421 4.3.2 Service busy, try later"
    assert row.next_attempt_at is not None
    assert row.next_attempt_at - row.updated_at == dt.timedelta(seconds=60)
    assert outbox_deliver(mail_id=row.pk) == "skipped"  # not due yet
    assert smtp.received == []

    smtp.mode = "accept"
    _make_due(row)
    assert outbox_deliver(mail_id=row.pk) == "sent"
    assert outbox_deliver(mail_id=row.pk) == "skipped"
    assert smtp.to("busy@example.se") == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (MailStatus.SENT, 2, "")


@pytest.mark.django_db
def test_a_server_that_cannot_be_reached_keeps_the_mail(
    nobody_listens: int, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert send_mail("Unreachable", "Text", None, ["far@example.se"]) == 1

    row = _row("far@example.se")
    assert (row.status, row.attempts) == (MailStatus.PENDING, 1)
    assert row.last_error.startswith("unreachable: ConnectionRefusedError")


# --- A real worker ----------------------------------------------------------------------------


def beat_until(condition: Callable[[], Any], seconds: float = 30.0) -> bool:
    """Run the sweep through the worker as beat would (every half second here, not every
    minute) until `condition` holds (checked every tenth of a second)."""
    deadline = time.monotonic() + seconds
    next_sweep = 0.0
    while time.monotonic() < deadline:
        if condition():
            return True
        if time.monotonic() >= next_sweep:
            sweep_outbox.delay()
            next_sweep = time.monotonic() + 0.5
        time.sleep(0.1)
    return bool(condition())


def _drained(address: str) -> bool:
    """Wait until the solo worker has run everything queued so far: a marker mail queued now is
    delivered after them (the worker takes messages in queue order)."""
    send_mail("marker", "", None, [address])
    return wait_for(lambda: _row(address).status == MailStatus.SENT)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_with_backoff_and_delivers_once_the_server_accepts(
    smtp: MailServer, settings: Any, celery_app: Any, celery_worker: Any
) -> None:
    assert not celery_app.conf.task_always_eager
    settings.PORTAL_MAIL_RETRY_BASE_SECONDS = 1
    smtp.mode = "busy"

    send_mail("Proposal received", "Text", None, ["ulla@example.se"])

    # Refused three times: kept, each attempt counted, each wait twice the one before.
    for attempt in (1, 2, 3):

        def waiting(attempts: int = attempt) -> bool:
            row = _row("ulla@example.se")
            return row.attempts == attempts and row.status == MailStatus.PENDING

        assert beat_until(waiting), attempt
        row = _row("ulla@example.se")
        assert row.next_attempt_at is not None
        assert row.next_attempt_at - row.updated_at == retry_delay(attempt)
        assert row.next_attempt_at - row.updated_at == dt.timedelta(seconds=2 ** (attempt - 1))
        assert row.last_error.startswith("deferred: 421")
    assert smtp.received == []

    smtp.mode = "accept"
    assert beat_until(lambda: _row("ulla@example.se").status == MailStatus.SENT)
    row = _row("ulla@example.se")
    assert row.attempts == 4 and row.sent_at is not None

    # More sweeps and a duplicate task send nothing more.
    deliver_mail.delay(row.pk)
    sweep_outbox.delay()
    assert _drained("marker@example.se")
    assert smtp.to("ulla@example.se") == 1
    assert b"Subject: Proposal received" in smtp.received[0][1]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_after_the_last_attempt_the_person_sees_the_mail_and_can_send_it_again(
    smtp: MailServer, settings: Any, celery_app: Any, celery_worker: Any
) -> None:
    settings.PORTAL_MAIL_RETRY_BASE_SECONDS = 0
    settings.PORTAL_MAIL_MAX_ATTEMPTS = 3
    smtp.mode = "busy"
    person = UserFactory(email="sara@example.se")

    send_mail("Your report is ready", "Text", None, ["sara@example.se"])

    assert beat_until(lambda: _row("sara@example.se").status == MailStatus.FAILED)
    row = _row("sara@example.se")
    assert row.attempts == 3 and row.recipient == person
    page = _profile(person)
    assert "Your report is ready" in page
    assert "The mail server was busy and asked us to try again later." in page
    assert reverse("accounts:mail_retry", args=[row.pk]) in page
    assert smtp.received == []

    smtp.mode = "accept"
    client = Client()
    client.force_login(person)
    response = client.post(reverse("accounts:mail_retry", args=[row.pk]), follow=True)
    assert response.status_code == 200
    assert "We are sending" in response.content.decode()

    assert wait_for(lambda: _row("sara@example.se").status == MailStatus.SENT)
    assert _drained("marker@example.se")
    assert smtp.to("sara@example.se") == 1
    assert AuditEvent.objects.filter(action="mail.retry", target_id=str(row.pk)).count() == 1
    assert "Your report is ready" not in _profile(person)


@pytest.mark.django_db(transaction=True)
def test_the_same_mail_delivered_at_once_by_four_workers_is_sent_once(smtp: MailServer) -> None:
    smtp.data_delay = 0.3  # a slow server: the others try while the first is still sending
    row = OutgoingMailFactory(to="once@example.se")

    results = at_once(*[lambda: outbox_deliver(mail_id=row.pk) for _ in range(4)])

    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert smtp.to("once@example.se") == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.SENT, 1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_delivered_three_times_by_the_broker_sends_once(
    smtp: MailServer, celery_app: Any, celery_worker: Any
) -> None:
    row = OutgoingMailFactory(to="thrice@example.se")
    for _ in range(3):
        deliver_mail.delay(row.pk)
    assert wait_for(lambda: _row("thrice@example.se").status == MailStatus.SENT)
    assert _drained("marker@example.se")
    assert smtp.to("thrice@example.se") == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_delivery_whose_worker_died_is_taken_back_by_the_sweep_and_sent_once(
    smtp: MailServer, settings: Any, celery_app: Any, celery_worker: Any
) -> None:
    settings.PORTAL_MAIL_CLAIM_SECONDS = 300
    row = OutgoingMailFactory(to="orphan@example.se")
    # A worker claimed it six minutes ago and was killed before it could say how it went.
    assert outbox_claim(mail_id=row.pk, now=timezone.now() - dt.timedelta(minutes=6))
    alive = OutgoingMailFactory(to="alive@example.se")
    assert outbox_claim(mail_id=alive.pk)  # claimed just now: its worker is still at it

    sweep_outbox.delay()

    assert wait_for(lambda: _row("orphan@example.se").status == MailStatus.SENT)
    assert _drained("marker@example.se")
    assert smtp.to("orphan@example.se") == 1
    assert _row("orphan@example.se").attempts == 2
    assert _row("alive@example.se").status == MailStatus.SENDING
    assert smtp.to("alive@example.se") == 0


# --- Redis stopped and started again ----------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test's own, on a free port, without persistence: stopping it
    loses whatever was queued, as a crashed Redis would."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command)
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, seconds=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False


@pytest.fixture
def private_redis(celery_app: Any) -> Iterator[PrivateRedis]:
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis()
    redis.start()
    previous = celery_app.conf.broker_url
    point_broker(celery_app, redis.url)
    try:
        yield redis
    finally:
        point_broker(celery_app, previous)
        redis.stop()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_mail_sent_while_redis_is_down_goes_out_once_when_it_is_back(
    private_redis: PrivateRedis, celery_app: Any
) -> None:
    assert not celery_app.conf.task_always_eager
    # Queued while Redis was up, but no worker took it before Redis went down (and, without
    # persistence, the queue went with it).
    send_mail("Before", "Text", None, ["before@example.se"])
    assert _row("before@example.se").status == MailStatus.PENDING

    private_redis.stop()
    started = time.monotonic()
    assert send_mail("During", "Text", None, ["during@example.se"]) == 1
    assert time.monotonic() - started < 2.0, "a page would have waited for Redis"
    during = _row("during@example.se")
    assert (during.status, during.attempts) == (MailStatus.PENDING, 0)
    assert mail.outbox == []

    private_redis.start()
    # The lost hand-over is a minute old by the time beat runs.
    OutgoingMail.objects.filter(to="before@example.se").update(
        created_at=timezone.now() - dt.timedelta(minutes=2)
    )
    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=("celery",)):
        sweep_outbox.delay()
        assert wait_for(
            lambda: set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
        )
        sweep_outbox.delay()
        assert _drained("marker@example.se")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "before@example.se",
        "during@example.se",
        "marker@example.se",
    ]
