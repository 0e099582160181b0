"""A Celery worker killed mid-task: the work completes on another worker, or the sweep fails it
with a retry possible; nothing stays "being made" or "being sent" forever.

Two real worker subprocesses (`celery -A portal worker -Q reports,celery -c 1 --pool prefork`)
on a Redis of the test's own and the pytest database; the one that took the task is killed with
SIGKILL (it and its pool child, as when its machine dies) while it works.
"""

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from portal.core.models import MailStatus, OutgoingMail
from reports.models import RenderedReport, ReportRequest
from reports.workflow import ReportError, ReportState
from tests.factories import UserFactory
from tests.factories_obstacles import ObstacleFactory
from tests.utils import wait_for

from .conftest import RedisServer, SmtpServer, Worker, portal_python
from .results import record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Enough published obstacles that the compilation takes a few seconds to make.
OBSTACLES = 400  # long enough (~10 s) that the kill lands mid-render on a quiet CI machine too
# The limits the workers run with here: a claim goes stale (and may be taken over) after the
# hard limit plus a minute; Redis redelivers an unacknowledged task after the visibility
# timeout, which must stay above the longest retry countdown (about 75 s).
REPORT_LIMITS = {
    "REPORTS_SOFT_TIME_LIMIT": "20",
    "REPORTS_TIME_LIMIT": "25",
    "REPORTS_VISIBILITY_TIMEOUT": "85",
    "PORTAL_BROKER_RESTORE_SECONDS": "2",
}
ASK_FOR_THE_COMPILATION = """
from django.contrib.auth.models import AnonymousUser
from obstacles.selectors.public import PublicFilters
from reports.kinds.obstacles import params_for
from reports.services import report_request
row = report_request(
    user=AnonymousUser(), session_key="faults-session", kind="obstacles",
    params=params_for(PublicFilters()), language="sv",
)
print(json.dumps(str(row.pk)))
"""


def took(worker: Worker, task: str) -> bool:
    return f"{task}[" in worker.log_text()


@pytest.fixture
def compilation(reference_data: None) -> None:
    ObstacleFactory.create_batch(OBSTACLES, author=UserFactory())


def _row(pk: Any) -> ReportRequest:
    return ReportRequest.objects.get(pk=pk)


def test_a_report_whose_worker_is_killed_mid_render_is_made_by_the_other_worker(
    compilation: None,
    private_redis: RedisServer,
    start_worker: Callable[..., Worker],
    test_database_url: str,
    faults_media: Path,
) -> None:
    workers = [
        start_worker(
            name=name,
            database_url=test_database_url,
            redis_url=private_redis.url(0),
            **REPORT_LIMITS,
        )
        for name in ("a", "b")
    ]
    pk = portal_python(ASK_FOR_THE_COMPILATION, workers[0].env)
    started = time.monotonic()
    assert wait_for(lambda: _row(pk).state == ReportState.RENDERING, seconds=30), _row(pk).state
    claimed = _row(pk)
    (victim,) = [w for w in workers if took(w, "reports.tasks.render_report")]
    (survivor,) = [w for w in workers if w is not victim]
    time.sleep(1.0)  # well into the render
    victim.kill()
    killed_at = time.monotonic() - started
    row = _row(pk)
    assert row.state == ReportState.RENDERING and row.claim_token == claimed.claim_token

    # Redis gives the unacknowledged task to the other worker after the visibility timeout;
    # the dead worker's claim is stale by then and is taken over.
    assert wait_for(lambda: _row(pk).state == ReportState.READY, seconds=180), (
        _row(pk).state,
        survivor.log_text()[-3000:],
    )
    ready_at = time.monotonic() - started
    row = _row(pk)
    assert row.attempts == 2 and row.claim_token != claimed.claim_token
    assert RenderedReport.objects.count() == 1 and row.report is not None
    assert (faults_media / row.report.file.name).is_file()  # where the workers store files
    assert f"Report {pk} rendered" in survivor.log_text()
    assert f"Report {pk} rendered" not in victim.log_text()
    record(
        "Worker killed mid-render (report)",
        f"{OBSTACLES}-obstacle compilation; worker killed {killed_at:.1f} s after the request "
        f"(claimed, rendering); made by the other worker {ready_at:.1f} s after the request "
        f"(visibility timeout {REPORT_LIMITS['REPORTS_VISIBILITY_TIMEOUT']} s, stale claim "
        f"after {int(REPORT_LIMITS['REPORTS_TIME_LIMIT']) + 60} s); attempts 2, 1 file",
    )


def test_a_report_whose_only_worker_is_killed_is_failed_by_the_sweep_and_can_be_retried(
    compilation: None,
    private_redis: RedisServer,
    start_worker: Callable[..., Worker],
    test_database_url: str,
) -> None:
    worker = start_worker(
        name="only",
        database_url=test_database_url,
        redis_url=private_redis.url(0),
        **REPORT_LIMITS,
    )
    pk = portal_python(ASK_FOR_THE_COMPILATION, worker.env)
    assert wait_for(lambda: _row(pk).state == ReportState.RENDERING, seconds=30)
    time.sleep(1.0)
    worker.kill()

    # The hourly sweep, as it runs once (REPORTS_MAX_ATTEMPTS + 1) × REPORTS_TIME_LIMIT have
    # passed with no worker to finish it.
    failed = portal_python(
        "from datetime import timedelta\n"
        "from django.conf import settings\n"
        "from django.utils import timezone\n"
        "from reports.services import reports_fail_stuck\n"
        "later = timezone.now() + timedelta(\n"
        "    seconds=(settings.REPORTS_MAX_ATTEMPTS + 1) * settings.REPORTS_TIME_LIMIT + 1\n"
        ")\n"
        "print(json.dumps(reports_fail_stuck(now=later)))",
        worker.env,
    )
    assert failed == 1
    row = _row(pk)
    assert row.state == ReportState.FAILED and row.error_code == ReportError.TOO_LONG
    # The person may try again: failed → queued.
    portal_python(
        "from reports.models import ReportRequest\n"
        "from reports.services import report_retry\n"
        f"row = report_retry(report_request=ReportRequest.objects.get(pk={str(pk)!r}))\n"
        "print(json.dumps(row.state))",
        worker.env,
    )
    assert _row(pk).state == ReportState.QUEUED and _row(pk).attempts == 0


def test_a_mail_whose_worker_is_killed_mid_send_is_sent_once_by_the_other_worker(
    reference_data: None,
    private_redis: RedisServer,
    start_worker: Callable[..., Worker],
    test_database_url: str,
    smtp_server: SmtpServer,
) -> None:
    smtp_server.stall_first = True
    workers = [
        start_worker(
            name=name,
            database_url=test_database_url,
            redis_url=private_redis.url(0),
            EMAIL_URL=smtp_server.url,
            # A claim older than this is the sweep's to take back; Redis redelivers the killed
            # worker's task after the visibility timeout (no countdowns here).
            PORTAL_MAIL_CLAIM_SECONDS="5",
            REPORTS_VISIBILITY_TIMEOUT="10",
            PORTAL_BROKER_RESTORE_SECONDS="2",
        )
        for name in ("a", "b")
    ]
    pk = portal_python(
        "from django.core.mail import send_mail\n"
        "from portal.core.models import OutgoingMail\n"
        "send_mail('Ett evenemang nära dig', 'Välkommen!', None, ['anna@example.se'])\n"
        "print(json.dumps(OutgoingMail.objects.latest('pk').pk))",
        workers[0].env,
    )
    assert smtp_server.stalled.wait(30), "no worker started sending"
    mail = OutgoingMail.objects.get(pk=pk)
    assert mail.status == MailStatus.SENDING and mail.attempts == 1
    (victim,) = [w for w in workers if took(w, "portal.core.tasks.deliver_mail")]
    (survivor,) = [w for w in workers if w is not victim]
    victim.kill()
    smtp_server.release.set()
    killed = timezone.now()
    assert OutgoingMail.objects.get(pk=pk).status == MailStatus.SENDING
    assert smtp_server.messages == []

    # The every-minute sweep, once the claim is stale, takes it back and hands it over.
    time.sleep(5.5)
    swept = portal_python(
        "from portal.core.mail import outbox_sweep\nprint(json.dumps(outbox_sweep()))",
        survivor.env,
    )
    assert swept["taken_back"] == 1 and swept["handed_over"] == 1, swept
    assert wait_for(
        lambda: OutgoingMail.objects.get(pk=pk).status == MailStatus.SENT, seconds=60
    ), OutgoingMail.objects.get(pk=pk).last_error
    sent = OutgoingMail.objects.get(pk=pk)
    assert sent.attempts == 2
    assert smtp_server.messages == [
        {"to": ["anna@example.se"], "subject": "Ett evenemang nära dig"}
    ]

    # The killed worker's own task comes back from Redis too: it finds the mail sent and sends
    # nothing.
    assert wait_for(lambda: survivor.log_text().count("'skipped'") >= 1, seconds=60), (
        survivor.log_text()[-3000:]
    )
    assert len(smtp_server.messages) == 1
    record(
        "Worker killed mid-send (mail)",
        "the SMTP conversation hung, the worker was killed; the sweep took the stale claim back "
        f"and the other worker sent it {(sent.sent_at - killed).total_seconds():.1f} s after the "
        "kill (attempts 2); the redelivered task of the dead worker sent nothing: 1 message",
    )
