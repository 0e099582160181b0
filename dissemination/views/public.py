"""Public pages: the calendar, the archive, and an event's and a publication's page.

All four are open to anonymous visitors. The calendar and the archive list only what is public
(`dissemination.selectors.public`); an event's or a publication's page goes through the fetch
helpers, so a draft is shown to its organisers (with a banner) and is a 404 for everyone else.
Filters live in the URL (shareable, and the forms work without JavaScript); with htmx the filter
form swaps only the results and pushes the new URL.
"""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from portal.core.pagecache import cached_page

from ..forms.filters import ArchiveFilterForm, CalendarFilterForm
from ..permissions.base import get_event_for_user_or_404, get_publication_for_user_or_404
from ..selectors.events import organiser_panel_context
from ..selectors.public import (
    NATIONAL,
    archive_items,
    archive_rows,
    archive_years,
    calendar_events,
    event_page_context,
    filter_regions,
    group_by_month,
    publication_page_context,
    with_excerpts,
)
from ..selectors.publications import publication_organiser_context
from ..selectors.registrations import registration_panel_context

PER_PAGE = 25


def _bind(request: HttpRequest, form: Any) -> Any:
    if form.is_bound:
        form.is_valid()
    return form


def _filter_query(request: HttpRequest, form: Any) -> str:
    """The filters as they stand in the URL (without the page), for the pagination links."""
    return urlencode([(name, request.GET[name]) for name in form.fields if request.GET.get(name)])


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _render_list(
    request: HttpRequest, *, page_template: str, partial_template: str, context: dict[str, Any]
) -> HttpResponse:
    template = partial_template if _is_partial(request) else page_template
    response = render(request, template, context)
    # The same URL answers with a fragment or a whole page: caches must keep both apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _page(request: HttpRequest, rows: Any) -> Page:
    """25 a page; a page number past the end shows the last page, one that is not a number the
    first (as the obstacle compilation does), never an error."""
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


@login_not_required
@require_GET
@cached_page
def calendar(request: HttpRequest) -> HttpResponse:
    """Upcoming public events grouped by month, with filters (kind, region, language, online or
    on site) and links to subscribe to the calendar feeds."""
    regions = filter_regions()
    form = _bind(request, CalendarFilterForm(request.GET or None, regions=regions))
    filters = form.filters()
    page = _page(request, calendar_events(filters=filters))
    events = with_excerpts(list(page.object_list), "description")
    region = None
    if filters.region and filters.region != NATIONAL:
        region = next((r for r in regions if r.slug == filters.region), None)
    feed_all = request.build_absolute_uri(reverse("dissemination:feed_all"))
    feed_region = (
        request.build_absolute_uri(reverse("dissemination:feed_region", args=[region.slug]))
        if region
        else ""
    )
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "months": group_by_month(events),
        "query": _filter_query(request, form),
        "filter_region": region,
        "feed_all_url": feed_all,
        "feed_region_url": feed_region,
    }
    return _render_list(
        request,
        page_template="dissemination/calendar.html",
        partial_template="dissemination/partials/calendar_htmx.html",
        context=context,
    )


@login_not_required
@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    """Past events and published publications, newest first, with filters (kind, region,
    year)."""
    form = _bind(
        request,
        ArchiveFilterForm(request.GET or None, regions=filter_regions(), years=archive_years()),
    )
    filters = form.filters()
    page = _page(request, archive_rows(filters=filters))
    page.object_list = archive_items(list(page.object_list))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "query": _filter_query(request, form),
    }
    return _render_list(
        request,
        page_template="dissemination/archive.html",
        partial_template="dissemination/partials/archive_htmx.html",
        context=context,
    )


@login_not_required
@require_GET
@cached_page
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event's page: public when published, postponed or cancelled (the last two with a
    banner and the reason); a draft only for its organisers. The online link is never on the
    page itself: the registration panel shows it to those allowed to see it."""
    event = get_event_for_user_or_404(request.user, pk)
    context = event_page_context(user=request.user, event=event)
    context.update(registration_panel_context(user=request.user, event=event))
    context.update(organiser_panel_context(user=request.user, event=event))
    return render(request, "dissemination/event_detail.html", context)


@login_not_required
@require_GET
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A publication's page: public when published; a draft or a withdrawn one only for its
    organisers (with a banner). The file is downloaded through `publication_download`, which
    checks the same rule and counts the download."""
    publication = get_publication_for_user_or_404(request.user, pk)
    context = publication_page_context(user=request.user, publication=publication)
    context.update(publication_organiser_context(user=request.user, publication=publication))
    return render(request, "dissemination/publication_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("", calendar, name="calendar"),
    path("archive/", archive, name="archive"),
    path("publications/<int:pk>/", publication_detail, name="publication_detail"),
    path("<int:pk>/", event_detail, name="event_detail"),
]
