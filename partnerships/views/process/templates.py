"""The process templates: the list, the copy of the default for a region and a template's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from regions.models import Region

from ...models import ProcessTemplate
from ...permissions.base import coordinated_region_ids
from ...permissions.process import (
    can_copy_template_for_region,
    can_edit_template,
    get_template_for_user_or_404,
    templates_visible_to,
)
from ...selectors.partnerships import templates_for_list
from ...services import partnerships as services
from ...services import process as template_services
from ._common import _fail


def _template_viewer(request: HttpRequest) -> None:
    if not templates_visible_to(request.user).exists():
        raise Http404


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    _template_viewer(request)
    templates = templates_for_list(queryset=templates_visible_to(request.user))
    regions = Region.objects.filter(pk__in=coordinated_region_ids(request.user)).annotate(
        has_own=Exists(ProcessTemplate.objects.filter(region=OuterRef("pk"), is_current=True))
    )
    default = ProcessTemplate.objects.filter(
        region__isnull=True, is_current=True, family=services.DEFAULT_FAMILY
    ).first()
    return render(
        request,
        "partnerships/template_list.html",
        {"templates": templates, "regions": regions, "default": default},
    )


def template_copy(request: HttpRequest, slug: str) -> HttpResponse:
    region = Region.objects.filter(slug=slug).first()
    if region is None or not can_copy_template_for_region(request.user, region):
        raise Http404
    if request.method != "POST":  # after the check: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    default = ProcessTemplate.objects.filter(
        region__isnull=True, is_current=True, family=services.DEFAULT_FAMILY
    ).first()
    if default is None:
        raise Http404
    try:
        copy = template_services.template_copy_for_region(
            actor=request.user, template=default, region=region
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, _fail(exc))
        return redirect("partnerships:template_list")
    messages.success(request, _("%(region)s now has its own process.") % {"region": region})
    return redirect("partnerships:template_detail", pk=copy.pk)


def _render_template_detail(
    request: HttpRequest, template: ProcessTemplate, *, status: int = 200
) -> HttpResponse:
    steps = template.steps.order_by("order").prefetch_related("checklist")
    return render(
        request,
        "partnerships/template_detail.html",
        {
            "template": template,
            "steps": steps,
            "can_edit": can_edit_template(request.user, template),
            "in_use": template.partnerships.exists(),
        },
        status=status,
    )


@require_GET
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for_user_or_404(request.user, pk)
    return _render_template_detail(request, template)


def _editable_template(request: HttpRequest, pk: int) -> ProcessTemplate:
    template = get_template_for_user_or_404(request.user, pk)
    if not can_edit_template(request.user, template):
        raise Http404
    return template
