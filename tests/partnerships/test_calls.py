"""Calls: created by the lead region's coordinators, times typed in Swedish time, public lists."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Call
from tests.utils import count_queries

from .test_proposals_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _form(region: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Digital follow-up",
        "description": "We look for remote follow-up.",
        "lead_region": region.pk,
        "opens_at": "2026-11-25T09:00",
        "closes_at": "2026-12-01T17:00",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-title": "Benefit for patients",
        "criteria-0-weight": "3",
        "criteria-1-title": "",
        "criteria-1-weight": "1",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_call_in_swedish_time(
    coordinator: Any, region: Any, client: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("partnerships:call_create"), _form(region))
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.closes_at == dt.datetime(2026, 12, 1, 17, 0, tzinfo=STOCKHOLM)
    assert list(call.criteria.values_list("title", "weight")) == [("Benefit for patients", 3)]
    assert list(call.regions.all()) == [region]
    assert not call.published


def test_closing_before_opening_is_refused_beside_the_field(
    coordinator: Any, region: Any, client: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:call_create"), _form(region, closes_at="2026-11-01T17:00")
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="id_closes_at_error"' in body
    assert "Digital follow-up" in body
    assert not Call.objects.exists()


def test_another_regions_coordinator_cannot_lead_or_edit(
    coordinator: Any, other_coordinator: Any, region: Any, make_call: Any, client: Any
) -> None:
    client.force_login(other_coordinator)
    response = client.post(reverse("partnerships:call_create"), _form(region))
    assert response.status_code == 200  # the region is not among the choices
    assert not Call.objects.exists()
    call = make_call()
    assert client.get(reverse("partnerships:call_edit", args=[call.pk])).status_code == 404


def test_company_member_cannot_create_calls(member: Any, client: Any) -> None:
    client.force_login(member)
    assert client.get(reverse("partnerships:call_create")).status_code == 404


def test_public_list_puts_open_calls_first_and_hides_unpublished(
    make_call: Any, client: Any
) -> None:
    now = timezone.now()
    make_call(
        title="Closed one",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now - dt.timedelta(days=1),
    )
    make_call(title="Open one")
    make_call(title="Hidden one", published=False)
    body = client.get(reverse("partnerships:call_list")).content.decode()
    assert body.index("Open one") < body.index("Closed one")
    assert "Hidden one" not in body


def test_call_detail_is_public_and_says_when_closed(make_call: Any, client: Any) -> None:
    now = timezone.now()
    call = make_call(opens_at=now - dt.timedelta(days=10), closes_at=now - dt.timedelta(days=1))
    response = client.get(call.get_absolute_url())
    assert response.status_code == 200
    assert "Proposals can no longer be submitted" in response.content.decode()
    hidden = make_call(published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_open_call_offers_company_members_to_answer(
    make_call: Any, member: Any, client: Any
) -> None:
    call = make_call()
    client.force_login(member)
    body = client.get(call.get_absolute_url()).content.decode()
    assert f"{reverse('partnerships:proposal_new')}?call={call.pk}" in body


def test_call_list_query_count_does_not_grow(make_call: Any, client: Any) -> None:
    for _ in range(2):
        make_call()
    few = count_queries(client, reverse("partnerships:call_list"))
    for _ in range(6):
        make_call()
    assert count_queries(client, reverse("partnerships:call_list")) == few


def test_concurrent_call_edit_is_a_409(
    make_call: Any, coordinator: Any, region: Any, client: Any
) -> None:
    call = make_call()
    client.force_login(coordinator)
    url = reverse("partnerships:call_edit", args=[call.pk])
    Call.objects.filter(pk=call.pk).update(version=call.version + 1, title="Renamed elsewhere")
    response = client.post(url, _form(region, version=call.version, title="My title"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "My title" in body and "Renamed elsewhere" in body


def test_coordinator_pages_render_and_publishing_toggles(
    make_call: Any, coordinator: Any, member: Any, client: Any
) -> None:
    call = make_call(published=False, criteria=[{"title": "Benefit", "weight": 2}])
    client.force_login(coordinator)
    edit = client.get(reverse("partnerships:call_edit", args=[call.pk]))
    assert edit.status_code == 200 and 'type="datetime-local"' in edit.content.decode()
    assert "Benefit" in edit.content.decode()
    assert client.get(call.get_absolute_url()).status_code == 200
    response = client.post(reverse("partnerships:call_publish", args=[call.pk]), {"published": "1"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.published
    client.force_login(member)
    assert client.get(reverse("partnerships:proposal_list")).status_code == 200
    assert (
        client.post(reverse("partnerships:call_publish", args=[call.pk]), {"published": "0"})
    ).status_code == 404
