"""Email notification choices: one box per kind, saved as the kinds switched off, and honoured."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from portal.accounts.forms_mail import MailPreferencesForm
from portal.accounts.roles import Role
from portal.accounts.services import role_grant, user_set_mail_preferences
from portal.core.models import AuditEvent
from portal.core.notifications import MailKind, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url() -> str:
    return reverse("accounts:mail_preferences")


def _post(kinds_wanted: set[str]) -> dict[str, str]:
    return {f"mail_{kind}": "on" for kind in kinds_wanted}


def test_every_kind_has_a_labelled_checkbox_ticked_by_default(client, url) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    client.force_login(user)
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<legend>Email notifications</legend>" in page
    assert "Security email" in page
    for kind in MailKind:
        assert f'<label for="id_mail_{kind.value}">{escape(kind.label)}</label>' in page
        assert f'name="mail_{kind.value}"' in page
    assert page.count("checked") == len(MailKind)


def test_unticking_a_kind_mutes_it_and_writes_an_audit_row(client, url) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    client.force_login(user)
    wanted = set(MailKind.values) - {MailKind.GATE_WAITING, MailKind.JOIN_REQUESTS}

    response = client.post(url, _post(wanted))

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.muted_mail == [MailKind.JOIN_REQUESTS, MailKind.GATE_WAITING]
    event = AuditEvent.objects.get(action="user.mail_preferences")
    assert event.actor == user and event.data["muted"] == user.muted_mail
    page = client.get(url).content.decode()
    assert page.count("checked") == len(MailKind) - 2


def test_saving_the_same_choice_twice_writes_one_audit_row(client, url) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    client.force_login(user)
    wanted = set(MailKind.values) - {MailKind.REVIEW_ASSIGNED}
    client.post(url, _post(wanted))
    client.post(url, _post(wanted))
    assert AuditEvent.objects.filter(action="user.mail_preferences").count() == 1


def test_ticking_everything_again_unmutes(client, url) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(muted_mail=[MailKind.AGREEMENT_VERSION])
    client.force_login(user)
    client.post(url, _post(set(MailKind.values)))
    user.refresh_from_db()
    assert user.muted_mail == []


def test_anonymous_visitors_are_sent_to_sign_in(client, url) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_nobody_sets_another_persons_preferences_but_an_admin() -> None:
    user, other = UserFactory(), UserFactory()
    with pytest.raises(PermissionDenied):
        user_set_mail_preferences(actor=other, user=user, muted=[MailKind.GATE_WAITING])
    admin = UserFactory()
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    user_set_mail_preferences(actor=admin, user=user, muted=[MailKind.GATE_WAITING])
    user.refresh_from_db()
    assert user.muted_mail == [MailKind.GATE_WAITING]


def test_unknown_kinds_are_refused() -> None:
    user = UserFactory()
    with pytest.raises(ValueError):
        user_set_mail_preferences(actor=user, user=user, muted=["spam"])


def test_form_reads_the_stored_choice() -> None:
    user = UserFactory(muted_mail=[MailKind.PROPOSAL_SUBMITTED])
    form = MailPreferencesForm(user=user)
    assert form.fields["mail_proposal_submitted"].initial is False
    assert form.fields["mail_gate_waiting"].initial is True


def test_a_muted_kind_is_not_sent_and_others_are(
    django_capture_on_commit_callbacks, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    muted = UserFactory(email="muted@example.se")
    keen = UserFactory(email="keen@example.se")
    user_set_mail_preferences(actor=muted, user=muted, muted=[MailKind.JOIN_REQUESTS])
    muted.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[muted, keen],
            template="accounts/email/join_request_received",
            context={},
            kind=MailKind.JOIN_REQUESTS,
        )
        notify(
            users=[muted],
            template="accounts/email/join_request_received",
            context={},
            kind=MailKind.GATE_WAITING,
        )

    recipients = sorted(address for m in mailoutbox for address in m.to)
    assert recipients == ["keen@example.se", "muted@example.se"]
    assert len(mailoutbox) == 2
