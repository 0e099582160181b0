"""The demo cast: the regions, organisations and people that seed_demo created.

Also the names every scene uses (region codes, organisation numbers, call titles) and the
lookup from a partnership to its region's code and coordinator.
"""

import uuid
from dataclasses import dataclass

from portal.accounts.models import Membership, Organisation, User
from regions.models import Region

from ..models import Partnership

# Drafts are created with a client token derived from the title: a re-run finds the same row.
DEMO_NAMESPACE = uuid.UUID("5b0f3c1e-2d9a-4c1b-9a57-6f0c1d2e3a4b")

# Region codes of the four programme regions.
OSTERGOTLAND, VASTERBOTTEN, UPPSALA, VGR = "05", "24", "03", "14"

NORDIC_MEDTECH = "556677-8899"
CARESENSE = "559123-4561"
HALSA_NORR = "556900-1125"
UPPSALA_UNIVERSITY = "202100-2932"

# Calls.
RACE = "Innovationstävling: trygg hemgång efter operation"
SELF_MONITORING_CALL = "Egenmonitorering i hemmet vid kronisk sjukdom"
REMOTE_CARE_CALL = "Vård på distans i glesbygd"


@dataclass
class Cast:
    """The demo people, organisations and regions that seed_demo created."""

    admin: User
    reviewer: User
    academic: User
    regions: dict[str, Region]
    coordinators: dict[str, User]
    sponsors: dict[str, User]
    organisations: dict[str, Organisation]
    # The first demo member of each organisation: the one who writes and accepts for it.
    people: dict[str, User]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _cast() -> Cast:
    regions = {
        code: Region.objects.get(code=code) for code in (OSTERGOTLAND, VASTERBOTTEN, UPPSALA, VGR)
    }
    slugs = {
        OSTERGOTLAND: "ostergotland",
        VASTERBOTTEN: "vasterbotten",
        UPPSALA: "uppsala",
        VGR: "vgr",
    }
    organisations = {
        number: Organisation.objects.get(org_number=number)
        for number in (NORDIC_MEDTECH, CARESENSE, HALSA_NORR, UPPSALA_UNIVERSITY)
    }
    people = {}
    for number, organisation in organisations.items():
        membership = (
            Membership.objects.filter(
                organisation=organisation, user__email__endswith="@demo.example"
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            people[number] = membership.user
    return Cast(
        admin=_user("admin@demo.example"),
        reviewer=_user("reviewer@demo.example"),
        academic=_user("academic@demo.example"),
        regions=regions,
        coordinators={
            code: _user(f"coordinator.{slug}@demo.example") for code, slug in slugs.items()
        },
        sponsors={code: _user(f"sponsor.{slug}@demo.example") for code, slug in slugs.items()},
        organisations=organisations,
        people=people,
    )


def _code(cast: Cast, partnership: Partnership) -> str:
    return next(code for code, r in cast.regions.items() if r.pk == partnership.region_id)


def _coordinator(cast: Cast, partnership: Partnership) -> User:
    return cast.coordinators[_code(cast, partnership)]
