import pytest
from django.core.management import call_command

from portal.accounts.models import Membership, Organisation, User
from portal.accounts.roles import Role
from portal.accounts.selectors import user_has_role
from regions.models import InnovationUnit, Region, RegionAssignment

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        InnovationUnit.objects.count(),
        RegionAssignment.objects.count(),
    )


def test_seed_demo_is_idempotent_and_gives_every_role(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert Region.objects.filter(participating=True).count() == 4
    assert InnovationUnit.objects.filter(region__code="05").count() >= 2
    # Every organisation has an admin of its own, never the portal admin who seeded it.
    for org in Organisation.objects.all():
        assert org.memberships.filter(role="admin").exclude(user__email="admin@demo.example")
    coordinator = User.objects.get(email="coordinator.ostergotland@demo.example")
    assert coordinator.has_perm("regions.coordinate_region", Region.objects.get(code="05"))
    assert not coordinator.has_perm("regions.coordinate_region", Region.objects.get(code="24"))
    assert user_has_role(User.objects.get(email="admin@demo.example"), Role.PORTAL_ADMIN)
    assert user_has_role(User.objects.get(email="reviewer@demo.example"), Role.OBSTACLE_REVIEWER)
    assert user_has_role(User.objects.get(email="company@demo.example"), Role.COMPANY_MEMBER)
    assert "demo-portal-2026" in capsys.readouterr().out
