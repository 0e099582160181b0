"""Public pages: calendar, archive, event/publication/lesson pages, calendar files."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Replaced by the real views of this module.
    raise Http404


urlpatterns: list[URLPattern] = [
    path("", _placeholder, name="calendar"),
    path("archive/", _placeholder, name="archive"),
    path("calendar.ics", _placeholder, name="feed_all"),
    path("regions/<slug:slug>/calendar.ics", _placeholder, name="feed_region"),
    path("lessons/", _placeholder, name="lesson_list"),
    path("lessons/<int:pk>/", _placeholder, name="lesson_detail"),
    path("publications/<int:pk>/", _placeholder, name="publication_detail"),
    path("publications/<int:pk>/download/", _placeholder, name="publication_download"),
    path("<int:pk>/", _placeholder, name="event_detail"),
    path("<int:pk>/event.ics", _placeholder, name="event_ics"),
]
