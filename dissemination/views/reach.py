"""Reach: figures logged per event and publication, the overview per quarter, CSV."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Replaced by the real views of this module.
    raise Http404


urlpatterns: list[URLPattern] = [
    path("reach/", _placeholder, name="reach_overview"),
    path("reach.csv", _placeholder, name="reach_csv"),
    path("<int:pk>/reach/", _placeholder, name="event_reach"),
    path("publications/<int:pk>/reach/", _placeholder, name="publication_reach"),
]
