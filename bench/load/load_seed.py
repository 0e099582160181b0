"""Seed the load benchmark's database with a realistic volume, in minutes (bulk inserts).

What goes in (the 21 regions and the reference data come from the migrations):

* Co-sharing, as bench/cosharing.py seeds it: 10,000 proposals from 500 companies (one author
  each) and 2,000 partnerships with parties, checklist ticks, timeline events and messages;
* dissemination, as bench/outreach.py seeds it: 5,000 events (every kind and state, past and
  upcoming), 20,000 registrations of 2,000 people, 2,000 publications, 500 lessons learned;
* the obstacle register: 100,000 entries, 90 % published (the others drafts, waiting for review,
  in review, changes requested, rejected, withdrawn), every category, step, region, severity and
  both languages, one to three affected actors each, 2,000 published mitigations and 300
  knowledge articles linked to them; PostgreSQL's trigger fills the search vectors;
* 25 innovation units a region, two coordinators and a sponsor in each (through the service);
* the benchmark's own accounts (BENCH_USERS): a portal admin, the coordinator of Uppsala and an
  obstacle reviewer (both with a TOTP authenticator, as staff must have) and a company member
  registered for 20 events.

Random draws come from one seeded generator, so two seedings hold the same rows.
"""

import datetime as dt
import random
import time
from typing import Any

BATCH = 5000
OBSTACLES = 100_000
PROPOSALS = 10_000
PARTNERSHIPS = 2_000
EVENTS = 5_000
REGISTRATIONS = 20_000
PUBLICATIONS = 2_000
LESSONS = 500
MITIGATIONS = 2_000
ARTICLES = 300
UNITS_PER_REGION = 25
# Every seeded account's password (the benchmark signs in with server-side sessions instead).
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway database's accounts

# The accounts the benchmark signs in as; their rows also mark a seeded database.
BENCH_USERS = {
    "admin": "load-admin@bench.example",
    "coordinator": "load-coordinator@bench.example",
    "reviewer": "load-reviewer@bench.example",
    "member": "load-member@bench.example",
}
# The region whose coordinator the benchmark signs in as.
COORDINATED_REGION = "uppsala"

# Of every 50 obstacles: 45 published, 3 waiting for a reviewer (the review queue's 6 %), 2
# with their authors; and every 97th rejected or withdrawn instead.
OBSTACLE_STATES = (
    ["published"] * 45 + ["submitted", "submitted", "in_review"] + ["draft", "changes_requested"]
)
OTHER_STATES = ["rejected", "withdrawn"]


def is_seeded() -> bool:
    from portal.accounts.models import User

    return User.objects.filter(email=BENCH_USERS["admin"]).exists()


def seed(*, log: Any = print) -> None:
    """Fill the (migrated, empty) database; `log` gets one line per part with its seconds."""
    from django.db import connection

    from regions.models import Region

    rng = random.Random(2026)
    regions = list(Region.objects.order_by("code"))
    started = time.perf_counter()

    def step(label: str, t0: float) -> None:
        log(f"  {label:58} {time.perf_counter() - t0:7.1f} s")

    t0 = time.perf_counter()
    admin = _bench_admin()
    _regions(regions=regions, admin=admin, rng=rng)
    step(f"regions: {UNITS_PER_REGION} units each, coordinators and sponsors", t0)

    t0 = time.perf_counter()
    import cosharing

    cosharing._seed(proposals=PROPOSALS, partnerships=PARTNERSHIPS, regions=regions, rng=rng)
    step(f"co-sharing: {PROPOSALS:,} proposals, {PARTNERSHIPS:,} partnerships", t0)

    t0 = time.perf_counter()
    import outreach

    outreach._seed(
        events=EVENTS,
        registrations=REGISTRATIONS,
        publications=PUBLICATIONS,
        lessons=LESSONS,
        regions=regions,
        rng=rng,
    )
    step(f"dissemination: {EVENTS:,} events, {REGISTRATIONS:,} registrations, ...", t0)

    t0 = time.perf_counter()
    _obstacles(count=OBSTACLES, regions=regions, rng=rng)
    step(f"obstacles: {OBSTACLES:,} entries with actors, mitigations, articles", t0)

    t0 = time.perf_counter()
    _bench_people(admin=admin, rng=rng)
    step("the benchmark's accounts", t0)

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE", t0)
    log(f"  {'seeded in':58} {time.perf_counter() - started:7.1f} s")


def _with_totp(user: Any) -> Any:
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return user


def _bench_admin() -> Any:
    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.accounts.services import role_grant

    admin = User.objects.create_user(
        email=BENCH_USERS["admin"], password=PASSWORD, name="Bench Admin"
    )
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    return _with_totp(admin)


def _regions(*, regions: list[Any], admin: Any, rng: random.Random) -> None:
    """Units, and two coordinators and a sponsor per region, assigned through the service."""
    from django.contrib.auth.hashers import make_password

    from portal.accounts.models import User
    from regions.models import InnovationUnit, RegionRole, UnitKind
    from regions.services import region_assign_role

    kinds = list(UnitKind.values)
    InnovationUnit.objects.bulk_create(
        [
            InnovationUnit(
                region=region,
                kind=kinds[i % len(kinds)],
                name=f"Enhet {i} {region.code}",
                offers="Testmiljö och kliniska experter. " * 5,
                contact_email=f"unit{i}@region{region.code}.example",
            )
            for region in regions
            for i in range(UNITS_PER_REGION)
        ],
        batch_size=BATCH,
    )
    password = make_password(PASSWORD)
    for region in regions:
        for n, role in enumerate(
            [RegionRole.COORDINATOR, RegionRole.COORDINATOR, RegionRole.SPONSOR]
        ):
            person = User.objects.create(
                email=f"{role}{n}.{region.slug}@bench.example",
                name=f"{rng.choice(['Anna', 'Erik', 'Maria', 'Johan'])} {region.code}{n}",
                password=password,
            )
            region_assign_role(actor=admin, region=region, user=_with_totp(person), role=role)


def _obstacles(*, count: int, regions: list[Any], rng: random.Random) -> None:
    """`count` entries in batches, each batch with its affected actors; then mitigations and
    knowledge articles, each linked to a few published entries."""
    from _seed import bench_author, link_actors, obstacle_steps, published_obstacle
    from compilation import _text
    from django.utils import timezone

    from obstacles.models import Actor, Category, KnowledgeArticle, Mitigation, Obstacle
    from obstacles.models.knowledge import KnowledgeTopic
    from obstacles.workflow import ArticleStatus, MitigationStatus, ObstacleStatus

    categories = list(Category.objects.all())
    actors = list(Actor.objects.all())
    places: list[Any] = [*regions, None]
    steps = obstacle_steps()
    author = bench_author()
    now = timezone.now()
    for first in range(0, count, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, count)):
            row = published_obstacle(
                n,
                rng=rng,
                text=_text,
                categories=categories,
                steps=steps,
                region_of=lambda _n: rng.choice(places),
                author=author,
                now=now,
                evidence="<p>Erfarenheter från regionens innovationskontor.</p>",
            )
            state = OBSTACLE_STATES[n % len(OBSTACLE_STATES)]
            if n % 97 == 0:
                state = OTHER_STATES[n % len(OTHER_STATES)]
            if state != ObstacleStatus.PUBLISHED:
                row.status = state
                row.published_at = None
                if state == ObstacleStatus.DRAFT:
                    row.submitted_at = None
            rows.append(row)
        created = Obstacle.objects.bulk_create(rows, batch_size=BATCH)
        link_actors(created, actors=actors, rng=rng, batch_size=BATCH * 2)

    published = list(
        Obstacle.objects.filter(status=ObstacleStatus.PUBLISHED).values_list("pk", flat=True)
    )
    mitigations = Mitigation.objects.bulk_create(
        [
            Mitigation(
                title=f"Så löste vi det ({n})",
                description="<p>Ett personuppgiftsbiträdesavtal enligt regionens mall.</p>",
                region=rng.choice(places),
                language="sv",
                status=MitigationStatus.PUBLISHED,
                author=author,
                published_at=now - dt.timedelta(days=rng.randint(0, 700)),
            )
            for n in range(MITIGATIONS)
        ],
        batch_size=BATCH,
    )
    Through = Mitigation.obstacles.through
    Through.objects.bulk_create(
        [
            Through(mitigation_id=m.pk, obstacle_id=o)
            for m in mitigations
            for o in rng.sample(published, k=3)
        ],
        batch_size=BATCH,
    )
    topics = list(KnowledgeTopic.values)
    articles = KnowledgeArticle.objects.bulk_create(
        [
            KnowledgeArticle(
                title=f"Molntjänster och sekretess, del {n}",
                summary="Vad regionen behöver pröva innan en molntjänst används.",
                body="<p>Sekretessprövningen görs per uppgift.</p>" * 20,
                topic=rng.choice(topics),
                language="sv",
                status=ArticleStatus.PUBLISHED,
                author=author,
                published_at=now - dt.timedelta(days=rng.randint(0, 700)),
                last_reviewed=(now - dt.timedelta(days=rng.randint(0, 300))).date(),
            )
            for n in range(ARTICLES)
        ],
        batch_size=BATCH,
    )
    ArticleLinks = KnowledgeArticle.obstacles.through
    ArticleLinks.objects.bulk_create(
        [
            ArticleLinks(knowledgearticle_id=a.pk, obstacle_id=o)
            for a in articles
            for o in rng.sample(published, k=10)
        ],
        batch_size=BATCH,
    )


def _bench_people(*, admin: Any, rng: random.Random) -> None:
    """The coordinator of Uppsala, an obstacle reviewer, and a member of the company with the
    most partnerships, registered for 20 events (past and upcoming)."""
    from django.db.models import Count
    from django.utils import timezone

    from dissemination.models import Event, Registration
    from dissemination.workflow import EventStatus, RegistrationStatus
    from partnerships.models import PartnershipParty
    from portal.accounts.models import Membership, Organisation, User
    from portal.accounts.roles import Role
    from portal.accounts.services import role_grant
    from regions.models import Region, RegionRole
    from regions.services import region_assign_role

    coordinator = _with_totp(
        User.objects.create_user(
            email=BENCH_USERS["coordinator"], password=PASSWORD, name="Bench Koordinator"
        )
    )
    region_assign_role(
        actor=admin,
        region=Region.objects.get(slug=COORDINATED_REGION),
        user=coordinator,
        role=RegionRole.COORDINATOR,
    )
    reviewer = _with_totp(
        User.objects.create_user(
            email=BENCH_USERS["reviewer"], password=PASSWORD, name="Bench Granskare"
        )
    )
    role_grant(user=reviewer, role=Role.OBSTACLE_REVIEWER)

    member = User.objects.create_user(
        email=BENCH_USERS["member"], password=PASSWORD, name="Bench Medlem"
    )
    busiest = (
        Organisation.objects.filter(
            pk__in=PartnershipParty.objects.filter(organisation__isnull=False).values(
                "organisation"
            )
        )
        .annotate(n=Count("partnership_parties"))
        .order_by("-n", "pk")
        .first()
    )
    assert busiest is not None
    Membership.objects.create(user=member, organisation=busiest)
    role_grant(user=member, role=Role.COMPANY_MEMBER)
    now = timezone.now()
    events = list(
        Event.objects.filter(status=EventStatus.PUBLISHED)
        .exclude(registrations__user=member)
        .order_by("starts_at")
        .values_list("pk", "starts_at")
    )
    picked = rng.sample(events, k=20)
    Registration.objects.bulk_create(
        [
            Registration(
                event_id=pk,
                user=member,
                name=member.name,
                organisation=busiest.name,
                consent_to_list=True,
                status=RegistrationStatus.CONFIRMED,
                confirmed_at=now,
                attended=True if starts < now else None,
            )
            for pk, starts in picked
        ]
    )
