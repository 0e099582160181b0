"""Personal data in dissemination: the person's event registrations and the lessons, events,
publications and reach figures they wrote or recorded (see `portal.accounts.privacy` for the
registry).

A registration stays as a row (the event's attendance figures are reported to the funder) but
loses everything personal: the name, organisation and needs given at registration and both
consents. Lessons, events and publications are region records and stay, with the person shown
as "Former user".
"""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.privacy import rows
from portal.core.privacy import forget_in_audit

from .models import Event, Lesson, Publication, PublicationFile, ReachEntry, Registration

SECTION = "events"
TITLE = _("Events, lessons and publications")
HOLDS = _(
    "Your registrations for events: the name, organisation and needs you gave, your choices "
    "about being shown to the other attendees, your place and whether you attended. Also the "
    "lessons learned you wrote and, for organisers, the events, publications and reach figures "
    "you entered."
)
KEPT = _(
    "Your registrations are kept only as numbers for the attendance figures: the name, "
    "organisation, needs and choices you gave are deleted. Lessons, events and publications stay, "
    "with you shown as “Former user”."
)
COVERS = frozenset(
    {
        "dissemination.Registration.user",
        "dissemination.Event.created_by",
        "dissemination.Lesson.author",
        "dissemination.Lesson.reviewed_by",
        "dissemination.Publication.created_by",
        "dissemination.PublicationFile.uploaded_by",
        "dissemination.ReachEntry.recorded_by",
    }
)


def export(user: User) -> dict[str, Any]:
    """The events section (seven queries)."""
    return {
        "registrations": rows(
            Registration.objects.filter(user=user),
            "name",
            "organisation",
            "needs",
            "consent_to_list",
            "consent_to_share_contact",
            "status",
            "queued_at",
            "confirmed_at",
            "cancelled_at",
            "attended",
            "created_at",
            event_id="event_id",
            event="event__title",
            event_starts="event__starts_at",
        ),
        "lessons_you_wrote": rows(
            Lesson.objects.filter(author=user),
            "id",
            "title",
            "body",
            "language",
            "status",
            "created_at",
            "submitted_at",
            "published_at",
            "decision_reason",
            partnership_id="partnership_id",
        ),
        "lessons_you_reviewed": rows(
            Lesson.objects.filter(reviewed_by=user), "id", "status", "published_at"
        ),
        "events_you_created": rows(
            Event.objects.filter(created_by=user), "id", "title", "status", "created_at"
        ),
        "publications_you_created": rows(
            Publication.objects.filter(created_by=user), "id", "title", "status", "created_at"
        ),
        "publication_files_you_uploaded": rows(
            PublicationFile.objects.filter(uploaded_by=user),
            "name",
            "content_type",
            "size",
            "created_at",
            publication_id="publication_id",
        ),
        "reach_figures_you_recorded": rows(
            ReachEntry.objects.filter(recorded_by=user),
            "id",
            "metric",
            "value",
            "counted_on",
            "notes",
            "created_at",
        ),
    }


def anonymise(user: User) -> dict[str, int]:
    """Blank the personal details of the person's registrations, keeping the rows (status and
    attendance count in the event's figures)."""
    registrations = Registration.objects.filter(user=user)
    forget_in_audit(Registration, registrations)
    return {
        "registrations": registrations.filter(
            ~Q(name="")
            | ~Q(organisation="")
            | ~Q(needs="")
            | Q(consent_to_list=True)
            | Q(consent_to_share_contact=True)
        ).update(
            name="",
            organisation="",
            needs="",
            consent_to_list=False,
            consent_to_share_contact=False,
        ),
    }
