"""The lifecycles of events, publications, registrations and lessons learned, as data.

One service performs each move (see `services`); it checks the move against these tables, so a
move that is not listed here cannot happen, whoever asks.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("event status", "Draft")
    PUBLISHED = "published", pgettext_lazy("event status", "Published")
    # Published but off the calendar until a new time is set (registrations are kept).
    POSTPONED = "postponed", pgettext_lazy("event status", "Postponed")
    CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")


class EventMove(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    # A new start and end for a published or postponed event; everyone registered is told.
    RESCHEDULE = "reschedule", _("Move to a new time")
    POSTPONE = "postpone", _("Postpone until further notice")
    CANCEL = "cancel", _("Cancel the event")


ES = EventStatus
EM = EventMove

# move -> (states it may start from, state it ends in)
EVENT_MOVES: dict[str, tuple[frozenset[str], str]] = {
    EM.PUBLISH: (frozenset({ES.DRAFT}), ES.PUBLISHED),
    EM.RESCHEDULE: (frozenset({ES.PUBLISHED, ES.POSTPONED}), ES.PUBLISHED),
    EM.POSTPONE: (frozenset({ES.PUBLISHED}), ES.POSTPONED),
    EM.CANCEL: (frozenset({ES.DRAFT, ES.PUBLISHED, ES.POSTPONED}), ES.CANCELLED),
}
# Moves that need a reason everyone registered reads.
EVENT_MOVES_NEEDING_REASON = frozenset({EM.POSTPONE, EM.CANCEL})
# States shown to the public (a cancelled event keeps its page, marked cancelled).
EVENT_PUBLIC_STATES = frozenset({ES.PUBLISHED, ES.POSTPONED, ES.CANCELLED})
# States in which the organisers may still edit the text.
EVENT_EDITABLE = frozenset({ES.DRAFT, ES.PUBLISHED, ES.POSTPONED})


def event_move_allowed(*, move: str, status: str) -> bool:
    sources, _target = EVENT_MOVES[move]
    return status in sources


def event_move_target(move: str) -> str:
    return EVENT_MOVES[move][1]


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("registration status", "Registered")
    WAITLISTED = "waitlisted", pgettext_lazy("registration status", "On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")


# Registrations that hold a place or a place in the queue.
ACTIVE_REGISTRATION = frozenset({RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED})


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("publication status", "Draft")
    PUBLISHED = "published", pgettext_lazy("publication status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("publication status", "Withdrawn")


PUBLICATION_MOVES: dict[str, tuple[frozenset[str], str]] = {
    "publish": (
        frozenset({PublicationStatus.DRAFT, PublicationStatus.WITHDRAWN}),
        PublicationStatus.PUBLISHED,
    ),
    "withdraw": (frozenset({PublicationStatus.PUBLISHED}), PublicationStatus.WITHDRAWN),
}


def publication_move_allowed(*, move: str, status: str) -> bool:
    sources, _target = PUBLICATION_MOVES[move]
    return status in sources


class LessonStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("lesson status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("lesson status", "Waiting for review")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("lesson status", "Changes requested")
    PUBLISHED = "published", pgettext_lazy("lesson status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("lesson status", "Withdrawn")


class LessonMove(models.TextChoices):
    SUBMIT = "submit", _("Send for review")
    REQUEST_CHANGES = "request_changes", _("Ask for changes")
    PUBLISH = "publish", _("Publish")
    WITHDRAW = "withdraw", _("Withdraw from the public pages")


LS = LessonStatus
LM = LessonMove

LESSON_MOVES: dict[str, tuple[frozenset[str], str]] = {
    LM.SUBMIT: (frozenset({LS.DRAFT, LS.CHANGES_REQUESTED}), LS.SUBMITTED),
    LM.REQUEST_CHANGES: (frozenset({LS.SUBMITTED}), LS.CHANGES_REQUESTED),
    LM.PUBLISH: (frozenset({LS.SUBMITTED, LS.WITHDRAWN}), LS.PUBLISHED),
    LM.WITHDRAW: (frozenset({LS.PUBLISHED}), LS.WITHDRAWN),
}
# Moves made by the partnership's parties; the others are the region coordinator's.
LESSON_AUTHOR_MOVES = frozenset({LM.SUBMIT})
LESSON_MOVES_NEEDING_REASON = frozenset({LM.REQUEST_CHANGES, LM.WITHDRAW})
# States in which the parties may still edit the text.
LESSON_EDITABLE = frozenset({LS.DRAFT, LS.CHANGES_REQUESTED})


def lesson_move_allowed(*, move: str, status: str) -> bool:
    sources, _target = LESSON_MOVES[move]
    return status in sources


def lesson_move_target(move: str) -> str:
    return LESSON_MOVES[move][1]
