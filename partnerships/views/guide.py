"""The public process guide: the Co-sharing steps with their guidance, checklists, expected
documents and gates, for anyone to read before (or while) collaborating with a region.

The national default template is shown unless `?region=<slug>` names a region; a region with its
own current variant shows that variant, one without it is told that it follows the default. Each
step is a section with the id `step-<key>`, so other pages (an obstacle's step) link straight to
its guidance. Guidance is stored sanitised (`services.process.clean_guidance`) and shown as is.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal.core.forms import PortalForm
from portal.core.pagecache import cached_page
from regions.models import Region
from reports.models import ReportKind
from reports.selectors import report_panel

from ..models import ChecklistItem, ProcessStep, ProcessTemplate
from ..selectors.dashboards import DEFAULT_FAMILY


class GuideRegionForm(PortalForm):
    region = forms.ChoiceField(
        label=_("Show the process of"),
        required=False,
        error_messages={"invalid_choice": _("Choose a region from the list.")},
    )

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", _("The national default")),
            *[(r.slug, r.name) for r in regions],
        ]


def _current_template(*, region: Region | None) -> ProcessTemplate | None:
    if region is not None:
        return ProcessTemplate.objects.filter(region=region, is_current=True).first()
    return ProcessTemplate.objects.filter(
        region__isnull=True, is_current=True, family=DEFAULT_FAMILY
    ).first()


def _steps(template: ProcessTemplate) -> QuerySet[ProcessStep]:
    return template.steps.order_by("order").prefetch_related(
        Prefetch("checklist", queryset=ChecklistItem.objects.order_by("order"))
    )


@login_not_required
@require_GET
@cached_page
def guide(request: HttpRequest) -> HttpResponse:
    """The Co-sharing process, step by step (public)."""
    regions = list(Region.objects.order_by("code"))
    form = GuideRegionForm(request.GET or None, regions=regions)
    region = None
    if form.is_bound and form.is_valid() and form.cleaned_data["region"]:
        region = next(r for r in regions if r.slug == form.cleaned_data["region"])
    template = _current_template(region=region) if region else None
    follows_default = region is not None and template is None
    if template is None:
        template = _current_template(region=None)
    if template is None:
        raise Http404
    # The guide is public: everyone (anonymous visitors too) may have it as a PDF, for the
    # region chosen here (an unknown choice falls back to the national default, as the page does).
    panel = report_panel(
        request, kind=ReportKind.PROCESS_GUIDE, params={"region": region.slug if region else ""}
    )
    return render(
        request,
        "partnerships/guide.html",
        {
            "form": form,
            "region": region,
            "follows_default": follows_default,
            "template": template,
            "steps": list(_steps(template)),
            "report_panel": panel,
        },
    )


urlpatterns: list[URLPattern] = [path("guide/", guide, name="guide")]
