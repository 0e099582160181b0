"""Calls: the public list and page, the editor, publishing and the ranking."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.permissions import is_portal_admin
from portal.core.concurrency import ConcurrentEditError
from portal.core.forms import apply_validation_error, rebase_on_conflict
from regions.models import Region

from ...forms.proposals import CallForm, CriterionFormSet, criteria_data, criteria_initial
from ...permissions.base import coordinated_region_ids
from ...permissions.proposals import (
    can_edit_call,
    can_manage_calls,
    company_memberships,
    get_call_for_editor_or_404,
    get_call_for_viewer_or_404,
)
from ...selectors import proposals as selectors
from ...services import calls as call_services

CALLS_PER_PAGE = 20


@login_not_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    """Published calls, open ones first, 20 a page; coordinators also see their own calls."""
    managed = (
        list(selectors.calls_managed_by(user=request.user))
        if can_manage_calls(request.user)
        else []
    )
    page = Paginator(selectors.call_list_public(), CALLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/call_list.html",
        {
            "page": page,
            "managed": managed,
            "can_create": can_manage_calls(request.user),
        },
    )


@login_not_required
@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_viewer_or_404(request.user, pk)
    now = timezone.now()
    memberships = company_memberships(request.user) if request.user.is_authenticated else []
    return render(
        request,
        "partnerships/call_detail.html",
        {
            "call": call,
            "criteria": selectors.call_criteria(call=call),
            "regions": selectors.call_regions(call=call),
            "is_open": call.is_open(now),
            "not_yet_open": call.published and now < call.opens_at,
            "is_closed": now >= call.closes_at,
            "can_answer": call.is_open(now) and bool(memberships),
            "can_edit": can_edit_call(request.user, call),
        },
    )


def _lead_regions(user: Any) -> Any:
    qs = Region.objects.order_by("code")
    if is_portal_admin(user):
        return qs
    return qs.filter(pk__in=coordinated_region_ids(user))


def _call_form_page(request: HttpRequest, call: Any = None) -> HttpResponse:
    lead_regions = _lead_regions(request.user)
    data = request.POST if request.method == "POST" else None
    form = CallForm(data, instance=call, lead_regions=lead_regions)
    initial = criteria_initial(selectors.call_criteria(call=call)) if call else []
    formset = CriterionFormSet(data, prefix="criteria", initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        kwargs = {
            "actor": request.user,
            "lead_region": form.cleaned_data["lead_region"],
            "regions": form.cleaned_data["regions"],
            "data": form.call_data(),
            "criteria": criteria_data(formset),
        }
        try:
            if call is None:
                saved = call_services.call_create(
                    client_token=form.cleaned_data.get("client_token"), **kwargs
                )
            else:
                saved = call_services.call_update(
                    call=call, expected_version=form.cleaned_data["version"], **kwargs
                )
        except ConcurrentEditError as exc:
            conflict = rebase_on_conflict(form, exc)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The call was saved."))
            return redirect(saved)
    return render(
        request,
        "partnerships/call_form.html",
        {"call": call, "form": form, "formset": formset, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_calls(request.user):
        raise Http404
    return _call_form_page(request)


@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_form_page(request, get_call_for_editor_or_404(request.user, pk))


def call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_editor_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    published = request.POST.get("published")
    if published not in ("0", "1"):
        # Only the page's own button is understood; a missing or odd value changes nothing.
        messages.error(
            request,
            _("The page could not tell whether to publish the call or not: nothing changed."),
        )
        return redirect(call)
    publish = published == "1"
    call_services.call_set_published(actor=request.user, call=call, published=publish)
    messages.success(
        request, _("The call was published.") if publish else _("The call was unpublished.")
    )
    return redirect(call)


@require_GET
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's proposals ranked by weighted score, with every reviewer's scores."""
    call = get_call_for_editor_or_404(request.user, pk)
    criteria, rows = selectors.call_ranking(call=call)
    return render(
        request,
        "partnerships/call_ranking.html",
        {"call": call, "criteria": criteria, "rows": rows},
    )
