"""Mail leaves through a real Celery worker on the Redis broker, after the commit."""

import time

import pytest
from django.core import mail

from portal.accounts import services
from portal.core.models import MailStatus, OutgoingMail
from tests.factories import UserFactory
from tests.utils import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_join_request_mail_is_sent_by_the_worker(celery_app, celery_worker) -> None:  # type: ignore[no-untyped-def]
    assert not celery_app.conf.task_always_eager
    admin = UserFactory(email="org.admin@example.se")
    org = services.organisation_create(
        creator=admin,
        data={"kind": "company", "name": "Worker AB", "org_number": "556036-0793"},
    )
    mail.outbox.clear()
    services.join_request_create(user=UserFactory(), organisation=org, message="Hello")
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker did not send the mail"
    assert mail.outbox[0].to == ["org.admin@example.se"]
    # It went through the outbox: written down, then marked sent by the worker.
    assert wait_for(
        lambda: (
            OutgoingMail.objects.filter(to="org.admin@example.se", status=MailStatus.SENT)
            .exclude(kind="")
            .exists()
        )
    )


def test_nothing_is_sent_when_the_transaction_rolls_back(celery_app, celery_worker) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    admin = UserFactory(email="org.admin2@example.se")
    org = services.organisation_create(
        creator=admin,
        data={"kind": "company", "name": "Rollback AB", "org_number": "202100-2932"},
    )
    mail.outbox.clear()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        services.join_request_create(user=UserFactory(), organisation=org, message="")
        raise Boom
    time.sleep(1.5)
    assert mail.outbox == []
    assert not OutgoingMail.objects.filter(to="org.admin2@example.se").exists()
