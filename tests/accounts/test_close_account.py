"""Close my account: the password again and a confirmation; refused (beside the field, nothing
changed) for a wrong password, a missing tick or the last admin of an organisation with other
members; otherwise the person is anonymised everywhere, signed out and shown a confirmation.

The records that must be kept (proposals, partnership messages, documents, obstacles, lessons,
registrations as attendance) stay, and every page shows the person as "Former user". The
database is searched afterwards: the person's name and addresses are in no text column of any
table.
"""

import logging
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import get_perms

from dissemination.models import Registration
from obstacles.models import Obstacle
from partnerships.models import (
    PartnershipDocument,
    PartnershipEvent,
    PartnershipMessage,
    PartyMember,
    Proposal,
)
from portal.accounts.models import JoinRequest, Membership, MembershipRole, User
from portal.accounts.services_privacy import anonymise_user, close_account
from portal.core.models import AuditEvent, OutgoingMail
from regions.models import RegionAssignment
from reports.models import RenderedReport, ReportRequest
from tests.accounts.privacy_world import PDF, Person, build_person, where_found
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_process import coordinator, make_admin  # noqa: F401 - fixture
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

CLOSE = reverse("accounts:privacy_close")


@pytest.fixture
def ada(coordinator: Any) -> Person:  # noqa: F811
    return build_person("ada", coordinator=coordinator)


def _close(client: Client, person: Person, **data: str) -> Any:
    client.force_login(person.user)
    return client.post(CLOSE, {"password": PASSWORD, "confirm": "on", **data})


def _untouched(person: Person) -> None:
    user = User.objects.get(pk=person.user.pk)
    assert user.email == person.email and user.name == person.name and user.is_active
    assert user.closed_at is None and user.anonymised_at is None
    assert EmailAddress.objects.filter(user=user).count() == 2
    assert Membership.objects.filter(user=user).exists()
    assert Registration.objects.get(pk=person.registration.pk).needs.endswith("ada-needs")


# --- Refusals -----------------------------------------------------------------------------------


def test_a_wrong_password_is_refused_beside_the_field(client: Client, ada: Person) -> None:
    response = _close(client, ada, password="not-my-password")

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="close-password_error"' in html
    assert "That is not your password." in html
    # The tick is kept; the password is never sent back.
    assert re.search(r'<input type="checkbox" name="confirm"[^>]*\bchecked', html)
    assert "not-my-password" not in html
    _untouched(ada)


def test_without_the_confirmation_nothing_happens(client: Client, ada: Person) -> None:
    client.force_login(ada.user)
    response = client.post(CLOSE, {"password": PASSWORD})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="close-confirm_error"' in html
    assert "Tick the box to confirm that you want to close it." in html
    _untouched(ada)


def test_the_only_admin_of_an_organisation_with_members_is_refused(
    client: Client, ada: Person
) -> None:
    MembershipFactory(organisation=ada.organisation, role=MembershipRole.MEMBER)

    client.force_login(ada.user)
    warning = client.get(reverse("accounts:privacy")).content.decode()
    assert "another member must be admin of" in warning and "Ada Medtech AB" in warning

    response = _close(client, ada)

    assert response.status_code == 400
    html = response.content.decode()
    assert "You are the only admin of Ada Medtech AB" in html
    assert 'class="error-summary"' in html
    _untouched(ada)
    assert client.get(reverse("accounts:privacy")).status_code == 200  # still signed in


def test_close_attempts_are_rate_limited(client: Client, ada: Person, settings: Any) -> None:
    settings.PORTAL_CLOSE_ACCOUNT_ATTEMPTS_PER_MINUTE = 2
    for _ in range(2):
        assert _close(client, ada, password="guess").status_code == 400
    response = _close(client, ada)  # even the right password waits
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    _untouched(ada)


def test_only_a_post_closes(client: Client, ada: Person) -> None:
    client.force_login(ada.user)
    assert client.get(CLOSE).status_code == 405
    _untouched(ada)


def test_another_person_cannot_close_someone_elses_account(ada: Person) -> None:
    with pytest.raises(Exception) as exc:
        close_account(user=ada.user, actor=UserFactory())
    assert type(exc.value).__name__ == "PermissionDenied"
    _untouched(ada)


# --- Closing ------------------------------------------------------------------------------------


def test_closing_anonymises_everywhere_keeps_the_records_and_signs_out(
    client: Client,
    ada: Person,
    coordinator: Any,  # noqa: F811
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bertil = build_person("bertil", coordinator=coordinator, first_name="Bertil")
    pk = ada.user.pk
    file_name = ada.rendered.file.name
    storage = ada.rendered.file.storage
    assert storage.exists(file_name)

    with (
        caplog.at_level(logging.INFO, logger="portal.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _close(client, ada)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:privacy_closed")
    assert SESSION_KEY not in client.session
    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    assert "Your account is closed" in confirmation.content.decode()

    user = User.objects.get(pk=pk)
    assert user.name == "" and user.email == f"anonymised-{pk}@invalid.example"
    assert not user.has_usable_password() and not user.is_active
    assert user.closed_at is not None and user.anonymised_at is not None
    assert user.muted_mail == [] and user.last_login is None
    assert str(user) == "Former user" and user.get_full_name() == "Former user"
    assert not user.groups.exists()

    # Deleted: what is only about the person.
    assert not EmailAddress.objects.filter(user_id=pk).exists()
    assert not Authenticator.objects.filter(user_id=pk).exists()
    assert not UserSession.objects.filter(user_id=pk).exists()
    assert not Session.objects.filter(session_key=ada.session_key).exists()
    assert not Membership.objects.filter(user_id=pk).exists()
    assert not JoinRequest.objects.filter(user_id=pk, status="pending").exists()
    assert not RegionAssignment.objects.filter(user_id=pk).exists()
    assert get_perms(user, ada.partnership) == []
    assert not ReportRequest.objects.filter(requested_by_id=pk).exists()
    assert not RenderedReport.objects.filter(pk=ada.rendered.pk).exists()
    assert not storage.exists(file_name)
    assert not OutgoingMail.objects.filter(recipient_id=pk).exists()
    assert not Obstacle.objects.filter(pk=ada.draft.pk).exists()

    # Kept: the records, with the person as "Former user".
    registration = Registration.objects.get(pk=ada.registration.pk)
    assert (registration.name, registration.organisation, registration.needs) == ("", "", "")
    assert not registration.consent_to_list and not registration.consent_to_share_contact
    assert registration.status == "confirmed" and registration.user_id == pk
    proposal = Proposal.objects.get(pk=ada.proposal.pk)
    assert (proposal.contact_name, proposal.contact_email, proposal.contact_phone) == ("", "", "")
    assert proposal.title == ada.proposal.title and proposal.created_by_id == pk
    assert PartnershipMessage.objects.get(pk=ada.message.pk).body == "Message ada-message"
    assert PartnershipDocument.objects.filter(uploaded_by_id=pk).count() == 1
    assert PartyMember.objects.filter(user_id=pk).count() == 2
    assert Obstacle.objects.get(pk=ada.obstacle.pk).author_id == pk
    assert AuditEvent.objects.filter(actor_id=pk, action="partnership.message_post").exists()
    named = PartnershipEvent.objects.filter(partnership=ada.partnership, kind="party")
    assert any("Former user" in " ".join(e.texts.values()) for e in named) or any(
        "Tidigare användare" in " ".join(e.texts.values()) for e in named
    )

    # Nowhere in the database: not the name, not either address.
    for needle in ada.needles:
        assert where_found(needle) == [], needle
    # Bertil is untouched.
    assert User.objects.get(pk=bertil.user.pk).email == bertil.email
    assert Registration.objects.get(pk=bertil.registration.pk).needs.endswith("bertil-needs")
    assert where_found(bertil.email) != []
    assert ReportRequest.objects.filter(requested_by=bertil.user).exists()

    # Audit and security events.
    closed = AuditEvent.objects.get(action="user.close", target_id=str(pk))
    assert closed.actor_id == pk
    anonymised = AuditEvent.objects.get(action="user.anonymise", target_id=str(pk))
    assert anonymised.reason == "closed"
    assert anonymised.data["counts"]["events"]["registrations"] == 1
    assert anonymised.data["counts"]["reports"] == {"report_requests": 1, "report_files": 1}
    events = [r.security["event"] for r in caplog.records if getattr(r, "security", None)]
    assert "account_closed" in events and "account_anonymised" in events


def test_a_closed_account_cannot_sign_in(client: Client, ada: Person) -> None:
    _close(client, ada)
    client.logout()
    response = client.post(reverse("account_login"), {"login": ada.email, "password": PASSWORD})
    assert SESSION_KEY not in client.session
    assert response.status_code == 200


def test_anonymising_twice_changes_nothing(ada: Person) -> None:
    first = anonymise_user(user=ada.user, reason="test")
    assert first["events"]["registrations"] == 1
    assert anonymise_user(user=ada.user, reason="test") == {}
    assert AuditEvent.objects.filter(action="user.anonymise").count() == 1


def test_pages_show_a_former_user(
    client: Client,
    ada: Person,
    coordinator: Any,  # noqa: F811
) -> None:
    anonymise_user(user=ada.user, reason="test")
    placeholder = f"anonymised-{ada.user.pk}@invalid.example"
    client.force_login(coordinator)
    pages = {
        reverse("partnerships:detail", args=[ada.partnership.pk]): True,
        reverse("dissemination:attendees", args=[ada.registration.event_id]): True,
        # The proposal names its contact person only, whose details are gone.
        reverse("partnerships:proposal_detail", args=[ada.proposal.pk]): False,
    }
    for url, names_them in pages.items():
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert ("Former user" in html) == names_them, url
        assert placeholder not in html, url
        assert ada.name not in html and ada.email not in html, url
    csv = client.get(reverse("dissemination:attendees_csv", args=[ada.registration.event_id]))
    text = b"".join(csv.streaming_content).decode("utf-8")
    assert "Former user" in text and placeholder not in text


def test_the_close_form_explains_what_is_deleted_and_kept(client: Client, ada: Person) -> None:
    client.force_login(ada.user)
    html = client.get(reverse("accounts:privacy")).content.decode()
    assert "public record" in html and "Former user" in html
    assert 'type="password"' in html and 'autocomplete="current-password"' in html
    assert re.search(r'<input type="checkbox" name="confirm"[^>]*>', html)
    assert not re.search(r'<input type="checkbox" name="confirm"[^>]*\bchecked', html)


def test_an_upload_kept_as_a_record_keeps_its_file(client: Client, ada: Person) -> None:
    document = PartnershipDocument.objects.get(uploaded_by=ada.user)
    _close(client, ada)
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        assert handle.read() == PDF


def test_a_portal_admin_may_close_an_account_for_someone(ada: Person) -> None:
    admin = make_admin()
    counts = close_account(user=ada.user, actor=admin)
    assert counts["account"]["memberships"] == 1
    assert AuditEvent.objects.get(action="user.close").actor_id == admin.pk


def test_the_last_admin_without_other_members_may_close(client: Client, ada: Person) -> None:
    lone = OrganisationFactory(name="Ensam AB")
    MembershipFactory(organisation=lone, user=ada.user, role=MembershipRole.ADMIN)
    assert _close(client, ada).status_code == 302
    assert not Membership.objects.filter(organisation=lone).exists()


def test_the_privacy_page_makes_the_same_number_of_queries_whatever_the_volume(
    client: Client, ada: Person
) -> None:
    client.force_login(ada.user)
    url = reverse("accounts:privacy")
    counts = []
    for extra in (1, 4):
        for _ in range(extra):
            organisation = OrganisationFactory()
            MembershipFactory(organisation=organisation, user=ada.user, role=MembershipRole.ADMIN)
            MembershipFactory(organisation=organisation)
        counts.append(count_queries(client, url))
    assert counts[0] == counts[1]
    html = client.get(url).content.decode()
    assert html.count("another member must be admin of") == 1
    assert Membership.objects.filter(user=ada.user, role=MembershipRole.ADMIN).count() == 6
