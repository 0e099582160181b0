"""Registering for events, the waiting list, attendee lists and attendance."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Replaced by the real views of this module.
    raise Http404


urlpatterns: list[URLPattern] = [
    path("mine/", _placeholder, name="my_registrations"),
    path("<int:pk>/register/", _placeholder, name="register"),
    path("<int:pk>/registration/cancel/", _placeholder, name="registration_cancel"),
    path("<int:pk>/attendees/", _placeholder, name="attendees"),
    path("<int:pk>/attendees.csv", _placeholder, name="attendees_csv"),
    path("<int:pk>/attendance/", _placeholder, name="attendance"),
]
