"""Placeholder views: the real ones arrive with this issue's build (names fixed here)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


urlpatterns: list[URLPattern] = [
    path("", _todo, name="mine"),
    path("new/<slug:kind>/", _todo, name="request"),
    path("<uuid:pk>/", _todo, name="detail"),
    path("<uuid:pk>/status/", _todo, name="status"),
    path("<uuid:pk>/download/", _todo, name="download"),
    path("<uuid:pk>/retry/", _todo, name="retry"),
]
