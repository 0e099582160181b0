"""Public pages: the calendar, the archive, event and publication pages, and the region and
partnership sections."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Replaced by the real views of this module.
    raise Http404


urlpatterns: list[URLPattern] = [
    path("", _placeholder, name="calendar"),
    path("archive/", _placeholder, name="archive"),
    path("publications/<int:pk>/", _placeholder, name="publication_detail"),
    path("<int:pk>/", _placeholder, name="event_detail"),
]
