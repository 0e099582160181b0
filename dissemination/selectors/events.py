"""Reads for the events pages: the organisers' panel on an event page, the organisers' dashboard
and the events the calendar files carry."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from partnerships.permissions import coordinated_region_ids
from portal.accounts.permissions import is_portal_admin
from regions.models import Region

from ..ical import EVENT_COLUMNS
from ..models import Event, Lesson, Publication
from ..permissions.base import can_organise, organised_scope
from ..permissions.events import can_edit_event, event_moves_for
from ..workflow import (
    EVENT_PUBLIC_STATES,
    EventMove,
    EventStatus,
    LessonStatus,
    PublicationStatus,
    RegistrationStatus,
)

PAST_PER_PAGE = 25
PUBLICATIONS_PER_PAGE = 25
# The feeds carry events up to a year back (from midnight, Swedish time), so a subscribed
# calendar keeps the recent past without growing for ever.
FEED_HISTORY = dt.timedelta(days=365)


def with_seat_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Each event with `confirmed_count` and `waiting_count` (one query for all of them)."""
    return events.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    )


def seat_summary(event: Event) -> dict[str, Any]:
    """Seats taken, seats in all (None: no limit), seats free and people waiting."""
    confirmed = getattr(event, "confirmed_count", None)
    waiting = getattr(event, "waiting_count", None)
    if confirmed is None or waiting is None:
        counts = event.registrations.aggregate(
            confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        )
        confirmed, waiting = counts["confirmed"], counts["waiting"]
    capacity = event.capacity
    return {
        "confirmed": confirmed,
        "waiting": waiting,
        "capacity": capacity,
        "free": None if capacity is None else max(capacity - confirmed, 0),
    }


def organiser_panel_context(*, user: Any, event: Event) -> dict[str, Any]:
    """The organisers' panel on an event page: edit, the moves allowed now, attendees, reach
    and the seats. Empty for everyone who does not organise the event.

    Rendered by `templates/dissemination/partials/organiser_panel.html`."""
    if not can_organise(user, event):
        return {}
    moves = [
        (move, EventMove(move).label, reverse("dissemination:event_move", args=[event.pk, move]))
        for move in event_moves_for(user, event)
    ]
    return {
        "organiser_panel_event": event,
        "organiser_panel_edit_url": (
            reverse("dissemination:event_edit", args=[event.pk])
            if can_edit_event(user, event)
            else ""
        ),
        "organiser_panel_moves": moves,
        "organiser_panel_attendees_url": reverse("dissemination:attendees", args=[event.pk]),
        "organiser_panel_reach_url": reverse("dissemination:event_reach", args=[event.pk]),
        "organiser_panel_seats": seat_summary(event),
    }


# --- The organisers' dashboard -------------------------------------------------------------


def manage_regions(user: Any) -> QuerySet[Region]:
    """The regions the dashboard may be narrowed to: those whose events the user organises."""
    regions = Region.objects.order_by("code")
    if is_portal_admin(user):
        return regions
    return regions.filter(pk__in=coordinated_region_ids(user))


def _scope(user: Any, region: Region | None, national: bool) -> Q:
    rule = organised_scope(user)
    if national:
        rule &= Q(region__isnull=True)
    elif region is not None:
        rule &= Q(region=region)
    return rule


def manage_events(
    *,
    user: Any,
    region: Region | None = None,
    national: bool = False,
    past_page: Any = 1,
) -> tuple[list[Event], Page]:
    """The events the user organises (narrowed to `region`, or to national ones), as
    (coming: drafts and events not yet over that are not cancelled, soonest first;
    a page of the others: past and cancelled, latest first). Each carries its seat counts."""
    now = timezone.now()
    events = with_seat_counts(
        Event.objects.filter(_scope(user, region, national)).select_related("region")
    )
    coming_rule = Q(status=EventStatus.DRAFT) | Q(
        status__in=[EventStatus.PUBLISHED, EventStatus.POSTPONED], ends_at__gte=now
    )
    coming = list(events.filter(coming_rule).order_by("starts_at", "pk"))
    others = events.exclude(coming_rule).order_by("-starts_at", "-pk")
    return coming, Paginator(others, PAST_PER_PAGE).get_page(past_page)


def manage_publications(
    *, user: Any, region: Region | None = None, national: bool = False, page: Any = 1
) -> Page:
    """A page of the publications the user organises: drafts first, then the latest."""
    publications = (
        Publication.objects.filter(_scope(user, region, national))
        .select_related("region")
        .annotate(
            draft_order=Case(
                When(status=PublicationStatus.DRAFT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("draft_order", "-published_on", "-pk")
    )
    return Paginator(publications, PUBLICATIONS_PER_PAGE).get_page(page)


def lessons_waiting_count(*, user: Any) -> int:
    """Lessons learned sent for review in the partnerships of the regions the user coordinates
    (every region's for portal admins)."""
    lessons = Lesson.objects.filter(status=LessonStatus.SUBMITTED)
    if not is_portal_admin(user):
        lessons = lessons.filter(partnership__region_id__in=coordinated_region_ids(user))
    return lessons.count()


# --- Calendar files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedFingerprint:
    """What a feed's file is made of, read with one cheap aggregate: the events in the window
    (how many, the latest change, the highest calendar revision) and the window's first day.
    Any change to an event in the window moves `changed` (a save sets `updated_at`); an event
    leaving the window moves `count` or `since`, so equal fingerprints mean the same file."""

    since: dt.date
    count: int
    changed: dt.datetime | None
    sequence: int | None

    def token(self, *extra: object) -> str:
        """A short digest of the fingerprint (and `extra`, e.g. the scope and the language)."""
        changed = self.changed.isoformat() if self.changed else "-"
        text = "|".join(
            [self.since.isoformat(), str(self.count), changed, str(self.sequence), *map(str, extra)]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def last_modified(self) -> dt.datetime:
        """The latest change, or the moment the window last moved (midnight) if later: events
        that leave the window change the file too."""
        moved = dt.datetime.combine(
            self.since + FEED_HISTORY, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE)
        )
        return moved if self.changed is None else max(self.changed, moved)


def feed_window_start(today: dt.date | None = None) -> dt.datetime:
    """Where the feeds begin: midnight (Swedish time) a year before today. A whole day, so the
    window is the same for every fetch of the day and the fingerprint can name it."""
    zone = ZoneInfo(settings.TIME_ZONE)
    if today is None:
        today = timezone.now().astimezone(zone).date()
    return dt.datetime.combine(today - FEED_HISTORY, dt.time.min, tzinfo=zone)


def _feed_rows(*, region: Region | None, since: dt.datetime) -> QuerySet[Event]:
    events = Event.objects.filter(
        status__in=EVENT_PUBLIC_STATES, published_at__isnull=False, ends_at__gte=since
    )
    if region is not None:
        events = events.filter(region=region)
    return events


def calendar_events(
    *, region: Region | None = None, since: dt.datetime | None = None
) -> QuerySet[Event]:
    """The events calendar files carry: public ones (published, postponed, cancelled) that were
    published at some point, ending from `since` (default: the feed window, a year back)
    onwards; one region's when `region` is given. Only the columns a VEVENT needs."""
    since = feed_window_start() if since is None else since
    return _feed_rows(region=region, since=since).only(*EVENT_COLUMNS).order_by("starts_at", "pk")


def calendar_fingerprint(
    *, region: Region | None = None, since: dt.datetime | None = None
) -> FeedFingerprint:
    """The fingerprint of the events `calendar_events` returns for the same arguments (one
    aggregate query)."""
    since = feed_window_start() if since is None else since
    row = _feed_rows(region=region, since=since).aggregate(
        count=Count("pk"), changed=Max("updated_at"), sequence=Max("ical_sequence")
    )
    return FeedFingerprint(
        since=since.date(), count=row["count"], changed=row["changed"], sequence=row["sequence"]
    )


def calendar_event(pk: int) -> Event | None:
    """One public event for its own calendar file (None when it is not public)."""
    return Event.objects.filter(
        pk=pk, status__in=EVENT_PUBLIC_STATES, published_at__isnull=False
    ).first()
