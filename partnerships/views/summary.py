"""A partnership's public summary: what the programme has made public about it.

Public, anonymous visitors included, only once something public reports on the partnership: a
published lesson learned, or a public event or a published publication that names it (the
organisers chose to make it public by doing so). Otherwise a 404 for everyone, whoever may open
the partnership itself. The page shows nothing private: no proposal text, no people, no
documents, no discussion.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from dissemination.selectors.public import partnership_summary_context

from ..permissions import can_view_partnership


@login_not_required
@require_GET
def public_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The partnership's public summary; signed-in people who may open the partnership also get
    a link to its own page."""
    context = partnership_summary_context(pk=pk)
    if context is None:
        raise Http404
    context["can_open_partnership"] = request.user.is_authenticated and can_view_partnership(
        request.user, context["partnership"]
    )
    return render(request, "partnerships/public_summary.html", context)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/summary/", public_summary, name="public_summary"),
]
