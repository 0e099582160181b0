"""Publications: every write – create, edit, publish, withdraw, the file, the download counter.

Rules enforced here (the views only choose the response):

- Only organisers write: the region's coordinators, portal admins for national publications and
  every region's (`PermissionDenied` otherwise; the views answer 404).
- A publication has a link or a file (or both), always. The file is checked by its content
  (`portal.core.uploads.inspect_upload`: PDF, DOCX, XLSX, PNG, JPEG, MP3; at most
  `settings.DISSEMINATION_UPLOAD_MAX_MB`, default 50) and stored under a random name; the name
  the uploader gave is only ever a display name.
- A replaced or removed file is deleted from storage after the commit, never before (a rolled
  back edit keeps the old file). A new file is written before the row commits: if the service
  fails after writing it, the file is deleted at once, so no row ever points at a missing file
  and no unreferenced file is left behind by a refused write.
- Edits carry the version the editor started from (`ConcurrentEditError` when someone saved in
  between); moves follow `workflow.PUBLICATION_MOVES`, withdrawing needs a reason, and the first
  publish sets `published_at`. Every write leaves an audit row.
- A second POST of the same "new" form (a double click, a resent request) returns the
  publication the first one created: the form's `client_token` is kept in the create's audit
  row, and the actor's own row is locked first so two such requests at once are serialised.
- Downloads by people who do not organise the publication are counted per local day
  (`download_record`), without a lost update when many happen at once.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from obstacles.models import Obstacle
from obstacles.sanitize import as_rich_text, single_line
from obstacles.workflow import ObstacleStatus
from partnerships.models import Partnership
from partnerships.permissions import partnerships_visible_to
from portal.core.audit import audit_record
from portal.core.concurrency import ConcurrentEditError, versioned_update
from portal.core.idempotency import created_before, form_token
from portal.core.uploads import (
    DOCUMENT_KINDS,
    MB,
    MP3,
    InspectedUpload,
    inspect_upload,
    storage_name,
)
from regions.models import Region

from ..models import CONTENT_LANGUAGES, DownloadCount, Publication, PublicationFile, PublicationKind
from ..permissions.base import can_organise, can_organise_for_region
from ..workflow import PUBLICATION_MOVES, PublicationStatus, publication_move_allowed

# What a publication's file may be: documents and images, and MP3 for podcast episodes.
PUBLICATION_FILE_KINDS = (*DOCUMENT_KINDS, MP3)
DEFAULT_UPLOAD_MAX_MB = 50
TITLE_MAX = 200
SUMMARY_MAX = 20000
LINK_MAX = 500
REASON_MAX = 2000

# What an edit may change (the form's fields, in its order).
PUBLICATION_FIELDS = (
    "kind",
    "title",
    "summary",
    "published_on",
    "link",
    "region",
    "language",
    "partnerships",
    "obstacles",
)
UPDATABLE_FIELDS = frozenset(PUBLICATION_FIELDS)
_M2M_FIELDS = frozenset({"partnerships", "obstacles"})

_http_url = URLValidator(schemes=["http", "https"])


def upload_max_bytes() -> int:
    """The largest file a publication may have (`DISSEMINATION_UPLOAD_MAX_MB`, default 50)."""
    return int(getattr(settings, "DISSEMINATION_UPLOAD_MAX_MB", DEFAULT_UPLOAD_MAX_MB)) * MB


def inspect_publication_file(upload: Any) -> InspectedUpload:
    """`upload` checked as a publication's file (kinds and size above); ValidationError with
    the reason otherwise. Forms call it too, to show the reason with the other errors."""
    return inspect_upload(upload, kinds=PUBLICATION_FILE_KINDS, max_size=upload_max_bytes())


def _link_or_file_message() -> str:
    return _("Give a link or choose a file: a publication needs at least one of them.")


# --- Checking what was sent ----------------------------------------------------------------------


Errors = dict[str, list[str]]


def _refuse(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _clean_scalars(values: dict[str, Any], errors: Errors) -> dict[str, Any]:
    """The publication's own fields from `values`: one-line title, sanitised summary, checked
    kind, date, link and language. Problems go into `errors` by field."""
    fields: dict[str, Any] = {}
    if "kind" in values:
        if values["kind"] in PublicationKind.values:
            fields["kind"] = str(values["kind"])
        else:
            _refuse(errors, "kind", _("Choose what kind of publication it is."))
    if "title" in values:
        title = single_line(str(values["title"] or ""))
        if not title:
            _refuse(errors, "title", _("Give the publication a title."))
        elif len(title) > TITLE_MAX:
            _refuse(
                errors,
                "title",
                _("Keep the title to %(limit_value)d characters (it has %(show_value)d).")
                % {"limit_value": TITLE_MAX, "show_value": len(title)},
            )
        else:
            fields["title"] = title
    if "summary" in values:
        summary = as_rich_text(str(values["summary"] or ""))
        if len(summary) > SUMMARY_MAX:
            _refuse(errors, "summary", _("The summary is too long: shorten it."))
        else:
            fields["summary"] = summary
    if "published_on" in values:
        day = values["published_on"]
        if isinstance(day, dt.date) and not isinstance(day, dt.datetime):
            fields["published_on"] = day
        else:
            _refuse(errors, "published_on", _("Give the date as YYYY-MM-DD."))
    if "link" in values:
        link = str(values["link"] or "").strip()
        try:
            if link:
                _http_url(link)
            if len(link) > LINK_MAX:
                raise ValidationError("too long")
        except ValidationError:
            _refuse(
                errors,
                "link",
                _(
                    "Give a web address that starts with http:// or https:// "
                    "(at most %(limit)d characters)."
                )
                % {"limit": LINK_MAX},
            )
        else:
            fields["link"] = link
    if "region" in values:
        region = values["region"]
        if region is not None and not isinstance(region, Region):
            raise TypeError("region must be a Region or None")
        fields["region"] = region
    if "language" in values:
        if values["language"] in dict(CONTENT_LANGUAGES):
            fields["language"] = str(values["language"])
        else:
            _refuse(errors, "language", _("Choose Swedish or English."))
    return fields


def _check_partnerships(
    *,
    actor: Any,
    partnerships: Iterable[Partnership],
    region_id: int | None,
    keep: frozenset[int],
    errors: Errors,
) -> list[Partnership]:
    """The partnerships, each one the actor may see (or already linked) and, for a regional
    publication, of its region."""
    named = list(dict.fromkeys(partnerships))
    new_ids = {p.pk for p in named} - keep
    visible = (
        set(partnerships_visible_to(actor).filter(pk__in=new_ids).values_list("pk", flat=True))
        if new_ids
        else set()
    )
    for partnership in named:
        if partnership.pk in new_ids and partnership.pk not in visible:
            _refuse(errors, "partnerships", _("Choose among the partnerships offered."))
        elif region_id is not None and partnership.region_id != region_id:
            _refuse(
                errors,
                "partnerships",
                _(
                    "“%(title)s” is a partnership of another region: link only partnerships of "
                    "the publication's region."
                )
                % {"title": partnership.title},
            )
    return named


def _check_obstacles(
    obstacles: Iterable[Obstacle], *, keep: frozenset[int], errors: Errors
) -> list[Obstacle]:
    """The obstacles, each published now or already linked (a link made before an obstacle was
    withdrawn may stay, so a text fix never fails on it)."""
    named = list(dict.fromkeys(obstacles))
    wanted = {o.pk for o in named}
    usable = set(
        Obstacle.objects.filter(pk__in=wanted - keep, status=ObstacleStatus.PUBLISHED).values_list(
            "pk", flat=True
        )
    ) | (wanted & keep)
    missing = sorted(wanted - usable)
    if missing:
        _refuse(
            errors,
            "obstacles",
            _("Only published obstacles can be linked. Not published: %(numbers)s.")
            % {"numbers": ", ".join(str(n) for n in missing)},
        )
    return named


def _inspect_into(upload: Any, errors: Errors) -> InspectedUpload | None:
    if upload is None:
        return None
    try:
        return inspect_publication_file(upload)
    except ValidationError as exc:
        errors.setdefault("file", []).extend(exc.messages)
        return None


# --- The file ------------------------------------------------------------------------------------


def _write_file(
    *,
    publication: Publication,
    current: PublicationFile | None,
    inspected: InspectedUpload,
    upload: Any,
    actor: Any,
) -> tuple[PublicationFile, str | None]:
    """Store the new file under a random name and point the publication's file row at it.

    Returns the row and the stored name of the file it replaced (to delete after the commit)."""
    record = current or PublicationFile(publication=publication)
    old_name = current.file.name if current is not None and current.file else None
    record.name = inspected.name
    record.content_type = inspected.kind.content_type
    record.size = inspected.size
    record.sha256 = inspected.sha256
    record.uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
    upload.seek(0)
    record.file.save(storage_name(inspected), upload, save=False)
    try:
        record.save()
    except BaseException:
        record.file.storage.delete(record.file.name)
        raise
    return record, old_name


def _delete_after_commit(storage: Any, name: str | None) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _discard_on_error(record: PublicationFile | None) -> None:
    """A file written in a service that then failed: delete it now (its row rolls back)."""
    if record is not None and record.file:
        record.file.storage.delete(record.file.name)


def _file_data(record: PublicationFile | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {"name": record.name, "sha256": record.sha256, "size": record.size}


# --- Writes --------------------------------------------------------------------------------------


@transaction.atomic
def publication_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    summary: str = "",
    published_on: dt.date,
    link: str = "",
    region: Region | None,
    language: str = "sv",
    partnerships: Iterable[Partnership] = (),
    obstacles: Iterable[Obstacle] = (),
    upload: Any = None,
    publish: bool = False,
    client_token: str = "",
) -> Publication:
    """An organiser adds a publication of `region` (None: national, portal admins only), as a
    draft or published at once (`publish`). It needs a `link` or a file (`upload`, checked by
    content). Partnerships must be ones the organiser may see, of the publication's region;
    obstacles must be published. `summary` is typed text, stored as sanitised HTML.

    `client_token` (the "new" form's hidden token): the same token again from the same actor
    returns the publication the first request made instead of a second one.
    """
    if not can_organise_for_region(actor, region.pk if region is not None else None):
        raise PermissionDenied
    token = form_token(client_token)
    earlier = created_before(
        Publication, actor=actor, action="publication.create", client_token=token
    )
    if earlier is not None:
        return earlier
    errors: Errors = {}
    fields = _clean_scalars(
        {
            "kind": kind,
            "title": title,
            "summary": summary,
            "published_on": published_on,
            "link": link,
            "region": region,
            "language": language,
        },
        errors,
    )
    linked_partnerships = _check_partnerships(
        actor=actor,
        partnerships=partnerships,
        region_id=region.pk if region is not None else None,
        keep=frozenset(),
        errors=errors,
    )
    linked_obstacles = _check_obstacles(obstacles, keep=frozenset(), errors=errors)
    inspected = _inspect_into(upload, errors)
    if not fields.get("link") and upload is None and "link" not in errors:
        _refuse(errors, "link", _link_or_file_message())
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    publication = Publication.objects.create(
        **fields,
        status=PublicationStatus.PUBLISHED if publish else PublicationStatus.DRAFT,
        published_at=now if publish else None,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    publication.partnerships.set(linked_partnerships)
    publication.obstacles.set(linked_obstacles)
    record = None
    try:
        if inspected is not None:
            record, _replaced = _write_file(
                publication=publication,
                current=None,
                inspected=inspected,
                upload=upload,
                actor=actor,
            )
        audit_record(
            actor=actor,
            action="publication.create",
            target=publication,
            data={
                "client_token": token,
                "status": publication.status,
                "file": _file_data(record),
                "partnerships": [p.pk for p in linked_partnerships],
                "obstacles": [o.pk for o in linked_obstacles],
            },
        )
        if publish:
            audit_record(
                actor=actor,
                action="publication.publish",
                target=publication,
                data={"from": PublicationStatus.DRAFT, "to": PublicationStatus.PUBLISHED},
            )
    except BaseException:
        _discard_on_error(record)
        raise
    return publication


@transaction.atomic
def publication_update(
    *,
    actor: Any,
    publication: Publication,
    expected_version: int,
    upload: Any = None,
    remove_file: bool = False,
    **changes: Any,
) -> Publication:
    """An organiser changes a publication in any state: `changes` among kind, title, summary,
    published_on, link, region, language, partnerships and obstacles (the links are replaced
    when given). `upload` adds or replaces the file; `remove_file` removes it (a new `upload`
    wins over it). The result must still have a link or a file.

    A stale `expected_version` raises ConcurrentEditError (nothing is written). Moving the
    publication to another region needs the right to organise both; linked partnerships must
    then be of the new region. A replaced or removed file leaves storage after the commit.
    """
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"publication_update() got unexpected fields: {sorted(unknown)}")
    locked = Publication.objects.select_for_update(of=("self",)).get(pk=publication.pk)
    if not can_organise(actor, locked):
        raise PermissionDenied
    if "region" in changes:
        new_region = changes["region"]
        if not can_organise_for_region(actor, new_region.pk if new_region is not None else None):
            raise PermissionDenied
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)

    errors: Errors = {}
    fields = _clean_scalars({k: v for k, v in changes.items() if k not in _M2M_FIELDS}, errors)
    region_id = fields["region"].pk if fields.get("region") is not None else None
    if "region" not in fields:
        region_id = locked.region_id
    current_partnerships = frozenset(locked.partnerships.values_list("pk", flat=True))
    linked_partnerships = None
    if "partnerships" in changes or region_id != locked.region_id:
        # A new region is checked against the links too, whether or not they were sent.
        wanted = (
            changes["partnerships"]
            if "partnerships" in changes
            else Partnership.objects.filter(pk__in=current_partnerships)
        )
        linked_partnerships = _check_partnerships(
            actor=actor,
            partnerships=wanted,
            region_id=region_id,
            keep=current_partnerships,
            errors=errors,
        )
    linked_obstacles = None
    if "obstacles" in changes:
        linked_obstacles = _check_obstacles(
            changes["obstacles"],
            keep=frozenset(locked.obstacles.values_list("pk", flat=True)),
            errors=errors,
        )
    current_file = PublicationFile.objects.filter(publication=locked).first()
    inspected = _inspect_into(upload, errors)
    keeps_file = upload is not None or (current_file is not None and not remove_file)
    if not fields.get("link", locked.link) and not keeps_file and "link" not in errors:
        if remove_file and current_file is not None:
            _refuse(
                errors,
                "remove_file",
                _(
                    "Without the file the publication would have neither a link nor a file: "
                    "give a link or choose a new file."
                ),
            )
        else:
            _refuse(errors, "link", _link_or_file_message())
    if errors:
        raise ValidationError(errors)

    changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
    updated = versioned_update(instance=locked, expected_version=expected_version, changes=fields)
    if linked_partnerships is not None and "partnerships" in changes:
        updated.partnerships.set(linked_partnerships)
        if {p.pk for p in linked_partnerships} != current_partnerships:
            changed.append("partnerships")
    if linked_obstacles is not None:
        before = set(locked.obstacles.values_list("pk", flat=True))
        updated.obstacles.set(linked_obstacles)
        if {o.pk for o in linked_obstacles} != before:
            changed.append("obstacles")

    record = None
    file_change = None
    try:
        if inspected is not None:
            record, old_name = _write_file(
                publication=updated,
                current=current_file,
                inspected=inspected,
                upload=upload,
                actor=actor,
            )
            file_change = "replaced" if current_file is not None else "added"
            if old_name:
                _delete_after_commit(record.file.storage, old_name)
        elif remove_file and current_file is not None:
            storage, name = current_file.file.storage, current_file.file.name
            current_file.delete()
            _delete_after_commit(storage, name)
            file_change = "removed"
        audit_record(
            actor=actor,
            action="publication.update",
            target=updated,
            data={"fields": changed, "file": file_change, "new_file": _file_data(record)},
        )
    except BaseException:
        _discard_on_error(record)
        raise
    return updated


@transaction.atomic
def publication_move(
    *,
    actor: Any,
    publication: Publication,
    move: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Publication:
    """An organiser publishes (from draft or withdrawn) or withdraws (from published, with a
    reason kept on the publication and in the audit row) a publication.

    The first publish sets `published_at`. A stale `expected_version` raises
    ConcurrentEditError; a move that does not start from the current status, or a withdrawal
    without a reason, raises ValidationError (code `move_not_allowed`, `reason_required`).
    """
    if move not in PUBLICATION_MOVES:
        raise ValidationError(
            _("That is not something you can do with a publication."), code="unknown_move"
        )
    locked = Publication.objects.select_for_update(of=("self",)).get(pk=publication.pk)
    if not can_organise(actor, locked):
        raise PermissionDenied
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    if not publication_move_allowed(move=move, status=locked.status):
        raise ValidationError(
            _("This cannot be done while the publication is %(status)s.")
            % {"status": locked.get_status_display().lower()},
            code="move_not_allowed",
        )
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Keep the reason to %(limit)d characters.") % {"limit": REASON_MAX},
                    code="reason_too_long",
                )
            }
        )
    if move == "withdraw" and not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say why the publication is withdrawn."), code="reason_required"
                )
            }
        )
    _sources, target = PUBLICATION_MOVES[move]
    if target == PublicationStatus.PUBLISHED:
        has_file = PublicationFile.objects.filter(publication=locked).exists()
        if not locked.link and not has_file:
            raise ValidationError(_link_or_file_message(), code="link_or_file")
    from_status = locked.status
    locked.status = target
    locked.status_reason = reason
    update_fields = ["status", "status_reason", "version", "updated_at"]
    if target == PublicationStatus.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
        update_fields.append("published_at")
    locked.version += 1
    locked.save(update_fields=update_fields)
    audit_record(
        actor=actor,
        action=f"publication.{move}",
        target=locked,
        reason=reason,
        data={"from": from_status, "to": target},
    )
    return locked


@transaction.atomic
def download_record(*, publication: Publication) -> None:
    """Count one download of the publication's file on today's counter (Stockholm date).

    An UPDATE … SET count = count + 1 first (the usual case: the day's row exists); when there
    is none, an INSERT in a savepoint; if another download created the row in between, the
    unique (publication, day) constraint refuses the insert and the UPDATE runs again, now on
    the committed row. No download is lost however many run at once. Not audited: downloads
    are counted, not attributed to anyone.
    """
    day = timezone.localdate()
    counter = DownloadCount.objects.filter(publication_id=publication.pk, day=day)
    if counter.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            DownloadCount.objects.create(publication_id=publication.pk, day=day, count=1)
    except IntegrityError:
        counter.update(count=F("count") + 1)
