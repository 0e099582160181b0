"""Download my data: one JSON document with everything the portal holds about the person, from
every app, and nothing about anyone else; a fixed number of queries; rate-limited and logged.

The registry (`portal.accounts.privacy.PROVIDERS`) is what keeps the export and the
anonymisation together: a test here fails when a model points at a person and no provider
answers for it.
"""

import json
import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dissemination.models import Registration
from obstacles.models import Obstacle
from partnerships.models import PartnershipMessage
from portal.accounts.privacy import covered_relations, providers, relations_to_user
from portal.core.models import AuditEvent, OutgoingMail
from tests.accounts.privacy_world import Person, build_person
from tests.factories_dissemination import EventFactory
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import coordinator  # noqa: F401 - fixture
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

EXPORT = reverse("accounts:privacy_export")


@pytest.fixture
def ada(coordinator: Any) -> Person:  # noqa: F811
    return build_person("ada", coordinator=coordinator)


@pytest.fixture
def bertil(coordinator: Any) -> Person:  # noqa: F811
    return build_person("bertil", coordinator=coordinator, first_name="Bertil")


def _download(client: Client, person: Person) -> tuple[Any, dict[str, Any]]:
    client.force_login(person.user)
    response = client.get(EXPORT)
    assert response.status_code == 200, response.status_code
    return response, json.loads(response.content.decode("utf-8"))


def test_every_relation_to_a_person_is_covered_by_a_provider() -> None:
    relations = relations_to_user()
    covered = covered_relations()
    assert relations - set(covered) == set(), "no privacy provider answers for these"
    assert set(covered) - relations == set(), "providers claim relations that do not exist"
    sections = [provider.SECTION for provider in providers()]
    assert len(sections) == len(set(sections))
    for provider in providers():
        assert callable(provider.export) and callable(provider.anonymise)
        assert str(provider.TITLE) and str(provider.HOLDS) and str(provider.KEPT)


def test_the_export_is_a_json_attachment_that_is_never_cached(client: Client, ada: Person) -> None:
    response, document = _download(client, ada)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert response["Content-Disposition"].endswith('.json"')
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert document["format"] == "innovation-accelerator/personal-data"
    assert document["version"] == 1
    assert document["person"] == {"id": ada.user.pk}
    assert set(document["sections"]) == {provider.SECTION for provider in providers()}
    assert set(document["about"]) == set(document["sections"])
    # Non-ASCII stays readable (UTF-8), not escaped.
    assert "Wheelchair place ada-needs" in response.content.decode("utf-8")


def test_the_export_holds_data_from_every_app_and_nothing_of_another_person(
    client: Client, ada: Person, bertil: Person
) -> None:
    response, document = _download(client, ada)
    sections = document["sections"]
    text = response.content.decode("utf-8")

    account = sections["account"]
    assert account["profile"]["email"] == ada.email and account["profile"]["name"] == ada.name
    assert {row["email"] for row in account["email_addresses"]} == {ada.email, ada.second_email}
    assert [row["type"] for row in account["two_factor_methods"]] == ["totp"]
    # The session made in the world, and the test client's own.
    assert "Browser-ada" in [row["user_agent"] for row in account["sessions"]]
    assert all(row["ip"] for row in account["sessions"])
    assert [row["organisation"] for row in account["organisations"]] == ["Ada Medtech AB"]
    assert [row["message"] for row in account["join_requests"]] == ["Let me in, ada-join"]
    assert "management_sponsor" in account["roles"]

    assert [row["title"] for row in sections["regions"]["roles"]] == ["Sponsor ada-title"]

    partnerships = sections["partnerships"]
    assert [row["id"] for row in partnerships["proposals_you_created"]] == [ada.proposal.pk]
    assert partnerships["proposals_you_created"][0]["contact_email"] == ada.email
    assert {row["partnership_id"] for row in partnerships["partnerships_you_are_named_in"]} == {
        ada.partnership.pk
    }
    assert len(partnerships["partnerships_you_are_named_in"]) == 2
    assert [row["body"] for row in partnerships["messages_you_wrote"]] == ["Message ada-message"]
    assert [row["title"] for row in partnerships["documents_you_uploaded"]] == [
        "Document ada-document"
    ]
    assert [row["text"] for row in partnerships["obstacle_notes_you_wrote"]] == ["Note ada-note"]

    obstacles = sections["obstacles"]
    assert {row["title"] for row in obstacles["obstacles_you_wrote"]} == {
        "Obstacle ada-obstacle",
        "Draft ada-draft",
    }
    assert [row["note"] for row in obstacles["obstacles_you_met_too"]] == ["Met at ada-endorsement"]

    events = sections["events"]
    (registration,) = events["registrations"]
    assert registration["needs"] == "Wheelchair place ada-needs"
    assert registration["consent_to_list"] and registration["consent_to_share_contact"]
    assert [row["title"] for row in events["lessons_you_wrote"]] == ["Lesson ada-lesson"]

    (request,) = sections["reports"]["report_requests"]
    assert request["id"] == str(ada.report_request.pk)
    assert request["title"] == "Guidance report ada"

    activity = sections["activity"]
    subjects = [row["subject"] for row in activity["mail_to_you"]]
    assert "Your seat ada-mail" in subjects and "You are registered: Webinar for ada" in subjects
    assert {"registration.create", "partnership.message_post"} & {
        row["action"] for row in activity["your_actions"]
    }

    # Nothing about Bertil, who has the same kinds of data.
    for needle in (*bertil.needles, "bertil-", "Bertil Medtech", "Browser-bertil"):
        assert needle.lower() not in text.lower(), needle
    # No secrets: the TOTP secret and the password hash never leave the database.
    assert "TOTPSECRETADA" not in text
    assert ada.user.password not in text


def _volume(person: Person, rows: int) -> None:
    """More of the person's rows in the tables the export reads."""
    for i in range(rows):
        Registration.objects.create(
            event=EventFactory(), user=person.user, name=person.name, needs=f"need {i}"
        )
        PartnershipMessage.objects.create(
            partnership=person.partnership, author=person.user, body=f"more {i}"
        )
        ObstacleFactory(author=person.user)
        OutgoingMail.objects.create(to=person.email, recipient=person.user, subject="s", body="b")
        AuditEvent.objects.create(
            actor=person.user, action="x.y", target_type="a.b", target_id=str(i)
        )


def test_the_export_makes_the_same_number_of_queries_whatever_the_volume(
    client: Client, ada: Person
) -> None:
    client.force_login(ada.user)
    small = count_queries(client, EXPORT)
    _volume(ada, 6)
    large = count_queries(client, EXPORT)
    assert small == large
    assert Obstacle.objects.filter(author=ada.user).count() >= 8


def test_the_export_is_rate_limited_and_logged(
    client: Client, ada: Person, settings: Any, caplog: Any
) -> None:
    settings.PORTAL_PRIVACY_EXPORTS_PER_MINUTE = 2
    client.force_login(ada.user)
    with caplog.at_level(logging.INFO, logger="portal.security"):
        assert client.get(EXPORT).status_code == 200
        assert client.get(EXPORT).status_code == 200
        refused = client.get(EXPORT)
    assert refused.status_code == 429
    assert "Wait a minute and try again" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    records = [r.security for r in caplog.records if getattr(r, "security", None)]
    exports = [r for r in records if r["event"] == "export"]
    assert [r["outcome"] for r in exports] == ["ok", "ok", "rate_limited"]
    assert all(r["what"] == "personal_data" and r["user_id"] == ada.user.pk for r in exports)


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    for url in (EXPORT, reverse("accounts:privacy")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_privacy_page_says_what_each_app_holds(client: Client, ada: Person) -> None:
    client.force_login(ada.user)
    response = client.get(reverse("accounts:privacy"))
    html = response.content.decode()
    assert response.status_code == 200
    for provider in providers():
        assert str(provider.TITLE) in html
    assert f'href="{EXPORT}"' in html
    assert 'action="{}"'.format(reverse("accounts:privacy_close")) in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert reverse("core:privacy") in html
