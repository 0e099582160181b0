"""iCalendar (RFC 5545) files of events, built with the maintained `icalendar` library.

Each event is one VEVENT whose UID never changes (`event-<ical_uid>@<site host>`) and whose
SEQUENCE is the event's `ical_sequence`, so a calendar program that holds the event replaces it
when the time, place or status changes instead of adding a second one. Times are written in
Europe/Stockholm with a VTIMEZONE, so they stay right across the clock changes whatever the
reader's own time zone. The online link is never written: it is for people with a seat.
"""

import datetime as dt
import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .models import Event
from .workflow import EventStatus

PRODID = "-//Innovation Accelerator Portal//Events//EN"
STATUS = {
    EventStatus.PUBLISHED: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}
# How often subscribed calendars should fetch the feed again.
REFRESH = dt.timedelta(hours=6)
# The VTIMEZONE covers the events with this margin on either side.
_TZ_MARGIN = dt.timedelta(days=366)

_BLOCK_END = re.compile(r"</(p|ul|ol)>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_LINK = re.compile(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def site_host() -> str:
    """The host name of the portal (from PORTAL_SITE_URL): the right-hand side of every UID."""
    return urlsplit(settings.PORTAL_SITE_URL).hostname or "localhost"


def event_uid(event: Event) -> str:
    return f"event-{event.ical_uid}@{site_host()}"


def absolute_url(path: str) -> str:
    return f"{settings.PORTAL_SITE_URL}{path}"


def _link_text(match: re.Match[str]) -> str:
    href, text = html.unescape(match.group(1)), match.group(2)
    plain = html.unescape(strip_tags(text)).strip()
    return plain if plain == href else f"{plain} ({href})"


def plain_text(rich: str) -> str:
    """Stored (sanitised) HTML as plain text: paragraphs apart, list items as dashes, links
    with their address."""
    text = _LINK.sub(lambda m: html.escape(_link_text(m)), rich or "")
    text = _LINE_BREAK.sub("\n", text)
    text = _ITEM.sub("\n- ", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = html.unescape(strip_tags(text))
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _summary(event: Event) -> str:
    if event.status == EventStatus.CANCELLED:
        return _("Cancelled: %(title)s") % {"title": event.title}
    if event.status == EventStatus.POSTPONED:
        return _("Postponed: %(title)s") % {"title": event.title}
    return event.title


def event_component(event: Event, *, stamp: dt.datetime) -> icalendar.Event:
    """One VEVENT: times in Europe/Stockholm, the page as URL, never the online link."""
    zone = ZoneInfo(settings.TIME_ZONE)
    page = absolute_url(event.get_absolute_url())
    description = plain_text(event.description)
    if event.status in (EventStatus.CANCELLED, EventStatus.POSTPONED) and event.status_reason:
        description = f"{event.get_status_display()}: {event.status_reason}\n\n{description}"
    description = f"{description}\n\n{page}".strip()
    component = icalendar.Event.new(
        uid=event_uid(event),
        sequence=event.ical_sequence,
        stamp=stamp,
        created=event.created_at.astimezone(dt.UTC),
        last_modified=event.updated_at.astimezone(dt.UTC),
        start=event.starts_at.astimezone(zone),
        end=event.ends_at.astimezone(zone),
        summary=_summary(event),
        description=description,
        location=event.location or _("Online"),
        url=page,
        status=STATUS.get(EventStatus(event.status), "CONFIRMED"),  # type: ignore[arg-type]
        categories=[str(event.get_kind_display())],
    )
    return component


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
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    for event in events:
        calendar.add_component(event_component(event, stamp=stamp))
        first = event.starts_at if first is None else min(first, event.starts_at)
        last = event.ends_at if last is None else max(last, event.ends_at)
    if first is not None and last is not None:
        calendar.add_missing_timezones(
            first_date=(first - _TZ_MARGIN).date(), last_date=(last + _TZ_MARGIN).date()
        )
    return calendar.to_ical()
