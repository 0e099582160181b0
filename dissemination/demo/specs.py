"""The shapes of the dissemination demo content: plain data, as the organisers and parties would
type it (paragraphs separated by a blank line; the demo turns them into the safe HTML subset the
services store).

People are keys of `obstacles.demo.cast.DemoCast` (the demo logins `seed_demo` creates):
    ost, vb, upp, vgr            the coordinators of Östergötland, Västerbotten, Uppsala and VGR
    s-ost, s-vb, s-upp, s-vgr    their management sponsors
    nordic, caresense, halsanorr the company people (Nordic Medtech, CareSense, Digital Hälsa Norr)
    uu                           the academic (Uppsala universitet)
    reviewer, admin              the obstacle reviewer and the portal admin
Regions are region slugs (ostergotland, vasterbotten, uppsala, vastra-gotaland), None for national.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Seat:
    """Someone registering: who, their needs (free text), whether others may see their name, and
    (for an event that has been held) whether they came: True, False, or None (not marked)."""

    who: str
    needs: str = ""
    consent: bool = True
    attended: bool | None = None


@dataclass(frozen=True)
class Figure:
    """A reach figure logged by the organisers. For an event, `days_after` counts from its start
    (the day it was held is 0); for a publication, from its date."""

    metric: str
    value: int
    notes: str = ""
    days_after: int = 0


@dataclass(frozen=True)
class EventSpec:
    """One event, `days` from today (negative: it has been held; moved to the nearest working
    day on its side of today) at `start` Stockholm time.

    `state` is one of: draft, published, postponed, cancelled (`reason` is sent to the people
    registered). `deadline_days` closes registration that many days before the start. The
    registrations are made in the order given, so with `capacity` reached the rest wait.
    `partnerships` are titles of demo partnerships of the same region; `obstacles` titles of
    published obstacle register entries."""

    title: str
    kind: str
    region: str | None
    days: int
    start: str  # "HH:MM"
    minutes: int
    description: str
    location: str = ""
    online_url: str = ""
    language: str = "sv"
    capacity: int | None = None
    deadline_days: int | None = None
    state: str = "published"
    reason: str = ""
    partnerships: tuple[str, ...] = ()
    obstacles: tuple[str, ...] = ()
    seats: tuple[Seat, ...] = ()
    figures: tuple[Figure, ...] = ()

    @property
    def held(self) -> bool:
        return self.days < 0


@dataclass(frozen=True)
class PublicationSpec:
    """One publication, dated in the quarter `quarters_ago` (0: this one) on its `day_in_quarter`
    (never later than today). `pdf` gives it a generated PDF file (title, paragraphs) instead of
    a link. `listeners` are logged per quarter from its own quarter up to this one."""

    title: str
    kind: str
    region: str | None
    quarters_ago: int
    summary: str
    link: str = ""
    language: str = "sv"
    day_in_quarter: int = 10
    published: bool = True
    partnerships: tuple[str, ...] = ()
    obstacles: tuple[str, ...] = ()
    pdf: tuple[str, ...] = ()
    listeners: tuple[int, ...] = ()
    figures: tuple[Figure, ...] = ()
    portal_downloads: int = 0


@dataclass(frozen=True)
class LessonSpec:
    """A lesson learned in a demo partnership (by its title), written by `author` at `step` (a
    step key, "" for none). `state` is one of: draft, submitted, changes_requested, published;
    `reason` is the coordinator's message when changes are requested."""

    partnership: str
    title: str
    body: str
    author: str
    step: str = ""
    language: str = "sv"
    state: str = "published"
    reason: str = ""
