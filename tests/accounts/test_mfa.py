import pytest
from django.test import override_settings
from django.urls import reverse

from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MFA_SETUP = "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize(
    "role",
    [Role.PORTAL_ADMIN, Role.REGION_COORDINATOR, Role.MANAGEMENT_SPONSOR, Role.OBSTACLE_REVIEWER],
)
@pytest.mark.parametrize("path", ["/me/", "/me/organisations/", "/regions/", "/admin/", "/"])
def test_staff_without_mfa_are_sent_to_set_it_up(client, role, path) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    role_grant(user=user, role=role)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(MFA_SETUP)


def test_htmx_requests_are_redirected_too(client) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    role_grant(user=user, role=Role.REGION_COORDINATOR)
    client.force_login(user)
    response = client.get("/me/organisations/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == MFA_SETUP


def test_the_setup_page_itself_is_reachable(client) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    role_grant(user=user, role=Role.OBSTACLE_REVIEWER)
    client.force_login(user)
    response = client.get(MFA_SETUP)
    # allauth asks to reauthenticate or shows the QR code: either way not sent in a loop.
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert not response["Location"].startswith(MFA_SETUP)


def test_staff_with_mfa_get_through(client, with_mfa) -> None:  # type: ignore[no-untyped-def]
    user = with_mfa(UserFactory())
    role_grant(user=user, role=Role.REGION_COORDINATOR)
    client.force_login(user)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_company_members_need_no_mfa(client) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    role_grant(user=user, role=Role.COMPANY_MEMBER)
    client.force_login(user)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_demo_exemption_applies_only_to_listed_addresses(client) -> None:  # type: ignore[no-untyped-def]
    demo = UserFactory(email="demo-coordinator@example.se")
    role_grant(user=demo, role=Role.REGION_COORDINATOR)
    client.force_login(demo)
    with override_settings(PORTAL_MFA_EXEMPT_EMAILS=["demo-coordinator@example.se"]):
        assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_admin_login_goes_through_allauth(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
