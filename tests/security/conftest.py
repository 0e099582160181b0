"""The security suite runs against the demo data (`seed_demo`): every kind of object, in every
state, owned by organisations and regions with people in every role.

The demo is seeded once for the whole package inside an outer transaction that is rolled back at
the end, so the rest of the suite still starts from an empty database; each test runs in its own
savepoint as usual (use the `db` fixture, not `transactional_db`).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from portal.accounts.models import User


@pytest.fixture(scope="package")
def demo_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, User]]:
    """Seed the demo once; yield the demo users by the part of their email before the @."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", verbosity=0)
            users = {user.email.split("@")[0]: user for user in User.objects.all()}
            yield users
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
