"""The intake: coordinators' queue of submitted proposals."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.core.pagecache import cached_page

from ...forms.proposals import IntakeFilterForm
from ...permissions.proposals import can_view_intake
from ...selectors import proposals as selectors


@require_GET
@cached_page
def intake(request: HttpRequest) -> HttpResponse:
    """Coordinators' queue of submitted proposals (their regions; portal admins: all)."""
    if not can_view_intake(request.user):
        raise Http404
    form = IntakeFilterForm(
        request.GET or None,
        calls=selectors.intake_calls(user=request.user),
        regions=selectors.intake_regions(user=request.user),
    )
    filters = selectors.IntakeFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.IntakeFilters(
            status=data["status"] or "",
            call=data["call"],
            kind=data["kind"] or "",
            trl_min=data["trl_min"],
            trl_max=data["trl_max"],
            submitted_from=data["submitted_from"],
            submitted_to=data["submitted_to"],
            region=data.get("region") or "",
        )
    page = Paginator(selectors.intake_list(user=request.user, filters=filters), 25).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnerships/intake.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
