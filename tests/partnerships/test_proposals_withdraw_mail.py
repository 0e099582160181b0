"""Withdrawing a proposal the region already has tells its coordinators and reviewers."""

from typing import Any

import pytest

from partnerships.services import calls as call_services
from partnerships.services import proposals as services

from .test_proposals_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


def _recipients(mailoutbox: Any) -> set[str]:
    return {address for mail in mailoutbox for address in mail.to}


def test_withdrawing_a_submitted_proposal_tells_coordinators_of_every_call_region_and_reviewers(
    make_call: Any,
    make_draft: Any,
    member: Any,
    coordinator: Any,
    other_coordinator: Any,
    portal_admin: Any,
    other_region: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    call = make_call(criteria=[{"title": "Benefit", "weight": 1}])
    call = call_services.call_update(
        actor=portal_admin,
        call=call,
        expected_version=call.version,
        regions=[other_region],
        data={},
        criteria=[{"title": "Benefit", "weight": 1}],
    )
    proposal = services.proposal_submit(actor=member, proposal=make_draft(call=call))
    services.review_assign(actor=coordinator, proposal=proposal, reviewer=reviewer)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_withdraw(actor=member, proposal=proposal, reason="We pivoted.")

    assert _recipients(mailoutbox) == {coordinator.email, other_coordinator.email, reviewer.email}
    to_reviewer = next(m for m in mailoutbox if reviewer.email in m.to)
    assert "no longer needed" in to_reviewer.body and "We pivoted." in to_reviewer.body
    to_english_coordinator = next(m for m in mailoutbox if other_coordinator.email in m.to)
    assert "CareSense AB withdrew the proposal" in to_english_coordinator.subject
    assert proposal.get_absolute_url() in to_english_coordinator.body
    to_swedish_coordinator = next(m for m in mailoutbox if coordinator.email in m.to)
    assert proposal.title in to_swedish_coordinator.subject


def test_withdrawing_after_changes_were_requested_tells_the_coordinators(
    submitted: Any,
    member: Any,
    coordinator: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.proposal_request_changes(actor=coordinator, proposal=submitted, message="More.")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_withdraw(actor=member, proposal=submitted)
    assert _recipients(mailoutbox) == {coordinator.email}


def test_withdrawing_a_draft_tells_nobody(
    draft: Any,
    member: Any,
    coordinator: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_withdraw(actor=member, proposal=draft)
        services.proposal_withdraw(actor=member, proposal=draft)  # again: nothing
    assert mailoutbox == []
