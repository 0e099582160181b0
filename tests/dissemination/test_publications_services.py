"""The publication services: who may write, what is checked (the file by its content), the
version check, the moves and their reasons, the file replaced or removed without orphans, the
double submit of the "new" form, and the download counter."""

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from dissemination.models import DownloadCount, Publication, PublicationFile, PublicationKind
from dissemination.services import publications as services
from dissemination.workflow import PUBLICATION_MOVES, PublicationStatus
from obstacles.workflow import ObstacleStatus
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent
from portal.core.uploads import MB
from regions.models import Region
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import make_partnership

from .test_publications_scene import *  # noqa: F403  (fixtures)
from .test_publications_scene import (
    PDF_BYTES,
    PNG_BYTES,
    make_publication,
    mp3,
    pdf,
    png,
)

pytestmark = pytest.mark.django_db


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def _stored(publication: Publication) -> PublicationFile:
    return PublicationFile.objects.get(publication=publication)


# --- Create --------------------------------------------------------------------------------------


def test_a_draft_with_a_pdf_is_stored_privately_under_a_random_name(coordinator: Any) -> None:
    publication = make_publication(coordinator)

    assert publication.status == PublicationStatus.DRAFT
    assert publication.published_at is None
    assert publication.created_by == coordinator
    stored = _stored(publication)
    assert stored.name == "rapport.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.size == len(PDF_BYTES)
    assert stored.uploaded_by == coordinator
    assert stored.file.name.startswith("private/publications/")
    assert "rapport" not in stored.file.name
    assert default_storage.exists(stored.file.name)
    audit = AuditEvent.objects.get(action="publication.create")
    assert audit.actor == coordinator
    assert audit.data["file"]["sha256"] == stored.sha256


def test_publishing_at_once_sets_the_time_and_audits_the_move(coordinator: Any) -> None:
    publication = make_publication(coordinator, publish=True)

    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.published_at is not None
    assert AuditEvent.objects.filter(action="publication.publish").count() == 1


def test_a_link_without_a_file_is_enough(coordinator: Any) -> None:
    publication = make_publication(coordinator, upload=None, link="https://example.se/rapport")
    assert publication.link == "https://example.se/rapport"
    assert not PublicationFile.objects.exists()


def test_neither_link_nor_file_is_refused_beside_the_link(coordinator: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        make_publication(coordinator, upload=None, link="")
    assert "needs at least one" in _errors(exc)["link"][0]
    assert not Publication.objects.exists()


def test_text_is_made_safe_on_write(coordinator: Any) -> None:
    publication = make_publication(
        coordinator,
        title="Rapport\nmed radbrytning\x00",
        summary='Första stycket <script>alert("x")</script>\n\nAndra, se https://example.se',
    )
    assert publication.title == "Rapport med radbrytning"
    assert "<script" not in publication.summary
    assert publication.summary.startswith("<p>Första stycket")
    assert '<a href="https://example.se"' in publication.summary


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "Give the publication a title."),
        ("title", "x" * 201, "Keep the title to 200 characters"),
        ("link", "javascript:alert(1)", "starts with http:// or https://"),
        ("link", "ftp://example.se/fil", "starts with http:// or https://"),
        ("language", "de", "Choose Swedish or English."),
        ("kind", "novel", "Choose what kind of publication it is."),
        ("published_on", "2026-01-01", "Give the date as YYYY-MM-DD."),
    ],
)
def test_bad_values_are_refused_by_field_and_nothing_is_stored(
    coordinator: Any, field: str, value: Any, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        make_publication(coordinator, **{field: value})
    assert message in " ".join(_errors(exc)[field])
    assert not Publication.objects.exists()
    assert not PublicationFile.objects.exists()


def test_coordinators_publish_only_for_their_own_region(
    coordinator: Any, other_coordinator: Any, other_region: Region
) -> None:
    with pytest.raises(PermissionDenied):
        make_publication(other_coordinator)
    with pytest.raises(PermissionDenied):
        make_publication(coordinator, region=other_region)
    with pytest.raises(PermissionDenied):
        make_publication(coordinator, region=None)
    assert not Publication.objects.exists()


def test_portal_admins_publish_national_and_for_any_region(
    portal_admin: Any, other_region: Region
) -> None:
    national = make_publication(portal_admin, region=None)
    regional = make_publication(portal_admin, region=other_region)
    assert national.region is None
    assert regional.region == other_region


@pytest.mark.parametrize("person", ["sponsor", "company_member"])
def test_people_who_do_not_organise_may_not_create(
    request: pytest.FixtureRequest, person: str
) -> None:
    with pytest.raises(PermissionDenied):
        make_publication(request.getfixturevalue(person))


def test_partnerships_must_be_of_the_region(
    coordinator: Any, partnership: Any, portal_admin: Any, other_region: Region
) -> None:
    linked = make_publication(coordinator, partnerships=[partnership])
    assert list(linked.partnerships.all()) == [partnership]

    with pytest.raises(ValidationError) as exc:
        make_publication(portal_admin, region=other_region, partnerships=[partnership])
    assert "partnership of another region" in _errors(exc)["partnerships"][0]


def test_a_partnership_the_organiser_may_not_see_is_refused(
    other_coordinator: Any, other_region: Region
) -> None:
    elsewhere = make_partnership("uppsala")
    with pytest.raises(ValidationError) as exc:
        make_publication(other_coordinator, region=other_region, partnerships=[elsewhere])
    assert "Choose among the partnerships offered." in _errors(exc)["partnerships"]


def test_only_published_obstacles_can_be_linked(coordinator: Any, obstacle: Any) -> None:
    hidden = ObstacleFactory(status=ObstacleStatus.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        make_publication(coordinator, obstacles=[obstacle, hidden])
    assert f"Not published: {hidden.pk}" in _errors(exc)["obstacles"][0]

    publication = make_publication(coordinator, obstacles=[obstacle])
    assert list(publication.obstacles.all()) == [obstacle]


# --- Files checked by content --------------------------------------------------------------------


def _private_files() -> list[str]:
    found: list[str] = []

    def walk(folder: str) -> None:
        if not default_storage.exists(folder):
            return
        folders, files = default_storage.listdir(folder)
        found.extend(f"{folder}/{name}" for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}")

    walk("private/publications")
    return found


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: pdf(content=PNG_BYTES), "named as .pdf but its content is PNG"),
        (lambda: pdf(content=b"just text, no PDF"), "not a file of an accepted kind"),
        (lambda: pdf(content=b""), "is empty"),
        (
            lambda: SimpleUploadedFile("film.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64),
            "not a file of an accepted kind",
        ),
    ],
    ids=["png-named-pdf", "garbage", "empty", "video"],
)
def test_a_file_is_judged_by_its_content_and_nothing_is_kept_when_refused(
    coordinator: Any, upload: Any, message: str
) -> None:
    before = _private_files()
    with pytest.raises(ValidationError) as exc:
        make_publication(coordinator, upload=upload(), link="https://example.se")
    assert message in " ".join(_errors(exc)["file"])
    assert not Publication.objects.exists()
    assert _private_files() == before


def test_an_mp3_with_an_id3_tag_is_accepted_for_a_podcast(coordinator: Any) -> None:
    publication = make_publication(coordinator, kind=PublicationKind.PODCAST, upload=mp3())
    stored = _stored(publication)
    assert stored.content_type == "audio/mpeg"
    assert stored.name == "avsnitt-1.mp3"
    assert stored.file.name.endswith(".mp3")


def test_pictures_are_accepted(coordinator: Any) -> None:
    assert _stored(make_publication(coordinator, upload=png())).content_type == "image/png"


@override_settings(DISSEMINATION_UPLOAD_MAX_MB=1)
def test_a_file_over_the_setting_is_refused(coordinator: Any) -> None:
    big = pdf(content=PDF_BYTES + b"0" * (MB + 1 - len(PDF_BYTES)))
    with pytest.raises(ValidationError) as exc:
        make_publication(coordinator, upload=big)
    assert "larger than 1 MB" in _errors(exc)["file"][0]
    exactly = pdf(content=PDF_BYTES + b"0" * (MB - len(PDF_BYTES)))
    assert _stored(make_publication(coordinator, upload=exactly)).size == MB


def test_the_limit_defaults_to_50_mb() -> None:
    assert services.upload_max_bytes() == 50 * MB


def test_a_hostile_name_is_only_a_display_name(coordinator: Any) -> None:
    stored = _stored(make_publication(coordinator, upload=pdf("../../etc/passwd.pdf")))
    assert stored.name == "passwd.pdf"
    assert stored.file.name.startswith("private/publications/")
    assert "passwd" not in stored.file.name and ".." not in stored.file.name


def test_a_failure_after_the_file_was_written_leaves_no_file(coordinator: Any) -> None:
    before = _private_files()
    failing = mock.patch.object(services, "audit_record", side_effect=RuntimeError("db gone"))
    with failing, pytest.raises(RuntimeError):
        make_publication(coordinator)
    assert _private_files() == before
    assert not Publication.objects.exists()


# --- The double submit of the "new" form ---------------------------------------------------------


def test_the_same_form_token_twice_makes_one_publication(coordinator: Any) -> None:
    token = "0b8e1a34-7f0e-4c1e-9a43-5d7a3e0e9b11"
    first = make_publication(coordinator, client_token=token)
    second = make_publication(coordinator, client_token=token, upload=pdf("other.pdf"))
    assert first.pk == second.pk
    assert Publication.objects.count() == 1
    assert PublicationFile.objects.count() == 1
    other = make_publication(coordinator, client_token="another-token")
    assert other.pk != first.pk


def test_another_persons_token_is_not_theirs(coordinator: Any, portal_admin: Any) -> None:
    token = "0b8e1a34-7f0e-4c1e-9a43-5d7a3e0e9b12"
    first = make_publication(coordinator, client_token=token)
    assert make_publication(portal_admin, client_token=token).pk != first.pk


# --- Update --------------------------------------------------------------------------------------


def test_an_edit_saves_bumps_the_version_and_is_audited(
    coordinator: Any, draft: Publication, obstacle: Any, partnership: Any
) -> None:
    updated = services.publication_update(
        actor=coordinator,
        publication=draft,
        expected_version=draft.version,
        title="Ny titel",
        summary="Ny sammanfattning.",
        link="https://example.se/ny",
        obstacles=[obstacle],
        partnerships=[partnership],
    )
    assert updated.version == draft.version + 1
    assert updated.title == "Ny titel"
    assert updated.summary == "<p>Ny sammanfattning.</p>"
    assert list(updated.obstacles.all()) == [obstacle]
    audit = AuditEvent.objects.get(action="publication.update")
    assert set(audit.data["fields"]) == {"title", "summary", "link", "obstacles", "partnerships"}


def test_a_stale_version_changes_nothing(coordinator: Any, draft: Publication) -> None:
    services.publication_update(
        actor=coordinator, publication=draft, expected_version=draft.version, title="Först"
    )
    with pytest.raises(ConcurrentEditError) as exc:
        services.publication_update(
            actor=coordinator,
            publication=draft,
            expected_version=draft.version,
            title="Sen",
            upload=png(),
        )
    assert exc.value.current.title == "Först"
    draft.refresh_from_db()
    assert draft.title == "Först"
    assert _stored(draft).name == "rapport.pdf"


def test_unknown_fields_are_a_programming_error(coordinator: Any, draft: Publication) -> None:
    with pytest.raises(TypeError):
        services.publication_update(
            actor=coordinator, publication=draft, expected_version=draft.version, status="x"
        )


def test_other_regions_coordinators_may_not_edit(
    other_coordinator: Any, coordinator: Any, draft: Publication, other_region: Region
) -> None:
    with pytest.raises(PermissionDenied):
        services.publication_update(
            actor=other_coordinator, publication=draft, expected_version=draft.version, title="x"
        )
    with pytest.raises(PermissionDenied):
        services.publication_update(
            actor=coordinator,
            publication=draft,
            expected_version=draft.version,
            region=other_region,
        )


def test_a_new_region_must_fit_the_linked_partnerships(
    portal_admin: Any, coordinator: Any, partnership: Any, other_region: Region
) -> None:
    publication = make_publication(coordinator, partnerships=[partnership])
    with pytest.raises(ValidationError) as exc:
        services.publication_update(
            actor=portal_admin,
            publication=publication,
            expected_version=publication.version,
            region=other_region,
        )
    assert "partnership of another region" in _errors(exc)["partnerships"][0]
    moved = services.publication_update(
        actor=portal_admin,
        publication=publication,
        expected_version=publication.version,
        region=other_region,
        partnerships=[],
    )
    assert moved.region == other_region
    assert not moved.partnerships.exists()


def test_a_link_to_an_obstacle_withdrawn_since_may_stay(
    coordinator: Any, draft: Publication, obstacle: Any
) -> None:
    linked = services.publication_update(
        actor=coordinator, publication=draft, expected_version=draft.version, obstacles=[obstacle]
    )
    obstacle.status = ObstacleStatus.WITHDRAWN
    obstacle.save(update_fields=["status"])
    again = services.publication_update(
        actor=coordinator,
        publication=linked,
        expected_version=linked.version,
        title="Rättad titel",
        obstacles=[obstacle],
    )
    assert list(again.obstacles.all()) == [obstacle]


def test_replacing_the_file_deletes_the_old_one_after_the_commit(
    coordinator: Any, draft: Publication, django_capture_on_commit_callbacks: Any
) -> None:
    old = _stored(draft).file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.publication_update(
            actor=coordinator, publication=draft, expected_version=draft.version, upload=mp3()
        )
    stored = _stored(draft)
    assert stored.name == "avsnitt-1.mp3"
    assert stored.file.name != old
    assert default_storage.exists(old), "the old file stays until the commit"
    for callback in callbacks:
        callback()
    assert not default_storage.exists(old)
    assert default_storage.exists(stored.file.name)
    assert PublicationFile.objects.count() == 1
    assert AuditEvent.objects.get(action="publication.update").data["file"] == "replaced"


def test_removing_the_file_keeps_a_link_and_deletes_the_file_after_the_commit(
    coordinator: Any, draft: Publication, django_capture_on_commit_callbacks: Any
) -> None:
    old = _stored(draft).file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_update(
            actor=coordinator,
            publication=draft,
            expected_version=draft.version,
            link="https://example.se/rapport",
            remove_file=True,
        )
    assert not PublicationFile.objects.exists()
    assert not default_storage.exists(old)


def test_removing_the_only_file_without_a_link_is_refused(
    coordinator: Any, draft: Publication
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.publication_update(
            actor=coordinator, publication=draft, expected_version=draft.version, remove_file=True
        )
    assert "neither a link nor a file" in _errors(exc)["remove_file"][0]
    assert default_storage.exists(_stored(draft).file.name)


def test_a_refused_new_file_keeps_the_old_one(coordinator: Any, draft: Publication) -> None:
    before = _private_files()
    with pytest.raises(ValidationError):
        services.publication_update(
            actor=coordinator,
            publication=draft,
            expected_version=draft.version,
            upload=pdf(content=PNG_BYTES),
        )
    assert _stored(draft).name == "rapport.pdf"
    assert _private_files() == before


def test_a_new_file_wins_over_removing(coordinator: Any, draft: Publication) -> None:
    services.publication_update(
        actor=coordinator,
        publication=draft,
        expected_version=draft.version,
        upload=png(),
        remove_file=True,
    )
    assert _stored(draft).name == "bild.png"


# --- Moves ---------------------------------------------------------------------------------------

MOVE_TABLE = [
    (PublicationStatus.DRAFT, "publish", PublicationStatus.PUBLISHED),
    (PublicationStatus.DRAFT, "withdraw", None),
    (PublicationStatus.PUBLISHED, "publish", None),
    (PublicationStatus.PUBLISHED, "withdraw", PublicationStatus.WITHDRAWN),
    (PublicationStatus.WITHDRAWN, "publish", PublicationStatus.PUBLISHED),
    (PublicationStatus.WITHDRAWN, "withdraw", None),
]


def test_the_move_table_covers_every_state_and_move() -> None:
    assert {(s, m) for s, m, _t in MOVE_TABLE} == {
        (s, m) for s in PublicationStatus.values for m in PUBLICATION_MOVES
    }


@pytest.mark.parametrize(("status", "move", "target"), MOVE_TABLE)
def test_moves_follow_the_table(
    coordinator: Any, status: str, move: str, target: str | None
) -> None:
    publication = make_publication(coordinator, publish=status != PublicationStatus.DRAFT)
    if status == PublicationStatus.WITHDRAWN:
        publication = services.publication_move(
            actor=coordinator, publication=publication, move="withdraw", reason="Fel."
        )
    version = publication.version
    if target is None:
        with pytest.raises(ValidationError) as exc:
            services.publication_move(
                actor=coordinator, publication=publication, move=move, reason="Skäl."
            )
        assert exc.value.code == "move_not_allowed"
        publication.refresh_from_db()
        assert publication.status == status
        assert publication.version == version
    else:
        moved = services.publication_move(
            actor=coordinator,
            publication=publication,
            move=move,
            reason="Skäl.",
            expected_version=version,
        )
        assert moved.status == target
        assert moved.version == version + 1
        audit = AuditEvent.objects.filter(action=f"publication.{move}").latest("id")
        assert audit.data == {"from": status, "to": target}
        assert audit.reason == "Skäl."


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_withdrawing_needs_a_reason(coordinator: Any, published: Publication, reason: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.publication_move(
            actor=coordinator, publication=published, move="withdraw", reason=reason
        )
    assert exc.value.error_dict["reason"][0].code == "reason_required"
    published.refresh_from_db()
    assert published.status == PublicationStatus.PUBLISHED


def test_the_withdrawal_reason_is_kept(coordinator: Any, withdrawn: Publication) -> None:
    assert withdrawn.status_reason == "Fel siffror."
    assert AuditEvent.objects.get(action="publication.withdraw").reason == "Fel siffror."


def test_the_first_publish_time_is_kept_when_published_again(
    coordinator: Any, withdrawn: Publication
) -> None:
    first = withdrawn.published_at
    assert first is not None
    again = services.publication_move(actor=coordinator, publication=withdrawn, move="publish")
    assert again.published_at == first
    assert again.status_reason == ""


def test_a_move_on_a_stale_version_is_refused(coordinator: Any, draft: Publication) -> None:
    seen = draft.version
    services.publication_update(
        actor=coordinator, publication=draft, expected_version=seen, title="Ändrad"
    )
    with pytest.raises(ConcurrentEditError):
        services.publication_move(
            actor=coordinator, publication=draft, move="publish", expected_version=seen
        )
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT


@pytest.mark.parametrize("person", ["other_coordinator", "sponsor", "company_member"])
def test_only_organisers_move(
    request: pytest.FixtureRequest, draft: Publication, person: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.publication_move(
            actor=request.getfixturevalue(person), publication=draft, move="publish"
        )


def test_an_unknown_move_is_refused(coordinator: Any, draft: Publication) -> None:
    with pytest.raises(ValidationError) as exc:
        services.publication_move(actor=coordinator, publication=draft, move="delete")
    assert exc.value.code == "unknown_move"


def test_the_admin_moves_national_publications(portal_admin: Any) -> None:
    national = make_publication(portal_admin, region=None)
    moved = services.publication_move(actor=portal_admin, publication=national, move="publish")
    assert moved.status == PublicationStatus.PUBLISHED


# --- Download counter ----------------------------------------------------------------------------


def test_downloads_are_counted_per_stockholm_day(published: Publication) -> None:
    # 23:30 UTC on 31 March is 01:30 on 1 April in Stockholm (summer time).
    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        services.download_record(publication=published)
        services.download_record(publication=published)
    services.download_record(publication=published)

    counts = dict(DownloadCount.objects.values_list("day", "count"))
    assert counts[dt.date(2026, 4, 1)] == 2
    assert counts[timezone.localdate()] == 1
    assert dt.date(2026, 3, 31) not in counts
