"""Dissemination demo data: events of every kind across the four programme regions and national
ones, registrations (a full webinar with a waiting list), publications, lessons learned and
reach figures over the last four quarters.

Called by `manage.py seed_demo` (inside its transaction, mail silenced) after the demo people,
the Co-sharing demo (its partnerships carry the lessons and are reported on) and the obstacle
register demo (events and publications link published obstacles). Every row is written through
the services (`services.events`, `registrations`, `publications`, `lessons`, `reach`), so
statuses, queue order, audit rows and calendar revisions are the real ones; the one exception is
moving held events into the past (see `events._hold`). Idempotent: each event and publication is
keyed by its title and each lesson by its partnership and title; what exists is left alone, so a
second run creates nothing.

Dates are relative to the day the demo is loaded, so upcoming events stay upcoming and the reach
overview's last four quarters have figures whenever `seed_demo` runs.

The parts:

- `specs`: the shapes of the content; `content`: the words (plain data, demo content in Swedish
  and some English, not translated through the catalogs);
- `people`: the demo cast and each region's organiser; `dates`: relative days and quarters;
- `events`: events, registrations, postponement and cancellation, attendance, event reach;
- `publications`: publications (`pdf`: the report's generated PDF), their reach and downloads;
- `lessons`: lessons learned in every review state;
- this module: `seed_dissemination_demo`, which loads them all.
"""

from typing import Any

from ..models import Event, Lesson, Publication, ReachEntry, Registration
from ..workflow import LessonStatus, RegistrationStatus
from .events import seed_events
from .lessons import seed_lessons
from .people import demo_cast
from .publications import seed_publications

__all__ = ["seed_dissemination_demo"]


def seed_dissemination_demo(*, stdout: Any = None) -> None:
    """Load the dissemination demo; call inside seed_demo's transaction, after the Co-sharing
    and obstacle register demos."""
    cast = demo_cast()
    seed_events(cast)
    seed_publications(cast)
    seed_lessons(cast)
    if stdout is not None:
        waiting = Registration.objects.filter(status=RegistrationStatus.WAITLISTED).count()
        published = Lesson.objects.filter(status=LessonStatus.PUBLISHED).count()
        stdout.write(
            f"Dissemination demo: {Event.objects.count()} events, "
            f"{Registration.objects.count()} registrations ({waiting} waiting), "
            f"{Publication.objects.count()} publications, {published} published of "
            f"{Lesson.objects.count()} lessons learned, {ReachEntry.objects.count()} reach figures."
        )
