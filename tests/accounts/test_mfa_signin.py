"""The second factor cannot be skipped: a staff member who gave the right password but not yet
the code is not signed in anywhere; wrong codes are refused and limited; a recovery code works
once; and staff cannot turn their authenticator app off (the MFA adapter refuses, translated).

Everything goes through allauth's real sign-in views; the codes are computed from the secret as
an authenticator app would.
"""

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MFA_STEP = "/accounts/2fa/authenticate/"
LOGIN = "/accounts/login/"


def code_now(offset: int = 0) -> str:
    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30 + offset))


def wrong_code() -> str:
    """A six-digit code that is not valid in any of the accepted time steps."""
    valid = {code_now(offset) for offset in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


@pytest.fixture
def staff() -> Any:
    user = UserFactory(name="Ulla Coordinator")
    role_grant(user=user, role=Role.REGION_COORDINATOR)
    TOTP.activate(user, SECRET)
    return user


@pytest.fixture
def security_events(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[str], list[Any]]]:
    """The records of one security event (the logger does not propagate to caplog's root)."""
    security_logger = logging.getLogger("portal.security")
    security_logger.addHandler(caplog.handler)

    def records(event: str) -> list[Any]:
        return [
            r.security  # type: ignore[attr-defined]
            for r in caplog.records
            if r.name == "portal.security" and r.security["event"] == event  # type: ignore[attr-defined]
        ]

    try:
        yield records
    finally:
        security_logger.removeHandler(caplog.handler)


def password_step(client: Client, user: Any) -> None:
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == MFA_STEP
    assert "_auth_user_id" not in client.session


def is_anonymous(client: Client) -> bool:
    return "_auth_user_id" not in client.session


# --- Between the password and the code ------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/me/", "/me/profile/", "/partnerships/", "/obstacles/review/", "/accounts/sessions/"]
)
def test_pages_are_not_open_after_the_password_alone(client: Client, staff: Any, path: str) -> None:
    password_step(client, staff)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    assert is_anonymous(client)


def test_the_admin_is_not_open_after_the_password_alone(client: Client, staff: Any) -> None:
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    password_step(client, staff)
    response = client.get("/admin/", follow=True)
    # To the sign-in page, which sends the half-signed-in person back to the code step.
    assert [url.split("?")[0] for url, _ in response.redirect_chain] == [
        "/admin/login/",
        LOGIN,
        MFA_STEP,
    ]
    assert "site administration" not in response.content.decode().lower()
    assert is_anonymous(client)


def test_an_htmx_fragment_is_not_served_after_the_password_alone(
    client: Client, staff: Any
) -> None:
    password_step(client, staff)
    response = client.get(
        reverse("accounts:organisation_list") + "?q=a", headers={"HX-Request": "true"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_post_after_the_password_alone_changes_nothing(client: Client, staff: Any) -> None:
    password_step(client, staff)
    response = client.post(
        reverse("accounts:profile"), {"name": "Mallory", "preferred_language": "sv"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    staff.refresh_from_db()
    assert staff.name == "Ulla Coordinator"
    assert staff.preferred_language == "en"
    # Nor can the authenticator be removed from there.
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_the_right_code_then_signs_in(client: Client, staff: Any) -> None:
    password_step(client, staff)
    response = client.post(MFA_STEP, {"code": code_now()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/me/").status_code == 200


def test_a_code_is_no_good_without_the_password_step(client: Client, staff: Any) -> None:
    response = client.post(MFA_STEP, {"code": code_now()})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert is_anonymous(client)


# --- Wrong codes ---------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_with_an_error_beside_the_field(client: Client, staff: Any) -> None:
    password_step(client, staff)
    response = client.post(MFA_STEP, {"code": wrong_code()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Incorrect code." in html
    assert 'aria-invalid="true"' in html
    assert is_anonymous(client)


def test_wrong_codes_are_rate_limited_even_for_the_right_code(
    client: Client, staff: Any, security_events: Callable[[str], list[Any]]
) -> None:
    password_step(client, staff)
    for _ in range(5):
        response = client.post(MFA_STEP, {"code": wrong_code()})
        assert "Incorrect code." in response.content.decode()
    response = client.post(MFA_STEP, {"code": code_now()})
    assert "Too many failed login attempts" in response.content.decode()
    assert is_anonymous(client)
    limited = security_events("login_rate_limited")
    assert [record["step"] for record in limited] == ["mfa"]
    # A new password step does not reset the count kept for the account.
    other = Client()
    password_step(other, staff)
    response = other.post(MFA_STEP, {"code": code_now(1)})
    assert "Too many failed login attempts" in response.content.decode()
    assert is_anonymous(other)


# --- Recovery codes ----------------------------------------------------------------------------


def test_a_recovery_code_works_once(client: Client, staff: Any) -> None:
    codes = RecoveryCodes.activate(staff).get_unused_codes()
    password_step(client, staff)
    client.post(MFA_STEP, {"code": codes[0]})
    assert client.session["_auth_user_id"] == str(staff.pk)
    client.post(reverse("account_logout"))

    again = Client()
    password_step(again, staff)
    response = again.post(MFA_STEP, {"code": codes[0]})
    assert "Incorrect code." in response.content.decode()
    assert is_anonymous(again)
    again.post(MFA_STEP, {"code": codes[1]})
    assert again.session["_auth_user_id"] == str(staff.pk)
    remaining = RecoveryCodes(
        Authenticator.objects.get(user=staff, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert codes[0] not in remaining
    assert codes[1] not in remaining


# --- Turning MFA off ---------------------------------------------------------------------------


def signed_in_with_code(user: Any) -> Client:
    client = Client()
    password_step(client, user)
    client.post(MFA_STEP, {"code": code_now()})
    assert client.session["_auth_user_id"] == str(user.pk)
    # allauth asks for the password again before MFA settings change.
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Your role requires two-factor authentication, so it cannot be turned off."),
        ("sv", "Din roll kräver tvåfaktorsautentisering, så den kan inte stängas av."),
    ],
)
def test_staff_cannot_deactivate_their_authenticator_app(
    staff: Any, security_events: Callable[[str], list[Any]], language: str, message: str
) -> None:
    staff.preferred_language = language
    staff.save(update_fields=["preferred_language"])
    client = signed_in_with_code(staff)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/me/").status_code == 200  # still at work, with MFA
    assert security_events("mfa_deactivation_refused") == [
        {
            "event": "mfa_deactivation_refused",
            "outcome": "refused",
            "user_id": staff.pk,
            "ip": "127.0.0.1",
            "method": "POST",
            "path": reverse("mfa_deactivate_totp"),
        }
    ]


def test_someone_without_a_staff_role_may_deactivate(client: Client) -> None:
    member = UserFactory()
    TOTP.activate(member, SECRET)
    client = signed_in_with_code(member)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member).exists()


def test_staff_whose_app_an_admin_reset_must_set_it_up_again_at_once(staff: Any) -> None:
    client = signed_in_with_code(staff)
    Authenticator.objects.filter(user=staff).delete()  # the admin's reset, in the Django admin
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
