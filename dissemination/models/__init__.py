"""Dissemination: events and registrations, publications, lessons learned and reach."""

from .events import CONTENT_LANGUAGES, Event, EventKind, Registration
from .lessons import Lesson
from .publications import DownloadCount, Publication, PublicationFile, PublicationKind
from .reach import ReachEntry, ReachMetric

__all__ = [
    "CONTENT_LANGUAGES",
    "DownloadCount",
    "Event",
    "EventKind",
    "Lesson",
    "Publication",
    "PublicationFile",
    "PublicationKind",
    "ReachEntry",
    "ReachMetric",
    "Registration",
]
