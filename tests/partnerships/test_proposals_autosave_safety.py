"""Autosave never loses text silently: refusals say so, missing fields are kept, and Save racing
the user's own autosave is not a conflict."""

from typing import Any

import pytest
from django.urls import reverse

from partnerships.models import Proposal
from partnerships.services import proposals as services

from .test_proposals_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


def _autosave(client: Any, proposal: Proposal, data: dict[str, Any]) -> Any:
    return client.post(
        reverse("partnerships:proposal_autosave", args=[proposal.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )


def _full_form(proposal: Proposal, **changes: Any) -> dict[str, Any]:
    """What the editing page posts: every field, the checkbox marker and the version."""
    proposal.refresh_from_db()
    data: dict[str, Any] = {
        name: "" if getattr(proposal, name) is None else getattr(proposal, name)
        for name in services.EDITABLE_FIELDS
        if name != "ce_marked"
    }
    if proposal.ce_marked:
        data["ce_marked"] = "on"
    data["ce_marked_sent"] = "1"
    data["version"] = proposal.version
    data.update(changes)
    return data


# --- 1. Refusals are said, not swallowed --------------------------------------------------------


def test_autosave_after_submitting_elsewhere_says_not_saved_with_409(
    draft: Proposal, member: Any, client: Any
) -> None:
    client.force_login(member)
    data = _full_form(draft, summary="Typed in the first tab")
    services.proposal_submit(actor=member, proposal=draft)  # from another tab

    response = _autosave(client, draft, data)

    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-autosave-state="locked"' in body
    assert "can no longer be edited here" in body and "Copy your text" in body
    assert "<html" not in body  # the status fragment, not a full error page
    draft.refresh_from_db()
    assert draft.summary != "Typed in the first tab"


def test_autosave_of_someone_elses_proposal_stays_404(
    submitted: Proposal, coordinator: Any, client: Any
) -> None:
    client.force_login(coordinator)
    response = _autosave(client, submitted, _full_form(submitted, summary="x"))
    assert response.status_code == 404


def test_every_autosave_answer_is_a_marked_status_fragment(
    draft: Proposal, member: Any, colleague: Any, client: Any
) -> None:
    """The page shows only fragments marked data-autosave-state; anything else becomes 'Not
    saved – …' in the browser (autosave.js)."""
    client.force_login(member)
    saved = _autosave(client, draft, _full_form(draft, summary="One"))
    bad = _autosave(client, draft, {"summary": "no version"})
    services.proposal_update(
        actor=colleague, proposal=draft, expected_version=draft.version + 1, data={"summary": "B"}
    )
    stale = _autosave(client, draft, {"summary": "Mine", "version": draft.version + 1})
    assert (saved.status_code, bad.status_code, stale.status_code) == (200, 400, 409)
    for response in (saved, bad, stale):
        assert "data-autosave-state=" in response.content.decode()


def test_edit_page_carries_the_translated_not_saved_messages(
    draft: Proposal, member: Any, client: Any
) -> None:
    client.force_login(member)
    body = client.get(reverse("partnerships:proposal_edit", args=[draft.pk])).content.decode()
    assert 'data-error-failed="Not saved – ' in body
    assert 'data-error-offline="Not saved – ' in body
    assert 'name="ce_marked_sent"' in body


# --- 2. Fields missing from the POST are kept -------------------------------------------------


def test_autosave_of_some_fields_keeps_the_others(
    draft: Proposal, member: Any, client: Any
) -> None:
    services.proposal_update(
        actor=member, proposal=draft, expected_version=draft.version, data={"ce_marked": True}
    )
    draft.refresh_from_db()
    before = {name: getattr(draft, name) for name in services.EDITABLE_FIELDS}
    client.force_login(member)

    response = _autosave(client, draft, {"version": draft.version, "summary": "Only this"})

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.summary == "Only this"
    for name, value in before.items():
        if name != "summary":
            assert getattr(draft, name) == value, name
    assert draft.ce_marked is True  # "not sent" is not "unchecked"


def test_autosave_unchecks_the_checkbox_when_the_form_sent_it(
    draft: Proposal, member: Any, client: Any
) -> None:
    services.proposal_update(
        actor=member, proposal=draft, expected_version=draft.version, data={"ce_marked": True}
    )
    client.force_login(member)
    data = _full_form(draft)
    del data["ce_marked"]  # unchecked: the browser sends nothing, the marker is sent

    assert _autosave(client, draft, data).status_code == 200
    draft.refresh_from_db()
    assert draft.ce_marked is False


# --- 3. Save racing the user's own autosave ---------------------------------------------------


def test_save_pressed_while_the_autosave_of_the_same_text_landed_is_saved(
    draft: Proposal, member: Any, client: Any
) -> None:
    client.force_login(member)
    form = _full_form(draft, summary="Final text")
    assert _autosave(client, draft, form).status_code == 200  # landed first

    response = client.post(reverse("partnerships:proposal_edit", args=[draft.pk]), form)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Final text"


def test_save_with_other_text_than_stored_is_still_a_conflict(
    draft: Proposal, member: Any, colleague: Any, client: Any
) -> None:
    client.force_login(member)
    form = _full_form(draft, summary="Mine")
    services.proposal_update(
        actor=colleague, proposal=draft, expected_version=draft.version, data={"summary": "Hers"}
    )
    response = client.post(reverse("partnerships:proposal_edit", args=[draft.pk]), form)
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.summary == "Hers"


def test_autosave_repeating_what_is_stored_is_saved_and_moves_to_the_stored_version(
    draft: Proposal, member: Any, client: Any
) -> None:
    client.force_login(member)
    form = _full_form(draft, summary="Same text")
    assert _autosave(client, draft, form).status_code == 200
    draft.refresh_from_db()

    again = _autosave(client, draft, form)  # sent with the old version

    assert again.status_code == 200
    body = again.content.decode()
    assert 'data-autosave-state="saved"' in body and f'value="{draft.version}"' in body
