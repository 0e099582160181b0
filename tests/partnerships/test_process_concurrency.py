"""Two coordinators press advance at the same moment: PostgreSQL's row lock moves it once."""

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from partnerships.models import PartnershipEvent
from partnerships.services.partnerships import partnership_advance
from tests.factories_process import complete_step, make_partnership, make_region_person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_advance_moves_once(reference_data: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from django.core.management import call_command

    # A transactional test starts from empty tables: load the default template again.
    from partnerships.models import ProcessTemplate

    if not ProcessTemplate.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("partnerships.migrations.0002_default_process_template").load(
            apps, None
        )
    del call_command
    first = make_region_person("uppsala", email="one@uppsala.example.se")
    second = make_region_person("uppsala", email="two@uppsala.example.se")
    partnership = make_partnership(coordinator=first)
    complete_step(partnership, actor=first)
    seen = partnership.current_step_id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def press(actor: Any) -> None:
        try:
            barrier.wait()
            partnership_advance(actor=actor, partnership=partnership, expected_step_id=seen)
            outcomes.append("moved")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(a,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["moved", "refused"]
    partnership.refresh_from_db()
    assert partnership.current_step.key == "needs"
    assert PartnershipEvent.objects.filter(partnership=partnership, kind="advanced").count() == 1
