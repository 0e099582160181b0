"""Region pages: public list and detail; editing for coordinators; people for portal admins.

Each view authenticates (LoginRequiredMiddleware, except the public pages), fetches through a
permission helper that answers 404 for missing and forbidden alike, binds a form, calls one
service and redirects with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.core.concurrency import ConcurrentEditError
from portal.core.forms import apply_validation_error, rebase_on_conflict
from portal.core.pagecache import cached_page
from reports.models import ReportKind
from reports.selectors import report_panel

from . import selectors, services
from .forms import InnovationUnitForm, RegionAssignmentForm, RegionForm
from .models import Region
from .permissions import (
    can_edit_region,
    can_manage_region_people,
    get_assignment_for_people_manager_or_404,
    get_region_for_editor_or_404,
    get_region_for_people_manager_or_404,
    get_unit_for_editor_or_404,
)


def _units_url(region: Region) -> str:
    return reverse("regions:edit", args=[region.slug]) + "#units"


# --- Public pages ------------------------------------------------------------------------------


@login_not_required
@require_GET
@cached_page
def region_list(request: HttpRequest) -> HttpResponse:
    """All 21 regions, the ones in the programme first, with their number of units."""
    return render(request, "regions/region_list.html", {"regions": selectors.region_list_public()})


@login_not_required
@require_GET
@cached_page
def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A region's public page: description, contact, units by kind, its people, its next events
    and its latest publications and lessons learned; for its coordinators and sponsors and for
    portal admins, the activity report (PDF) panel."""
    try:
        region = selectors.region_detail_public(slug=slug)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    people = selectors.region_people_public(region=region)
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "unit_groups": selectors.region_units_by_kind(region=region),
            "coordinators": people["coordinators"],
            "sponsors": people["sponsors"],
            "can_edit": can_edit_region(request.user, region),
            "can_manage_people": can_manage_region_people(request.user),
            # Its upcoming events, latest publications and lessons learned.
            **selectors.region_outreach(region=region),
            # None (nothing shown) unless the person may see the region's activity report.
            "report_panel": report_panel(
                request, kind=ReportKind.REGION_ACTIVITY, params={"region": region.slug}
            ),
        },
    )


# --- Coordinators: the region page and its units ------------------------------------------------


@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_region_for_editor_or_404(request.user, slug)
    form = RegionForm(request.POST or None, instance=region)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.region_update(
                actor=request.user,
                region=region,
                expected_version=form.cleaned_data["version"],
                data=form.changes(),
            )
        except ConcurrentEditError as exc:
            conflict = rebase_on_conflict(form, exc)
            if not conflict:  # what was typed is stored already: a double submit
                messages.success(request, _("The region page was saved."))
                return redirect(region)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The region page was saved."))
            return redirect(region)
    return render(
        request,
        "regions/region_form.html",
        {
            "region": region,
            "form": form,
            "conflict": conflict,
            "units": selectors.region_units(region=region),
            "can_manage_people": can_manage_region_people(request.user),
        },
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_region_for_editor_or_404(request.user, slug)
    form = InnovationUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, region=region, data=form.changes())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": unit.name})
            return redirect(_units_url(region))
    return render(request, "regions/unit_form.html", {"region": region, "form": form, "unit": None})


@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    unit = get_unit_for_editor_or_404(request.user, slug, pk)
    region = unit.region
    form = InnovationUnitForm(request.POST or None, instance=unit)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.unit_update(
                actor=request.user,
                unit=unit,
                expected_version=form.cleaned_data["version"],
                data=form.changes(),
            )
        except ConcurrentEditError as exc:
            conflict = rebase_on_conflict(form, exc)
            if not conflict:  # what was typed is stored already: a double submit
                messages.success(request, _("%(name)s was saved.") % {"name": unit.name})
                return redirect(_units_url(region))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": updated.name})
            return redirect(_units_url(region))
    return render(
        request,
        "regions/unit_form.html",
        {"region": region, "form": form, "unit": unit, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def unit_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    unit = get_unit_for_editor_or_404(request.user, slug, pk)
    region = unit.region
    if request.method == "POST":
        services.unit_delete(actor=request.user, unit=unit)
        messages.success(request, _("%(name)s was removed.") % {"name": unit.name})
        return redirect(_units_url(region))
    return render(request, "regions/unit_confirm_delete.html", {"region": region, "unit": unit})


# --- Portal admins: who coordinates and sponsors a region -------------------------------------


@require_http_methods(["GET", "POST"])
def region_people(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_region_for_people_manager_or_404(request.user, slug)
    form = RegionAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assignment = services.region_assign_role(
            actor=request.user,
            region=region,
            user=form.user,
            role=form.cleaned_data["role"],
            title=form.cleaned_data["title"],
        )
        messages.success(
            request,
            _("%(user)s now has the role “%(role)s” in %(region)s.")
            % {
                "user": assignment.user,
                "role": assignment.get_role_display(),
                "region": region.name,
            },
        )
        return redirect("regions:people", slug=region.slug)
    return render(
        request,
        "regions/region_people.html",
        {
            "region": region,
            "form": form,
            "assignments": selectors.region_assignments(region=region),
        },
    )


def region_people_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    # The permission check comes before the method check, so a forbidden GET is a 404 too.
    assignment = get_assignment_for_people_manager_or_404(request.user, slug, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.region_remove_role(actor=request.user, assignment=assignment)
    messages.success(
        request,
        _("%(user)s no longer has the role “%(role)s” in %(region)s.")
        % {
            "user": assignment.user,
            "role": assignment.get_role_display(),
            "region": assignment.region.name,
        },
    )
    return redirect("regions:people", slug=slug)
