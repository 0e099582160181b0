import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_with_email(client) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failed_logins_are_rate_limited(client) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    url = reverse("account_login")
    statuses = [
        client.post(url, {"login": user.email, "password": "wrong-password"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5
    # Past the limit the right password is refused too, until the window passes.
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_unverified_email_cannot_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    from allauth.account.models import EmailAddress

    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/me/", "/me/organisations/", "/me/profile/"])
def test_private_pages_need_sign_in(client, path) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("path", ["/", "/regions/", "/accessibility/", "/healthz", "/readyz"])
def test_public_pages_are_public(client, path) -> None:  # type: ignore[no-untyped-def]
    assert client.get(path).status_code == 200


def test_language_choice_is_kept_in_the_profile(client) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    client.post(reverse("core:set_language"), {"language": "sv", "next": "/me/"})
    user.refresh_from_db()
    assert user.preferred_language == "sv"
    page = client.get(reverse("accounts:dashboard"))
    assert 'lang="sv"' in page.content.decode()


def test_language_switch_refuses_foreign_redirects(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("core:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
