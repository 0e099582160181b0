"""A draft that is cancelled was never public: it stays out of the calendar, the archive, its
page, the calendar files and the partnership summaries it names, for everyone but its organisers."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dissemination.services.events import event_create, event_move
from dissemination.workflow import EventMove, EventStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cancelled_draft(coordinator: Any, region: Any, partnership: Any) -> Any:
    start = timezone.now() + timedelta(days=10)
    event = event_create(
        actor=coordinator,
        kind="webinar",
        title="Utkast som aldrig blev av",
        description="Ofärdig text",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        online_url="https://meet.example.se/hemligt",
        region=region,
        partnerships=[partnership],
    )
    event = event_move(actor=coordinator, event=event, move=EventMove.CANCEL, reason="Vi hann inte")
    assert event.status == EventStatus.CANCELLED and event.published_at is None
    return event


@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_a_cancelled_draft_is_not_public(
    client: Any, cancelled_draft: Any, partnership: Any, who: str
) -> None:
    if who == "stranger":
        client.force_login(UserFactory(preferred_language="en"))
    pk = cancelled_draft.pk
    assert client.get(reverse("dissemination:event_detail", args=[pk])).status_code == 404
    assert client.get(reverse("dissemination:event_ics", args=[pk])).status_code == 404
    for name in ("dissemination:calendar", "dissemination:archive"):
        assert "Utkast som aldrig blev av" not in client.get(reverse(name)).content.decode()
    feed = client.get(reverse("dissemination:feed_all")).content.decode()
    assert "Utkast som aldrig blev av" not in feed
    summary = reverse("partnerships:public_summary", args=[partnership.pk])
    assert client.get(summary).status_code == 404


def test_its_organiser_still_sees_it(client: Any, cancelled_draft: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("dissemination:event_detail", args=[cancelled_draft.pk]))
    assert page.status_code == 200
    # No "Add to calendar": its calendar file is not public either.
    assert (
        reverse("dissemination:event_ics", args=[cancelled_draft.pk]) not in page.content.decode()
    )
