"""Calls: a double click makes one call, the public list is paged, and a coordinator puts only
regions they coordinate behind a call."""

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Call
from partnerships.services import calls as call_services
from regions.models import Region
from tests.utils import count_queries

from .test_calls import _form
from .test_proposals_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


def _values(now: Any = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "title": "Digital follow-up",
        "description": "Remote follow-up.",
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=10),
    }


# --- 6. Double click on "create call" ---------------------------------------------------------


def test_create_form_carries_a_client_token(coordinator: Any, client: Any) -> None:
    client.force_login(coordinator)
    body = client.get(reverse("partnerships:call_create")).content.decode()
    assert re.search(r'type="hidden" name="client_token" value="[0-9a-f-]{36}"', body)


def test_double_submit_of_the_create_form_makes_one_call(
    coordinator: Any, region: Any, client: Any
) -> None:
    client.force_login(coordinator)
    data = _form(region, client_token=str(uuid.uuid4()))
    first = client.post(reverse("partnerships:call_create"), data)
    second = client.post(reverse("partnerships:call_create"), data)
    call = Call.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == call.get_absolute_url()
    assert call.criteria.count() == 1


def test_the_same_token_by_someone_else_is_refused(
    coordinator: Any, portal_admin: Any, region: Any
) -> None:
    token = uuid.uuid4()
    call_services.call_create(
        actor=coordinator, lead_region=region, regions=[], data=_values(), client_token=token
    )
    with pytest.raises(PermissionDenied):
        call_services.call_create(
            actor=portal_admin, lead_region=region, regions=[], data=_values(), client_token=token
        )
    assert Call.objects.count() == 1


# --- 7. The public list is paged -------------------------------------------------------------


def test_public_call_list_has_20_a_page_with_open_calls_first(make_call: Any, client: Any) -> None:
    now = timezone.now()
    for i in range(5):
        make_call(
            title=f"Closed call {i}",
            opens_at=now - dt.timedelta(days=20),
            closes_at=now - dt.timedelta(days=1),
        )
    for i in range(20):
        make_call(title=f"Open call {i}")
    url = reverse("partnerships:call_list")
    first = client.get(url).content.decode()
    assert first.count('class="call-title"') == 20
    assert "Open call" in first and "Closed call" not in first
    assert 'aria-label="Pages"' in first and "?page=2" in first
    second = client.get(url + "?page=2").content.decode()
    assert second.count('class="call-title"') == 5 and "Closed call" in second
    assert client.get(url + "?page=abc").status_code == 200


def test_paged_call_list_query_count_does_not_grow(make_call: Any, client: Any) -> None:
    for _ in range(3):
        make_call()
    few = count_queries(client, reverse("partnerships:call_list"))
    for _ in range(25):
        make_call()
    assert count_queries(client, reverse("partnerships:call_list")) == few


# --- 8. Only regions one coordinates go behind a call ----------------------------------------


def test_service_refuses_putting_another_region_behind_a_call(
    coordinator: Any, region: Any, other_region: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        call_services.call_create(
            actor=coordinator, lead_region=region, regions=[other_region], data=_values()
        )
    assert "regions" in refused.value.message_dict
    assert not Call.objects.exists()
    call = call_services.call_create(
        actor=coordinator, lead_region=region, regions=[], data=_values()
    )
    with pytest.raises(ValidationError):
        call_services.call_update(
            actor=coordinator,
            call=call,
            expected_version=call.version,
            regions=[other_region],
            data=_values(),
        )
    assert list(call.regions.all()) == [region]


def test_call_form_offers_only_regions_the_coordinator_coordinates(
    coordinator: Any, region: Any, other_region: Any, client: Any
) -> None:
    client.force_login(coordinator)
    response = client.get(reverse("partnerships:call_create"))
    offered = list(response.context["form"].fields["regions"].queryset)
    assert offered == [region]
    posted = client.post(
        reverse("partnerships:call_create"), _form(region, regions=[other_region.pk])
    )
    assert posted.status_code == 200
    assert 'id="id_regions_error"' in posted.content.decode()
    assert "Digital follow-up" in posted.content.decode()
    assert not Call.objects.exists()


def test_edit_form_also_offers_regions_already_behind_the_call(
    coordinator: Any, portal_admin: Any, region: Any, other_region: Any, client: Any
) -> None:
    call = call_services.call_create(
        actor=portal_admin, lead_region=region, regions=[other_region], data=_values()
    )
    client.force_login(coordinator)
    response = client.get(reverse("partnerships:call_edit", args=[call.pk]))
    form = response.context["form"]
    assert list(form.fields["regions"].queryset) == sorted(
        [region, other_region], key=lambda r: r.code
    )
    assert form.initial["regions"] == [other_region.pk]
    # Keeping it there is allowed; it was not added by this coordinator.
    saved = client.post(
        reverse("partnerships:call_edit", args=[call.pk]),
        _form(region, regions=[other_region.pk], version=call.version),
    )
    assert saved.status_code == 302
    assert set(call.regions.all()) == {region, other_region}


def test_admin_may_put_any_region_behind_a_call(
    portal_admin: Any, region: Any, other_region: Any
) -> None:
    call = call_services.call_create(
        actor=portal_admin, lead_region=region, regions=[other_region], data=_values()
    )
    assert set(call.regions.all()) == {region, other_region}
    assert Region.objects.count() == 21
