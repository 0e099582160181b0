"""iCalendar files: one per event, a feed per region and one for everything."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Replaced by the real views of this module.
    raise Http404


urlpatterns: list[URLPattern] = [
    path("calendar.ics", _placeholder, name="feed_all"),
    path("regions/<slug:slug>/calendar.ics", _placeholder, name="feed_region"),
    path("<int:pk>/event.ics", _placeholder, name="event_ics"),
]
