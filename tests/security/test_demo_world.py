import pytest

from portal.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_world_is_there(demo_world) -> None:  # type: ignore[no-untyped-def]
    assert "coordinator.ostergotland" in demo_world
    assert User.objects.filter(email="company@demo.example").exists()


def test_a_change_in_one_test_is_gone_in_the_next_part_1(demo_world) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(email="company@demo.example").update(name="Changed in a test")


def test_a_change_in_one_test_is_gone_in_the_next_part_2(demo_world) -> None:  # type: ignore[no-untyped-def]
    assert User.objects.get(email="company@demo.example").name != "Changed in a test"
