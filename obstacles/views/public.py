"""The public compilation: the list with search and filters, an entry's page, "we met this too"
and the exports.

Everything here but `endorse` is open to anonymous visitors. Only published entries are listed
and exported; an entry's page is public when the entry is published, and otherwise shown only to
those `get_obstacle_for_user_or_404` lets see it (its author, reviewers), with a status banner.
A merged entry's address redirects to the entry it lives on in, for those who may see that
entry; its author sees the merged entry itself while the other one is not public.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.core.forms import apply_validation_error
from portal.core.pagecache import cached_page
from portal.core.paging import cached_count, page_rows
from portal.core.ratelimit import allow_per_minute
from reports.kinds.obstacles import params_for
from reports.models import ReportKind
from reports.selectors import report_panel

from ..exports import html_to_text, published_csv_response, published_json_response
from ..forms.public import EndorseForm, ObstacleFilterForm
from ..models import Obstacle
from ..permissions.entries import (
    can_edit_obstacle,
    can_review_obstacle,
    can_view_obstacle,
    get_obstacle_for_user_or_404,
    is_obstacle_reviewer,
    surviving_entry,
)
from ..selectors.public import (
    endorsement_of,
    filter_choices,
    obstacle_detail_context,
    obstacle_results,
)
from ..services.endorsements import endorsement_add, endorsement_remove
from ..workflow import ObstacleStatus

PER_PAGE = 25


def _filter_form(request: HttpRequest, choices: dict[str, Any]) -> ObstacleFilterForm:
    form = ObstacleFilterForm(request.GET or None, **choices)
    if form.is_bound:
        form.is_valid()
    return form


def _filter_query(request: HttpRequest, form: ObstacleFilterForm) -> str:
    """The filters as they stand in the URL (without the page), for exports and pagination."""
    return urlencode([(name, request.GET[name]) for name in form.fields if request.GET.get(name)])


@login_not_required
@require_GET
@cached_page
def obstacle_list(request: HttpRequest) -> HttpResponse:
    """Published obstacles, 25 a page, with search, filters and sort in the URL (shareable).

    An htmx request from the filter form gets only the results (and the new count, swapped out
    of band into the live region that announces it); everything works without JavaScript. The
    results end with the "PDF report" panel for the same selection (public kind), or a note to
    narrow the filter when it holds more than settings.REPORTS_OBSTACLES_MAX entries.
    """
    choices = filter_choices()
    form = _filter_form(request, choices)
    filters = form.filters()
    results = obstacle_results(filters=filters)
    paginator = Paginator(results.obstacles, PER_PAGE)
    if results.count is not None:  # the search counted its matches already
        paginator.count = results.count
    elif not filters.q:
        paginator.count = cached_count(results.obstacles, key=f"obstacles:{filters}")
    page = paginator.get_page(request.GET.get("page"))
    step_names = {s.key: s.name for s in choices["steps"]}
    page.object_list = page_rows(page)  # by id: a deep page skips index entries, not rows
    for obstacle in page.object_list:
        obstacle.step_name = step_names.get(obstacle.step_key, "")  # type: ignore[attr-defined]
        obstacle.excerpt = html_to_text(obstacle.description)  # type: ignore[attr-defined]
    query = _filter_query(request, form)
    # The PDF of this selection: offered while it has entries and fits in one compilation;
    # its hidden parameters are the filters the list applies (bad values left out here too).
    total = page.paginator.count
    report_too_large = total > settings.REPORTS_OBSTACLES_MAX
    offer_report = bool(total) and not report_too_large
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "similar_only": results.similar_only,
        "query": query,
        "is_reviewer": is_obstacle_reviewer(request.user),
        "export_max_rows": settings.OBSTACLE_EXPORT_MAX_ROWS,
        "report_panel": report_panel(request, kind=ReportKind.OBSTACLES, params=params_for(filters))
        if offer_report
        else None,
        "report_too_large": report_too_large,
        "report_max": settings.REPORTS_OBSTACLES_MAX,
    }
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    template = "obstacles/public/results_htmx.html" if partial else "obstacles/public/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# States of an entry a merged one lives on in that count as "still being reviewed".
UNDER_REVIEW = frozenset(
    {ObstacleStatus.SUBMITTED, ObstacleStatus.IN_REVIEW, ObstacleStatus.CHANGES_REQUESTED}
)


def _hidden_survivor_state(survivor: Obstacle | None) -> str:
    """What the merged entry's page says of the entry it lives on in, which the user may not
    see: "review" while it is being reviewed, "unpublished" otherwise (rejected, withdrawn,
    gone). Never its title or number."""
    if survivor is not None and survivor.status in UNDER_REVIEW:
        return "review"
    return "unpublished"


def _render_detail(
    request: HttpRequest,
    obstacle: Obstacle,
    *,
    endorse_form: EndorseForm | None = None,
    status: int = 200,
    merged_into_hidden: str = "",
) -> HttpResponse:
    context = obstacle_detail_context(obstacle=obstacle, user=request.user)
    context.update(
        {
            "merged_into_hidden": merged_into_hidden,
            "endorse_form": endorse_form or EndorseForm(),
            "can_edit": can_edit_obstacle(request.user, obstacle),
            "can_review": can_review_obstacle(request.user, obstacle),
            "is_author": obstacle.author_id is not None
            and obstacle.author_id == getattr(request.user, "pk", None),
        }
    )
    return render(request, "obstacles/public/detail.html", context, status=status)


@login_not_required
@require_GET
@cached_page
def obstacle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry's page: public when published; its author and reviewers see it in other states
    too (with a banner).

    A merged entry redirects to the entry it lives on in when the user may see that one. The
    redirect names the other entry's number, so nobody is sent to an entry they may not see
    (say one still waiting for review): its author (and reviewers) see the merged entry's own
    page with a note instead, everyone else a 404.
    """
    obstacle = get_obstacle_for_user_or_404(request.user, pk)
    if obstacle.status != ObstacleStatus.MERGED:
        return _render_detail(request, obstacle)
    survivor = surviving_entry(obstacle)
    if survivor is not None and can_view_obstacle(request.user, survivor):
        return redirect(survivor)
    # `get_obstacle_for_user_or_404` lets a user open a merged entry when they may see the
    # survivor (refused just above) or this row itself: here that is its author or a reviewer.
    return _render_detail(request, obstacle, merged_into_hidden=_hidden_survivor_state(survivor))


def obstacle_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: "we met this too" for the user's organisation, with an optional note; with `remove`
    it takes it back. Published entries only; everything else is a 404, as on the page."""
    obstacle = get_obstacle_for_user_or_404(request.user, pk)
    if obstacle.status != ObstacleStatus.PUBLISHED:
        raise Http404
    if request.method != "POST":  # after the check: a GET on a hidden entry is still a 404
        return HttpResponseNotAllowed(["POST"])
    back = obstacle.get_absolute_url() + "#met"
    if request.POST.get("remove"):
        endorsement_remove(obstacle=obstacle, user=request.user)
        messages.success(request, _("Your “we met this too” was taken back."))
        return redirect(back)
    form = EndorseForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, obstacle, endorse_form=form, status=400)
    already = endorsement_of(obstacle=obstacle, user=request.user) is not None
    try:
        endorsement_add(obstacle=obstacle, user=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _render_detail(request, obstacle, endorse_form=form, status=400)
    if already:
        messages.info(request, _("Your organisation has already said it met this obstacle."))
    else:
        messages.success(request, _("Thank you: you have said that you met this obstacle too."))
    return redirect(back)


def _export_allowed(request: HttpRequest) -> bool:
    """At most settings.OBSTACLE_EXPORTS_PER_MINUTE exports a minute per person (signed in) or
    client address (anonymous), counted in the shared cache, so every web process enforces the
    same limit."""
    return allow_per_minute(
        request, scope="obstacles:export", limit=settings.OBSTACLE_EXPORTS_PER_MINUTE
    )


def _export(request: HttpRequest, respond: Any) -> HttpResponse | StreamingHttpResponse:
    """The published entries matching the filters; refused with a plain explanation when the
    filters are not valid, the selection is larger than an export may hold, or the address
    asked too often (each export streams the whole selection, so it is the costliest page)."""
    if not _export_allowed(request):
        response = HttpResponse(
            _("You have asked for too many exports. Wait a minute and try again."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        return response
    form = _filter_form(request, filter_choices())
    if form.is_bound and form.errors:
        problems = [
            f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
            for name, errors in form.errors.items()
            for error in errors
        ]
        return HttpResponseBadRequest(
            "\n".join([_("The export was not made: the filters are not valid."), *problems]),
            content_type="text/plain; charset=utf-8",
        )
    filters = form.filters()
    total = obstacle_results(filters=filters).obstacles.count()
    if total > settings.OBSTACLE_EXPORT_MAX_ROWS:
        return HttpResponseBadRequest(
            _(
                "The export was not made: the selection holds %(total)s obstacles and an export "
                "holds at most %(limit)s. Choose a category, a step or a region and try again."
            )
            % {"total": total, "limit": settings.OBSTACLE_EXPORT_MAX_ROWS},
            content_type="text/plain; charset=utf-8",
        )
    return respond(request=request, filters=filters, language=get_language() or "sv")  # type: ignore[no-any-return]


@login_not_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The published entries matching the list's filters, as CSV for Swedish Excel."""
    return _export(request, published_csv_response)


@login_not_required
@require_GET
def export_json(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The published entries matching the list's filters, as JSON (see `obstacles.exports`)."""
    return _export(request, published_json_response)


urlpatterns: list[URLPattern] = [
    path("", obstacle_list, name="list"),
    path("export.csv", export_csv, name="export_csv"),
    path("export.json", export_json, name="export_json"),
    path("<int:pk>/", obstacle_detail, name="detail"),
    path("<int:pk>/met/", obstacle_endorse, name="endorse"),
]
