"""iCalendar files: one per event, a feed per region and one for everything.

Public (no sign-in): only public events (published, postponed or cancelled) are in them, and
never an online link. Each feed is one query for the events however many there are.

Calendar programs fetch the feeds again and again, mostly to find nothing new. So a feed first
reads its fingerprint (one aggregate query, `calendar_fingerprint`) and sends it as a weak ETag
with a Last-Modified: a fetch with `If-None-Match` (or `If-Modified-Since`) that still holds is
answered 304 with no body, and the file built for a fingerprint is kept in the cache for ten
minutes, under the scope (everything or a region), the language and the fingerprint. A change to
any event in the window makes a new fingerprint, so nobody is served an old file.
"""

from collections.abc import Callable, Iterable

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core.uploads import safe_filename
from regions.models import Region

from ..ical import absolute_url, calendar_bytes
from ..models import Event
from ..selectors.events import (
    calendar_event,
    calendar_events,
    calendar_fingerprint,
    feed_window_start,
)

CONTENT_TYPE = "text/calendar; charset=utf-8"
# How long a built feed is kept. A change makes a new fingerprint (and key) at once; this only
# bounds how long files nobody asks for any more stay in the cache.
FEED_CACHE_SECONDS = 10 * 60
# Part of every ETag and cache key: raise it when the file's layout changes, so no file built
# by the old code is served as current.
FEED_FORMAT = 2


def _ics_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    return response


def feed_cache_key(scope: str, language: str, token: str) -> str:
    return f"dissemination:feed:{scope}:{language}:{token}"


def _feed_response(
    request: HttpRequest,
    *,
    scope: str,
    region: Region | None,
    filename: str,
    build: Callable[[Iterable[Event]], bytes],
    extra: object = "",
) -> HttpResponseBase:
    """The feed of `scope`: 304 when the caller holds the current file, the cached file when
    there is one, else the file built now (and cached). `extra` is what else the file depends
    on beyond its events (a region's own row, for its name)."""
    since = feed_window_start()
    fingerprint = calendar_fingerprint(region=region, since=since)
    language = translation.get_language() or "en"
    token = fingerprint.token(FEED_FORMAT, scope, language, extra)
    modified = fingerprint.last_modified()
    headers = HttpResponse()
    headers["ETag"] = f'W/"{token}"'
    headers["Last-Modified"] = http_date(modified.timestamp())
    conditional = get_conditional_response(
        request, etag=headers["ETag"], last_modified=int(modified.timestamp()), response=headers
    )
    if conditional is not None and conditional is not headers:
        return conditional  # 304 (or 412 for a failed If-Match)
    key = feed_cache_key(scope, language, token)
    body = cache.get(key)
    if body is None:
        body = build(calendar_events(region=region, since=since))
        cache.set(key, body, FEED_CACHE_SECONDS)
    response = _ics_response(body, filename=filename)
    response["ETag"] = headers["ETag"]
    response["Last-Modified"] = headers["Last-Modified"]
    return response


@login_not_required
@require_safe
def feed_all(request: HttpRequest) -> HttpResponseBase:
    """Every public event of the programme, upcoming and from the last twelve months."""
    return _feed_response(
        request,
        scope="all",
        region=None,
        filename="innovation-accelerator-events.ics",
        build=lambda events: calendar_bytes(
            events,
            key="all",
            name=_("Innovation Accelerator – events"),
            description=_("Events of the Innovation Accelerator programme in every region."),
            url=absolute_url(reverse("dissemination:calendar")),
        ),
    )


@login_not_required
@require_safe
def feed_region(request: HttpRequest, slug: str) -> HttpResponseBase:
    """One region's public events (404 for a region that does not exist)."""
    region = get_object_or_404(Region, slug=slug)
    return _feed_response(
        request,
        scope=f"region-{region.slug}",
        region=region,
        filename=f"events-{region.slug}.ics",
        build=lambda events: calendar_bytes(
            events,
            key=f"region-{region.slug}",
            name=_("Innovation Accelerator – events in %(region)s") % {"region": region.name},
            description=_("Events organised by %(region)s in the Innovation Accelerator programme.")
            % {"region": region.name},
            url=absolute_url(region.get_absolute_url()),
        ),
        extra=region.updated_at.isoformat(),
    )


@login_not_required
@require_safe
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
