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


def test_two_coordinators_copying_the_default_at_once_get_one_copy(reference_data: Any) -> None:
    """Both press "Give the region its own process": one copy, the other a worded refusal."""
    from partnerships.models import ProcessTemplate
    from partnerships.services.process import template_copy_for_region
    from regions.models import Region

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    first = make_region_person("uppsala", email="one@uppsala.example.se")
    second = make_region_person("uppsala", email="two@uppsala.example.se")
    region = Region.objects.get(slug="uppsala")
    default = ProcessTemplate.objects.get(region__isnull=True, is_current=True, family="co-sharing")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def press(actor: Any) -> None:
        try:
            barrier.wait()
            template_copy_for_region(actor=actor, template=default, region=region)
            outcomes.append("copied")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(a,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [
        "The region already has its own process template.",
        "copied",
    ]
    assert ProcessTemplate.objects.filter(region=region).count() == 1


def test_a_template_edit_waits_for_a_partnership_starting_on_it(reference_data: Any) -> None:
    """The editor locks the template row before choosing "in place or new revision": a
    partnership being started with the row locked is waited for and seen, so the edit makes a
    new revision instead of changing the steps under the new partnership."""
    import time

    from django.db import transaction

    from partnerships.models import Partnership, ProcessTemplate
    from partnerships.services.process import template_step_update
    from tests.factories_process import make_admin

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    admin = make_admin()
    coordinator = make_region_person("uppsala", email="one@uppsala.example.se")
    default = ProcessTemplate.objects.get(family="co-sharing", is_current=True)
    step = default.steps.order_by("order").first()
    locked = threading.Event()
    outcomes: list[str] = []

    def start() -> None:
        try:
            with transaction.atomic():
                # What partnership creation does first (services.partnerships.create._start).
                ProcessTemplate.objects.select_for_update().get(pk=default.pk)
                locked.set()
                time.sleep(0.5)  # the editor is now waiting for the lock
                make_partnership(coordinator=coordinator)
            outcomes.append("started")
        except Exception as exc:
            locked.set()
            outcomes.append(repr(exc))
        finally:
            connection.close()

    def edit() -> None:
        try:
            locked.wait(5)
            changed = template_step_update(actor=admin, step=step, data={"name_en": "Changed"})
            outcomes.append(f"edited revision {changed.template.revision}")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=start), threading.Thread(target=edit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["edited revision 2", "started"]
    partnership = Partnership.objects.get()
    assert partnership.template_id == default.pk
    assert partnership.current_step.name_en != "Changed"
