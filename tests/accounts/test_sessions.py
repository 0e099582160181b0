"""Sessions: they end on a password change or reset, a person sees where they are signed in and
can end the other sessions; each session ends when the browser closes and, on the server, after
SESSION_COOKIE_AGE. Everything through the real allauth views."""

import datetime as dt
import re
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-passphrase-7"
SESSIONS = "/accounts/sessions/"


def signed_in_client(email: str, agent: str = "Mozilla/5.0 (X11; Linux) Firefox/140.0") -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert "_auth_user_id" in client.session
    return client


def is_signed_out(client: Client) -> bool:
    """The next request for a private page goes to the sign-in page."""
    response = client.get(reverse("accounts:profile"))
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# --- Password change and reset -------------------------------------------------------------------


def test_changing_the_password_ends_the_other_sessions() -> None:
    user = UserFactory()
    laptop = signed_in_client(user.email)
    phone = signed_in_client(user.email, agent="Mobile Safari")
    assert not is_signed_out(phone)

    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert is_signed_out(phone)
    # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE: the session that changed it signs in again as well.
    assert is_signed_out(laptop)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    signed_in_client_after = Client()
    signed_in_client_after.post(
        reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD}
    )
    assert not is_signed_out(signed_in_client_after)


def test_a_refused_password_change_ends_nothing() -> None:
    user = UserFactory()
    laptop = signed_in_client(user.email)
    phone = signed_in_client(user.email)
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not is_signed_out(phone)
    assert not is_signed_out(laptop)


def test_a_password_reset_by_the_mailed_key_ends_every_session(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory()
    laptop = signed_in_client(user.email)
    phone = signed_in_client(user.email)

    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(reverse("account_reset_password"), {"email": user.email})
    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body)
    assert link, body
    page = visitor.get(link.group(1), follow=True)
    set_password_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    response = visitor.post(
        set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    assert is_signed_out(laptop)
    assert is_signed_out(phone)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


# --- Signed-in devices ---------------------------------------------------------------------------


def test_the_page_lists_each_device_and_marks_this_one() -> None:
    user = UserFactory()
    signed_in_client(user.email, agent="Phone <script>alert(1)</script>")
    laptop = signed_in_client(user.email, agent="Laptop Firefox")
    page = laptop.get(SESSIONS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Signed-in devices" in html
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)[1:]  # after the header row
    assert len(rows) == 2
    current = [row for row in rows if 'aria-current="true"' in row]
    assert len(current) == 1
    assert "Laptop Firefox" in current[0]
    assert "This device" in current[0]
    # The other device's user agent is shown as text, never as markup.
    assert "Phone &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "127.0.0.1" in html
    assert "Sign out the other sessions" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_last_seen_is_shown_in_stockholm_time() -> None:
    user = UserFactory()
    client = signed_in_client(user.email)
    winter_noon_utc = dt.datetime(2026, 1, 15, 11, 5, tzinfo=dt.UTC)
    UserSession.objects.filter(user=user).update(created_at=winter_noon_utc)
    html = client.get(SESSIONS).content.decode()
    assert "15 January 2026 12:05" in html  # UTC+1 in winter


def test_ending_the_other_sessions_signs_them_out_and_keeps_this_one() -> None:
    user = UserFactory()
    other_person = UserFactory()
    phone = signed_in_client(user.email, agent="Phone")
    tablet = signed_in_client(user.email, agent="Tablet")
    laptop = signed_in_client(user.email, agent="Laptop")
    stranger = signed_in_client(other_person.email)

    response = laptop.post(SESSIONS, follow=True)
    assert response.redirect_chain == [(SESSIONS, 302)]
    page = response.content.decode()
    assert "The other sessions have been signed out." in page
    assert "You are signed in on this device only." in page
    assert "Sign out the other sessions" not in page

    assert is_signed_out(phone)
    assert is_signed_out(tablet)
    assert not is_signed_out(laptop)
    assert not is_signed_out(stranger)  # someone else's sessions are untouched
    assert list(UserSession.objects.filter(user=user).values_list("user_agent", flat=True)) == [
        "Laptop"
    ]


def test_ending_sessions_needs_the_csrf_token() -> None:
    user = UserFactory()
    phone = signed_in_client(user.email)
    laptop = Client(enforce_csrf_checks=True)
    laptop.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in laptop.session  # refused without the token too
    laptop.force_login(user)
    response = laptop.post(SESSIONS)
    assert response.status_code == 403
    assert not is_signed_out(phone)


def test_the_page_needs_sign_in() -> None:
    response = Client().get(SESSIONS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_page_and_the_menu_speak_both_languages(language: str) -> None:
    user = UserFactory(preferred_language=language)
    client = signed_in_client(user.email)
    signed_in_client(user.email)
    html = client.get(SESSIONS).content.decode()
    expected = {
        "sv": ["Inloggade enheter", "Den här enheten", "Logga ut de andra sessionerna"],
        "en": ["Signed-in devices", "This device", "Sign out the other sessions"],
    }[language]
    for text in expected:
        assert text in html
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{SESSIONS}"' in profile
    assert expected[0] in profile


# --- How long a session lasts --------------------------------------------------------------------


def test_a_session_ends_with_the_browser_and_within_a_working_day_on_the_server() -> None:
    user = UserFactory()
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, "remember": "on"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # No "remember me": the cookie has no lifetime of its own, the browser drops it on closing.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    stored: Any = Session.objects.get(session_key=cookie.value)
    lifetime = stored.expire_date - timezone.now()
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert 8 * 3600 - 60 < lifetime.total_seconds() <= 8 * 3600
