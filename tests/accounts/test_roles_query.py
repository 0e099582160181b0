"""Every signed-in request reads the person's roles, their second factor and the regions they
coordinate or sponsor for in one query (a UNION), kept on the user object for the request."""

from typing import Any

import pytest
from allauth.mfa.models import Authenticator

from partnerships.permissions.base import coordinated_region_ids, sponsored_region_ids
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.selectors import user_has_totp, user_role_names
from regions.models import RegionRole
from regions.services import region_assign_role
from tests.factories import UserFactory
from tests.factories_regions import RegionFactory

pytestmark = pytest.mark.django_db


def _admin() -> Any:
    return UserFactory(is_superuser=True, is_staff=True)


def test_roles_totp_and_region_permissions_come_in_one_query(
    django_assert_num_queries: Any,
) -> None:
    admin = _admin()
    person = UserFactory()
    uppsala, skane, norrbotten = RegionFactory(), RegionFactory(), RegionFactory()
    region_assign_role(actor=admin, region=uppsala, user=person, role=RegionRole.COORDINATOR)
    region_assign_role(actor=admin, region=skane, user=person, role=RegionRole.COORDINATOR)
    region_assign_role(actor=admin, region=norrbotten, user=person, role=RegionRole.SPONSOR)
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={})

    fresh = User.objects.get(pk=person.pk)
    with django_assert_num_queries(1):
        names = user_role_names(fresh)
        coordinated = coordinated_region_ids(fresh)
        sponsored = sponsored_region_ids(fresh)
        has_totp = user_has_totp(fresh)
    assert names == {Role.REGION_COORDINATOR.value, Role.MANAGEMENT_SPONSOR.value}
    assert coordinated == {uppsala.pk, skane.pk}
    assert sponsored == {norrbotten.pk}
    assert has_totp is True


def test_a_person_without_roles_reads_empty_sets_in_the_same_query(
    django_assert_num_queries: Any,
) -> None:
    fresh = User.objects.get(pk=UserFactory().pk)
    with django_assert_num_queries(1):
        assert user_role_names(fresh) == set()
        assert coordinated_region_ids(fresh) == frozenset()
        assert sponsored_region_ids(fresh) == frozenset()
        assert user_has_totp(fresh) is False


def test_a_role_given_in_the_request_is_read_again() -> None:
    """What was kept on the user object is forgotten when a service gives them a role."""
    admin = _admin()
    person = UserFactory()
    region = RegionFactory()
    assert coordinated_region_ids(person) == frozenset()  # read and kept on the object
    assert user_role_names(person) == set()
    region_assign_role(actor=admin, region=region, user=person, role=RegionRole.COORDINATOR)
    assert coordinated_region_ids(person) == {region.pk}
    assert Role.REGION_COORDINATOR.value in user_role_names(person)
