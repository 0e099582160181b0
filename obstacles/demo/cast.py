"""The demo people and regions the obstacle demo writes as: those `seed_demo` created."""

from dataclasses import dataclass

from portal.accounts.models import User
from regions.models import Region

# Cast keys (see `specs`) -> demo login.
EMAILS = {
    "admin": "admin@demo.example",
    "reviewer": "reviewer@demo.example",
    "ost": "coordinator.ostergotland@demo.example",
    "vb": "coordinator.vasterbotten@demo.example",
    "upp": "coordinator.uppsala@demo.example",
    "vgr": "coordinator.vgr@demo.example",
    "s-ost": "sponsor.ostergotland@demo.example",
    "s-vb": "sponsor.vasterbotten@demo.example",
    "s-upp": "sponsor.uppsala@demo.example",
    "s-vgr": "sponsor.vgr@demo.example",
    "nordic": "company@demo.example",
    "caresense": "caresense@demo.example",
    "halsanorr": "halsanorr@demo.example",
    "uu": "academic@demo.example",
}
# The region a coordinator or sponsor belongs to: the short note of where they met an obstacle.
HOME_REGION = {
    "ost": "ostergotland",
    "vb": "vasterbotten",
    "upp": "uppsala",
    "vgr": "vastra-gotaland",
    "s-ost": "ostergotland",
    "s-vb": "vasterbotten",
    "s-upp": "uppsala",
    "s-vgr": "vastra-gotaland",
}
PROGRAMME_REGIONS = ("ostergotland", "vasterbotten", "uppsala", "vastra-gotaland")


@dataclass
class DemoCast:
    people: dict[str, User]
    regions: dict[str, Region]

    def __getitem__(self, key: str) -> User:
        return self.people[key]

    def region(self, slug: str | None) -> Region | None:
        return self.regions[slug] if slug else None


def demo_cast() -> DemoCast:
    """The demo users and the four programme regions (seed_demo must have created them)."""
    users = {u.email: u for u in User.objects.filter(email__in=EMAILS.values())}
    missing = sorted(set(EMAILS.values()) - set(users))
    if missing:
        raise RuntimeError(f"Run seed_demo's people first; missing: {', '.join(missing)}")
    return DemoCast(
        people={key: users[email] for key, email in EMAILS.items()},
        regions={r.slug: r for r in Region.objects.filter(slug__in=PROGRAMME_REGIONS)},
    )
