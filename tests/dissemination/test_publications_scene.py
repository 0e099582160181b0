"""Files, publications in each state and an obstacle for the publications tests, built through
the services. Imported by the other `test_publications_*` modules
(`from .test_publications_scene import *`); holds no tests itself.
"""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dissemination.models import Publication, PublicationKind
from dissemination.services import publications as services
from obstacles.models import Obstacle
from regions.models import Region
from tests.factories_obstacles import ObstacleFactory
from tests.utils import sign_in

__all__ = [
    "MP3_BYTES",
    "PDF_BYTES",
    "PNG_BYTES",
    "draft",
    "make_publication",
    "mp3",
    "obstacle",
    "pdf",
    "people",
    "png",
    "published",
    "withdrawn",
]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# An ID3v2.4 tag and two MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each).
MP3_BYTES = (
    b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + (b"\xff\xfb\x90\x00" + b"\x00" * 413) * 2
)


# The roles of the permission matrices (`people[role]`; None: anonymous).
ROLES = ["anonymous", "company_member", "sponsor", "other_coordinator", "coordinator", "admin"]
ORGANISERS = {"coordinator", "admin"}


def pdf(name: str = "rapport.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "bild.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def mp3(name: str = "avsnitt-1.mp3") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MP3_BYTES, content_type="audio/mpeg")


def make_publication(actor: Any, **overrides: Any) -> Publication:
    """A publication of Uppsala made through the service (a draft with a PDF by default)."""
    values: dict[str, Any] = {
        "kind": PublicationKind.REPORT,
        "title": "Rapport: lärdomar från innovationsnoderna",
        "summary": "Vad vi lärde oss.",
        "published_on": timezone.localdate() - dt.timedelta(days=3),
        "link": "",
        "region": Region.objects.get(slug="uppsala"),
        "language": "sv",
        "upload": pdf(),
    }
    values.update(overrides)
    return services.publication_create(actor=actor, **values)


def client_for(person: Any) -> Client:
    """A new client, signed in as `person` (None: anonymous)."""
    client = Client()
    sign_in(client, person)
    return client


@pytest.fixture
def people(
    company_member: Any,
    sponsor: Any,
    other_coordinator: Any,
    coordinator: Any,
    portal_admin: Any,
) -> dict[str, Any]:
    return {
        "anonymous": None,
        "company_member": company_member,
        "sponsor": sponsor,
        "other_coordinator": other_coordinator,
        "coordinator": coordinator,
        "admin": portal_admin,
    }


@pytest.fixture
def draft(coordinator: Any) -> Publication:
    return make_publication(coordinator)


@pytest.fixture
def published(coordinator: Any) -> Publication:
    return make_publication(coordinator, publish=True, title="Publicerad rapport")


@pytest.fixture
def withdrawn(coordinator: Any) -> Publication:
    publication = make_publication(coordinator, publish=True, title="Tillbakadragen rapport")
    return services.publication_move(
        actor=coordinator, publication=publication, move="withdraw", reason="Fel siffror."
    )


@pytest.fixture
def obstacle(db: Any) -> Obstacle:
    return ObstacleFactory()
