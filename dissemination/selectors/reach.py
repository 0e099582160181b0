"""Reach figures as the reports read them: per calendar quarter, per event and per publication.

What counts (quarters are calendar quarters in Europe/Stockholm):

- events held: published events (not drafts, not postponed, not cancelled) whose start falls in
  the quarter and has passed; an event at 23:30 on 30 June, Stockholm time, is held in Q2;
- publications published: published (not withdrawn) publications dated in the quarter, up to
  today;
- registrations and attendance counted by the portal belong to the quarter of the event they are
  for (confirmed registrations; registrations marked attended) and only to events held;
- downloads counted by the portal belong to the day they happened (`DownloadCount`);
- logged figures (`ReachEntry`) belong to the day they were counted on, and are left out when
  their event is a draft or cancelled, or their publication a draft.

Every reader here makes a fixed number of queries, however many rows there are.
"""

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncQuarter
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Region

from ..models import DownloadCount, Event, Publication, ReachEntry, ReachMetric, Registration
from ..permissions.base import can_see_reach, reach_region_ids
from ..workflow import EventStatus, PublicationStatus, RegistrationStatus

Quarter = tuple[int, int]

# Logged figures of these events and publications count; drafts never happened and a cancelled
# event was not held.
COUNTED_EVENT_STATES = frozenset({EventStatus.PUBLISHED, EventStatus.POSTPONED})
COUNTED_PUBLICATION_STATES = frozenset({PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN})

# The figures of a row, in the order the table, the chart and the CSV show them.
FIGURES: list[tuple[str, Promise]] = [
    ("events", gettext_lazy("Events held")),
    ("publications", gettext_lazy("Publications published")),
    ("registrations", gettext_lazy("Registrations")),
    ("attendance", gettext_lazy("Attendance")),
    ("listeners", gettext_lazy("Listeners")),
    ("downloads", gettext_lazy("Downloads")),
    ("views", gettext_lazy("Views")),
]
# The figures that count people reached (the chart draws these; events and publications are
# counts of things, on another scale).
PEOPLE_FIGURES = ["registrations", "attendance", "listeners", "downloads", "views"]

# Logged metric -> the figure it adds to.
_LOGGED_FIELD: dict[str, str] = {
    ReachMetric.REGISTRATIONS: "registrations_logged",
    ReachMetric.ATTENDANCE: "attendance_logged",
    ReachMetric.LISTENERS: "listeners",
    ReachMetric.DOWNLOADS: "downloads_logged",
    ReachMetric.VIEWS: "views",
}


# --- Quarters -------------------------------------------------------------------------------


def stockholm() -> dt.tzinfo:
    return timezone.get_default_timezone()


def quarter_of(day: dt.date) -> Quarter:
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(quarter: Quarter) -> dt.date:
    year, number = quarter
    return dt.date(year, 3 * (number - 1) + 1, 1)


def quarter_after(quarter: Quarter) -> Quarter:
    year, number = quarter
    return (year + 1, 1) if number == 4 else (year, number + 1)


def last_quarters(*, today: dt.date | None = None, count: int = 4) -> list[Quarter]:
    """The `count` quarters up to and including today's, oldest first."""
    year, number = quarter_of(today or timezone.localdate())
    quarters = []
    for _i in range(count):
        quarters.append((year, number))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return quarters[::-1]


def year_quarters(year: int) -> list[Quarter]:
    return [(year, number) for number in (1, 2, 3, 4)]


def quarter_label(quarter: Quarter) -> str:
    """'Q3 2026' (English) / 'kv 3 2026' (Swedish)."""
    year, number = quarter
    return _("Q%(quarter)d %(year)d") % {"quarter": number, "year": year}


def period_bounds(quarters: Sequence[Quarter]) -> tuple[dt.date, dt.date]:
    """The first day of the earliest quarter and the first day after the latest one."""
    return quarter_start(min(quarters)), quarter_start(quarter_after(max(quarters)))


def local_midnight(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Stockholm, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=stockholm())


def _quarter_key(value: dt.date | dt.datetime | None) -> Quarter | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value, stockholm())
    return value.year, (value.month - 1) // 3 + 1


# --- Rows -----------------------------------------------------------------------------------


@dataclass(kw_only=True)
class ReachFigures:
    """The figures of one row: portal counts and logged figures kept apart, summed on read."""

    events: int = 0
    publications: int = 0
    registrations_portal: int = 0
    registrations_logged: int = 0
    attendance_portal: int = 0
    attendance_logged: int = 0
    downloads_portal: int = 0
    downloads_logged: int = 0
    listeners: int = 0
    views: int = 0

    @property
    def registrations(self) -> int:
        return self.registrations_portal + self.registrations_logged

    @property
    def attendance(self) -> int:
        return self.attendance_portal + self.attendance_logged

    @property
    def downloads(self) -> int:
        return self.downloads_portal + self.downloads_logged

    @property
    def people_reached(self) -> int:
        """People reached: registrations or attendance, whichever is higher (largely the same
        people), plus listeners, downloads and views. Ranks the overview's events and
        publications."""
        return (
            max(self.registrations, self.attendance) + self.listeners + self.downloads + self.views
        )

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(ReachFigures))

    def figures(self) -> list[int]:
        """The values in `FIGURES` order."""
        return [getattr(self, name) for name, _label in FIGURES]

    def add(self, other: "ReachFigures") -> None:
        for f in fields(ReachFigures):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(kw_only=True)
class QuarterReach(ReachFigures):
    """One calendar quarter's figures."""

    year: int
    quarter: int

    @property
    def key(self) -> Quarter:
        return self.year, self.quarter

    @property
    def label(self) -> str:
        return quarter_label(self.key)


@dataclass(kw_only=True)
class ItemReach(ReachFigures):
    """One event's or publication's own figures for the period."""

    item: Event | Publication
    # The local day it took place or was published (decides its quarter in the CSV).
    day: dt.date
    url_name: str = field(default="")

    @property
    def is_event(self) -> bool:
        return isinstance(self.item, Event)

    @property
    def quarter_label(self) -> str:
        return quarter_label(quarter_of(self.day))


def reach_total(rows: Iterable[ReachFigures]) -> ReachFigures:
    """The sum of the rows (the table's totals row)."""
    total = ReachFigures()
    for row in rows:
        total.add(row)
    return total


# --- Scoping --------------------------------------------------------------------------------


def region_rule(region_ids: frozenset[int] | None, include_national: bool, *, path: str) -> Q:
    """Rows whose region (at `path`, e.g. "region" or "event__region") is in scope."""
    if region_ids is None:
        return Q() if include_national else Q(**{f"{path}__isnull": False})
    rule = Q(**{f"{path}__in": sorted(region_ids)})
    if include_national:
        rule |= Q(**{f"{path}__isnull": True})
    return rule


def _held_events(
    region_ids: frozenset[int] | None, include_national: bool, start: dt.date, end: dt.date
) -> Q:
    return (
        region_rule(region_ids, include_national, path="region")
        & Q(status=EventStatus.PUBLISHED)
        & Q(starts_at__gte=local_midnight(start), starts_at__lt=local_midnight(end))
        & Q(starts_at__lte=timezone.now())
    )


def _published_publications(
    region_ids: frozenset[int] | None, include_national: bool, start: dt.date, end: dt.date
) -> Q:
    return (
        region_rule(region_ids, include_national, path="region")
        & Q(status=PublicationStatus.PUBLISHED)
        & Q(published_on__gte=start, published_on__lt=end)
        & Q(published_on__lte=timezone.localdate())
    )


def _counted_entries(region_ids: frozenset[int] | None, include_national: bool) -> Q:
    """Logged figures whose event or publication counts and is in scope."""
    for_events = (
        Q(event__isnull=False)
        & Q(event__status__in=COUNTED_EVENT_STATES)
        & region_rule(region_ids, include_national, path="event__region")
    )
    for_publications = (
        Q(publication__isnull=False)
        & Q(publication__status__in=COUNTED_PUBLICATION_STATES)
        & region_rule(region_ids, include_national, path="publication__region")
    )
    return for_events | for_publications


# --- Per quarter ----------------------------------------------------------------------------


def reach_by_quarter(
    *,
    region_ids: frozenset[int] | None,
    include_national: bool,
    quarters: list[tuple[int, int]],
) -> list[QuarterReach]:
    """Each of `quarters` (in the order given) with its figures; see the module docstring for
    what counts. `region_ids` None means every region; `include_national` adds national events
    and publications. Four queries, however many rows (the per-item figures of
    `_period_tallies`, added up by quarter: the two always agree)."""
    if not quarters:
        return []
    start, end = period_bounds(quarters)
    return _quarter_rows(_period_tallies(region_ids, include_national, start, end), quarters)


def _quarter_rows(
    tallies: dict["ItemKey", "_Tally"], quarters: list[Quarter]
) -> list[QuarterReach]:
    rows = {q: QuarterReach(year=q[0], quarter=q[1]) for q in quarters}
    for tally in tallies.values():
        for quarter, figures in tally.quarters.items():
            target = rows.get(quarter)
            if target is not None:
                target.add(figures)
    return [rows[q] for q in quarters]


# --- Per event and publication --------------------------------------------------------------

# How many events and publications the overview lists (those that reached the most people);
# the CSV has every one.
TOP_ITEMS = 25

_EVENT = "event"
_PUBLICATION = "publication"
ItemKey = tuple[str, int]


@dataclass
class _Tally:
    """One event's or publication's figures for the period, and when it took place."""

    figures: ReachFigures
    # The local day it took place or was published (its quarter in the CSV).
    day: dt.date
    starts_at: dt.datetime | None = None
    # The same figures by the quarter they belong to (they add up to `figures`).
    quarters: dict[Quarter, ReachFigures] = field(default_factory=dict)

    def rank(self, key: ItemKey) -> tuple[int, dt.date, bool, float, int]:
        """Most people reached first; then by day, events first, by start time, by id."""
        kind, pk = key
        start = self.starts_at.timestamp() if self.starts_at else 0.0
        return (-self.figures.people_reached, self.day, kind != _EVENT, start, pk)


def _period_tallies(
    region_ids: frozenset[int] | None, include_national: bool, start: dt.date, end: dt.date
) -> dict[ItemKey, _Tally]:
    """Every event and publication with figures in the period, with its own figures, whole and
    by quarter (see the module docstring for what counts; `reach_by_quarter` adds these up).
    Four aggregate queries reading only ids, dates and numbers – no correlated subqueries, so
    the plans stay cheap at any volume."""
    tallies: dict[ItemKey, _Tally] = {}

    def add(
        key: ItemKey,
        when: Any,
        name: str,
        value: int,
        *,
        starts_at: Any = None,
        published_on: Any = None,
    ) -> None:
        found = tallies.get(key)
        if found is None:
            day = timezone.localtime(starts_at, stockholm()).date() if starts_at else published_on
            found = tallies[key] = _Tally(figures=ReachFigures(), day=day, starts_at=starts_at)
        quarter = _quarter_key(when)
        assert quarter is not None
        for figures in (found.figures, found.quarters.setdefault(quarter, ReachFigures())):
            setattr(figures, name, getattr(figures, name) + value)

    held = (
        Event.objects.filter(_held_events(region_ids, include_national, start, end))
        .order_by()
        .values("pk", "starts_at")
        .annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            attended=Count("registrations", filter=Q(registrations__attended=True)),
        )
    )
    for row in held:
        key, when = (_EVENT, row["pk"]), row["starts_at"]
        add(key, when, "events", 1, starts_at=when)
        add(key, when, "registrations_portal", row["confirmed"], starts_at=when)
        add(key, when, "attendance_portal", row["attended"], starts_at=when)

    published = (
        Publication.objects.filter(
            _published_publications(region_ids, include_national, start, end)
        )
        .order_by()
        .values_list("pk", "published_on")
    )
    for pk, published_on in published:
        add((_PUBLICATION, pk), published_on, "publications", 1, published_on=published_on)

    downloads = (
        DownloadCount.objects.filter(
            region_rule(region_ids, include_national, path="publication__region"),
            day__gte=start,
            day__lt=end,
        )
        .annotate(q=TruncQuarter("day"))
        .order_by()
        .values("publication_id", "publication__published_on", "q")
        .annotate(n=Sum("count"))
    )
    for row in downloads:
        add(
            (_PUBLICATION, row["publication_id"]),
            row["q"],
            "downloads_portal",
            row["n"] or 0,
            published_on=row["publication__published_on"],
        )

    logged = (
        ReachEntry.objects.filter(
            _counted_entries(region_ids, include_national),
            counted_on__gte=start,
            counted_on__lt=end,
        )
        .annotate(q=TruncQuarter("counted_on"))
        .order_by()
        .values(
            "event_id",
            "publication_id",
            "metric",
            "event__starts_at",
            "publication__published_on",
            "q",
        )
        .annotate(n=Sum("value"))
    )
    for row in logged:
        name = _LOGGED_FIELD.get(row["metric"])
        if not name:
            continue
        if row["event_id"]:
            add(
                (_EVENT, row["event_id"]),
                row["q"],
                name,
                row["n"] or 0,
                starts_at=row["event__starts_at"],
            )
        else:
            add(
                (_PUBLICATION, row["publication_id"]),
                row["q"],
                name,
                row["n"] or 0,
                published_on=row["publication__published_on"],
            )
    return tallies


def _item_reach(item: Event | Publication, tally: _Tally | None) -> ItemReach:
    if isinstance(item, Event):
        day = timezone.localtime(item.starts_at, stockholm()).date()
        url_name = "dissemination:event_reach"
    else:
        day = item.published_on
        url_name = "dissemination:publication_reach"
    figures = tally.figures if tally is not None else ReachFigures()
    values = {f.name: getattr(figures, f.name) for f in fields(ReachFigures)}
    return ItemReach(item=item, day=day, url_name=url_name, **values)


def iter_reach_items(
    *,
    region_ids: frozenset[int] | None,
    include_national: bool,
    quarters: list[tuple[int, int]],
    chunk_size: int = 500,
) -> Iterator[ItemReach]:
    """Every event and publication with figures in the period, each with its own figures for
    the period (by the same rules as `reach_by_quarter`, so the rows add up to its totals),
    ordered by day (events before publications on the same day). The figures are read first
    (four aggregate queries of numbers), then the events and the publications themselves in
    chunks (two queries), so the CSV streams however many there are."""
    if not quarters:
        return iter(())
    start, end = period_bounds(quarters)
    tallies = _period_tallies(region_ids, include_national, start, end)
    # The same rows as the tallies, chosen by the same rules.
    scoped = region_rule(region_ids, include_national, path="region")
    entries = ReachEntry.objects.filter(
        _counted_entries(region_ids, include_national), counted_on__gte=start, counted_on__lt=end
    )
    events = (
        Event.objects.filter(
            _held_events(region_ids, include_national, start, end)
            | (scoped & Q(Exists(entries.filter(event=OuterRef("pk")))))
        )
        .select_related("region")
        .order_by("starts_at", "id")
    )
    downloads = DownloadCount.objects.filter(
        publication=OuterRef("pk"), day__gte=start, day__lt=end
    )
    publications = (
        Publication.objects.filter(
            _published_publications(region_ids, include_national, start, end)
            | (
                scoped
                & (Q(Exists(entries.filter(publication=OuterRef("pk")))) | Q(Exists(downloads)))
            )
        )
        .select_related("region")
        .order_by("published_on", "id")
    )
    event_rows = (
        _item_reach(event, tallies.get((_EVENT, event.pk)))
        for event in events.iterator(chunk_size=chunk_size)
    )
    publication_rows = (
        _item_reach(publication, tallies.get((_PUBLICATION, publication.pk)))
        for publication in publications.iterator(chunk_size=chunk_size)
    )
    # Both are ordered by day; the merge keeps events first on a day (it is stable).
    return heapq.merge(event_rows, publication_rows, key=lambda row: (row.day, not row.is_event))


def reach_items(
    *,
    region_ids: frozenset[int] | None,
    include_national: bool,
    quarters: list[tuple[int, int]],
) -> list[ItemReach]:
    """`iter_reach_items` as a list (six queries)."""
    return list(
        iter_reach_items(
            region_ids=region_ids, include_national=include_national, quarters=quarters
        )
    )


@dataclass(frozen=True)
class TopItems:
    """The events and publications that reached the most people in a period, and how many
    have figures in it."""

    items: list[ItemReach]
    total: int

    @property
    def is_partial(self) -> bool:
        return self.total > len(self.items)


def reach_top_items(
    *,
    region_ids: frozenset[int] | None,
    include_national: bool,
    quarters: list[tuple[int, int]],
    limit: int = TOP_ITEMS,
) -> TopItems:
    """The `limit` events and publications with figures in the period that reached the most
    people (`ReachFigures.people_reached`), most first (then by day), with their own figures,
    and how many there are in all. Six queries: the figures (numbers only), then the chosen
    events and publications."""
    if not quarters or limit <= 0:
        return TopItems(items=[], total=0)
    start, end = period_bounds(quarters)
    return _top_items(_period_tallies(region_ids, include_national, start, end), limit)


def _top_items(tallies: dict[ItemKey, _Tally], limit: int) -> TopItems:
    if limit <= 0:
        return TopItems(items=[], total=0)
    best = heapq.nsmallest(limit, tallies.items(), key=lambda pair: pair[1].rank(pair[0]))
    wanted = {
        kind: [pk for (k, pk), _tally in best if k == kind] for kind in (_EVENT, _PUBLICATION)
    }
    found: dict[ItemKey, Event | Publication] = {}
    for kind, model in ((_EVENT, Event), (_PUBLICATION, Publication)):
        rows = model.objects.select_related("region").in_bulk(wanted[kind])
        found.update({(kind, pk): item for pk, item in rows.items()})
    items = [_item_reach(found[key], tally) for key, tally in best if key in found]
    return TopItems(items=items, total=len(tallies))


def reach_overview_figures(
    *,
    region_ids: frozenset[int] | None,
    include_national: bool,
    quarters: list[tuple[int, int]],
    limit: int = TOP_ITEMS,
) -> tuple[list[QuarterReach], TopItems]:
    """`reach_by_quarter` and `reach_top_items` for the overview page from one read of the
    figures: six queries, however many rows."""
    if not quarters:
        return [], TopItems(items=[], total=0)
    start, end = period_bounds(quarters)
    tallies = _period_tallies(region_ids, include_national, start, end)
    return _quarter_rows(tallies, quarters), _top_items(tallies, limit)


# --- One event or publication ---------------------------------------------------------------


@dataclass(frozen=True)
class EventCounts:
    """What the portal counted for one event."""

    confirmed: int
    waitlisted: int
    cancelled: int
    attended: int
    absent: int

    @property
    def registered(self) -> int:
        return self.confirmed + self.waitlisted


def event_portal_counts(*, event: Event) -> EventCounts:
    """The event's registrations by status and the attendance marked (one query)."""
    counts = Registration.objects.filter(event=event).aggregate(
        n_confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
        n_waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
        n_cancelled=Count("id", filter=Q(status=RegistrationStatus.CANCELLED)),
        n_attended=Count("id", filter=Q(attended=True)),
        n_absent=Count("id", filter=Q(attended=False)),
    )
    return EventCounts(**{name.removeprefix("n_"): value for name, value in counts.items()})


@dataclass(frozen=True)
class DownloadTotals:
    total: int
    first_day: dt.date | None
    last_day: dt.date | None


def publication_downloads(*, publication: Publication) -> DownloadTotals:
    """Downloads of the publication's file through the portal, all time (one query)."""
    counts = DownloadCount.objects.filter(publication=publication).aggregate(
        total=Sum("count"), first_day=Min("day"), last_day=Max("day")
    )
    return DownloadTotals(
        total=counts["total"] or 0, first_day=counts["first_day"], last_day=counts["last_day"]
    )


def reach_entries_of(target: Event | Publication) -> QuerySet[ReachEntry]:
    """The figures logged for an event or a publication, newest day first, with who logged
    them."""
    rule = Q(event=target) if isinstance(target, Event) else Q(publication=target)
    return (
        ReachEntry.objects.filter(rule)
        .select_related("recorded_by")
        .order_by("-counted_on", "-created_at", "-id")
    )


# --- The overview's choice of region ---------------------------------------------------------

ALL = "all"
NATIONAL = "national"


@dataclass(frozen=True)
class ReachScope:
    """Whose reach a page shows: `key` is the `?region=` value, `label` the choice's name,
    `description` what the figures cover (in headings and the CSV)."""

    key: str
    label: str
    description: str
    region_ids: frozenset[int] | None
    include_national: bool
    region: Region | None = None


def reach_scopes(user: Any) -> list[ReachScope]:
    """The choices of region on the reach overview, the default first: programme-wide, national
    and every region for portal admins; a coordinator's or sponsor's own regions (all of them
    together first, when they have several). Empty for people who may not see reach."""
    if not can_see_reach(user):
        return []
    readable = reach_region_ids(user)
    regions = Region.objects.all() if readable is None else Region.objects.filter(pk__in=readable)
    ordered = sorted(regions, key=lambda r: (not r.participating, r.name))
    scopes = [
        ReachScope(
            key=region.slug,
            label=region.name,
            description=region.name,
            region_ids=frozenset({region.pk}),
            include_national=False,
            region=region,
        )
        for region in ordered
    ]
    if readable is None:
        return [
            ReachScope(
                key=ALL,
                label=_("Programme-wide"),
                description=_("Programme-wide"),
                region_ids=None,
                include_national=True,
            ),
            ReachScope(
                key=NATIONAL,
                label=_("National"),
                description=_("National events and publications"),
                region_ids=frozenset(),
                include_national=True,
            ),
            *scopes,
        ]
    if len(scopes) > 1:
        everything = ReachScope(
            key=ALL,
            label=_("All my regions"),
            description=", ".join(s.label for s in scopes),
            region_ids=frozenset(readable),
            include_national=False,
        )
        return [everything, *scopes]
    return scopes


def get_reach_scope_or_404(scopes: Sequence[ReachScope], key: str) -> ReachScope:
    """The scope asked for (`?region=`; empty: the default), or 404 when the user may not read
    it or it does not exist."""
    if not scopes:
        raise Http404
    if not key:
        return scopes[0]
    for scope in scopes:
        if scope.key == key:
            return scope
    raise Http404
