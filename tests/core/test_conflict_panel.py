"""The conflict panel shows the stored values people can read, and only those that differ from
what the user sent."""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from partnerships.forms.proposals import ProposalForm
from partnerships.models import Proposal
from partnerships.services import calls as call_services
from partnerships.services import proposals as services
from portal.core.forms import conflict_rows
from tests.partnerships.test_calls import _form
from tests.partnerships.test_proposals_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _panel(response: Any) -> dict[str, str]:
    html = response.content.decode()
    section = html[html.index('id="conflict-heading"') :]
    section = section[: section.index("</section>")]
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section, re.S)
    return {label.strip(): re.sub(r"<[^>]+>", "", value).strip() for label, value in pairs}


def test_call_conflict_shows_local_times_region_names_and_only_the_differences(
    coordinator: Any, portal_admin: Any, region: Any, other_region: Any, client: Any
) -> None:
    opens = dt.datetime(2026, 11, 25, 9, 0, tzinfo=STOCKHOLM)
    call = call_services.call_create(
        actor=coordinator,
        lead_region=region,
        regions=[],
        data={
            "title": "Digital follow-up",
            "description": "We look for remote follow-up.",
            "opens_at": opens,
            "closes_at": dt.datetime(2026, 12, 1, 17, 0, tzinfo=STOCKHOLM),
        },
        criteria=[{"title": "Benefit for patients", "weight": 3}],
    )
    call_services.call_update(
        actor=portal_admin,
        call=call,
        expected_version=call.version,
        regions=[other_region],
        data={"title": "Renamed elsewhere", "opens_at": opens + dt.timedelta(days=2)},
        criteria=[{"title": "Benefit for patients", "weight": 3}],
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:call_edit", args=[call.pk]),
        _form(region, version=call.version, title="My title"),
    )
    assert response.status_code == 409
    with translation.override(coordinator.preferred_language):
        other_name = other_region.name
    panel = _panel(response)  # the coordinator reads Swedish
    assert set(panel) == {"Titel", "Öppnar", "Andra regioner bakom utlysningen"}, panel
    assert panel["Titel"] == "Renamed elsewhere"
    assert panel["Öppnar"] == "2026-11-27 09:00"  # Swedish time, not UTC
    assert panel["Andra regioner bakom utlysningen"] == other_name
    assert "None" not in response.content.decode().split('id="conflict-heading"')[1]


def test_proposal_conflict_translates_yes_no_and_choices(
    draft: Any, member: Any, colleague: Any, client: Any
) -> None:
    old_version = draft.version
    services.proposal_update(
        actor=colleague,
        proposal=draft,
        expected_version=draft.version,
        data={"ce_marked": True, "device_class": "mdr_iia", "summary": "Hers"},
    )
    client.force_login(member)
    draft.refresh_from_db()
    data = {
        name: "" if getattr(draft, name) is None else getattr(draft, name)
        for name in services.EDITABLE_FIELDS
    }
    data.update(ce_marked="", ce_marked_sent="1", summary="Mine", version=old_version)
    data["device_class"] = "undetermined"
    response = client.post(reverse("partnerships:proposal_edit", args=[draft.pk]), data)
    assert response.status_code == 409
    panel = _panel(response)
    assert set(panel) == {"Summary", "CE marked", "MDR / IVDR class"}, panel
    assert panel["CE marked"] == "Yes" and panel["MDR / IVDR class"] == "MDR class IIa"
    assert "Mine</textarea>" in response.content.decode()  # what the user typed is kept


def test_conflict_rows_are_translated(draft: Any, colleague: Any) -> None:
    stored = services.proposal_update(
        actor=colleague, proposal=draft, expected_version=draft.version, data={"ce_marked": True}
    )
    sent = {
        name: "" if getattr(stored, name) is None else getattr(stored, name)
        for name in services.EDITABLE_FIELDS
        if name != "ce_marked"
    }
    form = ProposalForm(
        {**sent, "ce_marked_sent": "1", "version": 1},  # the box unchecked
        instance=Proposal.objects.get(pk=stored.pk),  # the form changes its instance
    )
    assert form.is_valid(), form.errors
    with translation.override("sv"):
        rows = {str(label): value for label, value in conflict_rows(form, stored)}
    # Only the checkbox differs: the fields equal to what is stored are not listed.
    assert list(rows.values()) == ["Ja"], rows
