"""factory-boy factories for the regions app.

The 21 real regions are loaded by a data migration, so most tests fetch one of those
(`Region.objects.get(slug="uppsala")`). Units and assignments are best made through the services
(`unit_create`, `region_assign_role`), which also grant rights and write audit rows; these factories
are for the cases where a raw row is what the test needs.
"""

import factory

from regions.models import InnovationUnit, Region, RegionAssignment, RegionRole, UnitKind
from tests.factories import UserFactory


class RegionFactory(factory.django.DjangoModelFactory):
    """A region beyond the 21 real ones (codes 30-99), or a real one when its code is given."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{30 + n % 70:02d}")
    name_sv = factory.LazyAttribute(lambda o: f"Testregion {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Test Region {o.code}")
    slug = factory.LazyAttribute(lambda o: f"test-region-{o.code}")
    participating = False


class InnovationUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InnovationUnit

    region = factory.SubFactory(RegionFactory)
    kind = UnitKind.INNOVATION_OFFICE
    name = factory.Sequence(lambda n: f"Innovation unit {n}")
    description = "Helps companies find the right partner in health care."
    offers = "Advice, test environments and contacts in the care units."
    contact_name = "Kim Andersson"
    contact_email = factory.Sequence(lambda n: f"unit{n}@region.example.se")
    website = "https://region.example.se/innovation"


class RegionAssignmentFactory(factory.django.DjangoModelFactory):
    """A raw assignment row: grants no group or permission (`region_assign_role` does)."""

    class Meta:
        model = RegionAssignment

    region = factory.SubFactory(RegionFactory)
    user = factory.SubFactory(UserFactory)
    role = RegionRole.COORDINATOR
    title = "Innovation coordinator"
