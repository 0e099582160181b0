"""A partnership's public summary: what the programme has made public about it."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Replaced by the real view.
    raise Http404


urlpatterns: list[URLPattern] = [
    path("<int:pk>/summary/", _placeholder, name="public_summary"),
]
