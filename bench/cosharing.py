"""Time the Co-sharing pages at realistic volume and print the figures.

Seeds a throwaway test database (created and destroyed here) with proposals and partnerships
spread across all 21 regions (default: 10,000 proposals and 2,000 partnerships, each partnership
with checklist ticks, timeline events, messages and documents), then requests the intake queue,
the pipeline, the coordinator dashboard, a partnership page and its agreement as a coordinator of
the busiest region, and prints median / p95 server time, queries per request and peak memory.
It then doubles the rows of the measured region and checks that no page's query count grew.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/cosharing.py --proposals 10000 --partnerships 2000
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proposals", type=int, default=10000)
    parser.add_argument("--partnerships", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _seed(*, proposals: int, partnerships: int, regions: list, rng: random.Random) -> None:
    """Bulk-insert rows the way the services would leave them (spread over `regions`)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from partnerships.models import (
        ChecklistCheck,
        ChecklistItem,
        CollaborationKind,
        EventKind,
        Partnership,
        PartnershipEvent,
        PartnershipMessage,
        PartnershipParty,
        PartyKind,
        ProcessStep,
        ProcessTemplate,
        Proposal,
    )
    from partnerships.workflow import PartnershipStatus, ProposalStatus
    from portal.accounts.models import Membership, Organisation, User
    from portal.accounts.orgnr import luhn_check_digit

    now = timezone.now()
    base = Organisation.objects.count()
    companies = Organisation.objects.bulk_create(
        [
            Organisation(
                kind="company",
                name=f"Medtech {base + n:05d} AB",
                org_number=(lambda nine: f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}")(
                    f"55{base + n:07d}"
                ),
            )
            for n in range(max(50, proposals // 20))
        ]
    )
    password = make_password("bench-password-1")
    first_user = User.objects.count()
    authors = User.objects.bulk_create(
        [
            User(
                email=f"author{first_user + n}@bench.example",
                name=f"Författare {n}",
                password=password,
            )
            for n in range(len(companies))
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=o) for u, o in zip(authors, companies, strict=True)]
    )
    statuses = [s for s in ProposalStatus.values if s != ProposalStatus.DRAFT]
    kinds = list(CollaborationKind.values)
    rows = []
    for n in range(proposals):
        i = rng.randrange(len(companies))
        status = ProposalStatus.DRAFT if n % 10 == 0 else rng.choice(statuses)
        rows.append(
            Proposal(
                organisation=companies[i],
                region=regions[n % len(regions)],
                created_by=authors[i],
                status=status,
                title=f"Förslag {n}: digital uppföljning i hemmet",
                summary="Patienter mäter själva hemma och vården följer upp. " * 3,
                care_need="Färre återbesök.",
                solution="App och mottagningsvy.",
                trl=rng.randint(1, 9),
                collaboration_kind=rng.choice(kinds),
                contact_name="Kim Berg",
                contact_email="kim@bench.example",
                submitted_at=None
                if status == ProposalStatus.DRAFT
                else now - dt.timedelta(days=rng.randint(0, 700)),
            )
        )
    Proposal.objects.bulk_create(rows, batch_size=2000)

    template = ProcessTemplate.objects.get(family="co-sharing", is_current=True)
    steps = list(ProcessStep.objects.filter(template=template).order_by("order"))
    items = list(ChecklistItem.objects.filter(step__template=template))
    created = Partnership.objects.bulk_create(
        [
            Partnership(
                title=f"Partnerskap {n}: egenmonitorering",
                region=regions[n % len(regions)],
                collaboration_kind=rng.choice(kinds),
                template=template,
                current_step=steps[n % len(steps)],
                status=PartnershipStatus.PAUSED if n % 17 == 0 else PartnershipStatus.ACTIVE,
                last_activity_at=now - dt.timedelta(days=rng.randint(0, 90)),
            )
            for n in range(partnerships)
        ],
        batch_size=2000,
    )
    parties = []
    for n, p in enumerate(created):
        parties.append(PartnershipParty(partnership=p, kind=PartyKind.REGION, region=p.region))
        parties.append(
            PartnershipParty(
                partnership=p, kind=PartyKind.COMPANY, organisation=companies[n % len(companies)]
            )
        )
    PartnershipParty.objects.bulk_create(parties, batch_size=5000)
    ChecklistCheck.objects.bulk_create(
        [
            ChecklistCheck(partnership=p, item=item, checked_by=authors[0])
            for p in created
            for item in rng.sample(items, k=min(6, len(items)))
        ],
        batch_size=5000,
    )
    PartnershipEvent.objects.bulk_create(
        [
            PartnershipEvent(partnership=p, actor=authors[0], kind=EventKind.CHECKLIST, text="x")
            for p in created
            for _ in range(10)
        ],
        batch_size=5000,
    )
    PartnershipMessage.objects.bulk_create(
        [
            PartnershipMessage(partnership=p, author=authors[0], body="Hej! Vi bokar ett möte.")
            for p in created
            for _ in range(5)
        ],
        batch_size=5000,
    )


def _run(args: argparse.Namespace) -> None:
    from allauth.mfa.models import Authenticator
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from guardian.shortcuts import assign_perm

    from partnerships.models import Partnership, PartnershipParty
    from portal.accounts.models import Membership, User
    from regions.models import Region

    rng = random.Random(2026)
    regions = list(Region.objects.order_by("code"))
    started = time.perf_counter()
    _seed(proposals=args.proposals, partnerships=args.partnerships, regions=regions, rng=rng)
    print(
        f"seeded {args.proposals} proposals and {args.partnerships} partnerships across "
        f"{len(regions)} regions in {time.perf_counter() - started:.1f} s"
    )

    region = Region.objects.get(slug="uppsala")
    coordinator = User.objects.create_user(email="coordinator@bench.example", password="x" * 12)
    assign_perm("regions.coordinate_region", coordinator, region)
    from django.contrib.auth.models import Group

    coordinator.groups.add(Group.objects.get(name="region_coordinator"))
    Authenticator.objects.create(
        user=coordinator, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client = Client()
    client.force_login(coordinator)
    partnership = Partnership.objects.filter(region=region).order_by("pk").first()
    assert partnership is not None
    company_party = PartnershipParty.objects.filter(
        partnership=partnership, organisation__isnull=False
    ).first()
    assert company_party is not None
    member = Membership.objects.filter(organisation=company_party.organisation).first()
    assert member is not None
    company = Client()
    company.force_login(member.user)

    pages = [
        ("coordinator dashboard", client, "/partnerships/"),
        ("intake queue p1", client, "/partnerships/intake/"),
        ("intake queue filtered", client, "/partnerships/intake/?status=submitted&trl_min=4"),
        ("intake queue p10", client, "/partnerships/intake/?page=10"),
        ("pipeline", client, f"/partnerships/regions/{region.slug}/pipeline/"),
        ("pipeline CSV", client, f"/partnerships/regions/{region.slug}/pipeline.csv"),
        ("partnership page", client, f"/partnerships/{partnership.pk}/"),
        ("agreement page", client, f"/partnerships/{partnership.pk}/agreement/"),
        ("company dashboard", company, "/partnerships/"),
    ]

    def measure(label: str) -> dict[str, int]:
        counts = {}
        print(f"\n{label}: {args.repeat} requests per page after one warm-up")
        print(f"{'page':28} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>9}")
        for name, who, url in pages:
            who.get(url)
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    response = who.get(url)
                    body = b"".join(response) if response.streaming else response.content
                    times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            counts[name] = len(ctx.captured_queries)
            print(
                f"{name:28} {statistics.median(times):10.1f} {p95:8.1f} "
                f"{len(ctx.captured_queries):8d} {len(body):9d}"
            )
        return counts

    before = measure(f"database: {connection.vendor}")
    # Double the measured region's rows: query counts must not move.
    _seed(
        proposals=args.proposals // 21 + 1,
        partnerships=args.partnerships // 21 + 1,
        regions=[region],
        rng=rng,
    )
    after = measure("after doubling Region Uppsala's proposals and partnerships")
    grew = {k: (before[k], after[k]) for k in before if after[k] != before[k]}
    print("\nquery counts constant as rows grow:", "yes" if not grew else f"NO {grew}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak_mb:.0f} MB")
    if grew:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
