"""The ceiling of the load benchmark (bench/load): the fastest page the portal can serve.

It renders the shared layout (templates/base.html, content block empty) through the same
middleware as every page — session, user, language, CSRF, CSP, MFA, the user menu's context —
and runs no query of its own, so a page's throughput divided by the ceiling's says what the
page's own work costs. Off (404) unless settings.PORTAL_CEILING_VIEW is true: the benchmark
turns it on for its own server; production never needs it.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


# Public on purpose: the benchmark measures it anonymously as well as signed in, and it shows
# nothing but the layout every public page shows.
@login_not_required
@require_GET
def ceiling(request: HttpRequest) -> HttpResponse:
    """The base layout with an empty content block; 404 while PORTAL_CEILING_VIEW is off."""
    if not settings.PORTAL_CEILING_VIEW:
        raise Http404
    return render(request, "base.html")
