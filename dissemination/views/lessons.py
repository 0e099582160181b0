"""Lessons learned: written by a partnership's parties, reviewed by the coordinator."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Replaced by the real views of this module.
    raise Http404


urlpatterns: list[URLPattern] = [
    path("lessons/", _placeholder, name="lesson_list"),
    path("lessons/review/", _placeholder, name="lesson_review"),
    path("lessons/<int:pk>/", _placeholder, name="lesson_detail"),
    path("lessons/new/<int:partnership_pk>/", _placeholder, name="lesson_create"),
    path("lessons/<int:pk>/edit/", _placeholder, name="lesson_edit"),
    path("lessons/<int:pk>/move/<slug:move>/", _placeholder, name="lesson_move"),
]
