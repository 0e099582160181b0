"""Attendee lists and contact details are shown only to those who need them, and only with the
consent given at registration.

- The attendee list and its CSV: the event's organisers (the coordinators of its region) and
  portal admins; everyone else gets 404 (signed-out visitors are sent to sign in).
- "Who's coming" (confirmed attendees): names and organisations of those who consented to be
  listed; an email address only beside a listed name whose owner consented to share it.
- The organisers see name, organisation, needs, status and attendance of everyone, and an email
  address only where its owner consented (the portal itself mails every registrant).
- Both consents are asked at registration, unticked, and can be changed in the panel.
"""

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dissemination.models import Registration
from dissemination.workflow import RegistrationStatus
from portal.core.models import AuditEvent
from regions.models import RegionRole
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory, RegistrationFactory
from tests.factories_obstacles import make_reviewer
from tests.factories_process import make_region_person

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def event() -> Any:
    return EventFactory(capacity=10)


@pytest.fixture
def listed(event: Any) -> Registration:
    return RegistrationFactory(
        event=event,
        user=UserFactory(email="listed@example.se"),
        name="Lisa Listad",
        organisation="Listbolaget AB",
        needs="Vegansk kost",
        consent_to_list=True,
        consent_to_share_contact=True,
    )


@pytest.fixture
def listed_only(event: Any) -> Registration:
    return RegistrationFactory(
        event=event,
        user=UserFactory(email="nameonly@example.se"),
        name="Nils Namnsson",
        consent_to_list=True,
        consent_to_share_contact=False,
    )


@pytest.fixture
def hidden(event: Any) -> Registration:
    return RegistrationFactory(
        event=event,
        user=UserFactory(email="hidden@example.se"),
        name="Hemliga Hedvig",
        organisation="Dolda AB",
        needs="Hörslinga",
        consent_to_list=False,
        consent_to_share_contact=True,
    )


def _as(client: Client, person: Any) -> Client:
    if person is not None:
        client.force_login(person)
    return client


@pytest.mark.parametrize(
    "who", ["anonymous", "attendee", "stranger", "other_coordinator", "sponsor", "reviewer"]
)
def test_the_attendee_list_and_csv_are_for_organisers_only(
    client: Client, event: Any, listed: Registration, who: str
) -> None:
    people = {
        "anonymous": None,
        "attendee": listed.user,
        "stranger": UserFactory(),
        "other_coordinator": make_region_person("ostergotland", email="oc@example.se"),
        "sponsor": make_region_person("uppsala", RegionRole.SPONSOR, email="sp@example.se"),
        "reviewer": make_reviewer(),
    }
    _as(client, people[who])
    for name in ("attendees", "attendees_csv"):
        response = client.get(reverse(f"dissemination:{name}", args=[event.pk]))
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404, (name, who)
        assert b"Vegansk kost" not in b"".join(getattr(response, "streaming_content", [b""]))


@pytest.mark.parametrize("who", ["coordinator", "portal_admin"])
def test_organisers_see_needs_and_only_the_shared_addresses(
    client: Client,
    event: Any,
    listed: Registration,
    listed_only: Registration,
    hidden: Registration,
    who: str,
    request: Any,
) -> None:
    _as(client, request.getfixturevalue(who))
    html = client.get(reverse("dissemination:attendees", args=[event.pk])).content.decode()
    for name in ("Lisa Listad", "Nils Namnsson", "Hemliga Hedvig", "Vegansk kost", "Hörslinga"):
        assert name in html
    assert "listed@example.se" in html and "hidden@example.se" in html
    assert "nameonly@example.se" not in html
    assert "not shared" in html

    response = client.get(reverse("dissemination:attendees_csv", args=[event.pk]))
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";")
    )
    header, *body = rows
    assert header[2] == "Email" and header[5] == "Email address shared"
    by_name = {row[0].lstrip("\ufeff"): row for row in body}
    assert by_name["Lisa Listad"][2] == "listed@example.se" and by_name["Lisa Listad"][5] == "yes"
    assert by_name["Nils Namnsson"][2] == "" and by_name["Nils Namnsson"][5] == "no"
    assert by_name["Hemliga Hedvig"][3] == "Hörslinga"


def test_attendees_see_only_listed_names_and_only_shared_addresses(
    client: Client,
    event: Any,
    listed: Registration,
    listed_only: Registration,
    hidden: Registration,
) -> None:
    viewer = RegistrationFactory(event=event, consent_to_list=False).user
    _as(client, viewer)
    html = client.get(reverse("dissemination:register", args=[event.pk])).content.decode()
    section = html.split("attendee-names", 1)[1]
    assert "Lisa Listad" in section and "Listbolaget AB" in section
    assert 'href="mailto:listed@example.se"' in section
    assert "Nils Namnsson" in section and "nameonly@example.se" not in html
    # Not listed: neither the name nor the address, though the address was shared.
    assert "Hemliga Hedvig" not in html and "hidden@example.se" not in html
    # Needs are for the organisers alone.
    assert "Vegansk kost" not in html and "Hörslinga" not in html


def test_people_on_the_waiting_list_see_nobody(
    client: Client, event: Any, listed: Registration
) -> None:
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    _as(client, waiting.user)
    html = client.get(reverse("dissemination:register", args=[event.pk])).content.decode()
    assert "Lisa Listad" not in html and "listed@example.se" not in html


def test_the_form_asks_for_both_consents_unticked(client: Client, event: Any) -> None:
    _as(client, UserFactory())
    html = client.get(reverse("dissemination:register", args=[event.pk])).content.decode()
    for name in ("consent_to_list", "consent_to_share_contact"):
        field = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
        assert field is not None, name
        assert "checked" not in field.group(0)
    assert "Let the organisers and the other attendees see my email address" in html


@pytest.mark.parametrize("share", [True, False])
def test_registering_stores_the_consents_given(client: Client, event: Any, share: bool) -> None:
    person = UserFactory()
    client.force_login(person)
    data = {"name": "Rut Registrerad", "organisation": "", "needs": ""}
    if share:
        data["consent_to_share_contact"] = "on"
    client.post(reverse("dissemination:register", args=[event.pk]), data)
    registration = Registration.objects.get(event=event, user=person)
    assert registration.consent_to_share_contact is share
    assert registration.consent_to_list is False


def test_the_panel_changes_the_contact_consent(
    client: Client, event: Any, listed_only: Registration
) -> None:
    _as(client, listed_only.user)
    url = reverse("dissemination:registration_consent", args=[event.pk])
    page = client.get(reverse("dissemination:register", args=[event.pk])).content.decode()
    assert '<input type="hidden" name="consent_to_share_contact" value="1">' in page

    fragment = client.post(url, {"consent_to_share_contact": "1"}, **HTMX).content.decode()

    listed_only.refresh_from_db()
    assert listed_only.consent_to_share_contact and listed_only.consent_to_list
    assert "The organisers now see your email address" in fragment
    assert '<input type="hidden" name="consent_to_share_contact" value="0">' in fragment
    audit = AuditEvent.objects.get(action="registration.consent")
    assert audit.data == {"event": event.pk, "consent_to_share_contact": True}

    response = client.post(url, {"consent_to_share_contact": "0"})
    assert response.status_code == 302
    listed_only.refresh_from_db()
    assert not listed_only.consent_to_share_contact and listed_only.consent_to_list


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"consent_to_share_contact": "yes"},
        {"consent_to_list": "1", "consent_to_share_contact": "1"},
    ],
)
def test_a_malformed_consent_changes_nothing(
    client: Client, event: Any, listed_only: Registration, data: dict[str, str]
) -> None:
    _as(client, listed_only.user)
    fragment = client.post(
        reverse("dissemination:registration_consent", args=[event.pk]), data, **HTMX
    ).content.decode()
    assert 'role="alert"' in fragment
    listed_only.refresh_from_db()
    assert listed_only.consent_to_list and not listed_only.consent_to_share_contact
    assert not AuditEvent.objects.filter(action="registration.consent").exists()
