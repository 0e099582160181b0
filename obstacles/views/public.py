"""(being built: helper B replaces this placeholder with the public compilation)"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


@login_not_required
def obstacle_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


urlpatterns: list[URLPattern] = [path("", obstacle_list, name="list")]
