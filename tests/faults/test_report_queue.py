"""The rules that keep report requests alive when the broker is away or loses their task
(reports/services/requests.py `report_enqueue`, reports/services/cleanup.py), run in portal
processes against a Redis of the test's own that is stopped and started, with no worker: what
sits in Redis's queue is looked at directly."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from reports.models import ReportRequest
from reports.selectors import report_status
from reports.services import WAITING_FOR_QUEUE, reports_fail_stuck
from reports.workflow import ReportError, ReportState

from .conftest import RedisServer, portal_env, portal_python

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The processes run with the default limits, as the test process does.
STUCK_AFTER = (settings.REPORTS_MAX_ATTEMPTS + 1) * settings.REPORTS_TIME_LIMIT
ASK = """
from django.contrib.auth.models import AnonymousUser
from reports.services import report_request
row = report_request(
    user=AnonymousUser(), session_key="faults-session", kind="process_guide",
    params={"region": ""}, language="en",
)
print(json.dumps(str(row.pk)))
"""


def requeue(env: dict[str, str], *, later: int = 0) -> Any:
    return portal_python(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from reports.services import reports_requeue_waiting\n"
        f"now = timezone.now() + timedelta(seconds={later})\n"
        "print(json.dumps(reports_requeue_waiting(now=now)))",
        env,
    )


def fail_stuck(env: dict[str, str], *, later: int) -> int:
    """The hourly sweep's rule (it publishes nothing, so it runs in this process)."""
    return reports_fail_stuck(now=timezone.now() + timedelta(seconds=later))


def queued_tasks(redis: RedisServer) -> int:
    return int(redis._client().llen("reports"))


@pytest.fixture
def env(
    private_redis: RedisServer,
    test_database_url: str,
    reference_data: None,
    faults_static: Path,
    faults_media: Path,
) -> dict[str, str]:
    return portal_env(
        database_url=test_database_url,
        redis_url=private_redis.url(0),
        static_root=faults_static,
        media_root=faults_media,
    )


def test_a_request_the_broker_could_not_take_waits_is_never_failed_and_is_handed_over_once(
    env: dict[str, str], private_redis: RedisServer
) -> None:
    private_redis.stop()
    pk = portal_python(ASK, env)
    row = ReportRequest.objects.get(pk=pk)
    assert row.state == ReportState.QUEUED
    assert row.error_detail.startswith(f"{WAITING_FOR_QUEUE}: OperationalError")
    assert report_status(row).delayed

    # However long the broker stays away, the request waits for it (the person was told so).
    assert fail_stuck(env, later=STUCK_AFTER + 3600) == 0
    # The sweep tries every minute and leaves it waiting while the broker is away.
    assert requeue(env) == {"waiting": 1, "handed_over": 0}
    assert ReportRequest.objects.get(pk=pk).error_detail.startswith(WAITING_FOR_QUEUE)

    private_redis.start()
    assert requeue(env) == {"waiting": 1, "handed_over": 1}
    row = ReportRequest.objects.get(pk=pk)
    assert row.state == ReportState.QUEUED and row.error_detail == ""
    assert not report_status(row).delayed
    assert queued_tasks(private_redis) == 1
    # Handed over: not again, and the stuck-sweep leaves the workers a minute to take it.
    assert requeue(env) == {"waiting": 0, "handed_over": 0}
    assert queued_tasks(private_redis) == 1
    assert fail_stuck(env, later=30) == 0


def test_a_task_the_broker_lost_is_handed_over_again_after_a_while(
    env: dict[str, str], private_redis: RedisServer
) -> None:
    pk = portal_python(ASK, env)
    assert queued_tasks(private_redis) == 1
    assert ReportRequest.objects.get(pk=pk).error_detail == ""
    # Redis restarts without its data: the task is gone, the row still waits for a worker.
    private_redis.stop()
    private_redis.start()
    assert queued_tasks(private_redis) == 0

    assert requeue(env) == {"waiting": 0, "handed_over": 0}  # not yet: it may be on its way
    later = settings.REPORTS_REQUEUE_AFTER_SECONDS + 1
    assert requeue(env, later=later) == {"waiting": 1, "handed_over": 1}
    assert queued_tasks(private_redis) == 1
    with override_settings(REPORTS_REQUEUE_AFTER_SECONDS=0):
        # The page says it takes longer once no worker claimed it within that period.
        assert report_status(ReportRequest.objects.get(pk=pk)).delayed


def test_nothing_waits_forever_without_a_worker(
    env: dict[str, str], private_redis: RedisServer
) -> None:
    pk = portal_python(ASK, env)
    row = ReportRequest.objects.get(pk=pk)
    # Handed over, never claimed: after (REPORTS_MAX_ATTEMPTS + 1) × REPORTS_TIME_LIMIT it
    # fails as temporary, and the person may try again.
    assert fail_stuck(env, later=STUCK_AFTER - 60) == 0
    assert fail_stuck(env, later=STUCK_AFTER + 61) == 1
    row = ReportRequest.objects.get(pk=pk)
    assert row.state == ReportState.FAILED and row.error_code == ReportError.TEMPORARY
    assert row.finished_at is not None
