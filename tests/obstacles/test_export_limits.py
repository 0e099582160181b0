"""The public exports stream the whole selection, so their size and frequency are capped: a
selection larger than OBSTACLE_EXPORT_MAX_ROWS is refused with a message saying how to narrow it
(and the list offers no download links then), and one address may export at most
OBSTACLE_EXPORTS_PER_MINUTE times a minute."""

from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories_obstacles import ObstacleFactory, category

pytestmark = pytest.mark.django_db

CSV = reverse("obstacles:export_csv")
JSON = reverse("obstacles:export_json")


@override_settings(OBSTACLE_EXPORT_MAX_ROWS=2)
@pytest.mark.parametrize("url", [CSV, JSON])
def test_a_selection_larger_than_the_cap_is_refused_with_a_way_forward(
    client: Any, url: str
) -> None:
    ObstacleFactory.create_batch(2, category=category("financing"))
    ObstacleFactory(category=category("procurement-lou"))

    response = client.get(url)
    assert response.status_code == 400
    text = response.content.decode()
    assert "3 obstacles" in text and "at most 2" in text

    narrowed = client.get(url, {"category": "financing"})
    assert narrowed.status_code == 200
    assert b"".join(narrowed.streaming_content)


@override_settings(OBSTACLE_EXPORT_MAX_ROWS=2)
def test_the_list_offers_downloads_only_for_a_selection_an_export_may_hold(client: Any) -> None:
    ObstacleFactory.create_batch(2, category=category("financing"))
    ObstacleFactory(category=category("procurement-lou"))

    everything = client.get(reverse("obstacles:list")).content.decode()
    assert CSV not in everything
    assert "an export holds at most 2 obstacles" in everything

    one_category = client.get(reverse("obstacles:list"), {"category": "financing"}).content.decode()
    assert f"{CSV}?category=financing" in one_category


@override_settings(OBSTACLE_EXPORTS_PER_MINUTE=2)
def test_one_address_may_export_only_so_often(client: Any) -> None:
    ObstacleFactory()
    assert client.get(CSV).status_code == 200
    assert client.get(JSON).status_code == 200

    refused = client.get(CSV)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "too many exports" in refused.content.decode()

    other_address = client.get(CSV, REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 200


@override_settings(OBSTACLE_EXPORTS_PER_MINUTE=1)
def test_signed_in_people_behind_one_address_each_have_their_own_limit(client: Any) -> None:
    from django.test import Client

    from tests.factories import UserFactory

    ObstacleFactory()
    first, second = Client(), Client()
    first.force_login(UserFactory())
    second.force_login(UserFactory())
    assert first.get(CSV).status_code == 200
    assert second.get(CSV).status_code == 200
    assert first.get(CSV).status_code == 429
