"""The timeline is read by people in both languages: what the portal writes on it is kept in each
language and shown in the reader's, while what people wrote is shown as written."""

from typing import Any

import pytest
from django.urls import reverse

from partnerships.models import EventKind, PartnershipEvent
from partnerships.services.partnerships import checklist_set, partnership_pause
from tests.factories_process import *  # noqa: F403  (the fixtures)

pytestmark = pytest.mark.django_db


def test_a_tick_by_a_swedish_coordinator_reads_in_english_for_an_english_member(
    partnership: Any, coordinator: Any, company_member: Any, client: Any
) -> None:
    coordinator.preferred_language = "sv"
    coordinator.save(update_fields=["preferred_language"])
    item = partnership.current_step.checklist.order_by("order").first()
    checklist_set(actor=coordinator, partnership=partnership, item=item, done=True)

    event = PartnershipEvent.objects.filter(kind=EventKind.CHECKLIST).get()
    assert event.texts["en"] == f"Ticked: {item.text_en}"
    assert event.texts["sv"].startswith("Avbockad") and item.text_sv in event.texts["sv"]

    company_member.preferred_language = "en"
    company_member.save(update_fields=["preferred_language"])
    client.force_login(company_member)
    page = client.get(reverse("partnerships:timeline", args=[partnership.pk])).content.decode()
    assert f"Ticked: {item.text_en}" in page
    assert event.texts["sv"] not in page


def test_a_reason_is_shown_as_written_in_every_language(
    partnership: Any, coordinator: Any, company_member: Any, client: Any
) -> None:
    partnership_pause(actor=coordinator, partnership=partnership, reason="Väntar på etikprövning")
    company_member.preferred_language = "en"
    company_member.save(update_fields=["preferred_language"])
    client.force_login(company_member)
    page = client.get(reverse("partnerships:timeline", args=[partnership.pk])).content.decode()
    assert "Väntar på etikprövning" in page
