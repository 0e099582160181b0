"""iCalendar (RFC 5545) files of events, built with the maintained `icalendar` library.

Each event is one VEVENT whose UID never changes (`event-<ical_uid>@<site host>`) and whose
SEQUENCE is the event's `ical_sequence`, so a calendar program that holds the event replaces it
when the time, place or status changes instead of adding a second one. Times are written in
Europe/Stockholm with a VTIMEZONE, so they stay right across the clock changes whatever the
reader's own time zone. The online link is never written: it is for people with a seat.
"""

import datetime as dt
import functools
import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Event, EventKind
from .workflow import EventStatus

PRODID = "-//Innovation Accelerator Portal//Events//EN"
STATUS: dict[str, str] = {
    EventStatus.PUBLISHED: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}
# How often subscribed calendars should fetch the feed again.
REFRESH = dt.timedelta(hours=6)
# The VTIMEZONE covers the events with at least this margin on either side.
_TZ_MARGIN = dt.timedelta(days=366)
# The columns a VEVENT is written from (the feeds load only these).
EVENT_COLUMNS = (
    "id",
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "location",
    "status",
    "status_reason",
    "ical_uid",
    "ical_sequence",
    "created_at",
    "updated_at",
)
# A number no event has, reversed once into the event page's address and then replaced.
_PK_PLACEHOLDER = "2147483647"

_BLOCK_END = re.compile(r"</(p|ul|ol)>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_LINK = re.compile(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
# Stored text is sanitised HTML (`obstacles.sanitize`): once the links are rewritten, every
# tag left is a bare one (p, br, lists, emphasis), so a pattern strips them.
_TAG = re.compile(r"<[^>]*>")
_TRAILING_SPACE = re.compile(r"[^\S\n]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


def site_host() -> str:
    """The host name of the portal (from PORTAL_SITE_URL): the right-hand side of every UID."""
    return urlsplit(settings.PORTAL_SITE_URL).hostname or "localhost"


def event_uid(event: Event) -> str:
    return f"event-{event.ical_uid}@{site_host()}"


def absolute_url(path: str) -> str:
    return f"{settings.PORTAL_SITE_URL}{path}"


def _link_text(match: re.Match[str]) -> str:
    href, text = html.unescape(match.group(1)), match.group(2)
    plain = html.unescape(_TAG.sub("", text)).strip()
    return plain if plain == href else f"{plain} ({href})"


def plain_text(rich: str) -> str:
    """Stored (sanitised) HTML as plain text: paragraphs apart, list items as dashes, links
    with their address."""
    if not rich:
        return ""
    text = rich.replace("\r", "")
    if "<" in text or "&" in text:
        if "<a" in text or "<A" in text:
            text = _LINK.sub(lambda m: html.escape(_link_text(m)), text)
        text = _LINE_BREAK.sub("\n", text)
        text = _ITEM.sub("\n- ", text)
        text = _BLOCK_END.sub("\n\n", text)
        text = html.unescape(_TAG.sub("", text))
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


@functools.lru_cache(maxsize=32)
def stockholm_vtimezone(first_year: int, last_year: int) -> icalendar.Timezone:
    """The portal's zone as a VTIMEZONE covering whole years, built once per range (the
    library computes the transitions, which is slow) and shared by every file that needs it."""
    return icalendar.Timezone.from_tzid(
        settings.TIME_ZONE,
        first_date=dt.date(first_year, 1, 1),
        last_date=dt.date(last_year, 12, 31),
    )


class EventWriter:
    """Writes VEVENTs. What is the same for every event of a file (the zone, the translated
    labels, the event page's address pattern, the host) is worked out once, not per event."""

    def __init__(self, *, stamp: dt.datetime) -> None:
        self.stamp = icalendar.vDDDTypes(stamp.astimezone(dt.UTC))
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.host = site_host()
        page = absolute_url(reverse("dissemination:event_detail", args=[_PK_PLACEHOLDER]))
        self.page_before, self.page_after = page.rsplit(_PK_PLACEHOLDER, 1)
        self.kinds = {value: str(label) for value, label in EventKind.choices}
        self.statuses = {value: str(label) for value, label in EventStatus.choices}
        self.online = _("Online")
        self.cancelled = _("Cancelled: %(title)s")
        self.postponed = _("Postponed: %(title)s")

    def _local(self, moment: dt.datetime) -> icalendar.vDDDTypes:
        # The wall-clock time with TZID: what the library writes for an aware time, without
        # looking the zone's name up again for every property.
        value = icalendar.vDDDTypes(moment.astimezone(self.zone).replace(tzinfo=None))
        value.params["TZID"] = settings.TIME_ZONE
        return value

    def _summary(self, event: Event) -> str:
        if event.status == EventStatus.CANCELLED:
            return self.cancelled % {"title": event.title}
        if event.status == EventStatus.POSTPONED:
            return self.postponed % {"title": event.title}
        return event.title

    def component(self, event: Event) -> icalendar.Event:
        """One VEVENT: times in Europe/Stockholm, the page as URL, never the online link."""
        page = f"{self.page_before}{event.pk}{self.page_after}"
        description = plain_text(event.description)
        if event.status in (EventStatus.CANCELLED, EventStatus.POSTPONED) and event.status_reason:
            status = self.statuses.get(event.status, "")
            description = f"{status}: {event.status_reason}\n\n{description}"
        description = f"{description}\n\n{page}".strip()
        component = icalendar.Event()
        component["UID"] = icalendar.vText(f"event-{event.ical_uid}@{self.host}")
        component["SEQUENCE"] = icalendar.vInt(event.ical_sequence)
        component["DTSTAMP"] = self.stamp
        component["CREATED"] = icalendar.vDDDTypes(event.created_at.astimezone(dt.UTC))
        component["LAST-MODIFIED"] = icalendar.vDDDTypes(event.updated_at.astimezone(dt.UTC))
        component["DTSTART"] = self._local(event.starts_at)
        component["DTEND"] = self._local(event.ends_at)
        component["SUMMARY"] = icalendar.vText(self._summary(event))
        component["DESCRIPTION"] = icalendar.vText(description)
        component["LOCATION"] = icalendar.vText(event.location or self.online)
        component["URL"] = icalendar.vUri(page)
        component["STATUS"] = icalendar.vText(STATUS.get(event.status, "CONFIRMED"))
        component["CATEGORIES"] = icalendar.vCategory([self.kinds.get(event.kind, event.kind)])
        return component


def event_component(event: Event, *, stamp: dt.datetime) -> icalendar.Event:
    """One VEVENT: times in Europe/Stockholm, the page as URL, never the online link."""
    return EventWriter(stamp=stamp).component(event)


def calendar_bytes(
    events: Iterable[Event], *, key: str, name: str, description: str = "", url: str = ""
) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) of `events`, with the Europe/Stockholm VTIMEZONE they use.
    `key` makes the calendar's own UID (the same for every download of the same feed)."""
    stamp = timezone.now().replace(microsecond=0).astimezone(dt.UTC)
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        uid=f"calendar-{key}@{site_host()}",
        method="PUBLISH",
        name=name,
        description=description or None,
        url=url or None,
    )
    calendar.add("X-WR-TIMEZONE", settings.TIME_ZONE)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    # Outlook's name for the same hint; an unknown property is written as text, so give the
    # duration in its iCalendar form.
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH).to_ical().decode())
    writer = EventWriter(stamp=stamp)
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    components = []
    for event in events:
        components.append(writer.component(event))
        first = event.starts_at if first is None else min(first, event.starts_at)
        last = event.ends_at if last is None else max(last, event.ends_at)
    if first is not None and last is not None:
        # One VTIMEZONE, before the events that refer to it.
        calendar.add_component(
            stockholm_vtimezone((first - _TZ_MARGIN).year, (last + _TZ_MARGIN).year)
        )
    for component in components:
        calendar.add_component(component)
    # Insertion order is already the natural one; sorting 40,000 lines buys nothing.
    return calendar.to_ical(sorted=False)
