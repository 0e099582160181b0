"""The daily digest runs through a real Celery worker on the Redis broker, as beat sends it."""

from typing import Any

import pytest
from django.core import mail
from django.core.mail import send_mail

from obstacles.tasks import send_review_digest
from obstacles.workflow import ObstacleStatus
from portal.core.models import AuditEvent
from tests.utils import wait_for

from .test_entry_scene import *  # noqa: F403  (fixtures)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_digest_task_reaches_the_reviewer_through_the_worker(
    reference_data: None, entry_in: Any, reviewer: Any, celery_app: Any, celery_worker: Any
) -> None:
    assert not celery_app.conf.task_always_eager
    entry = entry_in(ObstacleStatus.SUBMITTED, title="Molntjänsten kräver sekretessprövning")
    mail.outbox.clear()

    send_review_digest.delay()

    assert wait_for(lambda: len(mail.outbox) == 1), "the worker did not send the digest"
    message = mail.outbox[0]
    assert message.to == [reviewer.email]
    assert entry.title in message.body
    assert AuditEvent.objects.filter(action="obstacle.digest", target_id=str(reviewer.pk)).exists()

    # Beat firing again the same day (or a retry) sends nothing more. The worker runs one task
    # at a time in queue order, so the marker mail queued after it arrives once that run ended.
    send_review_digest.delay()
    send_mail("marker", "", None, ["marker@example.se"])
    assert wait_for(lambda: len(mail.outbox) == 2), "the worker did not finish the queue"
    assert [m.to for m in mail.outbox] == [[reviewer.email], ["marker@example.se"]]
