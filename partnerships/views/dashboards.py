"""The Co-sharing entry page, a region's pipeline and its CSV export.

Each page reads through `partnerships.selectors.dashboards`, scoped to the user: a company sees
its own organisations' rows, a coordinator their regions', a sponsor the gates waiting in theirs.
The pipeline and its export answer 404 to anyone who may not see the region's pipeline.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from portal.accounts.permissions import is_portal_admin
from portal.core.pagecache import cached_page
from portal.core.security import export_logged

from ..exports import pipeline_csv_response
from ..models import ReviewAssignment
from ..selectors import dashboards as selectors
from ..selectors.dashboards import get_pipeline_region_for_user_or_404


@require_GET
@cached_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """What waits for the user: their organisations' proposals and partnerships, the pipelines of
    the regions they coordinate (an admin picks a region), and gates waiting for a sponsor."""
    user: Any = request.user
    admin = is_portal_admin(user)
    picked = request.GET.get("region", "").strip()[:100]
    regions, region_choices = selectors.coordinator_regions(user=user, picked=picked)
    pipelines = selectors.region_pipelines(regions=regions)
    companies = selectors.company_dashboards(user=user)
    sponsor_gates = selectors.sponsor_gates_waiting(user=user)
    sponsor_regions = selectors.sponsor_regions(user=user)
    is_sponsor = bool(sponsor_regions)
    context = {
        "companies": companies,
        "pipelines": pipelines,
        "is_admin": admin,
        "region_choices": region_choices,
        "picked": picked,
        "is_sponsor": is_sponsor,
        "sponsor_gates": sponsor_gates,
        "sponsor_regions": sponsor_regions,
        "open_calls": selectors.open_calls(),
        "nothing": not companies and not pipelines and not is_sponsor and not admin,
        "stale_days": selectors.STALE_AFTER.days,
        "has_reviews": ReviewAssignment.objects.filter(reviewer=user).exists(),
    }
    return render(request, "partnerships/dashboard_index.html", context)


@require_GET
@cached_page
def pipeline(request: HttpRequest, slug: str) -> HttpResponse:
    """The full pipeline of one region: every open partnership by step, and the closed ones."""
    region = get_pipeline_region_for_user_or_404(request.user, slug)
    (board,) = selectors.region_pipelines(regions=[region])
    return render(
        request,
        "partnerships/pipeline.html",
        {"board": board, "region": region, "stale_days": selectors.STALE_AFTER.days},
    )


@require_GET
def pipeline_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The region's pipeline as CSV for Swedish Excel, in the user's language."""
    region = get_pipeline_region_for_user_or_404(request.user, slug)
    response = pipeline_csv_response(region=region, language=get_language() or "sv")
    return export_logged(request, response, export="partnership_pipeline", region=region.slug)


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("regions/<slug:slug>/pipeline/", pipeline, name="pipeline"),
    path("regions/<slug:slug>/pipeline.csv", pipeline_export, name="pipeline_export"),
]
