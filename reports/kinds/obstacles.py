"""The obstacle compilation: published obstacles matching the public list's filters, by category,
with mitigations, knowledge articles and a table of contents with page numbers.

Public: anyone who may read the list may ask for its PDF. The parameters are the list's own
filter form (same fields, same validation), canonical: every field present, "" for none. A
selection larger than settings.REPORTS_OBSTACLES_MAX is refused by the form; a worker that meets
a larger one anyway (entries published in between) raises `ReportTooLarge`. More than
settings.REPORTS_OBSTACLES_PER_VOLUME entries come as volumes (a ZIP of PDFs, `volumes`).
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, Prefetch, QuerySet, Sum, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from obstacles.forms.public import ObstacleFilterForm
from obstacles.models import Actor, Category, KnowledgeArticle, Mitigation, Obstacle, Severity
from obstacles.selectors.public import (
    NATIONAL,
    PublicFilters,
    default_process_steps,
    filter_choices,
    obstacle_results,
)
from obstacles.workflow import ArticleStatus, MitigationStatus
from partnerships.models import ProcessStep
from partnerships.selectors.dashboards import DEFAULT_FAMILY
from regions.models import Region

from ..models import ReportKind
from ..workflow import ReportError
from .base import ReportKindBase, digest

FILTER_FIELDS = ("q", "category", "step", "actor", "region", "severity", "sort")


class ReportTooLarge(Exception):
    """More published obstacles match than a compilation may hold (REPORTS_OBSTACLES_MAX); the
    request fails with ReportError.TOO_LARGE and the person narrows the filter."""

    report_error = ReportError.TOO_LARGE


def params_for(filters: PublicFilters) -> dict[str, Any]:
    """The canonical parameters of the list's (valid) filters: what the form's cleaned data
    gives through `params_from_form`, so the panel's hidden fields and a posted form agree."""
    return {
        "actor": filters.actor,
        "category": filters.category,
        "q": filters.q,
        "region": filters.region,
        "severity": filters.severity or "",
        "sort": filters.sort,
        "step": filters.step,
    }


def filters_from(params: dict[str, Any]) -> PublicFilters:
    """Stored parameters back as the list's filters (missing or empty fields: no filter)."""
    severity = params.get("severity") or None
    return PublicFilters(
        q=str(params.get("q") or "").strip(),
        category=str(params.get("category") or ""),
        step=str(params.get("step") or ""),
        actor=str(params.get("actor") or ""),
        region=str(params.get("region") or ""),
        severity=int(severity) if severity else None,
        sort=str(params.get("sort") or ""),
    )


class ObstacleCompilationParams(ObstacleFilterForm):
    """The public list's filter form, its fields hidden (the panel repeats the filters the list
    shows), refusing a selection larger than settings.REPORTS_OBSTACLES_MAX.

    Unlike the list, which leaves a bad value out, a bad value here is an error: the report must
    hold what the person saw. The choices are loaded only for a bound form (four small queries),
    so rendering the panel costs nothing.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        bound = bool(args and args[0] is not None) or kwargs.get("data") is not None
        if bound and not any(name in kwargs for name in ("categories", "steps", "actors")):
            kwargs.update(filter_choices())
        super().__init__(*args, **kwargs)
        # The filters are fixed (what the list shows); the language the request form adds stays
        # a choice.
        for name, field in self.fields.items():
            if name != "language":
                field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        limit = settings.REPORTS_OBSTACLES_MAX
        total = obstacle_results(filters=self.filters()).obstacles.count()
        if total > limit:
            raise ValidationError(
                gettext_lazy(
                    "%(total)s published obstacles match these filters and a PDF holds at most "
                    "%(limit)s. Choose a category, a step or a region and try again."
                ),
                code="too_large",
                params={"total": total, "limit": limit},
            )
        return cleaned


def _labelled(choices: list[tuple[Any, Any]], value: Any) -> str:
    return next((str(label) for key, label in choices if str(key) == str(value)), str(value))


def filters_used(params: dict[str, Any]) -> list[dict[str, str]]:
    """The filters as the cover names them: [{"label", "value"}] in the form's order, only the
    ones set. Names come from the current data (a renamed category shows its new name)."""
    form = ObstacleCompilationParams(**_choices_for(filters_from(params)))
    used = []
    for name, value in params_for(filters_from(params)).items():
        if value in ("", None):
            continue
        field = form.fields[name]
        shown = (
            f"“{value}”" if name == "q" else _labelled(list(field.choices), value)  # type: ignore[attr-defined]
        )
        used.append({"name": name, "label": str(field.label), "value": shown})
    order = {name: i for i, name in enumerate(FILTER_FIELDS)}
    return sorted(used, key=lambda row: order[row["name"]])


def _choices_for(filters: PublicFilters) -> dict[str, Any]:
    """Only the choice lists the set filters need (none for an unfiltered compilation)."""
    return {
        "categories": Category.objects.order_by("order", "slug") if filters.category else (),
        "steps": default_process_steps() if filters.step else (),
        "actors": Actor.objects.order_by("order", "slug") if filters.actor else (),
        "regions": Region.objects.order_by("code")
        if filters.region and filters.region != NATIONAL
        else (),
    }


def compilation_queryset(filters: PublicFilters) -> QuerySet[Obstacle]:
    """The list's selection with everything a compilation entry shows, in a fixed number of
    queries: category and region joined; actors, published mitigations (with their region) and
    published linked knowledge articles prefetched."""
    return (
        obstacle_results(filters=filters)
        .obstacles.defer("search_vector", "decision_reason")
        .prefetch_related(
            Prefetch(
                "mitigations",
                queryset=Mitigation.objects.filter(status=MitigationStatus.PUBLISHED)
                .select_related("region")
                .only(
                    "id", "title", "description", "language", "region__name_sv", "region__name_en"
                )
                .order_by("-published_at", "-id"),
                to_attr="published_mitigations",
            ),
            Prefetch(
                "knowledge_articles",
                queryset=KnowledgeArticle.objects.filter(status=ArticleStatus.PUBLISHED)
                .only("id", "title", "summary", "language", "topic", "last_reviewed")
                .order_by("-published_at", "-id"),
                to_attr="published_articles",
            ),
        )
    )


def _entry(obstacle: Obstacle, step_names: dict[str, str]) -> dict[str, Any]:
    return {
        "number": obstacle.pk,
        "title": obstacle.title,
        "lang": obstacle.language,
        "region": obstacle.region.name if obstacle.region_id else "",  # type: ignore[union-attr]
        "step": step_names.get(obstacle.step_key, ""),
        "severity": str(Severity(obstacle.severity).label),
        "actors": ", ".join(str(a.name) for a in obstacle.actors.all()),
        "met": obstacle.endorsement_count,
        "published": timezone.localtime(obstacle.published_at).date()
        if obstacle.published_at
        else None,
        # Sanitised on write (obstacles.sanitize), shown as the entry's web page shows it.
        "description": obstacle.description,
        "evidence": obstacle.evidence,
        "known_mitigation": obstacle.known_mitigation,
        "mitigations": [
            {
                "title": m.title,
                "lang": m.language,
                "what_worked": m.description,
                "region": m.region.name if m.region_id else "",  # type: ignore[union-attr]
            }
            for m in obstacle.published_mitigations  # type: ignore[attr-defined]
        ],
        "articles": [
            {
                "title": a.title,
                "lang": a.language,
                "summary": a.summary,
                "topic": str(a.get_topic_display()),  # type: ignore[attr-defined]
                "last_reviewed": a.last_reviewed,
            }
            for a in obstacle.published_articles  # type: ignore[attr-defined]
        ],
    }


class ObstacleCompilationReport(ReportKindBase):
    kind = ReportKind.OBSTACLES
    file_stem = "obstacle-compilation"
    template_name = "reports/pdf/obstacles.html"
    form_class = ObstacleCompilationParams
    public = True

    def initial_params(self, **kwargs: Any) -> dict[str, Any]:
        return params_for(filters_from(kwargs))

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"obstacles:{digest(params)[:16]}"

    def subject_url(self, params: dict[str, Any]) -> str:
        url = reverse("obstacles:list")
        query = urlencode([(k, v) for k, v in sorted(params.items()) if v not in ("", None)])
        return f"{url}?{query}" if query else url

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        return None  # public: anyone may read the published compilation

    def title(self, params: dict[str, Any], language: str) -> str:
        return _("The obstacle compilation")

    def subtitle(self, params: dict[str, Any], language: str) -> str:
        used = [row["value"] for row in filters_used(params) if row["name"] != "sort"]
        return " · ".join(used) if used else _("All published obstacles")

    def build_context(self, params: dict[str, Any], language: str) -> dict[str, Any]:
        """The selection grouped by category (categories in their order; inside, the list's
        order), in a fixed number of queries whatever its size. Raises ReportTooLarge past
        settings.REPORTS_OBSTACLES_MAX entries."""
        filters = filters_from(params)
        results = obstacle_results(filters=filters)
        total = results.obstacles.count()
        if total > settings.REPORTS_OBSTACLES_MAX:
            raise ReportTooLarge(total)
        step_names = {s.key: str(s.name) for s in default_process_steps()}
        groups: dict[int, list[dict[str, Any]]] = {}
        for obstacle in compilation_queryset(filters):
            groups.setdefault(obstacle.category_id, []).append(_entry(obstacle, step_names))
        categories = [
            {
                "anchor": f"category-{c.slug}",
                "name": str(c.name),
                "count": len(groups[c.pk]),
                "obstacles": groups[c.pk],
            }
            for c in Category.objects.order_by("order", "slug")
            if c.pk in groups
        ]
        return {
            "filters_used": filters_used(params),
            "total": sum(c["count"] for c in categories),
            "total_label": ngettext("%(n)s published obstacle", "%(n)s published obstacles", total)
            % {"n": total},
            "similar_only": results.similar_only,
            "categories": categories,
        }

    def volumes(self, context: dict[str, Any]) -> list[dict[str, Any]]:
        """More than settings.REPORTS_OBSTACLES_PER_VOLUME entries: one context per volume of
        that many entries, in the compilation's order (categories in their order, the list's
        order inside), so a worker lays out one volume at a time. A category may run on into the
        next volume: its part there is marked `continued` (and the part before `continues`).
        Each volume keeps the whole compilation's filters and totals for its cover."""
        per_volume = max(1, int(getattr(settings, "REPORTS_OBSTACLES_PER_VOLUME", 300)))
        if context["total"] <= per_volume:
            return [context]
        volumes: list[dict[str, Any]] = []
        parts: list[dict[str, Any]] = []
        first = position = 1
        for category in context["categories"]:
            obstacles = category["obstacles"]
            start = 0
            while start < len(obstacles):
                room = per_volume - (position - first)
                chunk = obstacles[start : start + room]
                parts.append(
                    {
                        **category,
                        "obstacles": chunk,
                        "part_count": len(chunk),
                        "continued": start > 0,
                        "continues": start + len(chunk) < len(obstacles),
                    }
                )
                start += len(chunk)
                position += len(chunk)
                if position - first == per_volume:
                    volumes.append(_volume(context, parts, first=first, last=position - 1))
                    parts, first = [], position
        if parts:
            volumes.append(_volume(context, parts, first=first, last=position - 1))
        for number, volume in enumerate(volumes, start=1):
            volume["volume"].update(number=number, count=len(volumes))
        return volumes

    def fingerprint(self, params: dict[str, Any], language: str) -> str:
        """Aggregates of everything the compilation shows, without building it: the matching
        published obstacles (count, last change, ids, "met" counts), their published mitigations
        and linked published articles (links, last change, ids) and the names of categories,
        actors, regions and steps. Four queries (five with a search)."""
        filters = filters_from(params)
        selection = obstacle_results(filters=filters).obstacles.order_by()
        obstacles = selection.aggregate(
            n=Count("id"),
            last=Max("updated_at"),
            top=Max("id"),
            ids=Sum("id"),
            met=Sum("endorsement_count"),
            met_at=Sum(F("endorsement_count") * F("id")),
        )
        ids = selection.values("pk")
        mitigations = Mitigation.obstacles.through.objects.filter(
            obstacle_id__in=ids, mitigation__status=MitigationStatus.PUBLISHED
        ).aggregate(
            n=Count("id"),
            links=Sum("id"),
            last=Max("mitigation__updated_at"),
            top=Max("mitigation_id"),
            ids=Sum("mitigation_id"),
        )
        articles = KnowledgeArticle.obstacles.through.objects.filter(
            obstacle_id__in=ids, knowledgearticle__status=ArticleStatus.PUBLISHED
        ).aggregate(
            n=Count("id"),
            links=Sum("id"),
            last=Max("knowledgearticle__updated_at"),
            top=Max("knowledgearticle_id"),
            ids=Sum("knowledgearticle_id"),
        )
        return digest([obstacles, mitigations, articles, _names()])


def _volume(
    context: dict[str, Any], parts: list[dict[str, Any]], *, first: int, last: int
) -> dict[str, Any]:
    """One volume's context: the compilation's, with only `parts` as its categories and, under
    `volume`, its number, its entries' positions in the whole compilation and its categories."""
    return {
        **context,
        "categories": parts,
        "volume": {
            "number": 0,  # both set once every volume is known
            "count": 0,
            "first": first,
            "last": last,
            "categories": [
                {"name": p["name"], "continued": p["continued"], "continues": p["continues"]}
                for p in parts
            ],
        },
    }


def _names() -> list[Any]:
    """Every category, actor, region and default step with its names (one query): renaming
    one changes what the compilation shows."""

    def rows(qs: QuerySet[Any], table: str, *, order: str = "id") -> QuerySet[Any]:
        # No ordering inside the union: SQLite (the embedded default) refuses ORDER BY there.
        return (
            qs.order_by()
            .annotate(table=Value(table), a=F("name_sv"), b=F("name_en"), o=F(order))
            .values_list("table", "id", "a", "b", "o")
        )

    steps = ProcessStep.objects.filter(
        template__family=DEFAULT_FAMILY, template__region__isnull=True, template__is_current=True
    )
    union = (
        rows(Category.objects.all(), "category", order="order")
        .union(rows(Actor.objects.all(), "actor", order="order"), all=True)
        .union(rows(Region.objects.all(), "region"), all=True)
        .union(rows(steps, "step", order="order"), all=True)
    )
    return sorted(union, key=lambda row: (row[0], row[1]))
