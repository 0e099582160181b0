"""Reads for the public pages: the calendar, the archive, an event's and a publication's page,
the region page's sections and a partnership's public summary.

What is public (see `dissemination.permissions.base`): events that are published, postponed or
cancelled (the last two marked so), published publications and published lessons. Drafts never
appear here, whoever asks; their organisers reach them through the fetch helpers.

Every page costs the same number of queries however many rows it lists: each list is one query
with its `select_related`, and the links of one event or publication one query each.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from obstacles.exports import html_to_text
from obstacles.models import Obstacle
from obstacles.workflow import ObstacleStatus
from partnerships.models import Partnership, PartnershipParty
from partnerships.permissions import partnerships_visible_to
from regions.models import Region

from ..models import Event, EventKind, Lesson, Publication, PublicationFile, PublicationKind
from ..permissions.base import PUBLIC_EVENT, is_public_event
from ..workflow import EventStatus, LessonStatus, PublicationStatus

# The region filter's value for events and publications without a region.
NATIONAL = "national"
# The calendar's "online or on site" filter.
ONLINE = "online"
ON_SITE = "onsite"
# The archive's kind filter may also ask for everything of one sort.
ALL_EVENTS = "events"
ALL_PUBLICATIONS = "publications"
# The programme (Vinnova 2017-02464) began in 2017: the archive's years start there.
ARCHIVE_FIRST_YEAR = 2017
# Rows in each section of a region page.
REGION_PAGE_ROWS = 5
# What an event or publication card shows of its description or summary.
EXCERPT_WORDS = 40

LOCAL_ZONE = ZoneInfo(settings.TIME_ZONE)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def _by_region(qs: QuerySet[Any], region: str) -> QuerySet[Any]:
    if region == NATIONAL:
        return qs.filter(region__isnull=True)
    if region:
        return qs.filter(region__slug=region)
    return qs


# --- The calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarFilters:
    """What a visitor narrowed the calendar by (already validated by the filter form)."""

    kind: str = ""  # an EventKind
    region: str = ""  # a Region.slug, or NATIONAL
    language: str = ""  # "sv" or "en"
    mode: str = ""  # ONLINE or ON_SITE


def calendar_events(*, filters: CalendarFilters, now: dt.datetime | None = None) -> QuerySet[Event]:
    """Upcoming public events, soonest first: published ones that have not ended yet, postponed
    ones (until they get a new time), and cancelled ones that would not have ended (shown marked
    "Cancelled", so people who planned to come find out). Drafts never.

    An event with both a place and an online link is held on site and online (hybrid), so it
    matches both modes.
    """
    # A postponed event waits for its new time on the calendar, whatever its old date says.
    qs = Event.objects.filter(PUBLIC_EVENT).filter(
        Q(ends_at__gt=_now(now)) | Q(status=EventStatus.POSTPONED)
    )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    qs = _by_region(qs, filters.region)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.mode == ONLINE:
        qs = qs.exclude(online_url="")
    elif filters.mode == ON_SITE:
        qs = qs.exclude(location="")
    return qs.select_related("region").order_by("starts_at", "id")


@dataclass
class MonthGroup:
    month: dt.date  # the first day of the month, in Stockholm time
    events: list[Event] = field(default_factory=list)


def with_excerpts(rows: list[Any], attribute: str) -> list[Any]:
    """Sets `excerpt` on each row: its sanitised HTML `attribute` as plain text (no query)."""
    for row in rows:
        row.excerpt = html_to_text(getattr(row, attribute))
    return rows


def group_by_month(events: list[Event]) -> list[MonthGroup]:
    """The events (already in order) under the month they start in, in Stockholm time: an
    event at 00:30 on 1 November local time belongs to November although it is October in UTC."""
    groups: list[MonthGroup] = []
    for event in events:
        local = timezone.localtime(event.starts_at, LOCAL_ZONE)
        month = dt.date(local.year, local.month, 1)
        if not groups or groups[-1].month != month:
            groups.append(MonthGroup(month=month))
        groups[-1].events.append(event)
    return groups


def filter_regions() -> list[Region]:
    """The 21 regions, for the region filters (one query)."""
    return list(Region.objects.order_by("code"))


# --- The archive -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveFilters:
    kind: str = ""  # an EventKind, a PublicationKind, ALL_EVENTS or ALL_PUBLICATIONS
    region: str = ""  # a Region.slug, or NATIONAL
    year: int | None = None  # in Stockholm time


def archive_years(*, today: dt.date | None = None) -> list[int]:
    """The years the archive offers, newest first."""
    year = (today or timezone.localdate()).year
    return list(range(year, ARCHIVE_FIRST_YEAR - 1, -1))


def _wants_events(kind: str) -> bool:
    return kind in ("", ALL_EVENTS) or kind in EventKind.values


def _wants_publications(kind: str) -> bool:
    return kind in ("", ALL_PUBLICATIONS) or kind in PublicationKind.values


def past_events(*, filters: ArchiveFilters, now: dt.datetime | None = None) -> QuerySet[Event]:
    """Public events that have ended (held or cancelled, the latter marked so). A postponed event
    stays on the calendar until it gets its new time."""
    qs = Event.objects.filter(PUBLIC_EVENT, ends_at__lte=_now(now)).exclude(
        status=EventStatus.POSTPONED
    )
    if filters.kind in EventKind.values:
        qs = qs.filter(kind=filters.kind)
    qs = _by_region(qs, filters.region)
    if filters.year:
        start = dt.datetime(filters.year, 1, 1, tzinfo=LOCAL_ZONE)
        end = dt.datetime(filters.year + 1, 1, 1, tzinfo=LOCAL_ZONE)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    return qs


def published_publications(*, filters: ArchiveFilters) -> QuerySet[Publication]:
    qs = Publication.objects.filter(status=PublicationStatus.PUBLISHED)
    if filters.kind in PublicationKind.values:
        qs = qs.filter(kind=filters.kind)
    qs = _by_region(qs, filters.region)
    if filters.year:
        qs = qs.filter(published_on__year=filters.year)
    return qs


EVENT = "event"
PUBLICATION = "publication"


def archive_rows(*, filters: ArchiveFilters, now: dt.datetime | None = None) -> QuerySet[Any]:
    """Past events and published publications as one list, newest first (one UNION query, so
    the paginator counts and slices in the database): rows of (item, oid, day, at).

    `day` is the local date an event started or the publication's date; `at` orders the rows of
    one day (an event's start; a publication's publishing time).
    """
    columns = ("item", "oid", "day", "at")
    parts: list[QuerySet[Any]] = []
    if _wants_events(filters.kind):
        parts.append(
            past_events(filters=filters, now=now)
            .annotate(
                item=Value(EVENT, output_field=CharField()),
                oid=F("pk"),
                day=TruncDate("starts_at", tzinfo=LOCAL_ZONE),
                at=F("starts_at"),
            )
            .values_list(*columns)
        )
    if _wants_publications(filters.kind):
        parts.append(
            published_publications(filters=filters)
            .annotate(
                item=Value(PUBLICATION, output_field=CharField()),
                oid=F("pk"),
                day=F("published_on"),
                # A publication's own time of day, for the order within one day.
                at=Coalesce(F("published_at"), F("created_at")),
            )
            .values_list(*columns)
        )
    if len(parts) == 1:
        return parts[0].order_by("-day", "-at", "-oid")
    # The models' default ordering must go from the parts: only the union is ordered.
    events, publications = (part.order_by() for part in parts)
    return events.union(publications, all=True).order_by("-day", "-at", "-oid")


@dataclass
class ArchiveItem:
    item: str  # EVENT or PUBLICATION
    obj: Any  # the Event or the Publication

    @property
    def is_event(self) -> bool:
        return self.item == EVENT


def archive_items(rows: list[tuple[str, int, dt.date, Any]]) -> list[ArchiveItem]:
    """The rows of one archive page as events and publications, in the page's order (two
    queries, whatever the page holds)."""
    event_ids = [oid for item, oid, _day, _at in rows if item == EVENT]
    publication_ids = [oid for item, oid, _day, _at in rows if item == PUBLICATION]
    events: dict[int, Event] = (
        Event.objects.select_related("region").in_bulk(event_ids) if event_ids else {}
    )
    publications: dict[int, Publication] = (
        Publication.objects.select_related("region").in_bulk(publication_ids)
        if publication_ids
        else {}
    )
    items: list[ArchiveItem] = []
    for item, oid, _day, _at in rows:
        obj: Any = events.get(oid) if item == EVENT else publications.get(oid)
        if obj is None:  # removed between the two queries
            continue
        obj.excerpt = html_to_text(obj.description if item == EVENT else obj.summary)
        items.append(ArchiveItem(item=item, obj=obj))
    return items


# --- An event's and a publication's page -----------------------------------------------------


def _obstacles_public(qs: QuerySet[Obstacle]) -> list[Obstacle]:
    return list(
        qs.filter(status=ObstacleStatus.PUBLISHED).only("id", "title", "language").order_by("title")
    )


@dataclass
class PartnershipLink:
    partnership: Partnership
    url: str  # empty: named without a link (the viewer may open neither page)


def _partnership_links(
    partnerships: list[Partnership], *, public: bool, user: Any
) -> list[PartnershipLink]:
    """Links to the partnerships an event or publication reports on.

    A public event or published publication makes each of them public (their public summary
    shows it), so everyone gets the summary. A draft is seen by its organisers only; for them the
    partnership's own page, where they may open it (one query), and otherwise its name."""
    if public:
        return [
            PartnershipLink(p, reverse("partnerships:public_summary", args=[p.pk]))
            for p in partnerships
        ]
    visible: set[int] = set()
    if partnerships and getattr(user, "is_authenticated", False):
        visible = set(
            partnerships_visible_to(user)
            .filter(pk__in=[p.pk for p in partnerships])
            .values_list("pk", flat=True)
        )
    return [
        PartnershipLink(p, p.get_absolute_url() if p.pk in visible else "") for p in partnerships
    ]


def event_page_context(*, user: Any, event: Event) -> dict[str, Any]:
    """What an event's page shows besides the event: the partnerships it reports on (linked to
    their public summary) and the published obstacles (two or three queries).

    The online link is not here: the registration panel shows it to those with a confirmed seat
    and to the organisers."""
    partnerships = list(event.partnerships.only("id", "title").order_by("title", "id"))
    return {
        "event": event,
        "is_public": is_public_event(event),
        "partnership_links": _partnership_links(
            partnerships, public=is_public_event(event), user=user
        ),
        "obstacles": _obstacles_public(event.obstacles.all()),
    }


# File types as people know them; anything else by its extension.
FILE_TYPE_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (XLSX)",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "audio/mpeg": "MP3",
}


def file_type_label(stored: PublicationFile) -> str:
    label = FILE_TYPE_LABELS.get(stored.content_type)
    if label:
        return label
    _stem, dot, extension = stored.name.rpartition(".")
    return extension.upper() if dot else stored.content_type


def publication_page_context(*, user: Any, publication: Publication) -> dict[str, Any]:
    """What a publication's page shows besides the publication: its file (name, type, size),
    the partnerships and the published obstacles it reports on (three or four queries)."""
    stored = (
        PublicationFile.objects.filter(publication=publication)
        .only("id", "name", "content_type", "size", "publication_id")
        .first()
    )
    partnerships = list(publication.partnerships.only("id", "title").order_by("title", "id"))
    public = publication.status == PublicationStatus.PUBLISHED
    return {
        "publication": publication,
        "is_public": public,
        "stored_file": stored,
        "file_type": file_type_label(stored) if stored else "",
        "partnership_links": _partnership_links(partnerships, public=public, user=user),
        "obstacles": _obstacles_public(publication.obstacles.all()),
    }


# --- A region's page -------------------------------------------------------------------------


def region_upcoming_events(*, region: Region, now: dt.datetime | None = None) -> list[Event]:
    """The region's next public events that are still on (published or postponed; cancelled
    ones stay in the calendar, marked, but not on the region's showcase)."""
    return list(
        Event.objects.filter(PUBLIC_EVENT, region=region)
        .filter(
            Q(status=EventStatus.PUBLISHED, ends_at__gt=_now(now)) | Q(status=EventStatus.POSTPONED)
        )
        .select_related("region")
        .order_by("starts_at", "id")[:REGION_PAGE_ROWS]
    )


def region_latest_publications(*, region: Region) -> list[Publication]:
    return list(
        Publication.objects.filter(region=region, status=PublicationStatus.PUBLISHED)
        .select_related("region")
        .order_by("-published_on", "-id")[:REGION_PAGE_ROWS]
    )


def region_latest_lessons(*, region: Region) -> list[Lesson]:
    """The latest published lessons of the region's partnerships."""
    return list(
        Lesson.objects.filter(partnership__region=region, status=LessonStatus.PUBLISHED)
        .select_related("partnership", "step")
        .order_by("-published_at", "-id")[:REGION_PAGE_ROWS]
    )


def region_outreach_context(*, region: Region) -> dict[str, Any]:
    """The region page's "Events" and "Published outcomes" sections (three queries)."""
    return {
        "outreach_events": region_upcoming_events(region=region),
        "outreach_publications": region_latest_publications(region=region),
        "outreach_lessons": region_latest_lessons(region=region),
    }


# --- A partnership's public summary ----------------------------------------------------------


def _public_events_of(partnership_ref: Any) -> QuerySet[Event]:
    return Event.objects.filter(PUBLIC_EVENT, partnerships=partnership_ref)


def _published_publications_of(partnership_ref: Any) -> QuerySet[Publication]:
    return Publication.objects.filter(
        partnerships=partnership_ref, status=PublicationStatus.PUBLISHED
    )


def _published_lessons_of(partnership_ref: Any) -> QuerySet[Lesson]:
    return Lesson.objects.filter(partnership=partnership_ref, status=LessonStatus.PUBLISHED)


def public_partnerships() -> QuerySet[Partnership]:
    """Partnerships the programme has made public: with a published lesson learned, or named by a
    public event or a published publication (the organisers chose to make them public so)."""
    return Partnership.objects.filter(
        Q(Exists(_published_lessons_of(OuterRef("pk"))))
        | Q(Exists(_public_events_of(OuterRef("pk"))))
        | Q(Exists(_published_publications_of(OuterRef("pk"))))
    )


@dataclass
class StepLink:
    name: str
    guide_url: str


def _step_link(partnership: Partnership) -> StepLink:
    """The partnership's current step and the anchor of its guidance in the process guide (the
    region's own variant when the partnership runs on one)."""
    step = partnership.current_step
    url = reverse("partnerships:guide")
    template_region = partnership.template.region
    if template_region is not None:
        url += f"?region={template_region.slug}"
    return StepLink(name=step.name, guide_url=f"{url}#step-{step.key}")


def partnership_summary_context(*, pk: Any) -> dict[str, Any] | None:
    """What a partnership's public summary shows, or None when it is not public (five queries).

    Only what is public by its nature or by the organisers' choice: the title, the region, the
    current step, the organisations that are parties, and the published lessons, public events
    and published publications about it. Never the proposal's text, the people, the documents
    or the discussion.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    partnership = (
        public_partnerships()
        .select_related("region", "current_step", "template__region")
        .filter(pk=pk)
        .first()
    )
    if partnership is None:
        return None
    parties = list(
        PartnershipParty.objects.filter(partnership=partnership, organisation__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name", "id")
    )
    lessons = list(
        _published_lessons_of(partnership).select_related("step").order_by("-published_at", "-id")
    )
    events = list(
        _public_events_of(partnership).select_related("region").order_by("-starts_at", "-id")
    )
    publications = list(
        _published_publications_of(partnership)
        .select_related("region")
        .order_by("-published_on", "-id")
    )
    return {
        "partnership": partnership,
        "step": _step_link(partnership),
        "organisations": [party.organisation for party in parties],
        "lessons": with_excerpts(lessons, "body"),
        "events": events,
        "publications": publications,
    }
