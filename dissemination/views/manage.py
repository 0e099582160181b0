"""Organisers: their dashboard, creating, editing and moving events."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Replaced by the real views of this module.
    raise Http404


urlpatterns: list[URLPattern] = [
    path("manage/", _placeholder, name="manage"),
    path("new/", _placeholder, name="event_create"),
    path("<int:pk>/edit/", _placeholder, name="event_edit"),
    path("<int:pk>/move/<slug:move>/", _placeholder, name="event_move"),
]
