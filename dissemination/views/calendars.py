"""iCalendar files: one per event, a feed per region and one for everything.

Public (no sign-in): only public events (published, postponed or cancelled) are in them, and
never an online link. Each feed is one query for the events however many there are.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.core.uploads import safe_filename
from regions.models import Region

from ..ical import absolute_url, calendar_bytes
from ..selectors.events import calendar_event, calendar_events

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _ics_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    return response


@login_not_required
@require_GET
def feed_all(request: HttpRequest) -> HttpResponse:
    """Every public event of the programme, upcoming and from the last twelve months."""
    body = calendar_bytes(
        calendar_events(),
        key="all",
        name=_("Innovation Accelerator – events"),
        description=_("Events of the Innovation Accelerator programme in every region."),
        url=absolute_url(reverse("dissemination:calendar")),
    )
    return _ics_response(body, filename="innovation-accelerator-events.ics")


@login_not_required
@require_GET
def feed_region(request: HttpRequest, slug: str) -> HttpResponse:
    """One region's public events (404 for a region that does not exist)."""
    region = get_object_or_404(Region, slug=slug)
    body = calendar_bytes(
        calendar_events(region=region),
        key=f"region-{region.slug}",
        name=_("Innovation Accelerator – events in %(region)s") % {"region": region.name},
        description=_("Events organised by %(region)s in the Innovation Accelerator programme.")
        % {"region": region.name},
        url=absolute_url(region.get_absolute_url()),
    )
    return _ics_response(body, filename=f"events-{region.slug}.ics")


@login_not_required
@require_GET
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One public event, to add to a calendar (404 for drafts and missing events)."""
    event = calendar_event(pk)
    if event is None:
        raise Http404
    body = calendar_bytes([event], key=f"event-{event.ical_uid}", name=event.title)
    return _ics_response(body, filename=safe_filename(f"{event.title}.ics", max_length=80))


urlpatterns: list[URLPattern] = [
    path("calendar.ics", feed_all, name="feed_all"),
    path("regions/<slug:slug>/calendar.ics", feed_region, name="feed_region"),
    path("<int:pk>/event.ics", event_ics, name="event_ics"),
]
