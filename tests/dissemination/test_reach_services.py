"""Logging and deleting reach figures: only organisers, only fitting metrics and states, a
double submit recorded once (also when both arrive at the same moment), audit rows."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from dissemination.models import ReachEntry, ReachMetric
from dissemination.services.reach import DOUBLE_SUBMIT_WINDOW, reach_delete, reach_record
from dissemination.workflow import EventStatus, PublicationStatus
from portal.core.models import AuditEvent
from tests.factories_dissemination import EventFactory, PublicationFactory
from tests.factories_process import make_admin, make_region_person

M = ReachMetric


def log(actor: Any, **kwargs: Any) -> ReachEntry:
    values: dict[str, Any] = {
        "metric": M.ATTENDANCE,
        "value": 42,
        "counted_on": timezone.localdate(),
        "notes": "Räknat i salen",
    }
    values.update(kwargs)
    if "event" not in values and "publication" not in values:
        values["event"] = EventFactory()
    return reach_record(actor=actor, **values)


@pytest.mark.django_db
def test_a_coordinator_logs_a_figure_for_an_event_of_their_region(coordinator: Any) -> None:
    event = EventFactory()
    entry = log(coordinator, event=event, notes="  Räknat i salen\r\nav värden  ")
    assert (entry.event, entry.publication, entry.metric, entry.value) == (
        event,
        None,
        "attendance",
        42,
    )
    assert entry.notes == "Räknat i salen\nav värden"
    assert entry.recorded_by == coordinator
    audit = AuditEvent.objects.get(action="reach.record")
    assert (audit.actor, audit.target_type, audit.target_id) == (
        coordinator,
        "dissemination.event",
        str(event.pk),
    )
    assert audit.data["entry"] == entry.pk
    assert audit.data["value"] == 42


@pytest.mark.django_db
def test_an_admin_logs_for_national_and_any_region(portal_admin: Any, other_region: Any) -> None:
    publication = PublicationFactory(region=None)
    entry = log(portal_admin, publication=publication, metric=M.LISTENERS, value=0)
    assert entry.value == 0
    log(portal_admin, event=EventFactory(region=other_region))
    assert ReachEntry.objects.count() == 2


@pytest.mark.django_db
def test_other_people_may_not_log(
    other_coordinator: Any, sponsor: Any, company_member: Any, coordinator: Any
) -> None:
    event = EventFactory()
    for person in (other_coordinator, sponsor, company_member):
        with pytest.raises(PermissionDenied):
            log(person, event=event)
    with pytest.raises(PermissionDenied):
        log(coordinator, event=EventFactory(region=None))
    assert not ReachEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="reach.record").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"metric": M.LISTENERS}, "metric"),  # not an event's metric
        ({"metric": "likes"}, "metric"),
        ({"value": -1}, "value"),
        ({"value": 10_000_001}, "value"),
        ({"value": "12"}, "value"),
        ({"value": True}, "value"),
        ({"counted_on": None}, "counted_on"),
        ({"counted_on": "2026-01-01"}, "counted_on"),
        ({"counted_on": dt.date(1999, 12, 31)}, "counted_on"),
        ({"notes": "x" * 2001}, "notes"),
    ],
)
def test_bad_figures_are_refused(coordinator: Any, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        log(coordinator, **kwargs)
    assert field in caught.value.error_dict
    assert not ReachEntry.objects.exists()


@pytest.mark.django_db
def test_a_day_in_the_future_is_refused(coordinator: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        log(coordinator, counted_on=timezone.localdate() + dt.timedelta(days=1))
    assert "counted_on" in caught.value.error_dict


@pytest.mark.django_db
def test_a_publication_takes_its_own_metrics(coordinator: Any) -> None:
    publication = PublicationFactory()
    for metric in (M.LISTENERS, M.DOWNLOADS, M.VIEWS):
        log(coordinator, publication=publication, metric=metric)
    with pytest.raises(ValidationError):
        log(coordinator, publication=publication, metric=M.ATTENDANCE)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.CANCELLED])
def test_drafts_and_cancelled_events_take_no_figures(coordinator: Any, status: str) -> None:
    with pytest.raises(ValidationError) as caught:
        log(coordinator, event=EventFactory(status=status))
    assert caught.value.code == "state"


@pytest.mark.django_db
def test_a_draft_publication_takes_no_figures_but_a_withdrawn_one_does(coordinator: Any) -> None:
    with pytest.raises(ValidationError):
        log(
            coordinator,
            publication=PublicationFactory(status=PublicationStatus.DRAFT),
            metric=M.VIEWS,
        )
    log(
        coordinator,
        publication=PublicationFactory(status=PublicationStatus.WITHDRAWN),
        metric=M.VIEWS,
    )


@pytest.mark.django_db
def test_a_figure_belongs_to_one_event_or_one_publication(coordinator: Any) -> None:
    with pytest.raises(ValidationError):
        reach_record(actor=coordinator, metric=M.VIEWS, value=1, counted_on=timezone.localdate())
    with pytest.raises(ValidationError):
        reach_record(
            actor=coordinator,
            metric=M.VIEWS,
            value=1,
            counted_on=timezone.localdate(),
            event=EventFactory(),
            publication=PublicationFactory(),
        )


@pytest.mark.django_db
def test_the_same_figure_sent_twice_within_a_minute_is_recorded_once(
    coordinator: Any, portal_admin: Any
) -> None:
    event = EventFactory()
    first = log(coordinator, event=event)
    again = log(coordinator, event=event)
    assert again == first
    assert ReachEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="reach.record").count() == 1
    # Anything different is a new figure: another number, day, note or person.
    log(coordinator, event=event, value=43)
    log(coordinator, event=event, notes="Andra passet")
    log(coordinator, event=event, counted_on=timezone.localdate() - dt.timedelta(days=1))
    log(portal_admin, event=event)
    assert ReachEntry.objects.count() == 5
    # The same figure a while later is a second count, not a double click.
    ReachEntry.objects.update(created_at=timezone.now() - DOUBLE_SUBMIT_WINDOW * 2)
    log(coordinator, event=event)
    assert ReachEntry.objects.count() == 6


@pytest.mark.django_db
def test_an_organiser_deletes_a_mistaken_figure(coordinator: Any, other_coordinator: Any) -> None:
    entry = log(coordinator)
    with pytest.raises(PermissionDenied):
        reach_delete(actor=other_coordinator, entry=entry)
    assert ReachEntry.objects.filter(pk=entry.pk).exists()
    reach_delete(actor=coordinator, entry=entry)
    assert not ReachEntry.objects.exists()
    audit = AuditEvent.objects.get(action="reach.delete")
    assert audit.data["value"] == 42
    assert audit.data["notes"] == "Räknat i salen"
    # Deleting it again (a double click) does nothing.
    reach_delete(actor=coordinator, entry=entry)
    assert AuditEvent.objects.filter(action="reach.delete").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_arriving_at_the_same_moment_is_recorded_once(
    reference_data: None,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    coordinator = make_region_person("uppsala", email="coordinator@uppsala.example.se")
    make_admin()
    event = EventFactory()
    barrier = threading.Barrier(4)
    outcomes: list[Any] = []

    def submit() -> None:
        try:
            barrier.wait()
            entry = reach_record(
                actor=coordinator,
                event=event,
                metric=M.ATTENDANCE,
                value=42,
                counted_on=timezone.localdate(),
                notes="",
            )
            outcomes.append(entry.pk)
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(outcomes)) == 1, outcomes
    assert ReachEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="reach.record").count() == 1
