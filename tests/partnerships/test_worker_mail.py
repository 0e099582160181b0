"""Co-sharing mail leaves through a real Celery worker on the Redis broker, after the commit."""

import uuid
from typing import Any

import pytest
from django.core import mail

from partnerships.services import proposals as proposal_services
from portal.accounts.roles import Role
from portal.accounts.services import organisation_create, role_grant
from regions.models import Region, RegionRole
from regions.services import region_assign_role
from tests.factories import UserFactory
from tests.utils import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_submitted_proposal_reaches_the_coordinators_through_the_worker(
    reference_data: None, celery_app: Any, celery_worker: Any
) -> None:
    assert not celery_app.conf.task_always_eager
    region = Region.objects.get(slug="uppsala")
    admin = UserFactory(email="admin@portal.example.se")
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    coordinator = UserFactory(email="ulla@uppsala.example.se", preferred_language="sv")
    region_assign_role(actor=admin, region=region, user=coordinator, role=RegionRole.COORDINATOR)
    author = UserFactory(email="kim@caresense.example")
    company = organisation_create(
        creator=author,
        data={"kind": "company", "name": "CareSense AB", "org_number": "559123-4561"},
    )
    draft = proposal_services.proposal_create_draft(
        actor=author,
        organisation=company,
        region=region,
        data={
            "title": "Sårfoton hemifrån",
            "summary": "Patienter fotograferar såret hemma.",
            "care_need": "Färre återbesök.",
            "solution": "En app.",
            "trl": 6,
            "collaboration_kind": "clinical",
            "contact_name": "Kim Berg",
            "contact_email": "kim@caresense.example",
        },
        client_token=uuid.uuid4(),
    )
    mail.outbox.clear()

    proposal_services.proposal_submit(actor=author, proposal=draft)

    assert wait_for(lambda: len(mail.outbox) == 1), "the worker did not send the mail"
    message = mail.outbox[0]
    assert message.to == ["ulla@uppsala.example.se"]
    assert "Sårfoton hemifrån" in message.subject + message.body
