"""The Django admin shows and searches dissemination rows; every change goes through the portal's
services (waiting list, calendar revisions, mail, audit), so nothing can be added, edited or
deleted here, and a publication's private file is never linked by its storage address."""

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dissemination.models import (
    DownloadCount,
    Event,
    Lesson,
    Publication,
    PublicationFile,
    ReachEntry,
    Registration,
)
from dissemination.workflow import EventStatus, RegistrationStatus
from tests.factories import UserFactory
from tests.factories_dissemination import (
    EventFactory,
    LessonFactory,
    PublicationFactory,
    ReachEntryFactory,
    RegistrationFactory,
)
from tests.factories_process import make_admin
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

MODELS = [DownloadCount, Event, Lesson, Publication, PublicationFile, ReachEntry, Registration]


def _url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:dissemination_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def rows(partnership: Any) -> dict[str, Any]:
    event = EventFactory(title="Webbinarium i admin", capacity=1)
    confirmed = RegistrationFactory(event=event, name="Greta Gäst")
    RegistrationFactory(
        event=event,
        name="Valter Väntan",
        status=RegistrationStatus.WAITLISTED,
        confirmed_at=None,
    )
    publication = PublicationFactory(title="Rapport i admin", link="")
    stored = PublicationFile(
        publication=publication,
        name="rapport.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
    )
    stored.file.save("hemlig-lagringsnamn.pdf", ContentFile(b"%PDF"), save=False)
    stored.save()
    DownloadCount.objects.create(publication=publication, day=publication.published_on, count=3)
    ReachEntryFactory(event=event, metric="attendance", value=40, notes="I admin")
    ReachEntryFactory(publication=publication, metric="downloads", value=12)
    LessonFactory(partnership=partnership, title="Lärdom i admin")
    return {"event": event, "confirmed": confirmed, "publication": publication, "file": stored}


@pytest.fixture
def admin_client(client: Any, rows: dict[str, Any]) -> Any:
    admin = make_admin()
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_listed_searchable_and_shown(admin_client: Any, model: Any) -> None:
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "admin"}).status_code == 200
    row = model.objects.first()
    assert admin_client.get(_url(model, "change", row.pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_rows_cannot_be_added_changed_or_deleted_in_the_admin(
    admin_client: Any, model: Any
) -> None:
    row = model.objects.first()
    before = model.objects.count()
    assert admin_client.get(_url(model, "add")).status_code == 403
    assert admin_client.get(_url(model, "delete", row.pk)).status_code == 403
    assert admin_client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(_url(model, "change", row.pk), {}).status_code == 403
    assert model.objects.count() == before


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_changelist_offers_no_bulk_actions(admin_client: Any, model: Any) -> None:
    page = admin_client.get(_url(model, "changelist")).content.decode()
    assert 'name="action"' not in page


def test_an_events_state_and_calendar_fields_are_shown_not_editable(
    admin_client: Any, rows: dict[str, Any]
) -> None:
    event = rows["event"]
    page = admin_client.get(_url(Event, "change", event.pk)).content.decode()
    for field in ("status", "starts_at", "capacity", "ical_sequence", "title"):
        assert f'name="{field}"' not in page, field
    assert "Published" in page
    assert str(event.ical_uid) in page
    # The registrations are listed on the event, waiting list included, and cannot be edited.
    assert "Greta Gäst" in page and "Valter Väntan" in page
    assert 'name="registrations-0-status"' not in page

    admin_client.post(_url(Event, "change", event.pk), {"status": EventStatus.CANCELLED})
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_a_registrations_status_cannot_be_changed_in_the_admin(
    admin_client: Any, rows: dict[str, Any]
) -> None:
    registration = rows["confirmed"]
    page = admin_client.get(_url(Registration, "change", registration.pk)).content.decode()
    assert 'name="status"' not in page and 'name="attended"' not in page
    admin_client.post(
        _url(Registration, "change", registration.pk), {"status": RegistrationStatus.CANCELLED}
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_publications_file_is_never_linked_by_its_storage_address(
    admin_client: Any, rows: dict[str, Any]
) -> None:
    stored = rows["file"]
    download = reverse("dissemination:publication_download", args=[rows["publication"].pk])
    for url in (
        _url(PublicationFile, "change", stored.pk),
        _url(Publication, "change", rows["publication"].pk),
    ):
        page = admin_client.get(url).content.decode()
        assert "rapport.pdf" in page
        assert "hemlig-lagringsnamn" not in page, url
        assert stored.file.name not in page
    page = admin_client.get(_url(PublicationFile, "change", stored.pk)).content.decode()
    assert download in page


@pytest.mark.parametrize("model", [Event, Publication, Lesson], ids=lambda m: m.__name__)
def test_the_admin_is_closed_to_people_without_staff_rights(client: Any, model: Any) -> None:
    client.force_login(UserFactory())
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_an_events_page_costs_the_same_with_many_registrations(
    admin_client: Any, rows: dict[str, Any]
) -> None:
    event = rows["event"]
    event.capacity = None
    event.save(update_fields=["capacity"])
    url = _url(Event, "change", event.pk)
    few = count_queries(admin_client, url)
    RegistrationFactory.create_batch(18, event=event)
    ReachEntryFactory.create_batch(5, event=event, metric="views")
    assert count_queries(admin_client, url) == few
