"""Time the dissemination pages at realistic volume and print the figures.

Seeds a throwaway test database (created and destroyed here, never your own data) with events of
every kind and state across the 21 regions and national ones, past and upcoming (default 5,000),
registrations (20,000), publications (2,000), lessons learned (500, in 200 partnerships), reach
figures and daily download counts. It first measures on a tenth of that, then on the whole, and
fails if any page's query count differs between the two. For each page it prints the median and
p95 server time, the queries per request and the response size: the calendar (unfiltered,
filtered by region, page 10, the htmx results), the archive (and filtered), an event's page, a
publication's page, a region page, a partnership's public summary, the feed of everything and a
region's feed, and the reach overview (as a portal admin). The feeds are timed three ways: cold
(built on every request, no cache), warm (the file for the current fingerprint is cached) and
304 (the caller sends the ETag it holds).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/outreach.py --events 5000 --registrations 20000
"""

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

BATCH = 5000
# The first round seeds this share of every volume; the second the rest.
SMALL_SHARE = 10

TOPICS = [
    "Så når företag vården",
    "Egenmonitorering i hemmet",
    "Upphandling av innovation",
    "Molntjänster och dataskydd",
    "Testbäddar i primärvården",
    "Hälsoekonomi för medtech",
    "AI i diagnostiken",
    "Från idé till avtal",
]
PLACES = [
    "Regionens hus, Uppsala",
    "Universitetssjukhuset, Umeå",
    "Innovationsplatsen, Linköping",
    "Sahlgrenska Science Park, Göteborg",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--registrations", type=int, default=20000)
    parser.add_argument("--publications", type=int, default=2000)
    parser.add_argument("--lessons", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        raise SystemExit("Run this against PostgreSQL (set DATABASE_URL).")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _partnerships(count: int, *, regions: list[Any], rng: random.Random) -> list[Any]:
    """Partnerships on the default process (no proposal): lessons and links need them."""
    from django.utils import timezone

    from partnerships.models import Partnership, ProcessStep, ProcessTemplate

    template = ProcessTemplate.objects.get(family="co-sharing", is_current=True)
    steps = list(ProcessStep.objects.filter(template=template).order_by("order"))
    now = timezone.now()
    return Partnership.objects.bulk_create(
        [
            Partnership(
                title=f"Partnerskap {rng.randrange(10**6)}: {rng.choice(TOPICS).lower()}",
                region=rng.choice(regions),
                template=template,
                current_step=rng.choice(steps),
                last_activity_at=now,
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


def _seed(
    *,
    events: int,
    registrations: int,
    publications: int,
    lessons: int,
    regions: list[Any],
    rng: random.Random,
) -> None:
    """Bulk-insert rows the way the services would leave them."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from dissemination.models import (
        DownloadCount,
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
    from portal.accounts.models import User

    now = timezone.now()
    places: list[Any] = [*regions, None]
    # Mostly published; some drafts, postponed and cancelled ones, as a real calendar has.
    statuses = [EventStatus.PUBLISHED] * 16 + [
        EventStatus.DRAFT,
        EventStatus.DRAFT,
        EventStatus.POSTPONED,
        EventStatus.CANCELLED,
    ]
    event_rows = []
    for n in range(events):
        # Two years back to one year ahead, on the hour in Stockholm time.
        local = timezone.localtime(now + dt.timedelta(days=rng.randint(-730, 365)))
        start = local.replace(hour=rng.choice([9, 10, 13, 15]), minute=0, second=0, microsecond=0)
        online = rng.random() < 0.6
        status = rng.choice(statuses)
        event_rows.append(
            Event(
                kind=rng.choice(EventKind.values),
                title=f"{rng.choice(TOPICS)} ({n})",
                description=f"<p>{rng.choice(TOPICS)}: vad regionen och företagen lärde sig.</p>",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=rng.choice([1, 2, 3, 8])),
                location="" if online and rng.random() < 0.7 else rng.choice(PLACES),
                online_url="https://meet.example.se/bench" if online else "",
                region=rng.choice(places),
                language="en" if n % 6 == 0 else "sv",
                capacity=rng.choice([None, 30, 50, 100, 200]),
                status=status,
                status_reason="Talaren är sjuk." if status == EventStatus.CANCELLED else "",
                published_at=None if status == EventStatus.DRAFT else now,
            )
        )
    created_events = Event.objects.bulk_create(event_rows, batch_size=BATCH)

    password = make_password("bench-password-1")
    first_user = User.objects.count()
    people = User.objects.bulk_create(
        [
            User(
                email=f"deltagare{first_user + n}@bench.example",
                name=f"Deltagare {n}",
                password=password,
            )
            for n in range(max(200, registrations // 10))
        ],
        batch_size=BATCH,
    )
    regs = []
    # Each event gets a run of distinct people (one row per person and event).
    per_event = max(1, registrations // max(1, len(created_events)))
    for event in created_events:
        for person in rng.sample(people, k=min(per_event, len(people))):
            waiting = rng.random() < 0.1
            regs.append(
                Registration(
                    event=event,
                    user=person,
                    name=person.name,
                    organisation="Region eller företag",
                    consent_to_list=rng.random() < 0.6,
                    status=RegistrationStatus.WAITLISTED
                    if waiting
                    else RegistrationStatus.CONFIRMED,
                    queued_at=now if waiting else None,
                    confirmed_at=None if waiting else now,
                    attended=(rng.random() < 0.8) if event.ends_at < now and not waiting else None,
                )
            )
            if len(regs) >= registrations:
                break
        if len(regs) >= registrations:
            break
    Registration.objects.bulk_create(regs, batch_size=BATCH)

    today = timezone.localdate()
    created_publications = Publication.objects.bulk_create(
        [
            Publication(
                kind=rng.choice(PublicationKind.values),
                title=f"{rng.choice(TOPICS)} – rapport {n}",
                summary="<p>Vad vi lärde oss när vården och företagen testade tillsammans.</p>",
                published_on=today - dt.timedelta(days=rng.randint(0, 730)),
                link="https://example.se/publikation",
                region=rng.choice(places),
                language="en" if n % 5 == 0 else "sv",
                status=PublicationStatus.DRAFT if n % 15 == 0 else PublicationStatus.PUBLISHED,
                published_at=None if n % 15 == 0 else now,
            )
            for n in range(publications)
        ],
        batch_size=BATCH,
    )

    partnerships = _partnerships(max(20, lessons * 2 // 5), regions=regions, rng=rng)
    Lesson.objects.bulk_create(
        [
            Lesson(
                partnership=rng.choice(partnerships),
                title=f"Lärdom {n}: förankra hos ledningen tidigt",
                body="<p>Utan ledningens stöd stannade testet vid första grinden.</p>",
                status=LessonStatus.DRAFT if n % 5 == 0 else LessonStatus.PUBLISHED,
                published_at=None if n % 5 == 0 else now - dt.timedelta(days=rng.randint(0, 700)),
            )
            for n in range(lessons)
        ],
        batch_size=BATCH,
    )
    EventLinks = Event.partnerships.through
    EventLinks.objects.bulk_create(
        [
            EventLinks(event_id=e.pk, partnership_id=p.pk)
            for e in rng.sample(created_events, k=len(created_events) // 5)
            for p in rng.sample(partnerships, k=2)
        ],
        batch_size=BATCH,
    )
    PublicationLinks = Publication.partnerships.through
    PublicationLinks.objects.bulk_create(
        [
            PublicationLinks(publication_id=pub.pk, partnership_id=p.pk)
            for pub in rng.sample(created_publications, k=len(created_publications) // 5)
            for p in rng.sample(partnerships, k=2)
        ],
        batch_size=BATCH,
    )
    ReachEntry.objects.bulk_create(
        [
            ReachEntry(
                event=e,
                metric=rng.choice([ReachMetric.ATTENDANCE, ReachMetric.VIEWS]),
                value=rng.randint(5, 300),
                counted_on=timezone.localtime(e.starts_at).date(),
            )
            for e in created_events[::4]
        ]
        + [
            ReachEntry(
                publication=p,
                metric=rng.choice([ReachMetric.LISTENERS, ReachMetric.DOWNLOADS]),
                value=rng.randint(10, 2000),
                counted_on=p.published_on,
            )
            for p in created_publications[::3]
        ],
        batch_size=BATCH,
    )
    DownloadCount.objects.bulk_create(
        [
            DownloadCount(
                publication=p, day=p.published_on + dt.timedelta(days=d), count=rng.randint(1, 40)
            )
            for p in created_publications[::2]
            for d in range(5)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _admin() -> Any:
    from allauth.mfa.models import Authenticator

    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.accounts.services import role_grant

    admin = User.objects.create_user(email="admin@bench.example", password="x" * 12)
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return admin


def _timed(
    client: Any, url: str, headers: dict[str, str], *, repeat: int, status: int = 200
) -> tuple[list[float], int, bytes]:
    """`repeat` GETs of `url`: their times in ms (sorted), the last one's queries and body."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    body = b""
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url, headers=headers)
            body = b"".join(response) if response.streaming else response.content
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == status, (url, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    return times, queries, body


def _row(name: str, times: list[float], queries: int, body: bytes) -> None:
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{name:30} {statistics.median(times):10.1f} {p95:8.1f} {queries:8d} {len(body):9d}")


def _measure(
    pages: list[tuple[str, Any, str, dict[str, str]]], *, repeat: int, label: str
) -> dict[str, int]:
    from unittest import mock

    from django.core.cache.backends.dummy import DummyCache

    from dissemination.views import calendars

    counts: dict[str, int] = {}
    print(f"\n{label}: {repeat} requests per page after one warm-up")
    print(f"{'page':30} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>9}")
    for name, client, url, headers in pages:
        warm = client.get(url, headers=headers)
        if warm.status_code != 200:
            # A part another helper builds may not be there yet: say so, measure the rest.
            print(f"{name:30} {'not measured: HTTP ' + str(warm.status_code):>38}")
            continue
        if not name.startswith("feed"):
            times, counts[name], body = _timed(client, url, headers, repeat=repeat)
            _row(name, times, counts[name], body)
            continue
        # A feed three ways: built every time (no cache), warm (the file built for the current
        # fingerprint is in the cache) and a calendar program that holds the current file.
        with mock.patch.object(calendars, "cache", DummyCache("bench", {})):
            times, queries, body = _timed(client, url, headers, repeat=repeat)
        counts[f"{name} (cold)"] = queries
        _row(f"{name} (cold)", times, queries, body)
        times, queries, body = _timed(client, url, headers, repeat=repeat)
        counts[f"{name} (warm)"] = queries
        _row(f"{name} (warm)", times, queries, body)
        held = {**headers, "If-None-Match": warm["ETag"]}
        times, queries, body = _timed(client, url, held, repeat=repeat, status=304)
        counts[f"{name} (304)"] = queries
        _row(f"{name} (304)", times, queries, body)
    return counts


def _pages(admin: Any) -> list[tuple[str, Any, str, dict[str, str]]]:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from dissemination.models import Event, Publication
    from dissemination.selectors.public import public_partnerships
    from dissemination.workflow import EventStatus, PublicationStatus

    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(admin)
    event = (
        Event.objects.filter(status=EventStatus.PUBLISHED, ends_at__gt=timezone.now())
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
        .first()
    )
    publication = (
        Publication.objects.filter(status=PublicationStatus.PUBLISHED).order_by("pk").first()
    )
    summary = public_partnerships().order_by("pk").first()
    assert event and publication and summary
    htmx = {"HX-Request": "true"}
    year = timezone.localdate().year - 1
    return [
        ("calendar", anonymous, reverse("dissemination:calendar"), {}),
        ("calendar, region", anonymous, reverse("dissemination:calendar") + "?region=uppsala", {}),
        ("calendar, page 10", anonymous, reverse("dissemination:calendar") + "?page=10", {}),
        (
            "calendar, htmx filtered",
            anonymous,
            reverse("dissemination:calendar") + "?kind=webinar&mode=online&language=sv",
            htmx,
        ),
        ("archive", anonymous, reverse("dissemination:archive"), {}),
        (
            "archive, filtered",
            anonymous,
            reverse("dissemination:archive") + f"?kind=publications&region=uppsala&year={year}",
            {},
        ),
        ("archive, page 10", anonymous, reverse("dissemination:archive") + "?page=10", {}),
        ("event page", anonymous, event.get_absolute_url(), {}),
        ("event page, admin", signed_in, event.get_absolute_url(), {}),
        ("publication page", anonymous, publication.get_absolute_url(), {}),
        ("region page", anonymous, reverse("regions:detail", args=["uppsala"]), {}),
        (
            "partnership summary",
            anonymous,
            reverse("partnerships:public_summary", args=[summary.pk]),
            {},
        ),
        ("feed, everything", anonymous, reverse("dissemination:feed_all"), {}),
        ("feed, region", anonymous, reverse("dissemination:feed_region", args=["uppsala"]), {}),
        ("reach overview (admin)", signed_in, reverse("dissemination:reach_overview"), {}),
    ]


def _run(args: argparse.Namespace) -> None:
    from django.db import connection

    from dissemination.models import Event, Lesson, Publication, Registration
    from regions.models import Region

    rng = random.Random(2026)
    regions = list(Region.objects.order_by("code"))
    admin = _admin()

    def volumes(share: float) -> dict[str, int]:
        return {
            "events": int(args.events * share),
            "registrations": int(args.registrations * share),
            "publications": int(args.publications * share),
            "lessons": int(args.lessons * share),
        }

    started = time.perf_counter()
    _seed(**volumes(1 / SMALL_SHARE), regions=regions, rng=rng)
    small = _measure(
        _pages(admin), repeat=3, label=f"a tenth of the volume ({Event.objects.count():,} events)"
    )
    _seed(**volumes(1 - 1 / SMALL_SHARE), regions=regions, rng=rng)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE dissemination_event; ANALYZE dissemination_registration; "
            "ANALYZE dissemination_publication; ANALYZE dissemination_lesson;"
        )
    print(
        f"\nseeded {Event.objects.count():,} events, {Registration.objects.count():,} "
        f"registrations, {Publication.objects.count():,} publications and "
        f"{Lesson.objects.count():,} lessons in {time.perf_counter() - started:.1f} s"
    )
    large = _measure(_pages(admin), repeat=args.repeat, label=f"database: {connection.vendor}")
    changed = {
        name: (small[name], large.get(name))
        for name in small
        if name in large and small[name] != large[name]
    }
    print(
        "\nquery counts the same at a tenth and the full volume:",
        "yes" if not changed else f"NO {changed}",
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak_mb:.0f} MB")
    if changed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
