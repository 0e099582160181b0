"""Fixtures the obstacle tests share: the people both scene modules (`test_entry_scene`,
`test_knowledge_scene`) build their entries, solutions and articles with."""

from typing import Any

import pytest

from tests.factories import OrganisationFactory, UserFactory
from tests.factories_obstacles import make_reviewer
from tests.factories_process import make_admin


@pytest.fixture
def company(db: Any) -> Any:
    return OrganisationFactory(name="CareSense AB")


@pytest.fixture
def reviewer(db: Any) -> Any:
    return make_reviewer(email="rut@granskning.example.se", name="Rut Granskare")


@pytest.fixture
def portal_admin(db: Any) -> Any:
    return make_admin()


@pytest.fixture
def stranger(db: Any) -> Any:
    return UserFactory(email="someone@example.se", name="Sam Someone")
