"""Redis down: the portal keeps working, records what it could not hand to the workers, says
what will take longer, and sends it when Redis is back (once).

gunicorn serves the portal with production settings on the pytest database and a Redis of the
test's own (cache and broker), which the test stops (SHUTDOWN NOSAVE: its data is gone too) or
freezes (SIGSTOP: connections hang) and starts again.
"""

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from dissemination.models import Registration
from dissemination.workflow import RegistrationStatus
from obstacles.workflow import ObstacleStatus
from partnerships.workflow import ProposalStatus
from portal.core.models import MailStatus, OutgoingMail
from reports.models import RenderedReport, ReportRequest
from reports.services import WAITING_FOR_QUEUE
from reports.workflow import ReportState
from tests.utils import wait_for

from .conftest import PortalServer, RedisServer, Visitor, portal_python
from .results import record
from .world import PASSWORD, World, mail_to, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A page may wait this long for Redis at most (the broker's timeouts are 2 s; a dead Redis
# refuses at once).
FAST = 3.0
DELAYED_NOTICE = "The report service is not reachable right now"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture
def world(reference_data: None) -> World:
    return make_world()


@pytest.fixture
def portal(
    private_redis: RedisServer,
    start_portal: Callable[..., PortalServer],
    test_database_url: str,
    reference_data: None,
) -> PortalServer:
    return start_portal(
        database_url=test_database_url,
        redis_url=private_redis.url(0),
        PORTAL_CACHE_RETRY_SECONDS="2",
    )


def no_server_errors(server: PortalServer) -> None:
    log = server.log_text()
    assert "Internal Server Error" not in log, log[-3000:]
    assert not re.search(r'" 50\d ', log), log[-3000:]


# --- Signing in ---------------------------------------------------------------------------------


def test_signing_in_works_while_redis_is_down_and_the_limits_hold_per_process(
    world: World, portal: PortalServer, private_redis: RedisServer
) -> None:
    # Sessions live in PostgreSQL, so Redis going away signs nobody out.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    Visitor(portal.url).get("/")  # both workers have talked to Redis once
    private_redis.stop()

    member = Visitor(portal.url)
    answer = member.sign_in(world.member.email, PASSWORD)
    assert answer.status == 302, answer.text[:500]
    assert answer.location == reverse("accounts:dashboard")
    signed_in = answer.seconds
    dashboard = member.get(answer.location)
    assert dashboard.status == 200 and world.member.email in dashboard.text

    # Staff sign in with their authenticator app; the used code is remembered (in memory now).
    reviewer = Visitor(portal.url)
    answer = reviewer.sign_in(world.reviewer.email, PASSWORD, totp_secret=world.reviewer_totp)
    assert answer.status == 302, answer.text[:500]
    assert reviewer.get(reverse("obstacles:review_queue")).status == 200

    # Failed sign-ins are still limited (5 per address in 5 minutes), per process: with two
    # workers at most 10 wrong passwords are checked, however many are sent.
    attacker = Visitor(portal.url)
    refused = []
    while len(refused) < 30 and refused.count(True) < 10:
        answer = attacker.sign_in(world.attendee.email, "wrong password!")
        assert answer.status in (200, 429), answer.status
        refused.append(answer.status == 429 or TOO_MANY in answer.text)
    checked = refused.count(False)
    assert refused.count(True) == 10 and checked <= 5 * portal.workers, refused

    log = portal.log_text()
    warnings = log.count("Cache: Redis is unreachable")
    assert 1 <= warnings <= portal.workers, warnings  # once per outage and process
    no_server_errors(portal)
    record(
        "Redis down: sign-in",
        f"sign-in answered in {signed_in:.2f} s; wrong passwords checked: {checked} of "
        f"{len(refused)} sent (limit 5 per process, {portal.workers} processes); cache "
        f"warnings logged: {warnings}",
    )

    # Redis back: after PORTAL_CACHE_RETRY_SECONDS (2 s here) the processes use it again.
    private_redis.start()
    time.sleep(2.5)
    again = Visitor(portal.url)
    for _ in range(portal.workers * 2):
        assert again.get("/accounts/login/").status == 200
    assert again.sign_in(world.member.email, PASSWORD).status == 302
    # Each process notices on its first cache use after the retry interval; on a loaded CI
    # machine that can take a while after the pages above (seen: more than 5 s).
    for _ in range(portal.workers * 4):
        again.get("/accounts/login/")
    assert wait_for(lambda: "Cache: Redis is back" in portal.log_text(), seconds=20)
    assert wait_for(lambda: private_redis._client().dbsize() > 0, seconds=20)


def test_a_redis_that_hangs_costs_a_page_two_seconds_once_not_minutes(
    world: World,
    private_redis: RedisServer,
    start_portal: Callable[..., PortalServer],
    test_database_url: str,
) -> None:
    """A Redis that accepts connections but never answers (frozen with SIGSTOP): the first
    cache call of each process waits the 2 s socket timeout and opens the breaker; the next
    ones use memory for PORTAL_CACHE_RETRY_SECONDS (default 10 s). A task hand-over waits its
    2 s at most and is recorded for later."""
    portal = start_portal(database_url=test_database_url, redis_url=private_redis.url(0))
    warm = Visitor(portal.url)
    for _ in range(portal.workers * 2):
        assert warm.get("/accounts/login/").status == 200
    private_redis.pause()
    try:
        visitor = Visitor(portal.url)
        answer = visitor.sign_in(world.member.email, PASSWORD)
        assert answer.status == 302
        sign_in = answer.seconds
        pages = [visitor.get(path) for path in ["/me/", "/", "/regions/", "/me/"] * 2]
        assert all(page.status == 200 for page in pages)
        report = visitor.submit(
            reverse("partnerships:guide"),
            reverse("reports:request", args=["process_guide"]),
            {"region": "", "language": "en"},
        )
        assert report.status == 302
        assert DELAYED_NOTICE in visitor.get(report.location).text
    finally:
        private_redis.resume()
    slowest_page = max(page.seconds for page in pages)
    # At most one 2 s wait per process (both may be probing), plus the work itself.
    assert sign_in < 2 * FAST and report.seconds < 2 * FAST, (sign_in, report.seconds)
    assert sum(page.seconds for page in pages) < 2 * FAST, [p.seconds for p in pages]
    no_server_errors(portal)
    record(
        "Redis frozen (SIGSTOP)",
        f"sign-in {sign_in:.2f} s, next 8 pages {sum(p.seconds for p in pages):.2f} s in all "
        f"(slowest {slowest_page:.2f} s), a report request {report.seconds:.2f} s (queued for "
        "later, the page says so)",
    )


# --- The everyday work ----------------------------------------------------------------------------


def test_a_proposal_an_obstacle_review_and_a_registration_go_through_while_redis_is_down(
    world: World, portal: PortalServer, private_redis: RedisServer
) -> None:
    private_redis.stop()
    timings: dict[str, float] = {}

    member = Visitor(portal.url)
    assert member.sign_in(world.member.email, PASSWORD).status == 302
    detail = reverse("partnerships:proposal_detail", args=[world.proposal.pk])
    answer = member.submit(
        detail, reverse("partnerships:proposal_submit", args=[world.proposal.pk]), {}
    )
    timings["submit a proposal"] = answer.seconds
    assert answer.status == 302 and answer.location == detail, answer.text[:500]
    world.proposal.refresh_from_db()
    assert world.proposal.status == ProposalStatus.SUBMITTED
    told = mail_to(world.coordinator)
    assert len(told) == 1 and told[0].status == MailStatus.PENDING and told[0].attempts == 0

    reviewer = Visitor(portal.url)
    answer = reviewer.sign_in(world.reviewer.email, PASSWORD, totp_secret=world.reviewer_totp)
    assert answer.status == 302
    review = reverse("obstacles:review", args=[world.obstacle.pk])
    answer = reviewer.submit(review, reverse("obstacles:claim", args=[world.obstacle.pk]), {})
    timings["claim an obstacle"] = answer.seconds
    assert answer.status == 302, answer.text[:500]
    world.obstacle.refresh_from_db()
    assert world.obstacle.claimed_by_id == world.reviewer.pk
    answer = reviewer.submit(
        review,
        reverse("obstacles:move", args=[world.obstacle.pk]),
        {"move": "publish", "publish-version": str(world.obstacle.version)},
    )
    timings["publish an obstacle"] = answer.seconds
    assert answer.status == 302, answer.text[:500]
    world.obstacle.refresh_from_db()
    assert world.obstacle.status == ObstacleStatus.PUBLISHED
    assert [m.status for m in mail_to(world.member)] == [MailStatus.PENDING]

    attendee = Visitor(portal.url)
    assert attendee.sign_in(world.attendee.email, PASSWORD).status == 302
    register = reverse("dissemination:register", args=[world.event.pk])
    answer = attendee.submit(
        register,
        register,
        {"name": "Anna Andersson", "organisation": "Region Uppsala", "consent_to_list": "on"},
    )
    timings["register for an event"] = answer.seconds
    assert answer.status == 302, answer.text[:500]
    registration = Registration.objects.get(event=world.event, user=world.attendee)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert [m.status for m in mail_to(world.attendee)] == [MailStatus.PENDING]

    assert max(timings.values()) < FAST, timings
    no_server_errors(portal)
    record(
        "Redis down: the everyday work",
        "; ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items())
        + f"; mails recorded pending: {OutgoingMail.objects.count()}",
    )


# --- Reports --------------------------------------------------------------------------------------


def test_a_report_asked_for_while_redis_is_down_is_made_once_when_it_is_back(
    world: World,
    portal: PortalServer,
    private_redis: RedisServer,
    start_worker: Callable[..., Any],
    test_database_url: str,
) -> None:
    # A worker that lives through the outage (it reconnects by itself afterwards).
    worker = start_worker(name="w1", database_url=test_database_url, redis_url=private_redis.url(0))
    private_redis.stop()
    visitor = Visitor(portal.url)
    answer = visitor.submit(
        reverse("partnerships:guide"),
        reverse("reports:request", args=["process_guide"]),
        {"region": "", "language": "en"},
    )
    assert answer.status == 302, answer.text[:500]
    assert answer.seconds < FAST, answer.seconds
    row = ReportRequest.objects.get()
    assert row.state == ReportState.QUEUED and row.error_detail.startswith(WAITING_FOR_QUEUE)
    page = visitor.get(answer.location)
    assert page.status == 200 and DELAYED_NOTICE in page.text
    # The fragment the page polls says it too.
    fragment = visitor.get(reverse("reports:status", args=[row.pk]), headers={"HX-Request": "true"})
    assert DELAYED_NOTICE in fragment.text

    # Redis back (empty: nothing of before survived), and the every-minute sweep.
    private_redis.start()
    env = portal.env
    swept = portal_python(
        "from reports.tasks import requeue_waiting_reports\n"
        "print(json.dumps(requeue_waiting_reports()))",
        env,
    )
    assert swept == {"waiting": 1, "handed_over": 1}
    assert wait_for(lambda: ReportRequest.objects.get().state == ReportState.READY, seconds=90), (
        ReportRequest.objects.get().state
    )
    row = ReportRequest.objects.get()
    assert row.attempts == 1 and row.error_detail == ""
    assert RenderedReport.objects.count() == 1
    assert f"Report {row.pk} rendered" in worker.log_text()
    page = visitor.get(answer.location)
    assert (
        DELAYED_NOTICE not in page.text and reverse("reports:download", args=[row.pk]) in page.text
    )
    # Nothing is handed over twice: the next sweep finds nothing waiting.
    again = portal_python(
        "from reports.tasks import requeue_waiting_reports\n"
        "print(json.dumps(requeue_waiting_reports()))",
        env,
    )
    assert again == {"waiting": 0, "handed_over": 0}
    record(
        "Redis down: a report request",
        f"asked in {answer.seconds:.2f} s with Redis down (queued, the page says it will take "
        f"longer); made once after Redis was back (attempts {row.attempts}, 1 file)",
    )


# --- Mail -----------------------------------------------------------------------------------------


def test_mail_recorded_while_redis_is_down_goes_out_once_when_it_is_back(
    world: World,
    portal: PortalServer,
    private_redis: RedisServer,
    start_worker: Callable[..., Any],
    test_database_url: str,
    smtp_server: Any,
) -> None:
    private_redis.stop()
    member = Visitor(portal.url)
    assert member.sign_in(world.member.email, PASSWORD).status == 302
    detail = reverse("partnerships:proposal_detail", args=[world.proposal.pk])
    answer = member.submit(
        detail, reverse("partnerships:proposal_submit", args=[world.proposal.pk]), {}
    )
    assert answer.status == 302, answer.text[:500]
    (mail,) = mail_to(world.coordinator)
    assert mail.status == MailStatus.PENDING and mail.attempts == 0

    # Redis back, a worker with a real SMTP server behind it, and the every-minute sweep as it
    # runs a minute later (a row just written is left to its own hand-over for a minute).
    private_redis.start()
    worker = start_worker(
        name="mail",
        database_url=test_database_url,
        redis_url=private_redis.url(0),
        EMAIL_URL=smtp_server.url,
    )
    sweep = (
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from portal.core.mail import outbox_sweep\n"
        "print(json.dumps(outbox_sweep(now=timezone.now() + timedelta(seconds=61))))"
    )
    swept = portal_python(sweep, worker.env)
    assert swept["handed_over"] == 1, swept
    assert wait_for(
        lambda: OutgoingMail.objects.get(pk=mail.pk).status == MailStatus.SENT, seconds=60
    ), OutgoingMail.objects.get(pk=mail.pk).last_error
    assert [m["to"] for m in smtp_server.messages] == [[world.coordinator.email]]
    assert smtp_server.messages[0]["subject"] == mail.subject

    # Nothing is sent twice: the next sweep hands over nothing, and a duplicate task for the
    # same row (a broker redelivery) sends nothing.
    assert portal_python(sweep, worker.env)["handed_over"] == 0
    portal_python(
        "from portal.core.tasks import deliver_mail\n"
        f"deliver_mail.delay({mail.pk})\n"
        "print(json.dumps(None))",
        worker.env,
    )
    assert wait_for(lambda: "'skipped'" in worker.log_text(), seconds=30), worker.log_text()
    assert len(smtp_server.messages) == 1
    no_server_errors(portal)
    record(
        "Redis down: mail",
        "a proposal's notification was recorded (pending) with Redis down; after Redis was "
        f"back the sweep handed it over and the worker delivered it: {len(smtp_server.messages)} "
        "message at the SMTP server, a duplicate task sent nothing",
    )
