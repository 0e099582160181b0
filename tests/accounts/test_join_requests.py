import pytest
from django.core import mail
from django.urls import reverse

from portal.accounts import services
from portal.accounts.models import JoinRequest, JoinRequestStatus, Membership, MembershipRole
from portal.accounts.roles import Role
from portal.accounts.selectors import user_has_role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_with_admin():  # type: ignore[no-untyped-def]
    admin = UserFactory(email="admin@medtech.se")
    org = services.organisation_create(
        creator=admin,
        data={"kind": "company", "name": "Medtech AB", "org_number": "556036-0793"},
    )
    return org, admin


def test_creator_becomes_admin_and_company_member(org_with_admin) -> None:  # type: ignore[no-untyped-def]
    org, admin = org_with_admin
    membership = Membership.objects.get(user=admin, organisation=org)
    assert membership.role == MembershipRole.ADMIN
    assert user_has_role(admin, Role.COMPANY_MEMBER)


def test_double_submit_creates_one_request(client, org_with_admin) -> None:  # type: ignore[no-untyped-def]
    org, _admin = org_with_admin
    requester = UserFactory()
    client.force_login(requester)
    url = reverse("accounts:join_request_create", args=[org.pk])
    for _ in range(2):
        response = client.post(url, {"message": "Hej"})
        assert response.status_code == 302
    assert JoinRequest.objects.filter(user=requester, organisation=org).count() == 1


def test_admins_are_told_of_a_request(org_with_admin, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    org, admin = org_with_admin
    requester = UserFactory(name="Karin Karlsson")
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_create(user=requester, organisation=org, message="Vi jobbar ihop")
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "Karin Karlsson" in mail.outbox[0].subject
    assert org.get_absolute_url() in mail.outbox[0].body


def test_approve_makes_a_member_and_tells_the_requester(  # type: ignore[no-untyped-def]
    client, org_with_admin, django_capture_on_commit_callbacks
) -> None:
    org, admin = org_with_admin
    requester = UserFactory(preferred_language="sv")
    jr = services.join_request_create(user=requester, organisation=org, message="")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:join_request_decide", args=[jr.pk]),
            {"decision": "approve", "note": "Välkommen"},
        )
    assert response.status_code == 302
    jr.refresh_from_db()
    assert jr.status == JoinRequestStatus.APPROVED
    assert jr.decided_by == admin
    assert Membership.objects.filter(user=requester, organisation=org, role="member").exists()
    assert mail.outbox[-1].to == [requester.email]
    # Told in their own language (Swedish).
    assert mail.outbox[-1].subject == "Du är nu medlem i Medtech AB"


def test_decline_tells_the_requester_and_makes_no_member(  # type: ignore[no-untyped-def]
    client, org_with_admin, django_capture_on_commit_callbacks
) -> None:
    org, admin = org_with_admin
    requester = UserFactory()
    jr = services.join_request_create(user=requester, organisation=org, message="")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:join_request_decide", args=[jr.pk]),
            {"decision": "decline", "note": "We do not know you"},
        )
    jr.refresh_from_db()
    assert jr.status == JoinRequestStatus.DECLINED
    assert not Membership.objects.filter(user=requester, organisation=org).exists()
    assert "declined" in mail.outbox[-1].subject
    assert "We do not know you" in mail.outbox[-1].body


def test_deciding_twice_changes_nothing(org_with_admin) -> None:  # type: ignore[no-untyped-def]
    org, admin = org_with_admin
    requester = UserFactory()
    jr = services.join_request_create(user=requester, organisation=org, message="")
    services.join_request_decide(actor=admin, join_request=jr, approve=True)
    again = services.join_request_decide(actor=admin, join_request=jr, approve=False)
    assert again.status == JoinRequestStatus.APPROVED
    assert Membership.objects.filter(user=requester, organisation=org).count() == 1


@pytest.mark.parametrize("who", ["member", "outsider", "requester"])
def test_only_admins_may_decide(client, org_with_admin, who) -> None:  # type: ignore[no-untyped-def]
    org, _admin = org_with_admin
    requester = UserFactory()
    jr = services.join_request_create(user=requester, organisation=org, message="")
    actor = {
        "member": MembershipFactory(organisation=org).user,
        "outsider": UserFactory(),
        "requester": requester,
    }[who]
    client.force_login(actor)
    response = client.post(
        reverse("accounts:join_request_decide", args=[jr.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    jr.refresh_from_db()
    assert jr.status == JoinRequestStatus.PENDING


def test_member_cannot_ask_again(client, org_with_admin) -> None:  # type: ignore[no-untyped-def]
    org, admin = org_with_admin
    client.force_login(admin)
    response = client.post(reverse("accounts:join_request_create", args=[org.pk]), {}, follow=True)
    assert b"already a member" in response.content
    assert not JoinRequest.objects.filter(user=admin).exists()


def test_last_admin_cannot_leave(client, org_with_admin) -> None:  # type: ignore[no-untyped-def]
    org, admin = org_with_admin
    membership = Membership.objects.get(user=admin, organisation=org)
    client.force_login(admin)
    response = client.post(reverse("accounts:membership_remove", args=[membership.pk]), follow=True)
    assert b"at least one admin" in response.content
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_withdraw_then_ask_again(client, org_with_admin) -> None:  # type: ignore[no-untyped-def]
    org, _admin = org_with_admin
    requester = UserFactory()
    jr = services.join_request_create(user=requester, organisation=org, message="")
    client.force_login(requester)
    client.post(reverse("accounts:join_request_withdraw", args=[jr.pk]))
    jr.refresh_from_db()
    assert jr.status == JoinRequestStatus.WITHDRAWN
    second = services.join_request_create(user=requester, organisation=org, message="")
    assert second.pk != jr.pk


def test_organisation_list_query_count_is_fixed(client) -> None:  # type: ignore[no-untyped-def]
    viewer = UserFactory()
    client.force_login(viewer)
    url = reverse("accounts:organisation_list")
    OrganisationFactory.create_batch(2)
    few = count_queries(client, url)
    for org in OrganisationFactory.create_batch(20):
        MembershipFactory(organisation=org)
        services.join_request_create(user=viewer, organisation=org, message="")
    assert count_queries(client, url) == few
    assert len(client.get(url).context["page"].object_list) == 22


def test_too_long_message_is_answered_beside_the_field(client, org_with_admin) -> None:  # type: ignore[no-untyped-def]
    org, _admin = org_with_admin
    client.force_login(UserFactory())
    typed = "Hej! " * 500  # 2500 characters
    response = client.post(
        reverse("accounts:join_request_create", args=[org.pk]), {"message": typed}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_message_error"' in html
    assert "at most 2000 characters" in html
    assert typed.strip()[:100] in html
    assert not JoinRequest.objects.exists()
