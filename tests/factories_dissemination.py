"""Factories for dissemination.

They make rows directly (published events in the future by default), for list, calendar and
query-count tests that need many rows; tests about a workflow (registering, the waiting list,
cancelling, reviewing lessons) build their state through the services instead.
"""

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from dissemination.models import (
    Event,
    EventKind,
    Lesson,
    Publication,
    PublicationKind,
    ReachEntry,
    ReachMetric,
    Registration,
)
from dissemination.workflow import (
    EventStatus,
    LessonStatus,
    PublicationStatus,
    RegistrationStatus,
)
from regions.models import Region
from tests.factories import UserFactory


def region(slug: str = "uppsala") -> Region:
    return Region.objects.get(slug=slug)


def _in_days(days: int, hour: int = 13) -> Any:
    """A time `days` from now at `hour` o'clock Stockholm time (stored in UTC)."""
    local = timezone.localtime(timezone.now() + timedelta(days=days))
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = EventKind.WEBINAR
    title = factory.Sequence(lambda n: f"Webbinarium {n}: så når företag vården")
    description = "<p>Hur regionen och företagen hittar varandra – och vad som bromsar.</p>"
    starts_at = factory.LazyFunction(lambda: _in_days(14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1, minutes=30))
    location = ""
    online_url = "https://meet.example.se/webbinarium"
    region = factory.LazyFunction(region)
    language = "sv"
    capacity = 50
    status = EventStatus.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status != EventStatus.DRAFT else None
    )
    created_by = None


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration made directly (does not look at capacity)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.user.name or o.user.email)
    organisation = "CareSense AB"
    consent_to_list = True
    status = RegistrationStatus.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
    queued_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == RegistrationStatus.WAITLISTED else None
    )


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication
        skip_postgeneration_save = True

    kind = PublicationKind.REPORT
    title = factory.Sequence(lambda n: f"Rapport {n}: lärdomar från innovationsnoderna")
    summary = "<p>Vad vi lärde oss när vården och företagen testade tillsammans.</p>"
    published_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    link = "https://example.se/rapport"
    region = factory.LazyFunction(region)
    language = "sv"
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == PublicationStatus.PUBLISHED else None
    )


class LessonFactory(factory.django.DjangoModelFactory):
    """A lesson made directly; pass `partnership` (tests.factories_process.make_partnership)."""

    class Meta:
        model = Lesson

    title = factory.Sequence(lambda n: f"Lärdom {n}: förankra hos ledningen tidigt")
    body = "<p>Utan ledningens stöd stannade testet vid första grinden.</p>"
    language = "sv"
    status = LessonStatus.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == LessonStatus.PUBLISHED else None
    )


class ReachEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReachEntry

    metric = ReachMetric.LISTENERS
    value = 120
    counted_on = factory.LazyFunction(timezone.localdate)
    notes = ""
