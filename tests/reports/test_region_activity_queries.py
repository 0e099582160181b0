"""The region activity report's fingerprint: the same counts as the context, read in one
statement (`figures.all_counts`), so the request's page and the download of a ready report stay
within the URL walk's budget; it moves with every section the report prints, including events
that become held as time passes; building the context and the fingerprint cost the same number
of queries however much the region holds."""

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from dissemination.models import EventKind
from dissemination.selectors.reach import local_midnight
from obstacles.models import Obstacle
from obstacles.workflow import ObstacleStatus
from partnerships.models import GateApproval, Partnership, ProcessStep
from partnerships.workflow import PartnershipStatus, ProposalStatus
from regions.models import Region
from reports.kinds import get_kind
from reports.kinds.base import digest
from reports.kinds.region_activity import figures
from tests.factories_dissemination import EventFactory, LessonFactory, RegistrationFactory
from tests.factories_obstacles import ObstacleFactory, category
from tests.factories_partnerships import ProposalFactory
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import make_partnership
from tests.reports.test_kind_region_activity import activity, held_event, this_quarter  # noqa: F401

pytestmark = pytest.mark.django_db

SPEC = get_kind("region_activity")
# The walk's budget for every page (tests/security/test_url_walk.py MAX_QUERIES, 15) less the
# request's page's own seven queries.
FINGERPRINT_BUDGET = 8


def _bounds() -> tuple[Region, dt.datetime, dt.datetime]:
    params = this_quarter()
    start, end = dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"])
    region = Region.objects.get(slug=params["region"])
    return region, local_midnight(start), local_midnight(end + dt.timedelta(days=1))


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def _printed() -> str:
    return digest(SPEC.build_context(this_quarter(), "en"))


def _fingerprint() -> str:
    return SPEC.fingerprint(this_quarter(), "en")


def _padded(keys: list[Any], rank: Any, counts: list[Any]) -> tuple[Any, ...]:
    """A section's row as the combined statement has it (after the part's name)."""
    return (*keys, *[None] * (4 - len(keys)), rank, *counts, *[0] * (3 - len(counts)))


def test_the_combined_statement_holds_exactly_the_sections_rows(
    activity: dict[str, Any],  # noqa: F811
) -> None:
    """Each part of the union is its section's own queryset, row for row."""
    region, since, until = _bounds()
    parts: dict[str, list[tuple[Any, ...]]] = {}
    for row in figures.all_counts(region, since, until):
        parts.setdefault(row[0], []).append(row[1:])
    expected = {
        "proposals": [
            _padded([r["status"]], 0, [r["n"]])
            for r in figures.proposal_counts(region, since, until)
        ],
        "partnerships": [
            _padded(
                [r["key"], r["name_sv"], r["name_en"]], 0, [r["started"], r["active"], r["paused"]]
            )
            for r in figures.partnership_counts(region, since, until)
        ],
        "gates": [
            _padded([r["step__gate_role"], r["key"], r["name_sv"], r["name_en"]], 0, [r["n"]])
            for r in figures.gate_counts(region, since, until)
        ],
        "events": [
            _padded([r["kind"]], 0, [r["held"], r["confirmed"], r["attended"]])
            for r in figures.event_counts(region, since, until)
        ],
        "obstacles": [
            _padded(
                [r["status"], r["category__slug"], r["category__name_sv"], r["category__name_en"]],
                r["category__order"],
                [r["n"]],
            )
            for r in figures.obstacle_counts(region, since, until)
        ],
        "steps": [
            _padded([r["key"], r["name_sv"], r["name_en"]], r["order"], [])
            for r in figures.default_step_rows()
        ],
    }
    # The fixture fills every part, so the comparison covers each of them.
    assert all(expected.values())
    assert {name: sorted(rows, key=repr) for name, rows in parts.items()} == {
        name: sorted(rows, key=repr) for name, rows in expected.items()
    }
    # The default template's steps are `default_steps` (which reads them in two queries).
    with translation.override("en"):
        named = figures.default_steps()
    assert named == {row[0]: (row[4], row[2] or row[1]) for row in parts["steps"]}


def test_build_context_and_fingerprint_cost_the_same_at_any_size(
    activity: dict[str, Any],  # noqa: F811
    region: Region,
    coordinator: Any,
) -> None:
    params = this_quarter()
    context_small = _queries(lambda: SPEC.build_context(params, "en"))
    fingerprint_small = _queries(lambda: SPEC.fingerprint(params, "en"))
    for _i in range(3):
        make_partnership(coordinator=coordinator, step_key="needs")
        event = held_event(kind=EventKind.CLINIC)
        RegistrationFactory(event=event, attended=True)
        RegistrationFactory(event=event)
        ObstacleFactory(region=region, category=category("procurement-lou"))
        ProposalFactory(region=region, submitted_at=timezone.now())
        LessonFactory(partnership=activity["second"])
    assert _queries(lambda: SPEC.build_context(params, "en")) == context_small
    assert _queries(lambda: SPEC.fingerprint(params, "en")) == fingerprint_small
    assert fingerprint_small <= FINGERPRINT_BUDGET, fingerprint_small


def _follows(change: Any) -> None:
    """`change` alters what the report prints, and the fingerprint notices."""
    printed, before = _printed(), _fingerprint()
    change()
    assert _printed() != printed, "the change is not printed: a useless test"
    assert _fingerprint() != before


def test_the_fingerprint_follows_each_section(
    activity: dict[str, Any],  # noqa: F811
    region: Region,
) -> None:
    first = activity["first"]
    assert _fingerprint() == _fingerprint()
    # Proposals by status.
    _follows(
        lambda: ProposalFactory(
            region=region, status=ProposalStatus.DECLINED, submitted_at=timezone.now()
        )
    )
    # Partnerships by step: a paused one is no longer active.
    _follows(
        lambda: Partnership.objects.filter(pk=first.pk).update(status=PartnershipStatus.PAUSED)
    )
    # Gates passed: a move back voids an approval.
    _follows(
        lambda: GateApproval.objects.filter(partnership__region=region).update(
            voided_at=timezone.now()
        )
    )
    # Events: one more confirmed registration.
    _follows(lambda: RegistrationFactory(event=activity["webinar"]))
    # Obstacles: one published.
    _follows(
        lambda: Obstacle.objects.filter(region=region, status=ObstacleStatus.SUBMITTED).update(
            status=ObstacleStatus.PUBLISHED
        )
    )
    # The default template's step names head the tables.
    _follows(
        lambda: ProcessStep.objects.filter(
            key="agreement", template__is_current=True, template__region__isnull=True
        ).update(name_en="Agreement signed")
    )
    # Lessons.
    _follows(lambda: LessonFactory(partnership=first, title="Ännu en lärdom"))
    # The region's name is on the cover.
    _follows(lambda: Region.objects.filter(pk=region.pk).update(name_en="Region Uppsala län"))


def test_an_event_becoming_held_as_time_passes_changes_the_fingerprint(
    activity: dict[str, Any],  # noqa: F811
) -> None:
    """Nothing in the database changes: the event's start passes, so it now counts as held."""
    now = timezone.now()
    # Within the report's period (this quarter, up to the midnight after its last day): half an
    # hour ahead, or half of what is left of the quarter when less than an hour is left.
    quarter_ends = timezone.make_aware(
        dt.datetime.combine(
            dt.date.fromisoformat(this_quarter()["end"]) + dt.timedelta(days=1), dt.time()
        )
    )
    step = min(dt.timedelta(minutes=30), (quarter_ends - now) / 2)
    soon = now + step
    EventFactory(kind=EventKind.MEETING, starts_at=soon, ends_at=soon + dt.timedelta(hours=1))
    printed, before = _printed(), _fingerprint()
    later = soon + step / 2
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _printed() != printed
        assert _fingerprint() != before
