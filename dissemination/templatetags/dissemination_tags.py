"""How event times read on pages and in mail: in Stockholm time, in the reader's language."""

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


def when_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """'Tue 27 Oct 2026, 13:00–14:30' (one day) or 'Tue 27 Oct 2026, 09:00 – Wed 28 Oct 2026,
    16:00' (several days), in Europe/Stockholm whatever the server's clock says."""
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    day = formats.date_format(start, _("D j M Y"))
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M}"
    end_day = formats.date_format(end, _("D j M Y"))
    return f"{day}, {start:%H:%M} – {end_day}, {end:%H:%M}"


@register.filter
def event_when(event: object) -> str:
    """`{{ event|event_when }}`: the event's local start and end."""
    return when_text(event.starts_at, event.ends_at)  # type: ignore[attr-defined]


@register.simple_tag
def time_range(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """`{% time_range old_start old_end %}`: any start and end, e.g. an event's old time in mail."""
    return when_text(starts_at, ends_at)
