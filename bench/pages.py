"""Time the foundation's pages at realistic volume and print the figures.

Seeds a throwaway test database (created and destroyed here, never your own data) with all 21
regions, many innovation units and thousands of organisations with members, then requests each
page repeatedly through Django's test client and prints median / p95 latency, queries per request
and peak memory. Run against PostgreSQL for meaningful numbers:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/pages.py --organisations 5000 --units-per-region 25
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--members-per-org", type=int, default=3)
    parser.add_argument("--units-per-region", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(args, CaptureQueriesContext)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _seed(args: argparse.Namespace) -> tuple[object, object]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.hashers import make_password

    from portal.accounts.models import Membership, Organisation, User
    from portal.accounts.orgnr import luhn_check_digit
    from regions.models import InnovationUnit, Region, UnitKind

    started = time.perf_counter()
    password = make_password("bench-password-1")
    kinds = list(UnitKind.values)
    units = [
        InnovationUnit(
            region=region,
            kind=kinds[i % len(kinds)],
            name=f"Enhet {i} {region.code}",
            offers="Testmiljö och kliniska experter. " * 5,
            contact_email=f"unit{i}@region{region.code}.example",
        )
        for region in Region.objects.all()
        for i in range(args.units_per_region)
    ]
    InnovationUnit.objects.bulk_create(units, batch_size=2000)
    orgs = []
    for n in range(args.organisations):
        nine = f"55{n:07d}"
        orgs.append(
            Organisation(
                kind="company",
                name=f"Medtech {n:05d} AB",
                org_number=f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}",
                description="Digital hälsa och medicinteknik. " * 4,
            )
        )
    Organisation.objects.bulk_create(orgs, batch_size=2000)
    users = [
        User(email=f"user{n}@bench.example", name=f"Användare {n}", password=password)
        for n in range(args.organisations * args.members_per_org)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    users = list(User.objects.order_by("pk"))
    orgs = list(Organisation.objects.order_by("pk"))
    Membership.objects.bulk_create(
        [
            Membership(user=users[i], organisation=orgs[i // args.members_per_org])
            for i in range(len(users))
        ],
        batch_size=5000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=5000,
    )
    viewer = users[0]
    Authenticator.objects.create(user=viewer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    print(
        f"seeded {len(orgs)} organisations, {len(users)} users, {len(units)} units "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return viewer, orgs[len(orgs) // 2]


def _run(args: argparse.Namespace, capture: type) -> None:
    from django.db import connection
    from django.test import Client

    viewer, some_org = _seed(args)
    public = Client()
    signed_in = Client()
    signed_in.force_login(viewer)  # type: ignore[arg-type]
    pages = [
        ("home", public, "/"),
        ("region list", public, "/regions/"),
        ("region detail (25 units)", public, "/regions/ostergotland/"),
        ("my page", signed_in, "/me/"),
        ("organisation list p1", signed_in, "/me/organisations/"),
        ("organisation list p100", signed_in, "/me/organisations/?page=100"),
        ("organisation search", signed_in, "/me/organisations/?q=Medtech+024"),
        ("organisation detail", signed_in, f"/me/organisations/{some_org.pk}/"),  # type: ignore[attr-defined]
        ("readyz", public, "/readyz"),
    ]
    print(f"database: {connection.vendor}; {args.repeat} requests per page after one warm-up")
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>8}")
    for name, client, url in pages:
        client.get(url)
        times = []
        for _ in range(args.repeat):
            with capture(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{name:32} {statistics.median(times):10.1f} {p95:8.1f} "
            f"{len(ctx.captured_queries):8d} {len(response.content):8d}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
