"""Downloading a publication's file: who may (everyone while published, organisers always, 404
otherwise), how it is served (an attachment the browser never renders), and which downloads are
counted (not the organisers', not link prefetches, once a day per session and publication)."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from dissemination.models import DownloadCount, Publication, PublicationFile
from dissemination.services import publications as services
from dissemination.views.publications import COUNTED_SESSION_KEY
from dissemination.workflow import PublicationStatus
from tests.factories_dissemination import PublicationFactory

from .test_publications_scene import *  # noqa: F403  (fixtures)
from .test_publications_scene import (
    MP3_BYTES,
    ORGANISERS,
    PDF_BYTES,
    ROLES,
    client_for,
    make_publication,
    mp3,
)

pytestmark = pytest.mark.django_db

S = PublicationStatus


def _url(publication: Publication) -> str:
    return reverse("dissemination:publication_download", args=[publication.pk])


def _counted(publication: Publication) -> int:
    row = DownloadCount.objects.filter(publication=publication).first()
    return row.count if row else 0


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_download_in_each_state(
    request: pytest.FixtureRequest, people: dict[str, Any], role: str, status: str
) -> None:
    publication = request.getfixturevalue(
        {"draft": "draft", "published": "published", "withdrawn": "withdrawn"}[status]
    )
    response = client_for(people[role]).get(_url(publication))
    may = status == S.PUBLISHED or role in ORGANISERS
    assert response.status_code == (200 if may else 404)
    if may:
        assert _body(response) == PDF_BYTES
    counted = may and role not in ORGANISERS
    assert _counted(publication) == (1 if counted else 0)


def test_the_file_is_served_as_an_attachment_that_is_never_rendered(
    published: Publication,
) -> None:
    response = client_for(None).get(_url(published))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="rapport.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    response.close()


def test_a_podcast_episode_downloads_as_audio(coordinator: Any) -> None:
    episode = make_publication(coordinator, kind="podcast", upload=mp3(), publish=True)
    response = client_for(None).get(_url(episode))
    assert response["Content-Type"] == "audio/mpeg"
    assert _body(response) == MP3_BYTES


def test_each_download_by_others_adds_one_to_todays_count(
    published: Publication, company_member: Any, other_coordinator: Any
) -> None:
    for person in (None, None, company_member, other_coordinator):
        _body(client_for(person).get(_url(published)))
    row = DownloadCount.objects.get(publication=published)
    assert row.day == timezone.localdate()
    assert row.count == 4


def test_the_same_person_downloading_again_the_same_day_is_counted_once(
    published: Publication, coordinator: Any, company_member: Any
) -> None:
    other = make_publication(coordinator, publish=True)
    for person in (None, company_member):
        client = client_for(person)
        for _ in range(3):
            response = client.get(_url(published))
            assert response.status_code == 200
            assert _body(response) == PDF_BYTES  # the file is served every time
        _body(client.get(_url(other)))  # another publication counts on its own
    assert _counted(published) == 2  # one anonymous session, one signed-in person
    assert _counted(other) == 2


def test_a_download_the_next_day_is_counted_again(
    published: Publication, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(None)
    _body(client.get(_url(published)))
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    _body(client.get(_url(published)))
    _body(client.get(_url(published)))
    counts = dict(DownloadCount.objects.values_list("day", "count"))
    assert counts == {today: 1, tomorrow: 1}
    # The session keeps only the day's entries, however many days it lives.
    assert client.session[COUNTED_SESSION_KEY] == [f"{published.pk}:{tomorrow.isoformat()}"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Purpose": "prefetch"},
        {"Sec-Purpose": "prefetch;prerender"},
        {"Purpose": "prefetch"},
        {"Purpose": "Prefetch"},
    ],
    ids=["sec-purpose", "sec-purpose-prerender", "purpose", "purpose-capitalised"],
)
def test_link_prefetches_are_not_counted(published: Publication, headers: dict[str, str]) -> None:
    client = client_for(None)
    response = client.get(_url(published), headers=headers)
    assert response.status_code == 200
    _body(response)
    assert not DownloadCount.objects.exists()
    # The prefetch did not use up the day's count: the person's own click is counted.
    _body(client.get(_url(published)))
    assert _counted(published) == 1


def test_organisers_downloads_are_not_counted(
    published: Publication, coordinator: Any, portal_admin: Any
) -> None:
    for person in (coordinator, portal_admin):
        _body(client_for(person).get(_url(published)))
    assert not DownloadCount.objects.exists()


def test_a_head_request_is_not_counted(published: Publication) -> None:
    response = client_for(None).head(_url(published))
    assert response.status_code == 200
    assert not DownloadCount.objects.exists()


def test_posting_is_not_allowed(published: Publication) -> None:
    assert client_for(None).post(_url(published)).status_code == 405


def test_a_publication_without_a_file_is_404(coordinator: Any) -> None:
    linked = make_publication(coordinator, upload=None, link="https://example.se", publish=True)
    assert client_for(None).get(_url(linked)).status_code == 404
    assert client_for(coordinator).get(_url(linked)).status_code == 404
    assert not DownloadCount.objects.exists()


def test_a_file_missing_from_storage_is_404_and_not_counted(published: Publication) -> None:
    default_storage.delete(PublicationFile.objects.get(publication=published).file.name)
    assert client_for(None).get(_url(published)).status_code == 404
    assert not DownloadCount.objects.exists()


def test_a_missing_publication_is_404() -> None:
    missing = reverse("dissemination:publication_download", args=[99999])
    assert client_for(None).get(missing).status_code == 404


def test_a_national_draft_is_for_admins_only(portal_admin: Any, coordinator: Any) -> None:
    national = make_publication(portal_admin, region=None)
    assert client_for(coordinator).get(_url(national)).status_code == 404
    assert client_for(portal_admin).get(_url(national)).status_code == 200


def test_after_withdrawing_the_file_is_no_longer_public(
    coordinator: Any, published: Publication
) -> None:
    assert client_for(None).get(_url(published)).status_code == 200
    services.publication_move(
        actor=coordinator, publication=published, move="withdraw", reason="Fel siffror."
    )
    assert client_for(None).get(_url(published)).status_code == 404
    assert client_for(coordinator).get(_url(published)).status_code == 200


def test_download_record_starts_and_adds_to_the_days_counter() -> None:
    publication = PublicationFactory()
    services.download_record(publication=publication)
    services.download_record(publication=publication)
    assert DownloadCount.objects.get(publication=publication).count == 2
