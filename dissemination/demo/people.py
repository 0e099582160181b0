"""Who the dissemination demo acts as: the demo cast of the obstacle demo (the logins
`seed_demo` creates), the organiser of each region, and what people write as their organisation
when they register."""

from obstacles.demo.cast import HOME_REGION, DemoCast, demo_cast
from partnerships.models import Partnership
from portal.accounts.models import Membership, User
from regions.models import Region

__all__ = ["DemoCast", "demo_cast", "organisation_of", "organiser_of", "partnership_region"]

# Region slug -> the cast key of its coordinator (None: national, the portal admin organises).
ORGANISERS = {
    "ostergotland": "ost",
    "vasterbotten": "vb",
    "uppsala": "upp",
    "vastra-gotaland": "vgr",
    None: "admin",
}


def organiser_of(cast: DemoCast, region_slug: str | None) -> User:
    return cast[ORGANISERS[region_slug]]


def partnership_region(cast: DemoCast, partnership: Partnership) -> str:
    """The slug of a demo partnership's region (one of the four programme regions)."""
    return next(slug for slug, r in cast.regions.items() if r.pk == partnership.region_id)


def organisation_of(cast: DemoCast, key: str) -> str:
    """What a person writes as their organisation: their first organisation's name, or the
    region they work for (coordinators and sponsors), or nothing."""
    membership = (
        Membership.objects.filter(user=cast[key]).select_related("organisation").order_by("pk")
    ).first()
    if membership is not None:
        return membership.organisation.name
    region: Region | None = cast.region(HOME_REGION.get(key))
    return region.name if region is not None else ""
