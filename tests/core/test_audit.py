import pytest

from portal.accounts import services
from portal.core.models import AuditEvent
from tests.factories import AuditEventFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_services_leave_an_audit_trail() -> None:
    admin = UserFactory()
    org = services.organisation_create(
        creator=admin,
        data={"kind": "academia", "name": "Lunds universitet", "org_number": "202100-3211"},
    )
    services.organisation_update(
        actor=admin,
        organisation=org,
        expected_version=1,
        data={
            "kind": "academia",
            "name": "Lund University",
            "org_number": "202100-3211",
            "website": "",
            "description": "",
        },
    )
    actions = list(AuditEvent.objects.filter(target_id=str(org.pk)).values_list("action", "actor"))
    assert ("organisation.create", admin.pk) in actions
    assert ("organisation.update", admin.pk) in actions


def test_audit_event_factory_builds_a_row() -> None:
    event = AuditEventFactory()
    assert "organisation.update" in str(event)
