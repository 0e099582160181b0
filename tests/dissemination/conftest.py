"""Fixtures the dissemination tests share (people come from tests.factories_process)."""

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
