"""Role changes are audited wherever they are made: the portal's services write their own rows;
changes in the Django admin, from a group's side or in a shell are caught by
portal.accounts.audit_signals. Every change is also a `role_changed` security event."""

import logging
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.services import role_grant, role_revoke
from portal.core.models import AuditEvent
from regions.models import Region, RegionRole
from regions.services import region_assign_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _role_rows(user: Any) -> list[tuple[Any, str, dict[str, Any]]]:
    rows = AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk))
    return list(
        rows.filter(action__startswith="role.")
        .order_by("pk")
        .values_list("actor", "action", "data")
    )


def _role_events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [
        r.security  # type: ignore[attr-defined]
        for r in caplog.records
        if getattr(r, "security", {}).get("event") == "role_changed"
    ]


@pytest.fixture
def superuser(with_mfa: Any) -> Any:
    return with_mfa(UserFactory(is_superuser=True, is_staff=True, name="Super Admin"))


@pytest.fixture
def admin_site(client: Client, superuser: Any) -> Client:
    client.force_login(superuser)
    return client


def _change_form(user: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "email": user.email,
        "name": user.name,
        "preferred_language": user.preferred_language,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
    }
    if user.is_staff:
        data["is_staff"] = "on"
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_group_given_in_the_django_admin_is_audited_with_the_admin(
    admin_site: Client,
    superuser: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = UserFactory()
    reviewers = Group.objects.get(name=Role.OBSTACLE_REVIEWER.value)
    with (
        caplog.at_level(logging.INFO, logger="portal.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = admin_site.post(
            f"/admin/accounts/user/{person.pk}/change/",
            _change_form(person, groups=[reviewers.pk]),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert person.groups.filter(pk=reviewers.pk).exists()
    assert _role_rows(person) == [
        (superuser.pk, "role.grant", {"role": "obstacle_reviewer", "via": "admin"})
    ]
    events = _role_events(caplog)
    assert len(events) == 1
    assert events[0]["change"] == "granted"
    assert events[0]["role"] == "obstacle_reviewer"
    assert events[0]["target_user_id"] == person.pk
    assert events[0]["by_user_id"] == superuser.pk
    assert events[0]["user_id"] == superuser.pk


def test_a_group_taken_away_in_the_django_admin_is_audited(
    admin_site: Client, superuser: Any
) -> None:
    person = UserFactory()
    role_grant(user=person, role=Role.MANAGEMENT_SPONSOR, actor=superuser)
    AuditEvent.objects.all().delete()
    response = admin_site.post(
        f"/admin/accounts/user/{person.pk}/change/", _change_form(person, groups=[])
    )
    assert response.status_code == 302
    assert _role_rows(person) == [
        (superuser.pk, "role.revoke", {"role": "management_sponsor", "via": "admin"})
    ]


def test_superuser_and_admin_access_ticked_and_unticked_in_the_admin(
    admin_site: Client, superuser: Any
) -> None:
    person = UserFactory()
    url = f"/admin/accounts/user/{person.pk}/change/"
    admin_site.post(url, _change_form(person, is_superuser="on", is_staff="on"))
    person.refresh_from_db()
    assert person.is_superuser and person.is_staff
    granted = {(a, act, d["role"]) for a, act, d in _role_rows(person)}
    assert granted == {
        (superuser.pk, "role.grant", "superuser"),
        (superuser.pk, "role.grant", "staff"),
    }
    AuditEvent.objects.all().delete()
    admin_site.post(url, _change_form(person, is_superuser=None))
    person.refresh_from_db()
    assert not person.is_superuser and person.is_staff
    assert _role_rows(person) == [
        (superuser.pk, "role.revoke", {"role": "superuser", "via": "admin"})
    ]


def test_saving_the_user_without_a_role_change_writes_nothing(
    admin_site: Client, superuser: Any
) -> None:
    person = UserFactory(is_staff=True)
    AuditEvent.objects.all().delete()
    response = admin_site.post(
        f"/admin/accounts/user/{person.pk}/change/", _change_form(person, name="New Name")
    )
    assert response.status_code == 302
    assert _role_rows(person) == []
    person.last_login = person.date_joined
    person.save(update_fields=["last_login"])
    assert not AuditEvent.objects.exists()


def test_changes_from_the_groups_side_and_clears_are_audited_as_the_system(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = UserFactory(), UserFactory()
    reviewers = Group.objects.get(name=Role.OBSTACLE_REVIEWER.value)
    sponsors = Group.objects.get(name=Role.MANAGEMENT_SPONSOR.value)
    with (
        caplog.at_level(logging.INFO, logger="portal.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reviewers.user_set.add(first, second)
        first.groups.add(sponsors)
        first.groups.clear()
        reviewers.user_set.clear()
    assert [(a, act, d["role"]) for a, act, d in _role_rows(first)] == [
        (None, "role.grant", "obstacle_reviewer"),
        (None, "role.grant", "management_sponsor"),
        (None, "role.revoke", "management_sponsor"),
        (None, "role.revoke", "obstacle_reviewer"),
    ]
    assert [(act, d["role"]) for _a, act, d in _role_rows(second)] == [
        ("role.grant", "obstacle_reviewer"),
        ("role.revoke", "obstacle_reviewer"),
    ]
    events = _role_events(caplog)
    assert len(events) == 6
    assert {e["via"] for e in events} == {"system"}


def test_a_role_change_rolled_back_is_not_reported(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    person = UserFactory()
    with (
        caplog.at_level(logging.INFO, logger="portal.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        try:
            with transaction.atomic():
                person.groups.add(Group.objects.get(name=Role.PORTAL_ADMIN.value))
                raise RuntimeError("undo")
        except RuntimeError:
            pass
    assert _role_events(caplog) == []
    assert _role_rows(person) == []


def test_services_write_one_row_each_and_report_the_change(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    admin = UserFactory()
    person = UserFactory()
    with (
        caplog.at_level(logging.INFO, logger="portal.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        role_grant(user=person, role=Role.OBSTACLE_REVIEWER, actor=admin)
        role_revoke(user=person, role=Role.OBSTACLE_REVIEWER, actor=admin)
    assert _role_rows(person) == [
        (admin.pk, "role.grant", {"role": "obstacle_reviewer"}),
        (admin.pk, "role.revoke", {"role": "obstacle_reviewer"}),
    ]
    events = _role_events(caplog)
    assert [(e["change"], e["by_user_id"], e["via"]) for e in events] == [
        ("granted", admin.pk, "portal"),
        ("revoked", admin.pk, "portal"),
    ]


def test_a_region_role_is_audited_by_its_service_with_who_gave_it(with_mfa: Any) -> None:
    admin = UserFactory()
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    person = UserFactory()
    region = Region.objects.get(slug="uppsala")
    region_assign_role(actor=admin, region=region, user=person, role=RegionRole.COORDINATOR)
    assert _role_rows(person) == [(admin.pk, "role.grant", {"role": "region_coordinator"})]
    assign = AuditEvent.objects.get(action="region.assign_role", target_id=str(region.pk))
    assert assign.actor_id == admin.pk
    assert assign.data["user"] == person.pk


def test_loading_users_costs_no_extra_query(django_assert_num_queries: Any) -> None:
    UserFactory()
    with django_assert_num_queries(1):
        users = list(User.objects.only("email"))  # flags deferred: not read on load
    assert users
