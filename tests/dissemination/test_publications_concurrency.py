"""Requests at the same moment, on real PostgreSQL connections: ten downloads at once count ten,
the same "new" form posted twice at once makes one publication, two organisers deciding at once
make one move."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dissemination.models import DownloadCount, Publication
from dissemination.services import publications as services
from dissemination.workflow import PublicationStatus
from portal.core.models import AuditEvent
from tests.factories_dissemination import PublicationFactory
from tests.factories_process import make_admin, make_region_person
from tests.utils import at_once

from .test_publications_scene import make_publication, pdf

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_ten_downloads_at_once_count_ten(reference_data: None) -> None:
    publication = PublicationFactory()
    results = at_once(*[lambda: services.download_record(publication=publication)] * 10)
    assert results == [None] * 10
    assert DownloadCount.objects.get(publication=publication).count == 10


def test_ten_downloads_through_the_page_at_once_count_ten(reference_data: None) -> None:
    coordinator = make_region_person("uppsala", email="coordinator@uppsala.example.se")
    publication = make_publication(coordinator, publish=True)
    url = reverse("dissemination:publication_download", args=[publication.pk])

    def download() -> int:
        response = Client().get(url)
        b"".join(response.streaming_content)
        response.close()
        return response.status_code

    assert at_once(*[download] * 10) == [200] * 10
    assert DownloadCount.objects.get(publication=publication).count == 10


def test_the_same_form_posted_twice_at_once_makes_one_publication(reference_data: None) -> None:
    coordinator = make_region_person("uppsala", email="coordinator@uppsala.example.se")
    token = "5f0c7e1a-2b3c-4d5e-8f90-a1b2c3d4e5f6"

    def create() -> Publication:
        return make_publication(coordinator, client_token=token, upload=pdf())

    first, second = at_once(create, create)
    assert isinstance(first, Publication), first
    assert isinstance(second, Publication), second
    assert first.pk == second.pk
    assert Publication.objects.count() == 1
    assert AuditEvent.objects.filter(action="publication.create").count() == 1


def test_two_organisers_moving_at_once_make_one_move(reference_data: None) -> None:
    coordinator = make_region_person("uppsala", email="coordinator@uppsala.example.se")
    admin = make_admin()
    publication = make_publication(coordinator, publish=True)
    seen = publication.version

    def withdraw(person: Any) -> Callable[[], Any]:
        return lambda: services.publication_move(
            actor=person,
            publication=publication,
            move="withdraw",
            reason="Fel siffror.",
            expected_version=seen,
        )

    results = at_once(withdraw(coordinator), withdraw(admin))
    moved = [r for r in results if isinstance(r, Publication)]
    assert len(moved) == 1
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.WITHDRAWN
    assert publication.version == seen + 1
    assert AuditEvent.objects.filter(action="publication.withdraw").count() == 1
