"""Writes for events: create, edit, publish, move to a new time, postpone and cancel.

Organisers are the region's coordinators; portal admins organise national events (region None)
and every region's. Every write locks the event row, checks what may change (the moves against
`workflow.EVENT_MOVES`), writes an audit row and raises `ical_sequence` when something people
hold in their calendars changes (time, place, online link, title, status), so calendar programs
replace the entry they have. A new time, a new place, a postponement or a cancellation is mailed
to everyone with a confirmed seat or a place on the waiting list, after the commit, in their
language; a new online link only to those with a confirmed seat (the link comes with the seat).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from obstacles.models import Obstacle
from obstacles.sanitize import as_rich_text, single_line
from obstacles.workflow import ObstacleStatus
from partnerships.models import Partnership
from partnerships.permissions import partnerships_visible_to
from portal.core.audit import audit_record
from portal.core.concurrency import ConcurrentEditError
from portal.core.idempotency import created_before, form_token
from portal.core.notifications import notify
from regions.models import Region

from ..models import CONTENT_LANGUAGES, Event, EventKind, Registration
from ..permissions.base import can_organise, can_organise_for_region
from ..workflow import (
    EVENT_EDITABLE,
    EVENT_MOVES,
    EVENT_MOVES_NEEDING_REASON,
    EventMove,
    EventStatus,
    RegistrationStatus,
    event_move_allowed,
)

# The event's own columns that `event_create` / `event_update` take (plus the two relations).
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
    "region",
    "language",
    "capacity",
    "registration_deadline",
)
RELATIONS = ("partnerships", "obstacles")
# Changes people hold in their calendars: the calendar revision grows when one changes.
CALENDAR_FIELDS = frozenset({"title", "starts_at", "ends_at", "location", "online_url"})
TIME_FIELDS = frozenset({"starts_at", "ends_at"})
# The states in which a new time is a reschedule that everyone registered is told about.
ANNOUNCED = frozenset({EventStatus.PUBLISHED, EventStatus.POSTPONED})
MAX_TEXT = 20000
_http_url = URLValidator(schemes=["http", "https"])


# --- Validation ----------------------------------------------------------------------------------


def _in_utc(values: dict[str, Any]) -> None:
    """Aware times in `values` as UTC: datetimes that share a tzinfo compare by wall-clock time
    (the fold is ignored), so 02:30 before and after the October change would seem equal."""
    for name in ("starts_at", "ends_at", "registration_deadline"):
        value = values.get(name)
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            values[name] = value.astimezone(dt.UTC)


def _check_times(values: dict[str, Any], errors: dict[str, str]) -> None:
    _in_utc(values)
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            errors[name] = _("Give a date and a time.")
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        return
    if "starts_at" in errors or "ends_at" in errors:
        return
    if ends_at <= starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    deadline = values.get("registration_deadline")
    if deadline is not None:
        if not isinstance(deadline, dt.datetime) or timezone.is_naive(deadline):
            errors["registration_deadline"] = _("Give a date and a time.")
        elif deadline > starts_at:
            errors["registration_deadline"] = _(
                "Registration must close before the event starts (or leave it empty)."
            )


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """`values` (every column of an event) normalised and checked; ValidationError per field."""
    cleaned = dict(values)
    errors: dict[str, str] = {}
    cleaned["title"] = single_line(str(cleaned.get("title") or ""))
    if not cleaned["title"]:
        errors["title"] = _("Give the event a title.")
    elif len(cleaned["title"]) > 200:
        errors["title"] = _("Keep the title to 200 characters.")
    if cleaned.get("kind") not in EventKind.values:
        errors["kind"] = _("Choose what kind of event it is.")
    cleaned["description"] = as_rich_text(str(cleaned.get("description") or ""))
    if len(cleaned["description"]) > MAX_TEXT:
        errors["description"] = _("Keep the description to %(limit)d characters.") % {
            "limit": MAX_TEXT
        }
    cleaned["location"] = single_line(str(cleaned.get("location") or ""))
    if len(cleaned["location"]) > 300:
        errors["location"] = _("Keep the place to 300 characters.")
    cleaned["online_url"] = str(cleaned.get("online_url") or "").strip()
    if cleaned["online_url"]:
        try:
            _http_url(cleaned["online_url"])
        except ValidationError:
            errors["online_url"] = _("Give a web address that starts with https:// or http://.")
        if len(cleaned["online_url"]) > 500:
            errors["online_url"] = _("Keep the link to 500 characters.")
    if not cleaned["location"] and not cleaned["online_url"] and "location" not in errors:
        errors["location"] = _("Give a place, an online link or both.")
    if cleaned.get("language") not in dict(CONTENT_LANGUAGES):
        errors["language"] = _("Choose Swedish or English.")
    capacity = cleaned.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or capacity < 1):
        errors["capacity"] = _("Give at least one seat, or leave it empty for no limit.")
    region = cleaned.get("region")
    if region is not None and not isinstance(region, Region):
        errors["region"] = _("Choose a region.")
    _check_times(cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_organiser(actor: Any, region: Region | None) -> None:
    if not can_organise_for_region(actor, region.pk if region is not None else None):
        raise PermissionDenied


def _partnerships(
    actor: Any, partnerships: Iterable[Partnership], *, region: Region | None, keep: set[int]
) -> list[Partnership]:
    """The region's partnerships the organiser may open (any region's for a national event);
    a link made earlier stays while the region is the same."""
    wanted = list(partnerships)
    if not wanted:
        return []
    ids = {p.pk for p in wanted}
    visible = set(partnerships_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    refused = [
        p
        for p in wanted
        if (p.pk not in visible and p.pk not in keep)
        or (region is not None and p.region_id != region.pk)
    ]
    if refused:
        raise ValidationError(
            {
                "partnerships": _(
                    "Link only partnerships of the event's region that you may open. "
                    "Not possible: %(titles)s."
                )
                % {"titles": ", ".join(p.title for p in refused)}
            }
        )
    return wanted


def _obstacles(obstacles: Iterable[Obstacle], *, keep: set[int]) -> list[Obstacle]:
    """Published obstacles, or ones linked before they were withdrawn."""
    wanted = list(obstacles)
    if not wanted:
        return []
    ids = {o.pk for o in wanted}
    usable = set(
        Obstacle.objects.filter(pk__in=ids, status=ObstacleStatus.PUBLISHED).values_list(
            "pk", flat=True
        )
    ) | (ids & keep)
    missing = sorted(ids - usable)
    if missing:
        raise ValidationError(
            {
                "obstacles": _(
                    "Only published obstacles can be linked. Not published: %(numbers)s."
                )
                % {"numbers": ", ".join(f"#{n}" for n in missing)}
            }
        )
    return wanted


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


# --- Mail --------------------------------------------------------------------------------------


def _tell_registered(
    event: Event,
    *,
    mail: str,
    context: dict[str, Any],
    confirmed_context: dict[str, Any] | None = None,
    tell_waiting: bool = True,
) -> None:
    """Mail everyone with a confirmed seat or a place on the waiting list (after the commit,
    each in their language). Those waiting read a text about their place in the queue;
    `confirmed_context` is for confirmed seats only (the online link), and `tell_waiting=False`
    leaves the waiting list out (a new online link is no news to them)."""
    statuses = [RegistrationStatus.CONFIRMED]
    if tell_waiting:
        statuses.append(RegistrationStatus.WAITLISTED)
    registrations = (
        Registration.objects.filter(event=event, status__in=statuses)
        .select_related("user")
        .order_by("id")
    )
    confirmed, waiting = [], []
    for registration in registrations:
        if registration.status == RegistrationStatus.CONFIRMED:
            confirmed.append(registration.user)
        else:
            waiting.append(registration.user)
    template = f"dissemination/mail/event_{mail}"
    for users, is_waiting in ((confirmed, False), (waiting, True)):
        if users:
            extra = {} if is_waiting else (confirmed_context or {})
            notify(
                users=users,
                template=template,
                context={**context, **extra, "event": event, "waiting": is_waiting},
            )


def _tell_about_changes(
    event: Event,
    *,
    rescheduled: bool,
    old_starts_at: dt.datetime,
    old_ends_at: dt.datetime,
    place_changed: bool,
    old_location: str,
    link_changed: bool,
) -> None:
    """One mail per edit of a published or postponed event: a new time (naming a new place
    and, for confirmed seats, a new link too), or else a new place (everyone registered) and / or
    a new online link (confirmed seats only; only they ever get the link)."""
    changes = {
        "place_changed": place_changed,
        "old_location": old_location,
        "link_changed": link_changed,
    }
    # The waiting list never gets the link: it comes with the seat.
    confirmed_context = {"online_url": event.online_url if link_changed else ""}
    if rescheduled:
        _tell_registered(
            event,
            mail="rescheduled",
            context={
                "old_starts_at": old_starts_at,
                "old_ends_at": old_ends_at,
                "reason": "",
                **changes,
            },
            confirmed_context=confirmed_context,
        )
    elif place_changed or link_changed:
        _tell_registered(
            event,
            mail="changed",
            context=changes,
            confirmed_context=confirmed_context,
            tell_waiting=place_changed,
        )


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    description: str = "",
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    online_url: str = "",
    region: Region | None,
    language: str = "sv",
    capacity: int | None = None,
    registration_deadline: dt.datetime | None = None,
    partnerships: Iterable[Partnership] = (),
    obstacles: Iterable[Obstacle] = (),
    publish: bool = False,
    client_token: str = "",
) -> Event:
    """A new event of `region` (None: national), as a draft or published at once.

    Only the region's organisers may create it (PermissionDenied otherwise). `description` is
    typed text (stored as sanitised HTML). `client_token` is the new-event form's hidden token:
    the same token again from the same person (a double submit) returns the event the first
    request created instead of a second one.
    """
    _check_organiser(actor, region)
    token = form_token(client_token)
    earlier = created_before(Event, actor=actor, action="event.create", client_token=token)
    if earlier is not None:
        return earlier
    values = _clean_values(
        {
            "kind": kind,
            "title": title,
            "description": description,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "location": location,
            "online_url": online_url,
            "region": region,
            "language": language,
            "capacity": capacity,
            "registration_deadline": registration_deadline,
        }
    )
    linked_partnerships = _partnerships(actor, partnerships, region=region, keep=set())
    linked_obstacles = _obstacles(obstacles, keep=set())
    now = timezone.now()
    event = Event.objects.create(
        **values,
        status=EventStatus.PUBLISHED if publish else EventStatus.DRAFT,
        published_at=now if publish else None,
        created_by=actor,
    )
    event.partnerships.set(linked_partnerships)
    event.obstacles.set(linked_obstacles)
    audit_record(
        actor=actor,
        action="event.create",
        target=event,
        data={
            "client_token": token,
            "status": event.status,
            "partnerships": [p.pk for p in linked_partnerships],
            "obstacles": [o.pk for o in linked_obstacles],
        },
    )
    return event


def _capacity_raised(old: int | None, new: int | None) -> bool:
    if old is None:
        return False
    return new is None or new > old


@transaction.atomic
def event_update(*, actor: Any, event: Event, expected_version: int, **changes: Any) -> Event:
    """The organisers change an event that is a draft, published or postponed.

    `changes` takes any of `EVENT_FIELDS` and `partnerships` / `obstacles`. A stale
    `expected_version` raises ConcurrentEditError. A new start or end of a published or postponed
    event is a reschedule: the event is published at the new time (a postponed one is back on
    the calendar) and everyone registered is told. A new place is told to everyone registered
    too, a new online link to those with a confirmed seat (one mail per edit: with a new time,
    the reschedule mail names the new place and link). A registration deadline that no longer
    falls before the start is refused. The capacity cannot go below the seats already taken; raising
    it (or removing the limit) gives free seats to the waiting list at once.
    """
    unknown = set(changes) - set(EVENT_FIELDS) - set(RELATIONS)
    if unknown:
        raise TypeError(f"event_update() got unknown fields: {', '.join(sorted(unknown))}")
    locked = _lock(event)
    if not can_organise(actor, locked):
        raise PermissionDenied
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    if locked.status not in EVENT_EDITABLE:
        raise ValidationError(
            _("The event is %(status)s: it can no longer be changed.")
            % {"status": locked.get_status_display().lower()},
            code="not_editable",
        )
    current = {name: getattr(locked, name) for name in EVENT_FIELDS}
    if "region" in changes:
        _check_organiser(actor, changes["region"])
    values = _clean_values({**current, **{k: v for k, v in changes.items() if k in EVENT_FIELDS}})
    # Only what was sent is written (stored text is not cleaned again when it was not sent).
    fields = {
        name: values[name]
        for name in EVENT_FIELDS
        if name in changes and values[name] != current[name]
    }
    values = {**current, **fields}
    new_capacity = values["capacity"]
    if "capacity" in fields and new_capacity is not None:
        taken = locked.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        if new_capacity < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)d people already have a seat: give at least %(taken)d seats."
                    )
                    % {"taken": taken}
                }
            )
    region = values["region"]
    links: dict[str, list[Any]] = {}
    if "partnerships" in changes or "region" in fields:
        # A new region must hold every linked partnership too.
        named = (
            changes["partnerships"]
            if "partnerships" in changes
            else list(locked.partnerships.all())
        )
        kept = set(locked.partnerships.values_list("pk", flat=True))
        links["partnerships"] = _partnerships(actor, named, region=region, keep=kept)
    if "obstacles" in changes:
        kept = set(locked.obstacles.values_list("pk", flat=True))
        links["obstacles"] = _obstacles(changes["obstacles"], keep=kept)

    announced = locked.status in ANNOUNCED
    rescheduled = bool(TIME_FIELDS & set(fields)) and announced
    place_changed = "location" in fields and announced
    link_changed = "online_url" in fields and announced
    old_starts_at, old_ends_at, old_status = locked.starts_at, locked.ends_at, locked.status
    old_location = locked.location
    for name, value in fields.items():
        setattr(locked, name, value)
    update_fields = [*fields, "version", "updated_at"]
    if rescheduled and locked.status == EventStatus.POSTPONED:
        locked.status = EventStatus.PUBLISHED
        locked.status_reason = ""
        update_fields += ["status", "status_reason"]
    if CALENDAR_FIELDS & set(fields) or locked.status != old_status:
        locked.ical_sequence += 1
        update_fields.append("ical_sequence")
    locked.version += 1
    locked.save(update_fields=update_fields)
    for name, rows in links.items():
        getattr(locked, name).set(rows)
    audit_record(
        actor=actor,
        action="event.update",
        target=locked,
        data={
            "fields": sorted(fields),
            **{name: [row.pk for row in rows] for name, rows in links.items()},
            **({"from": old_status, "to": locked.status} if locked.status != old_status else {}),
        },
    )
    _tell_about_changes(
        locked,
        rescheduled=rescheduled,
        old_starts_at=old_starts_at,
        old_ends_at=old_ends_at,
        place_changed=place_changed,
        old_location=old_location,
        link_changed=link_changed,
    )
    if "capacity" in fields and _capacity_raised(current["capacity"], new_capacity):
        from .registrations import registrations_promote

        registrations_promote(event=locked)
        locked.refresh_from_db()
    return locked


def _new_times(
    locked: Event, starts_at: dt.datetime | None, ends_at: dt.datetime | None
) -> dict[str, Any]:
    """The columns a reschedule changes; the registration deadline keeps its distance from the
    start (registration that closed two days before still closes two days before)."""
    values = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "registration_deadline": locked.registration_deadline,
    }
    if values["registration_deadline"] is not None and isinstance(starts_at, dt.datetime):
        values["registration_deadline"] += starts_at - locked.starts_at
    errors: dict[str, str] = {}
    _check_times(values, errors)
    if errors:
        raise ValidationError(errors)
    if (
        locked.status == EventStatus.PUBLISHED
        and starts_at == locked.starts_at
        and ends_at == locked.ends_at
    ):
        raise ValidationError(
            {"starts_at": _("This is the time the event already has. Give the new time.")}
        )
    return values


@transaction.atomic
def event_move(
    *,
    actor: Any,
    event: Event,
    move: str,
    expected_version: int | None = None,
    reason: str = "",
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> Event:
    """Publish a draft, move a published or postponed event to a new time (`starts_at`,
    `ends_at`), postpone a published one or cancel one, along `workflow.EVENT_MOVES` only.

    Postponing and cancelling need a `reason`, which everyone registered reads; a reschedule may
    carry one. The first publication sets `published_at`. A stale `expected_version` raises
    ConcurrentEditError; a move the table does not allow from the current state raises
    ValidationError (code `illegal_move`).
    """
    if move not in EVENT_MOVES:
        raise ValidationError(_("This is not a move an event can make."), code="unknown_move")
    locked = _lock(event)
    if not can_organise(actor, locked):
        raise PermissionDenied
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    if not event_move_allowed(move=move, status=locked.status):
        raise ValidationError(
            _("The event is %(status)s: it cannot be moved that way now.")
            % {"status": locked.get_status_display().lower()},
            code="illegal_move",
        )
    reason = (reason or "").strip()
    if move in EVENT_MOVES_NEEDING_REASON and not reason:
        raise ValidationError(
            {"reason": _("Give a reason: everyone registered reads it.")},
            code="reason_required",
        )
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Keep the reason to 2000 characters.")})
    old_status, old_starts_at, old_ends_at = locked.status, locked.starts_at, locked.ends_at
    target = EVENT_MOVES[move][1]
    changes: dict[str, Any] = {"status": target}
    if move == EventMove.RESCHEDULE:
        changes.update(_new_times(locked, starts_at, ends_at))
        changes["status_reason"] = ""
    elif move in EVENT_MOVES_NEEDING_REASON:
        changes["status_reason"] = reason
    if move == EventMove.PUBLISH and locked.published_at is None:
        changes["published_at"] = timezone.now()
    for name, value in changes.items():
        setattr(locked, name, value)
    update_fields = [*changes, "version", "updated_at"]
    if move != EventMove.PUBLISH:
        # Publishing shows a draft for the first time: nobody holds an older revision.
        locked.ical_sequence += 1
        update_fields.append("ical_sequence")
    locked.version += 1
    locked.save(update_fields=update_fields)
    data: dict[str, Any] = {"from": old_status, "to": target}
    if move == EventMove.RESCHEDULE:
        data.update(
            old_starts_at=old_starts_at.isoformat(),
            starts_at=locked.starts_at.isoformat(),
            ends_at=locked.ends_at.isoformat(),
        )
    audit_record(actor=actor, action=f"event.{move}", target=locked, reason=reason, data=data)
    if move != EventMove.PUBLISH:
        _tell_registered(
            locked,
            mail={"reschedule": "rescheduled", "postpone": "postponed", "cancel": "cancelled"}[
                move
            ],
            context={"old_starts_at": old_starts_at, "old_ends_at": old_ends_at, "reason": reason},
        )
    return locked
