"""What was not delivered: a person sees their own on the profile page and may try again; portal
admins see everyone's on /me/mail/undelivered/; anyone else gets 404, and no page shows the text
of another person's mail."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from portal.core.models import AuditEvent, MailStatus, OutgoingMail
from tests.factories import UserFactory
from tests.factories_mail import OutgoingMailFactory
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

REFUSED = "address-refused: 550 5.1.1 <x>: no such user"
BUSY = "deferred: 421 4.3.2 Service busy, try later"
UNDELIVERED_URL = "/me/mail/undelivered/"


def failed(recipient: Any = None, **fields: Any) -> OutgoingMail:
    defaults = {"status": MailStatus.FAILED, "attempts": 1, "last_error": REFUSED}
    return OutgoingMailFactory(recipient=recipient, **{**defaults, **fields})  # type: ignore[no-any-return]


def waiting(recipient: Any = None, **fields: Any) -> OutgoingMail:
    defaults = {
        "status": MailStatus.PENDING,
        "attempts": 2,
        "last_error": BUSY,
        "next_attempt_at": timezone.now() + dt.timedelta(minutes=2),
    }
    return OutgoingMailFactory(recipient=recipient, **{**defaults, **fields})  # type: ignore[no-any-return]


@pytest.fixture
def person() -> Any:
    return UserFactory(email="person@example.se")


@pytest.fixture
def admin(with_mfa: Any) -> Any:
    user = with_mfa(UserFactory(email="admin@example.se"))
    role_grant(user=user, role=Role.PORTAL_ADMIN)
    return user


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- The profile page -------------------------------------------------------------------------


def test_the_profile_lists_a_persons_failed_and_long_waiting_mail_only(person: Any) -> None:
    mine_failed = failed(person, subject="Agreement in force")
    mine_waiting = waiting(person, subject="Gate waiting")
    OutgoingMailFactory(recipient=person, subject="Just written")  # no attempt yet
    OutgoingMailFactory(recipient=person, subject="Delivered", status=MailStatus.SENT, attempts=1)
    failed(UserFactory(), subject="Someone else's")

    page = _client(person).get(reverse("accounts:profile")).content.decode()

    assert "Mail we could not deliver to you" in page
    assert "Agreement in force" in page and "Gate waiting" in page
    assert "Just written" not in page and "Delivered" not in page
    assert "Someone else&#x27;s" not in page and "Someone else's" not in page
    assert "The mail server refused the address." in page
    assert "The mail server was busy and asked us to try again later." in page
    assert "Could not be delivered" in page and "We will try again at" in page
    assert mine_failed.body not in page and mine_waiting.body not in page
    assert "550" not in page and "421" not in page  # plain words, not the server's answer
    for row in (mine_failed, mine_waiting):
        assert reverse("accounts:mail_retry", args=[row.pk]) in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert UNDELIVERED_URL not in page  # the admins' page is not offered


def test_the_profile_says_when_everything_was_delivered(person: Any) -> None:
    page = _client(person).get(reverse("accounts:profile")).content.decode()
    assert "Every mail we sent you has been delivered" in page


def test_the_profile_escapes_a_subject(person: Any) -> None:
    failed(person, subject="<script>alert(1)</script>")
    page = _client(person).get(reverse("accounts:profile")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_profile_costs_the_same_queries_with_one_or_many_rows(person: Any) -> None:
    client = _client(person)
    url = reverse("accounts:profile")
    failed(person)
    few = count_queries(client, url)
    for _ in range(25):
        failed(person)
        waiting(person)
    assert count_queries(client, url) == few
    assert "Only the newest are shown here." in client.get(url).content.decode()


# --- Try again --------------------------------------------------------------------------------


def test_a_person_tries_their_own_mail_again_and_it_goes_out(
    person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    row = failed(person, attempts=8, subject="Try me")
    client = _client(person)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:mail_retry", args=[row.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.SENT, 1)  # a fresh set of attempts
    assert [m.to for m in mail.outbox] == [[row.to]]
    event = AuditEvent.objects.get(action="mail.retry")
    assert event.actor == person and event.target_id == str(row.pk)
    assert event.data == {"status": "failed", "attempts": 8}
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "We are sending “Try me” again." in page
    assert "Try me</th>" not in page


@pytest.mark.parametrize("who", ["someone else", "anonymous"])
def test_another_persons_mail_cannot_be_tried_again(person: Any, who: str) -> None:
    row = failed(person)
    client = _client(UserFactory() if who == "someone else" else None)

    response = client.post(reverse("accounts:mail_retry", args=[row.pk]))

    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.FAILED, 1)
    assert not AuditEvent.objects.filter(action="mail.retry").exists()


def test_a_missing_mail_is_404_like_someone_elses(person: Any) -> None:
    response = _client(person).post(reverse("accounts:mail_retry", args=[999999]))
    assert response.status_code == 404


def test_try_again_is_a_post(person: Any) -> None:
    row = failed(person)
    assert _client(person).get(reverse("accounts:mail_retry", args=[row.pk])).status_code == 405
    assert OutgoingMail.objects.get(pk=row.pk).status == MailStatus.FAILED


def test_try_again_needs_the_csrf_token(person: Any) -> None:
    row = failed(person)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.post(reverse("accounts:mail_retry", args=[row.pk])).status_code == 403
    assert OutgoingMail.objects.get(pk=row.pk).status == MailStatus.FAILED


@pytest.mark.parametrize("status", [MailStatus.SENT, MailStatus.SENDING])
def test_mail_sent_or_being_sent_is_left_alone(person: Any, status: str) -> None:
    row = OutgoingMailFactory(recipient=person, status=status, attempts=1)
    response = _client(person).post(reverse("accounts:mail_retry", args=[row.pk]), follow=True)
    assert "This mail is being sent or has already been sent." in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (status, 1)


def test_try_again_is_limited_per_minute(person: Any) -> None:
    from portal.accounts import views_mail

    rows = [failed(person) for _ in range(views_mail.RETRIES_PER_MINUTE + 1)]
    client = _client(person)
    for row in rows[:-1]:
        client.post(reverse("accounts:mail_retry", args=[row.pk]))
    response = client.post(reverse("accounts:mail_retry", args=[rows[-1].pk]), follow=True)

    assert "You pressed “Try again” very often." in response.content.decode()
    assert OutgoingMail.objects.get(pk=rows[-1].pk).status == MailStatus.FAILED
    assert OutgoingMail.objects.filter(status=MailStatus.FAILED).count() == 1


def test_try_again_returns_only_to_a_page_of_the_portal(person: Any) -> None:
    row = failed(person)
    client = _client(person)
    url = reverse("accounts:mail_retry", args=[row.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:profile")
    failed_again = failed(person)
    response = client.post(
        reverse("accounts:mail_retry", args=[failed_again.pk]), {"next": "/me/?tab=1"}
    )
    assert response["Location"] == "/me/?tab=1"


# --- The admins' page -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["person", "reviewer", "staff"])
def test_the_undelivered_page_is_404_for_everyone_but_portal_admins(
    who: str, person: Any, with_mfa: Any
) -> None:
    failed(person)
    user = person
    if who == "reviewer":
        user = with_mfa(UserFactory())
        role_grant(user=user, role=Role.OBSTACLE_REVIEWER)
    elif who == "staff":
        user = with_mfa(UserFactory(is_staff=True))
    assert _client(user).get(UNDELIVERED_URL).status_code == 404


def test_the_undelivered_page_asks_a_visitor_to_sign_in() -> None:
    response = Client().get(UNDELIVERED_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_admin_sees_every_undelivered_mail_and_filters_it(admin: Any, person: Any) -> None:
    assert reverse("accounts:undelivered_mail") == UNDELIVERED_URL
    failed(person, subject="Refused for Person", to="person@example.se")
    waiting(None, subject="Busy for a guest", to="guest@other.example")
    OutgoingMailFactory(subject="Delivered one", status=MailStatus.SENT, attempts=1)
    OutgoingMailFactory(subject="Not tried yet")
    client = _client(admin)

    page = client.get(UNDELIVERED_URL).content.decode()
    assert "Refused for Person" in page and "Busy for a guest" in page
    assert "Delivered one" not in page and "Not tried yet" not in page
    assert "2 messages" in page
    assert "550 5.1.1" in page  # the server's answer, for admins
    assert "guest@other.example" in page

    page = client.get(UNDELIVERED_URL, {"status": "failed"}).content.decode()
    assert "Refused for Person" in page and "Busy for a guest" not in page
    page = client.get(UNDELIVERED_URL, {"status": "pending"}).content.decode()
    assert "Refused for Person" not in page and "Busy for a guest" in page
    page = client.get(UNDELIVERED_URL, {"to": "OTHER.example"}).content.decode()
    assert "Refused for Person" not in page and "Busy for a guest" in page
    assert 'value="OTHER.example"' in page  # the filter keeps what was typed
    page = client.get(UNDELIVERED_URL, {"to": "nobody"}).content.decode()
    assert "No undelivered mail with these filters." in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"status": "sent"}, "status", "Select a valid choice."),
        ({"status": "<b>x</b>"}, "status", "Select a valid choice."),
        ({"to": "x" * 300}, "to", "Keep the address to 254 characters (it has 300)."),
        ({"to": "a\x00b"}, "to", "Null characters are not allowed."),
    ],
)
def test_a_bad_filter_is_an_error_beside_its_field(
    admin: Any, query: dict[str, str], field: str, message: str
) -> None:
    failed(subject="Hidden while the filter is wrong")
    response = _client(admin).get(UNDELIVERED_URL, query)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in page and message in page
    assert "Hidden while the filter is wrong" not in page
    assert "Correct the filters to see the list." in page
    assert "<b>x</b>" not in page


def test_an_out_of_range_page_shows_the_last_page(admin: Any) -> None:
    failed(subject="Only one")
    response = _client(admin).get(UNDELIVERED_URL, {"page": "999"})
    assert response.status_code == 200 and "Only one" in response.content.decode()
    response = _client(admin).get(UNDELIVERED_URL, {"page": "x"})
    assert response.status_code == 200 and "Only one" in response.content.decode()


def test_the_undelivered_page_costs_the_same_queries_with_few_or_many_rows(admin: Any) -> None:
    client = _client(admin)
    failed(UserFactory())
    few = count_queries(client, UNDELIVERED_URL)
    for _ in range(30):
        failed(UserFactory())
        waiting(None)
    assert count_queries(client, UNDELIVERED_URL) == few


def test_an_admin_tries_anyones_mail_again_and_returns_to_the_filtered_list(
    admin: Any, person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    row = failed(person)
    back = UNDELIVERED_URL + "?status=failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(admin).post(
            reverse("accounts:mail_retry", args=[row.pk]), {"next": back}
        )
    assert response.status_code == 302 and response["Location"] == back
    assert OutgoingMail.objects.get(pk=row.pk).status == MailStatus.SENT
    assert AuditEvent.objects.get(action="mail.retry").actor == admin


def test_an_admin_is_offered_the_list_from_the_profile(admin: Any) -> None:
    page = _client(admin).get(reverse("accounts:profile")).content.decode()
    assert UNDELIVERED_URL in page


# --- The Django admin -------------------------------------------------------------------------


def test_the_django_admin_shows_the_outbox_read_only_with_a_retry_action(
    person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    superuser = UserFactory(is_staff=True, is_superuser=True)
    row = failed(person, subject="Admin retry")
    model_admin = admin_site._registry[OutgoingMail]
    client = _client(superuser)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=superuser, type=Authenticator.Type.TOTP, data={"secret": "x"})
    changelist = reverse("admin:core_outgoingmail_changelist")

    page = client.get(changelist).content.decode()
    assert "Admin retry" in page and "The mail server refused the address." in page
    assert not model_admin.has_add_permission(None)  # type: ignore[arg-type]
    assert client.get(reverse("admin:core_outgoingmail_add")).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry", "_selected_action": [str(row.pk)]}, follow=True
        )
    assert "1 message will be sent again." in response.content.decode()
    assert OutgoingMail.objects.get(pk=row.pk).status == MailStatus.SENT


def test_staff_who_are_not_portal_admins_do_not_see_the_outbox_in_the_django_admin(
    with_mfa: Any,
) -> None:
    from django.contrib.auth.models import Permission

    staff = with_mfa(UserFactory(is_staff=True))
    staff.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))
    failed(subject="Private")
    response = _client(staff).get(reverse("admin:core_outgoingmail_changelist"))
    assert response.status_code == 403
