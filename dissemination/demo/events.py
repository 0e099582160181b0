"""Demo events, written and moved through the event and registration services as organisers and
participants would: the region's coordinator (the portal admin for national events) creates and
publishes, people register (the full webinar puts the last ones on its waiting list), the
organiser postpones or cancels with a reason, marks who came and logs the reach the portal could
not count."""

import datetime as dt
import uuid

from django.utils import timezone

from obstacles.models import Obstacle
from obstacles.workflow import ObstacleStatus
from partnerships.demo import DEMO_NAMESPACE
from partnerships.models import Partnership

from ..models import Event, Registration
from ..services.events import event_create, event_move
from ..services.reach import reach_record
from ..services.registrations import attendance_mark, registration_create
from ..workflow import EventMove
from .content import EVENTS
from .dates import counted_on, event_day, local_datetime
from .people import DemoCast, organisation_of, organiser_of
from .specs import EventSpec

# A held event is registered for a week ahead of the day the demo is loaded (see `_hold`).
_REGISTER_AHEAD_DAYS = 7


def _token(title: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, f"event:{title}"))


def _partnerships(cast: DemoCast, spec: EventSpec) -> list[Partnership]:
    region = cast.region(spec.region)
    found = Partnership.objects.filter(title__in=spec.partnerships)
    if region is not None:
        found = found.filter(region=region)
    return list(found.order_by("pk"))


def _obstacles(spec: EventSpec) -> list[Obstacle]:
    return list(
        Obstacle.objects.filter(title__in=spec.obstacles, status=ObstacleStatus.PUBLISHED).order_by(
            "pk"
        )
    )


def _times(spec: EventSpec, day: dt.date) -> tuple[dt.datetime, dt.datetime, dt.datetime | None]:
    """Start, end and registration deadline of `spec` held on `day`."""
    starts_at = local_datetime(day, spec.start)
    ends_at = starts_at + dt.timedelta(minutes=spec.minutes)
    deadline = None
    if spec.deadline_days is not None:
        deadline = starts_at - dt.timedelta(days=spec.deadline_days)
    return starts_at, ends_at, deadline


def _create(cast: DemoCast, spec: EventSpec) -> Event:
    # A held event is created (and registered for) as if it were a week ahead, open for
    # registration until its start; `_hold` then gives it its real, past time and deadline (a
    # deadline a week or more before a start a week ahead would already have closed it).
    day = event_day(_REGISTER_AHEAD_DAYS if spec.held else spec.days)
    starts_at, ends_at, deadline = _times(spec, day)
    if spec.held:
        deadline = None
    return event_create(
        actor=organiser_of(cast, spec.region),
        kind=spec.kind,
        title=spec.title,
        description=spec.description,
        starts_at=starts_at,
        ends_at=ends_at,
        location=spec.location,
        online_url=spec.online_url,
        region=cast.region(spec.region),
        language=spec.language,
        capacity=spec.capacity,
        registration_deadline=deadline,
        partnerships=_partnerships(cast, spec),
        obstacles=_obstacles(spec),
        publish=spec.state != "draft",
        client_token=_token(spec.title),
    )


def _register(cast: DemoCast, spec: EventSpec, event: Event) -> dict[str, Registration]:
    registrations = {}
    for seat in spec.seats:
        person = cast[seat.who]
        registrations[seat.who] = registration_create(
            user=person,
            event=event,
            name=person.name or person.email,
            organisation=organisation_of(cast, seat.who),
            needs=seat.needs,
            consent_to_list=seat.consent,
        )
    return registrations


def _hold(spec: EventSpec, event: Event) -> Event:
    """Give a held event its real time in the past.

    Demo only: the services refuse registrations for an event that has started (as they must),
    and no service moves an event into the past. To show held events with their registrations
    and marked attendance, the demo registers while the event is still ahead and then moves its
    times back with a plain update. Nobody is told (there is nobody to tell in the demo) and the
    calendar revision is left alone: to calendars the event always had this time.
    """
    starts_at, ends_at, deadline = _times(spec, event_day(spec.days))
    published_at = starts_at - dt.timedelta(days=30)
    Event.objects.filter(pk=event.pk).update(
        starts_at=starts_at,
        ends_at=ends_at,
        registration_deadline=deadline,
        published_at=published_at,
    )
    # Registrations were made when the event was announced, not on the day the demo was loaded.
    Registration.objects.filter(event=event).update(
        created_at=published_at, confirmed_at=published_at
    )
    event.refresh_from_db()
    return event


def _mark_attendance(
    cast: DemoCast, spec: EventSpec, event: Event, registrations: dict[str, Registration]
) -> None:
    marks = {
        registrations[seat.who].pk: seat.attended
        for seat in spec.seats
        if seat.attended is not None and seat.who in registrations
    }
    if marks:
        attendance_mark(actor=organiser_of(cast, spec.region), event=event, attended=marks)


def _log_reach(cast: DemoCast, spec: EventSpec, event: Event) -> None:
    held_on = timezone.localdate(event.starts_at)
    for figure in spec.figures:
        reach_record(
            actor=organiser_of(cast, spec.region),
            metric=figure.metric,
            value=figure.value,
            counted_on=counted_on(held_on, figure.days_after),
            event=event,
            notes=figure.notes,
        )


def _seed_event(cast: DemoCast, spec: EventSpec) -> Event:
    event = _create(cast, spec)
    registrations = _register(cast, spec, event) if spec.state != "draft" else {}
    organiser = organiser_of(cast, spec.region)
    if spec.state == "postponed":
        event = event_move(
            actor=organiser, event=event, move=EventMove.POSTPONE, reason=spec.reason
        )
    elif spec.state == "cancelled":
        event = event_move(actor=organiser, event=event, move=EventMove.CANCEL, reason=spec.reason)
    elif spec.state not in ("draft", "published"):
        raise ValueError(f"Unknown demo state {spec.state!r} for {spec.title!r}")
    if spec.held:
        event = _hold(spec, event)
        _mark_attendance(cast, spec, event, registrations)
    if spec.figures:
        _log_reach(cast, spec, event)
    return event


def seed_events(cast: DemoCast) -> list[Event]:
    """The demo events; an event whose title exists (an earlier run) is left as it is."""
    titles = [spec.title for spec in EVENTS]
    existing = set(Event.objects.filter(title__in=titles).values_list("title", flat=True))
    return [_seed_event(cast, spec) for spec in EVENTS if spec.title not in existing]
