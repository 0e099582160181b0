"""Fixtures the dissemination tests share (people come from tests.factories_process)."""

from typing import Any

import pytest

from tests.factories import UserFactory
from tests.factories_process import (  # noqa: F401 - fixtures
    company,
    company_member,
    coordinator,
    other_company_member,
    other_coordinator,
    other_region,
    partnership,
    portal_admin,
    region,
    sponsor,
)


@pytest.fixture
def visitors(
    coordinator: Any,  # noqa: F811 - the fixtures above
    other_coordinator: Any,  # noqa: F811
    portal_admin: Any,  # noqa: F811
) -> dict[str, Any]:
    """Who opens the public pages of an Uppsala event or publication (None: anonymous)."""
    return {
        "anonymous": None,
        "signed_in": UserFactory(),
        "organiser": coordinator,
        "other_coordinator": other_coordinator,
        "portal_admin": portal_admin,
    }
