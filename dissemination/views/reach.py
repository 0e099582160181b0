"""Reach: figures logged per event and publication, the overview per quarter, CSV.

Every view needs a signed-in user (LoginRequiredMiddleware). The event and publication pages
are for their organisers and answer 404 to everyone else, whatever the method (the method is
checked after the permission, so a wrong one is 405 only for the organisers); the overview
and its CSV are for coordinators, sponsors and portal admins (`can_see_reach`), each limited to
the regions they may read (404 for any other).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.core.forms import apply_validation_error
from portal.core.security import export_logged

from ..charts import Series, grouped_bar_chart
from ..exports.reach import reach_csv_response
from ..forms.reach import ReachEntryForm, ReachFilterForm
from ..models import Event, Publication, PublicationFile, ReachEntry
from ..permissions.base import (
    can_organise_for_region,
    get_event_to_organise_or_404,
    get_publication_to_organise_or_404,
)
from ..selectors import reach as selectors
from ..selectors.reach import FIGURES, PEOPLE_FIGURES, QuarterReach, ReachScope
from ..services.reach import reach_delete, reach_record

# --- One event or publication --------------------------------------------------------------


def _reach_url(target: Event | Publication) -> str:
    name = "event_reach" if isinstance(target, Event) else "publication_reach"
    return reverse(f"dissemination:{name}", args=[target.pk])


def _delete_url(target: Event | Publication, entry: ReachEntry) -> str:
    name = "event_reach_delete" if isinstance(target, Event) else "publication_reach_delete"
    return reverse(f"dissemination:{name}", args=[target.pk, entry.pk])


def _target_page(request: HttpRequest, target: Event | Publication) -> HttpResponse:
    """The figures page of an event or a publication: what the portal counted, what has been
    logged, and the form to log another figure."""
    form = ReachEntryForm(request.POST if request.method == "POST" else None, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            reach_record(
                actor=request.user,
                metric=form.cleaned_data["metric"],
                value=form.cleaned_data["value"],
                counted_on=form.cleaned_data["counted_on"],
                notes=form.cleaned_data["notes"],
                event=target if isinstance(target, Event) else None,
                publication=target if isinstance(target, Publication) else None,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The figure was logged."))
            return redirect(_reach_url(target))
    entries = list(selectors.reach_entries_of(target))
    context: dict[str, Any] = {
        "target": target,
        "is_event": isinstance(target, Event),
        "form": form,
        "entries": [(entry, _delete_url(target, entry)) for entry in entries],
        "event_counts": None,
        "downloads": None,
        "has_file": False,
        "loggable": _loggable(target),
    }
    if isinstance(target, Event):
        context["event_counts"] = selectors.event_portal_counts(event=target)
    else:
        context["downloads"] = selectors.publication_downloads(publication=target)
        context["has_file"] = _has_file(target)
    status = 400 if request.method == "POST" else 200
    return render(request, "dissemination/reach_form.html", context, status=status)


def _has_file(publication: Publication) -> bool:
    return PublicationFile.objects.filter(publication=publication).exists()


def _loggable(target: Event | Publication) -> bool:
    """Figures are logged for events that are not drafts or cancelled and for publications
    that are not drafts (the service refuses the others)."""
    if isinstance(target, Event):
        return target.status in selectors.COUNTED_EVENT_STATES
    return target.status in selectors.COUNTED_PUBLICATION_STATES


def event_reach(request: HttpRequest, pk: int) -> HttpResponse:
    """An event's reach, for its organisers."""
    event = get_event_to_organise_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD", "POST"):  # after the fetch, as above
        return HttpResponseNotAllowed(["GET", "POST"])
    return _target_page(request, event)


def publication_reach(request: HttpRequest, pk: int) -> HttpResponse:
    """A publication's reach, for its organisers."""
    publication = get_publication_to_organise_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD", "POST"):  # after the fetch, as above
        return HttpResponseNotAllowed(["GET", "POST"])
    return _target_page(request, publication)


def _delete(request: HttpRequest, target: Event | Publication, entry_pk: int) -> HttpResponse:
    rule = Q(event=target) if isinstance(target, Event) else Q(publication=target)
    entry = (
        ReachEntry.objects.filter(rule, pk=entry_pk).select_related("event", "publication").first()
    )
    if entry is None:
        # Deleted already (a double click, or another organiser): nothing left to do.
        messages.info(request, _("The figure had already been deleted."))
        return redirect(_reach_url(target))
    try:
        reach_delete(actor=request.user, entry=entry)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("The figure was deleted."))
    return redirect(_reach_url(target))


def event_reach_delete(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Delete a figure logged for an event (POST only)."""
    event = get_event_to_organise_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: 404 for non-organisers, for any method
        return HttpResponseNotAllowed(["POST"])
    return _delete(request, event, entry_pk)


def publication_reach_delete(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Delete a figure logged for a publication (POST only)."""
    publication = get_publication_to_organise_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: 404 for non-organisers, for any method
        return HttpResponseNotAllowed(["POST"])
    return _delete(request, publication, entry_pk)


# --- The overview ---------------------------------------------------------------------------


def _scope_and_period(
    request: HttpRequest,
) -> tuple[ReachScope, ReachFilterForm, int | None, list[tuple[int, int]]]:
    """The region (404 when the user may not read it) and the period asked for."""
    scopes = selectors.reach_scopes(request.user)
    scope = selectors.get_reach_scope_or_404(scopes, request.GET.get("region", "").strip())
    form = ReachFilterForm(
        {"region": scope.key, "year": request.GET.get("year", "").strip()[:8]}, scopes=scopes
    )
    year = form.chosen_year()
    quarters = selectors.year_quarters(year) if year else selectors.last_quarters()
    return scope, form, year, quarters


def _chart(rows: list[QuarterReach], *, scope: ReachScope, period: str) -> str:
    labels = dict(FIGURES)
    series = [
        Series(label=str(labels[name]), values=[getattr(row, name) for row in rows])
        for name in PEOPLE_FIGURES
    ]
    return grouped_bar_chart(
        chart_id="reach-chart",
        title=_("People reached per quarter: %(scope)s, %(period)s")
        % {"scope": scope.description, "period": period},
        description=_(
            "Bar chart of registrations, attendance, listeners, downloads and views per quarter. "
            "The table below the chart has the same figures."
        ),
        groups=[row.label for row in rows],
        series=series,
        empty_text=_("No figures yet for this period."),
    )


def reach_overview(request: HttpRequest) -> HttpResponse:
    """Reach per quarter for a region, national or programme-wide: a chart, the table behind it
    and the events and publications that reached the most people (`selectors.TOP_ITEMS`; the
    CSV has all of them)."""
    scope, form, year, quarters = _scope_and_period(request)
    if request.method not in ("GET", "HEAD"):  # after the check: 404 for outsiders, any method
        return HttpResponseNotAllowed(["GET"])
    # The quarters, and only the events and publications that reached the most people (the
    # page stays the same size however many there are; the CSV has every one), from one read.
    rows, top = selectors.reach_overview_figures(
        region_ids=scope.region_ids, include_national=scope.include_national, quarters=quarters
    )
    period = f"{rows[0].label} – {rows[-1].label}"
    query: dict[str, str] = {"region": scope.key}
    if year:
        query["year"] = str(year)
    user = request.user
    context = {
        "scope": scope,
        "form": form,
        "year": year,
        "period": period,
        "rows": rows,
        "total": selectors.reach_total(rows),
        "figure_labels": [label for _name, label in FIGURES],
        "chart": _chart(rows, scope=scope, period=period),
        "items": [
            (item, can_organise_for_region(user, item.item.region_id))  # type: ignore[union-attr]
            for item in top.items
        ],
        "items_total": top.total,
        "items_partial": top.is_partial,
        "csv_url": reverse("dissemination:reach_csv") + "?" + urlencode(query),
    }
    return render(request, "dissemination/reach_overview.html", context)


def reach_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The overview's figures (and each event's and publication's) as CSV for Swedish Excel."""
    scope, _form, year, quarters = _scope_and_period(request)
    if request.method not in ("GET", "HEAD"):  # after the check: 404 for outsiders, any method
        return HttpResponseNotAllowed(["GET"])
    response = reach_csv_response(
        scope=scope,
        quarters=quarters,
        year=year,
        base_url=request.build_absolute_uri("/"),
        language=get_language() or "sv",
    )
    return export_logged(request, response, export="reach", scope=scope.key, year=year)


urlpatterns: list[URLPattern] = [
    path("reach/", reach_overview, name="reach_overview"),
    path("reach.csv", reach_csv, name="reach_csv"),
    path("<int:pk>/reach/", event_reach, name="event_reach"),
    path(
        "<int:pk>/reach/<int:entry_pk>/delete/",
        event_reach_delete,
        name="event_reach_delete",
    ),
    path("publications/<int:pk>/reach/", publication_reach, name="publication_reach"),
    path(
        "publications/<int:pk>/reach/<int:entry_pk>/delete/",
        publication_reach_delete,
        name="publication_reach_delete",
    ),
]
