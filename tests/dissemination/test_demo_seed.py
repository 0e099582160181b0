"""The dissemination demo that `seed_demo` loads: every scene the issue asks for, built through
the services, idempotent, and it renders.

Seeding takes a while (the whole `seed_demo`), so each test checks several areas in full.
"""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from dissemination.demo.content import (
    CLINIC_VASTERBOTTEN,
    CONFERENCE_HELD,
    DRAFT_WEBINAR,
    NETWORK_MEETING_UPPSALA,
    RACE_FINAL_UPPSALA,
    RACE_FINAL_UPPSALA_HELD,
    REPORT_WITH_FILE,
    SMALL_WEBINAR,
)
from dissemination.models import (
    DownloadCount,
    Event,
    EventKind,
    Lesson,
    Publication,
    PublicationFile,
    PublicationKind,
    ReachEntry,
    ReachMetric,
    Registration,
)
from dissemination.selectors.reach import last_quarters, quarter_of, reach_by_quarter
from dissemination.workflow import (
    EventStatus,
    LessonStatus,
    PublicationStatus,
    RegistrationStatus,
)
from obstacles.demo.cast import PROGRAMME_REGIONS
from portal.accounts.models import User
from portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ES, RS = EventStatus, RegistrationStatus
COUNTED = (Event, Registration, Publication, PublicationFile, Lesson, ReachEntry, DownloadCount)


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["downloads"] = DownloadCount.objects.aggregate(n=Sum("count"))["n"] or 0
    counts["audit"] = AuditEvent.objects.filter(
        Q(action__startswith="event.")
        | Q(action__startswith="registration.")
        | Q(action__startswith="publication.")
        | Q(action__startswith="lesson.")
        | Q(action__startswith="reach.")
    ).count()
    return counts


@pytest.fixture
def seeded(db: Any) -> dict[str, int]:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Dissemination demo:" in out.getvalue()
    return _counts()


def test_a_second_run_creates_nothing(seeded: dict[str, int]) -> None:
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == seeded
    assert seeded["Event"] >= 18 and seeded["Publication"] >= 9


# Each check below looks at one area of the seeded demo; a test runs several of them on one
# seeded database, as seeding the whole demo (people, Co-sharing, obstacles, dissemination) is slow.


def _events_of_every_kind_across_the_four_regions_and_national() -> None:
    public = Event.objects.exclude(status=ES.DRAFT)
    assert set(public.values_list("kind", flat=True)) == set(EventKind.values)
    regions = set(public.exclude(region=None).values_list("region__slug", flat=True))
    assert regions == set(PROGRAMME_REGIONS)
    conference = public.get(kind=EventKind.CONFERENCE, starts_at__gt=timezone.now())
    assert conference.region is None and conference.location and not conference.online_url
    held_conference = Event.objects.get(title=CONFERENCE_HELD)
    assert held_conference.region is None and held_conference.ends_at < timezone.now()

    clinics = Event.objects.filter(kind=EventKind.CLINIC)
    assert set(clinics.values_list("region__slug", flat=True)) == {"vasterbotten"}
    clinic = Event.objects.get(title=CLINIC_VASTERBOTTEN)
    assert clinic.status == ES.PUBLISHED and clinic.starts_at > timezone.now()
    final = Event.objects.get(title=RACE_FINAL_UPPSALA)
    assert final.kind == EventKind.RACE_FINAL and final.region is not None
    assert final.region.slug == "uppsala" and final.starts_at > timezone.now()
    last_final = Event.objects.get(title=RACE_FINAL_UPPSALA_HELD)
    assert last_final.kind == EventKind.RACE_FINAL and last_final.region == final.region
    assert last_final.status == ES.PUBLISHED and last_final.ends_at < timezone.now()
    meeting = Event.objects.get(title=NETWORK_MEETING_UPPSALA)
    assert meeting.kind == EventKind.MEETING and meeting.status == ES.PUBLISHED

    webinars = Event.objects.filter(kind=EventKind.WEBINAR)
    assert webinars.count() >= 4
    assert webinars.filter(language="en", status=ES.PUBLISHED).exists()
    assert Event.objects.filter(kind=EventKind.WORKSHOP).count() >= 2


def _every_kind_has_an_upcoming_published_and_a_held_event() -> None:
    """For each kind: one published event still to come, open for registration with people
    registered, and one held (published, over) with registrations and attendance marked."""
    now = timezone.now()
    for kind in EventKind.values:
        of_kind = Event.objects.filter(kind=kind, status=ES.PUBLISHED)
        upcoming = of_kind.filter(starts_at__gt=now).annotate(
            seats=Count("registrations", filter=Q(registrations__status=RS.CONFIRMED))
        )
        assert upcoming.filter(seats__gte=1).exists(), f"no upcoming published {kind}"
        held = of_kind.filter(ends_at__lt=now).annotate(
            seats=Count("registrations", filter=Q(registrations__status=RS.CONFIRMED)),
            came=Count("registrations", filter=Q(registrations__attended=True)),
        )
        assert held.filter(seats__gte=4, came__gte=3).exists(), f"no held {kind} with attendance"


def _times_are_day_times_in_stockholm_within_the_programme_window() -> None:
    """Held events fall within the last year and upcoming ones within the next three months,
    so the calendar and the reach overview both have something to show."""
    now = timezone.now()
    for event in Event.objects.all():
        assert now - dt.timedelta(days=366) < event.starts_at < now + dt.timedelta(days=92)
        local = timezone.localtime(event.starts_at)
        assert 8 <= local.hour <= 17, (event.title, local)
        assert local.weekday() < 5, (event.title, local)  # on working days
        assert event.ends_at > event.starts_at
        if event.registration_deadline is not None:
            assert event.registration_deadline < event.starts_at, event.title


def _a_full_webinar_with_two_seats_has_a_waiting_list_in_order() -> None:
    webinar = Event.objects.get(title=SMALL_WEBINAR)
    assert webinar.kind == EventKind.WEBINAR and webinar.capacity == 2
    assert webinar.status == ES.PUBLISHED and webinar.starts_at > timezone.now()
    registrations = webinar.registrations
    assert registrations.filter(status=RS.CONFIRMED).count() == 2
    waiting = list(registrations.filter(status=RS.WAITLISTED).order_by("queued_at", "id"))
    assert len(waiting) >= 2
    assert [r.user.email for r in waiting] == [
        "academic@demo.example",
        "sponsor.ostergotland@demo.example",
    ]
    # company@demo.example is free to try the waiting list in the walk-through.
    assert not registrations.filter(user__email="company@demo.example").exists()


def _postponed_cancelled_and_draft_events_went_through_the_moves() -> None:
    for status, move in ((ES.POSTPONED, "event.postpone"), (ES.CANCELLED, "event.cancel")):
        event = Event.objects.get(status=status)
        assert event.status_reason
        assert event.ical_sequence == 1
        assert AuditEvent.objects.filter(action=move, target_id=str(event.pk)).exists()
        # The people registered keep their registration (and were told).
        assert event.registrations.filter(status=RS.CONFIRMED).exists()
    draft = Event.objects.get(status=ES.DRAFT)
    assert draft.title == DRAFT_WEBINAR
    assert draft.published_at is None and not draft.registrations.exists()


def _held_events_have_registrations_and_marked_attendance() -> None:
    now = timezone.now()
    held = Event.objects.filter(status=ES.PUBLISHED, ends_at__lt=now)
    assert held.count() >= 8
    assert Event.objects.filter(status=ES.PUBLISHED, starts_at__gt=now).count() >= 7
    for event in held.annotate(
        seats=Count("registrations", filter=Q(registrations__status=RS.CONFIRMED)),
        came=Count("registrations", filter=Q(registrations__attended=True)),
        missed=Count("registrations", filter=Q(registrations__attended=False)),
    ):
        assert event.seats >= 4, event.title
        assert event.came >= 3, event.title
        assert event.published_at is not None and event.published_at < event.starts_at
        assert AuditEvent.objects.filter(
            action="event.attendance", target_id=str(event.pk)
        ).exists()
    assert Registration.objects.filter(attended=False).exists()
    # Some people keep their name off the attendee list; some wrote needs.
    assert Registration.objects.filter(consent_to_list=False).exists()
    assert Registration.objects.exclude(needs="").exists()
    # Nobody is registered twice.
    assert not Registration.objects.values("event", "user").annotate(n=Count("id")).filter(n__gt=1)


def _publications_of_every_kind_with_podcast_episodes_and_reports() -> None:
    published = Publication.objects.filter(status=PublicationStatus.PUBLISHED)
    assert set(published.values_list("kind", flat=True)) == set(PublicationKind.values)
    podcasts = published.filter(kind=PublicationKind.PODCAST)
    assert podcasts.count() >= 3
    assert all(p.link.startswith("https://") for p in podcasts)
    assert podcasts.filter(language="en").exists()
    assert published.filter(kind=PublicationKind.REPORT).count() >= 2
    assert published.filter(region=None).exists()
    assert set(published.exclude(region=None).values_list("region__slug", flat=True)) == set(
        PROGRAMME_REGIONS
    )
    assert Publication.objects.filter(status=PublicationStatus.DRAFT).count() == 1
    for publication in published:
        assert publication.summary.startswith("<p>"), publication.title
        assert publication.published_on <= timezone.localdate()


def _the_report_carries_a_real_pdf_kept_privately_and_counted() -> None:
    report = Publication.objects.get(title=REPORT_WITH_FILE)
    stored = report.file
    assert stored.content_type == "application/pdf" and stored.name.endswith(".pdf")
    with stored.file.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF-1.7") and data.rstrip().endswith(b"%%EOF")
    assert b"/StructTreeRoot" in data and b"/Lang" in data
    assert len(data) == stored.size
    assert stored.file.name.startswith("private/publications/")
    assert "slutrapport" not in stored.file.name  # stored under a random name
    assert report.download_counts.get(day=timezone.localdate()).count == 14


def _lessons_learned_in_every_review_state() -> None:
    published = Lesson.objects.filter(status=LessonStatus.PUBLISHED)
    assert published.count() >= 4
    assert published.values("partnership").distinct().count() >= 3
    for lesson in published.select_related("partnership", "reviewed_by"):
        assert lesson.body.startswith("<p>"), lesson.title
        assert lesson.submitted_at and lesson.published_at
        assert lesson.reviewed_by is not None
        assert lesson.reviewed_by.email.startswith("coordinator."), lesson.title
        moves = list(
            AuditEvent.objects.filter(target_id=str(lesson.pk), action__startswith="lesson.")
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert moves == ["lesson.create", "lesson.submit", "lesson.publish"], lesson.title
    submitted = Lesson.objects.get(status=LessonStatus.SUBMITTED)
    assert submitted.submitted_at is not None
    changes = Lesson.objects.get(status=LessonStatus.CHANGES_REQUESTED)
    assert changes.decision_reason
    assert Lesson.objects.filter(status=LessonStatus.DRAFT).count() == 1


def _reach_has_figures_in_each_of_the_last_four_quarters() -> None:
    quarters = last_quarters()
    logged = {quarter_of(day) for day in ReachEntry.objects.values_list("counted_on", flat=True)}
    assert set(quarters) <= logged
    assert set(ReachEntry.objects.values_list("metric", flat=True)) == set(ReachMetric.values)
    assert ReachEntry.objects.filter(counted_on__gt=timezone.localdate()).count() == 0
    rows = reach_by_quarter(region_ids=None, include_national=True, quarters=quarters)
    for row in rows:
        assert row.listeners > 0, row.label
    total_attendance = sum(row.attendance_portal for row in rows)
    assert total_attendance >= 10
    assert sum(row.downloads_portal for row in rows) == 14
    assert sum(row.events for row in rows) >= 5


def test_events_registrations_and_the_waiting_list(seeded: dict[str, int]) -> None:
    _events_of_every_kind_across_the_four_regions_and_national()
    _every_kind_has_an_upcoming_published_and_a_held_event()
    _times_are_day_times_in_stockholm_within_the_programme_window()
    _a_full_webinar_with_two_seats_has_a_waiting_list_in_order()
    _postponed_cancelled_and_draft_events_went_through_the_moves()
    _held_events_have_registrations_and_marked_attendance()


def test_publications_lessons_and_reach(seeded: dict[str, int]) -> None:
    _publications_of_every_kind_with_podcast_episodes_and_reports()
    _the_report_carries_a_real_pdf_kept_privately_and_counted()
    _lessons_learned_in_every_review_state()
    _reach_has_figures_in_each_of_the_last_four_quarters()


def _renders_on_the_public_pages(client: Any) -> None:
    response = client.get(reverse("dissemination:calendar"))
    assert response.status_code == 200
    page = response.content.decode()
    assert RACE_FINAL_UPPSALA in page and CLINIC_VASTERBOTTEN in page
    assert NETWORK_MEETING_UPPSALA in page
    assert DRAFT_WEBINAR not in page
    archive = client.get(reverse("dissemination:archive")).content.decode()
    assert RACE_FINAL_UPPSALA_HELD in archive and CONFERENCE_HELD in archive

    webinar = Event.objects.get(title=SMALL_WEBINAR)
    assert client.get(reverse("dissemination:event_detail", args=[webinar.pk])).status_code == 200
    ics = client.get(reverse("dissemination:event_ics", args=[webinar.pk]))
    assert ics.status_code == 200 and b"BEGIN:VCALENDAR" in ics.content

    report = Publication.objects.get(title=REPORT_WITH_FILE)
    assert client.get(report.get_absolute_url()).status_code == 200
    download = client.get(reverse("dissemination:publication_download", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert client.get(reverse("dissemination:archive")).status_code == 200
    assert client.get(reverse("dissemination:lesson_list")).status_code == 200


def _coordinator_and_admin_pages_show_it(client: Any, with_mfa: Any) -> None:
    # Staff must have MFA outside the demo settings (which exempt the demo logins).
    client.force_login(with_mfa(User.objects.get(email="coordinator.uppsala@demo.example")))
    webinar = Event.objects.get(title=SMALL_WEBINAR)
    page = client.get(reverse("dissemination:attendees", args=[webinar.pk])).content.decode()
    assert "Anders Akademi" in page
    assert client.get(reverse("dissemination:manage")).status_code == 200
    response = client.get(reverse("dissemination:reach_overview"))
    assert response.status_code == 200 and "<svg" in response.content.decode()

    client.force_login(with_mfa(User.objects.get(email="admin@demo.example")))
    response = client.get(reverse("dissemination:reach_csv"))
    assert response.status_code == 200


def test_the_demo_renders_for_visitors_organisers_and_admins(
    seeded: dict[str, int], client: Any, with_mfa: Any
) -> None:
    _renders_on_the_public_pages(client)
    _coordinator_and_admin_pages_show_it(client, with_mfa)
