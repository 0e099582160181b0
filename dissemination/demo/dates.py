"""Dates of the demo, relative to the day it is loaded (in Stockholm time), so upcoming events
are upcoming and reach figures fall in the last four quarters whenever `seed_demo` runs."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def local_datetime(day: dt.date, hhmm: str) -> dt.datetime:
    """`day` at `hhmm` Stockholm time, as an aware datetime (the demo's hours are day-time ones,
    never in the hour that is skipped or repeated when the clocks change)."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _is_working_day(day: dt.date) -> bool:
    """Monday to Friday, outside the Christmas and New Year weeks (23 December – 6 January)."""
    holidays = (day.month == 12 and day.day >= 23) or (day.month == 1 and day.day <= 6)
    return day.weekday() < 5 and not holidays


def event_day(days: int) -> dt.date:
    """The working day `days` from today: moved later for an upcoming event, earlier for one
    that has been held, so it stays on its side of today."""
    day = today() + dt.timedelta(days=days)
    step = dt.timedelta(days=-1 if days < 0 else 1)
    while not _is_working_day(day):
        day += step
    return day


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(start: dt.date) -> dt.date:
    month = start.month + 3
    year = start.year + (month > 12)
    return dt.date(year, (month - 1) % 12 + 1, 1) - dt.timedelta(days=1)


def quarters_back(count: int) -> list[dt.date]:
    """The first days of the last `count` quarters, oldest first, this quarter last."""
    starts = [quarter_start(today())]
    while len(starts) < count:
        starts.append(quarter_start(starts[-1] - dt.timedelta(days=1)))
    return starts[::-1]


def day_in_quarter(quarters_ago: int, day: int) -> dt.date:
    """The `day`-th day (1-based) of the quarter `quarters_ago` quarters back, but never later
    than today (this quarter may have just begun)."""
    start = quarters_back(quarters_ago + 1)[0]
    return min(start + dt.timedelta(days=day - 1), quarter_end(start), today())


def counted_on(start: dt.date, days_after: int) -> dt.date:
    """A figure's day: `days_after` its event or publication, never in the future."""
    return min(start + dt.timedelta(days=days_after), today())
