"""Logging reach figures for events and publications, and deleting a mistaken one.

Only the organisers of the event or publication (its region's coordinators; portal admins for
national ones and every region's) log and delete figures. Each write leaves an audit row on the
event or publication.
"""

import datetime as dt
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record

from ..models import Event, Publication, ReachEntry, ReachMetric
from ..permissions.base import can_organise
from ..workflow import EventStatus, PublicationStatus

# What can be counted for each: an event has registrations, attendance and views (of a stream or
# its recording); a publication has listeners, downloads and views.
EVENT_METRICS = (ReachMetric.REGISTRATIONS, ReachMetric.ATTENDANCE, ReachMetric.VIEWS)
PUBLICATION_METRICS = (ReachMetric.LISTENERS, ReachMetric.DOWNLOADS, ReachMetric.VIEWS)
# A number past this is a typing mistake, not reach.
MAX_VALUE = 10_000_000
EARLIEST_DAY = dt.date(2000, 1, 1)
NOTES_MAX = 2000
# The same figure sent again by the same person within this time is a double submit.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=1)


def metrics_for(target: Event | Publication) -> tuple[ReachMetric, ...]:
    return EVENT_METRICS if isinstance(target, Event) else PUBLICATION_METRICS


def _target_of(event: Event | None, publication: Publication | None) -> Event | Publication:
    if (event is None) == (publication is None):
        raise ValidationError(_("A figure belongs to one event or one publication."), code="target")
    return event if event is not None else publication  # type: ignore[return-value]


def _check_state(target: Event | Publication) -> None:
    if isinstance(target, Event):
        if target.status == EventStatus.DRAFT:
            raise ValidationError(
                _("The event is a draft: publish it before you log its reach."), code="state"
            )
        if target.status == EventStatus.CANCELLED:
            raise ValidationError(
                _("The event was cancelled: it has no reach to log."), code="state"
            )
    elif target.status == PublicationStatus.DRAFT:
        raise ValidationError(
            _("The publication is a draft: publish it before you log its reach."), code="state"
        )


def _clean(
    target: Event | Publication, *, metric: str, value: Any, counted_on: Any, notes: str
) -> tuple[int, dt.date, str]:
    errors: dict[str, Any] = {}
    if metric not in metrics_for(target):
        errors["metric"] = _("Choose what was counted.")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors["value"] = _("Write a whole number, 0 or more.")
    elif value > MAX_VALUE:
        errors["value"] = _("Check the number: it is larger than %(max)s.") % {"max": MAX_VALUE}
    if not isinstance(counted_on, dt.date) or isinstance(counted_on, dt.datetime):
        errors["counted_on"] = _("Give the day the figure was counted.")
    elif counted_on > timezone.localdate():
        errors["counted_on"] = _("The day cannot be in the future.")
    elif counted_on < EARLIEST_DAY:
        errors["counted_on"] = _("Check the year of the day.")
    notes = (notes or "").replace("\r\n", "\n").strip()
    if len(notes) > NOTES_MAX:
        errors["notes"] = _("Keep the notes to %(max)d characters.") % {"max": NOTES_MAX}
    if errors:
        raise ValidationError(errors)
    return value, counted_on, notes


def _locked(target: Event | Publication) -> Event | Publication:
    """The target row, locked: logging for one target happens one at a time, so a double
    submit finds the figure the first request wrote."""
    model = type(target)
    return model._default_manager.select_for_update().get(pk=target.pk)


@transaction.atomic
def reach_record(
    *,
    actor: Any,
    metric: str,
    value: int,
    counted_on: dt.date,
    event: Event | None = None,
    publication: Publication | None = None,
    notes: str = "",
) -> ReachEntry:
    """Log a figure the portal cannot count itself for an event or a publication.

    Only its organisers may (PermissionDenied otherwise; views answer 404 first). A draft or a
    cancelled event and a draft publication are refused (ValidationError, code "state"), as are
    a metric that does not fit (events: registrations, attendance, views; publications:
    listeners, downloads, views), a negative or absurd number, a day in the future and over-long
    notes. The same figure (metric, number, day and notes) sent again by the same person within
    a minute is a double submit: the figure already logged is returned, not a second one.
    """
    target = _target_of(event, publication)
    if not can_organise(actor, target):
        raise PermissionDenied(_("Only the organisers log reach."))
    target = _locked(target)
    _check_state(target)
    value, counted_on, notes = _clean(
        target, metric=metric, value=value, counted_on=counted_on, notes=notes
    )
    link: Mapping[str, Any] = (
        {"event": target} if isinstance(target, Event) else {"publication": target}
    )
    earlier = (
        ReachEntry.objects.filter(
            **link,
            metric=metric,
            value=value,
            counted_on=counted_on,
            notes=notes,
            recorded_by=actor,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-id")
        .first()
    )
    if earlier is not None:
        return earlier
    entry = ReachEntry.objects.create(
        **link,
        metric=metric,
        value=value,
        counted_on=counted_on,
        notes=notes,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="reach.record",
        target=target,
        data={
            "entry": entry.pk,
            "metric": metric,
            "value": value,
            "counted_on": counted_on.isoformat(),
        },
    )
    return entry


@transaction.atomic
def reach_delete(*, actor: Any, entry: ReachEntry) -> None:
    """Delete a mistaken figure. Only the organisers of its event or publication may
    (PermissionDenied otherwise); the audit row keeps what it said. Deleting a figure that
    is already gone (a double click) does nothing."""
    target: Event | Publication = entry.event if entry.event_id else entry.publication  # type: ignore[assignment]
    if not can_organise(actor, target):
        raise PermissionDenied(_("Only the organisers delete reach figures."))
    locked = ReachEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        return
    entry = locked
    audit_record(
        actor=actor,
        action="reach.delete",
        target=target,
        data={
            "entry": entry.pk,
            "metric": entry.metric,
            "value": entry.value,
            "counted_on": entry.counted_on.isoformat(),
            "notes": entry.notes,
            "recorded_by": entry.recorded_by_id,
        },
    )
    entry.delete()
