"""Organisers: creating, editing, publishing and withdrawing publications."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Replaced by the real views of this module.
    raise Http404


urlpatterns: list[URLPattern] = [
    path("publications/new/", _placeholder, name="publication_create"),
    path("publications/<int:pk>/download/", _placeholder, name="publication_download"),
    path("publications/<int:pk>/edit/", _placeholder, name="publication_edit"),
    path("publications/<int:pk>/move/<slug:move>/", _placeholder, name="publication_move"),
]
