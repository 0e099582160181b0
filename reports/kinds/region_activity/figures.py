"""The figures of the region activity report: aggregates read with a fixed number of queries
however many proposals, partnerships, events or obstacles there are (counts per status, step,
kind, category and quarter, plus the few lessons published), each with the rule it counts by.

`since` and `until` are aware datetimes: midnight in Stockholm at the start of the period's
first day and after its last day.
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import CharField, Count, F, IntegerField, Q, QuerySet, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dissemination.charts import Series, grouped_bar_chart
from dissemination.models import Event, EventKind, Lesson
from dissemination.selectors.reach import (
    FIGURES,
    PEOPLE_FIGURES,
    quarter_after,
    quarter_of,
    reach_by_quarter,
    reach_total,
)
from dissemination.workflow import EventStatus, LessonStatus, RegistrationStatus
from obstacles.models import Obstacle
from obstacles.workflow import ObstacleStatus
from partnerships.models import GateApproval, GateRole, Partnership, ProcessStep, Proposal
from partnerships.selectors.dashboards._common import DEFAULT_FAMILY
from partnerships.selectors.dashboards.pipeline import default_template
from partnerships.workflow import PartnershipStatus, ProposalStatus
from portal.core.i18n import current_language
from regions.models import Region


def quarter_first_day(quarter: tuple[int, int]) -> dt.date:
    year, number = quarter
    return dt.date(year, 3 * number - 2, 1)


def quarter_last_day(quarter: tuple[int, int]) -> dt.date:
    return quarter_first_day(quarter_after(quarter)) - dt.timedelta(days=1)


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    empty: str,
    groups: list[str],
    series: list[Series],
) -> dict[str, Any]:
    """A bar chart (server-drawn SVG, `role="img"` with its title and description) for the
    template, which puts a table with the same figures, and the full names, right after it."""
    svg = grouped_bar_chart(
        chart_id=chart_id,
        title=title,
        description=description,
        groups=[fit_label(group, len(groups)) for group in groups],
        series=series,
        empty_text=empty,
    )
    return {"id": chart_id, "title": title, "svg": svg}


def fit_label(label: str, groups: int) -> str:
    """`label` shortened with an ellipsis to the width of one group under the chart, so the
    names of steps and categories do not run into each other (the table has them in full)."""
    # The plot is about 640 units wide; a letter of the 13-unit font is about 8 wide.
    room = max(int(640 / max(groups, 1) / 8), 4)
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def in_period(field: str, since: dt.datetime, until: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": since, f"{field}__lt": until})


def proposal_counts(region: Region, since: dt.datetime, until: dt.datetime) -> QuerySet[Any]:
    """Proposals submitted in the period to the region's one way in or to a call the region is
    behind (each once), counted by status (`status`, `n`)."""
    return (
        Proposal.objects.filter(in_period("submitted_at", since, until))
        .filter(Q(region=region) | Q(call__regions=region))
        .order_by()
        .values("status")
        .annotate(n=Count("pk", distinct=True))
    )


def proposals(region: Region, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """Proposals submitted in the period to the region's one way in or to a call the region is
    behind (each once), by their status now. One query."""
    counts = dict(proposal_counts(region, since, until).values_list("status", "n"))
    rows = [
        {"label": str(status.label), "count": counts.get(status.value, 0)}
        for status in ProposalStatus
        if status != ProposalStatus.DRAFT
    ]
    return {"rows": rows, "total": sum(counts.values())}


def default_steps() -> dict[str, tuple[int, str]]:
    """Step key -> (order, name) of the national default template, which orders the tables (the
    pipeline's rule: keys are stable across revisions and regional variants). Two queries."""
    template = default_template()
    if template is None:
        return {}
    return {step.key: (step.order, step.name) for step in template.steps.all()}


def default_step_rows() -> QuerySet[Any]:
    """The steps of the national default template (`default_steps`) as rows (`key`, `order`,
    `name_sv`, `name_en`): one query."""
    return (
        ProcessStep.objects.filter(
            template__family=DEFAULT_FAMILY,
            template__region__isnull=True,
            template__is_current=True,
        )
        .order_by()
        .values("key", "order", "name_sv", "name_en")
    )


def with_extra_steps(
    named: dict[str, tuple[int, str]], rows: list[dict[str, Any]]
) -> dict[str, tuple[int, str]]:
    """`named` and, after its steps, the steps only a regional variant has."""
    named = dict(named)
    lang = current_language()
    for row in rows:
        if row["key"] not in named:
            named[row["key"]] = (1000 + len(named), row[f"name_{lang}"] or row["name_sv"])
    return named


def partnership_counts(region: Region, since: dt.datetime, until: dt.datetime) -> QuerySet[Any]:
    """The region's partnerships by current step (`key`, `name_sv`, `name_en`): started in the
    period, active and paused now (`started`, `active`, `paused`)."""
    return (
        Partnership.objects.filter(region=region)
        .order_by()
        .values(
            key=F("current_step__key"),
            name_sv=F("current_step__name_sv"),
            name_en=F("current_step__name_en"),
        )
        .annotate(
            started=Count("pk", filter=in_period("created_at", since, until)),
            active=Count("pk", filter=Q(status=PartnershipStatus.ACTIVE)),
            paused=Count("pk", filter=Q(status=PartnershipStatus.PAUSED)),
        )
    )


def partnerships_by_step(
    region: Region, since: dt.datetime, until: dt.datetime, steps: dict[str, tuple[int, str]]
) -> dict[str, Any]:
    """Per current step: partnerships started in the period, active and paused now. One
    query."""
    rows = list(partnership_counts(region, since, until))
    named = with_extra_steps(steps, rows)
    totals: dict[str, dict[str, int]] = defaultdict(
        lambda: {"started": 0, "active": 0, "paused": 0}
    )
    for row in rows:
        for figure in ("started", "active", "paused"):
            totals[row["key"]][figure] += row[figure]
    table: list[dict[str, Any]] = [
        {"key": key, "name": name, **totals[key]}
        for key, (_order, name) in sorted(named.items(), key=lambda item: item[1][0])
    ]
    started, active = _("Started in the period"), _("Active now")
    chart = bar_chart(
        "chart-steps",
        _("Partnerships by current step"),
        _("Bars per step: partnerships started in the period and partnerships active now."),
        _("No partnerships in the region."),
        [row["name"] for row in table],
        [
            Series(label=started, values=[row["started"] for row in table]),
            Series(label=active, values=[row["active"] for row in table]),
        ],
    )
    return {
        "rows": table,
        "chart": chart,
        "total_started": sum(row["started"] for row in table),
        "total_active": sum(row["active"] for row in table),
        "total_paused": sum(row["paused"] for row in table),
    }


def gate_counts(region: Region, since: dt.datetime, until: dt.datetime) -> QuerySet[Any]:
    """Gate approvals given in the period and not voided since, by step (`step__gate_role`,
    `key`, `name_sv`, `name_en`, `n`)."""
    return (
        GateApproval.objects.filter(
            in_period("approved_at", since, until),
            partnership__region=region,
            voided_at__isnull=True,
        )
        .order_by()
        .values(
            "step__gate_role",
            key=F("step__key"),
            name_sv=F("step__name_sv"),
            name_en=F("step__name_en"),
        )
        .annotate(n=Count("pk"))
    )


def gates_passed(
    region: Region, since: dt.datetime, until: dt.datetime, steps: dict[str, tuple[int, str]]
) -> dict[str, Any]:
    """Gate approvals given in the period and not voided since (a move back voids them), by
    step. One query."""
    rows = list(gate_counts(region, since, until))
    named = with_extra_steps(steps, rows)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        counts[(row["key"], row["step__gate_role"])] += row["n"]
    table = [
        {
            "name": named[key][1],
            "approver": str(GateRole(role).label) if role in GateRole.values else role,
            "count": count,
        }
        for (key, role), count in sorted(counts.items(), key=lambda item: named[item[0][0]][0])
    ]
    return {"rows": table, "total": sum(counts.values())}


def event_counts(region: Region, since: dt.datetime, until: dt.datetime) -> QuerySet[Any]:
    """Events the region organised that were held in the period (published, started in the
    period and by now), by kind (`kind`), with their confirmed registrations and attendance
    (`held`, `confirmed`, `attended`)."""
    return (
        Event.objects.filter(
            in_period("starts_at", since, until),
            region=region,
            status=EventStatus.PUBLISHED,
            starts_at__lte=timezone.now(),
        )
        .order_by()
        .values("kind")
        .annotate(
            held=Count("pk", distinct=True),
            confirmed=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
                distinct=True,
            ),
            attended=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
        )
    )


def events(region: Region, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """Events the region organised that were held in the period, by kind, with their confirmed
    registrations and attendance: the reach overview's rules (published, started in the period
    and by now; postponed, cancelled and draft events were not held). One query."""
    rows = {row["kind"]: row for row in event_counts(region, since, until)}
    table = [
        {
            "label": str(kind.label),
            "held": rows.get(kind.value, {}).get("held", 0),
            "registrations": rows.get(kind.value, {}).get("confirmed", 0),
            "attendance": rows.get(kind.value, {}).get("attended", 0),
        }
        for kind in EventKind
    ]
    return {
        "rows": table,
        "total": sum(row["held"] for row in table),
        "registrations": sum(row["registrations"] for row in table),
        "attendance": sum(row["attendance"] for row in table),
    }


def reach(region: Region, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The reach overview's figures for the region, per calendar quarter the period touches
    (`reach_by_quarter`: four queries). Reach is counted per quarter, so a period that does not
    begin and end with a quarter is shown with whole quarters, and the report says so."""
    first, last = quarter_of(start), quarter_of(end)
    quarters = [first]
    while quarters[-1] != last:
        quarters.append(quarter_after(quarters[-1]))
    rows = reach_by_quarter(
        region_ids=frozenset({region.pk}), include_national=False, quarters=quarters
    )
    labels = dict(FIGURES)
    total = reach_total(rows)
    whole = start == quarter_first_day(first) and end == quarter_last_day(last)
    chart = bar_chart(
        "chart-reach",
        _("People reached per quarter"),
        _("Bars per quarter: registrations, attendance, listeners, downloads and views."),
        _("No reach was counted in these quarters."),
        [row.label for row in rows],
        [
            Series(label=str(labels[name]), values=[getattr(row, name) for row in rows])
            for name in PEOPLE_FIGURES
        ],
    )
    return {
        "whole_quarters": whole,
        "first_quarter": rows[0].label,
        "last_quarter": rows[-1].label,
        "headers": [str(label) for _name, label in FIGURES],
        "rows": [{"label": row.label, "values": row.figures()} for row in rows],
        "total": total.figures(),
        "chart": chart,
    }


def obstacle_counts(region: Region, since: dt.datetime, until: dt.datetime) -> QuerySet[Any]:
    """Obstacles reported for the region in the period, by status now and category (`status`,
    `category__order`, `category__slug`, `category__name_sv`, `category__name_en`, `n`)."""
    return (
        Obstacle.objects.filter(in_period("submitted_at", since, until), region=region)
        .order_by()
        .values(
            "status",
            "category__order",
            "category__slug",
            "category__name_sv",
            "category__name_en",
        )
        .annotate(n=Count("pk"))
    )


def obstacles(region: Region, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """Obstacles reported for the region in the period (sent for review then), by category and
    by their status now. One query."""
    lang = current_language()
    rows = list(obstacle_counts(region, since, until))
    categories: dict[tuple[int, str], dict[str, Any]] = {}
    by_status: dict[str, int] = defaultdict(int)
    for row in rows:
        key = (row["category__order"], row["category__slug"])
        name = row[f"category__name_{lang}"] or row["category__name_sv"]
        entry = categories.setdefault(key, {"name": name, "reported": 0, "published": 0})
        entry["reported"] += row["n"]
        if row["status"] == ObstacleStatus.PUBLISHED:
            entry["published"] += row["n"]
        by_status[row["status"]] += row["n"]
    table = [categories[key] for key in sorted(categories)]
    chart = bar_chart(
        "chart-obstacles",
        _("Obstacles reported by category"),
        _("Bars per category: obstacles reported in the period and how many are published."),
        _("No obstacles were reported for the region in the period."),
        [row["name"] for row in table],
        [
            Series(
                label=pgettext("number of obstacles", "Reported"),
                values=[row["reported"] for row in table],
            ),
            Series(
                label=pgettext("number of obstacles", "Published"),
                values=[row["published"] for row in table],
            ),
        ],
    )
    return {
        "by_category": table,
        "by_status": [
            {"label": str(status.label), "count": by_status[status.value]}
            for status in ObstacleStatus
            if by_status.get(status.value)
        ],
        "chart": chart,
        "total": sum(by_status.values()),
        "published": by_status.get(ObstacleStatus.PUBLISHED, 0),
    }


def lessons(region: Region, since: dt.datetime, until: dt.datetime) -> list[dict[str, Any]]:
    """Lessons learned in the region's partnerships published in the period and still
    published. One query."""
    lessons = (
        Lesson.objects.filter(
            in_period("published_at", since, until),
            partnership__region=region,
            status=LessonStatus.PUBLISHED,
        )
        .select_related("partnership", "step")
        .order_by("published_at", "pk")
    )
    return [
        {
            "title": lesson.title,
            "language": lesson.language,
            "partnership": lesson.partnership.title,
            "step": lesson.step.name if lesson.step else "",
            "published": date_format(timezone.localtime(lesson.published_at), "j F Y"),
        }
        for lesson in lessons
        if lesson.published_at is not None
    ]


# --- All the counts in one statement (the fingerprint) ------------------------------------------

# Every part of the combined statement has these columns, in this order: the part's name, up to
# four text keys, a number that orders (a step's or a category's), and up to three counts.
_KEYS = 4
_COUNTS = 3


def _part(
    rows: QuerySet[Any],
    name: str,
    keys: list[str],
    counts: list[str],
    rank: str | None = None,
) -> QuerySet[Any]:
    """`rows` (a values queryset) with the combined statement's columns, padded with NULL keys
    and zero counts."""
    padding: dict[str, Any] = {"part": Value(name, output_field=CharField())}
    padding.update(
        {f"pad_key_{i}": Value(None, output_field=CharField()) for i in range(len(keys), _KEYS)}
    )
    if rank is None:
        rank = "pad_rank"
        padding[rank] = Value(0, output_field=IntegerField())
    padding.update(
        {
            f"pad_count_{i}": Value(0, output_field=IntegerField())
            for i in range(len(counts), _COUNTS)
        }
    )
    columns = [
        "part",
        *keys,
        *[f"pad_key_{i}" for i in range(len(keys), _KEYS)],
        rank,
        *counts,
        *[f"pad_count_{i}" for i in range(len(counts), _COUNTS)],
    ]
    return rows.annotate(**padding).values_list(*columns)


def all_counts(region: Region, since: dt.datetime, until: dt.datetime) -> list[tuple[Any, ...]]:
    """Every count the report prints besides reach and the lessons (proposals, partnerships by
    step, gates passed, events, obstacles) and the default template's steps, read with the same
    querysets as the sections but in one statement (UNION ALL), ordered here (the database
    returns a union in no particular order). One query, however many rows."""
    parts = [
        _part(proposal_counts(region, since, until), "proposals", ["status"], ["n"]),
        _part(
            partnership_counts(region, since, until),
            "partnerships",
            ["key", "name_sv", "name_en"],
            ["started", "active", "paused"],
        ),
        _part(
            gate_counts(region, since, until),
            "gates",
            ["step__gate_role", "key", "name_sv", "name_en"],
            ["n"],
        ),
        _part(
            event_counts(region, since, until),
            "events",
            ["kind"],
            ["held", "confirmed", "attended"],
        ),
        _part(
            obstacle_counts(region, since, until),
            "obstacles",
            ["status", "category__slug", "category__name_sv", "category__name_en"],
            ["n"],
            rank="category__order",
        ),
        _part(default_step_rows(), "steps", ["key", "name_sv", "name_en"], [], rank="order"),
    ]
    first, *others = parts
    return sorted(first.union(*others, all=True), key=repr)
