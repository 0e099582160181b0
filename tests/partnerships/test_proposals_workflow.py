"""The proposal workflow: every (status, action) pair, the rules that guard the moves, double
submits, concurrent edits and the mail that goes out after commit."""

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from partnerships.models import Partnership, Proposal
from partnerships.services import proposals as services
from partnerships.workflow import PROPOSAL_MOVES, ProposalAction, ProposalStatus
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent

from .test_proposals_scene import *  # noqa: F403  (fixtures)
from .test_proposals_scene import transition

pytestmark = pytest.mark.django_db

NO_OP = {
    (ProposalStatus.SUBMITTED, ProposalAction.SUBMIT),
    (ProposalStatus.WITHDRAWN, ProposalAction.WITHDRAW),
}


def _act(action: str, proposal: Proposal, member: Any, coordinator: Any) -> Proposal:
    if action == ProposalAction.SUBMIT:
        return services.proposal_submit(actor=member, proposal=proposal)
    if action == ProposalAction.WITHDRAW:
        return services.proposal_withdraw(actor=member, proposal=proposal)
    if action == ProposalAction.REQUEST_CHANGES:
        return services.proposal_request_changes(
            actor=coordinator, proposal=proposal, message="More."
        )
    if action == ProposalAction.DECLINE:
        return services.proposal_decline(actor=coordinator, proposal=proposal, reason="No.")
    return services.proposal_accept(actor=coordinator, proposal=proposal)


@pytest.mark.parametrize("status", ProposalStatus.values)
@pytest.mark.parametrize("action", ProposalAction.values)
def test_every_status_and_action(
    status: str, action: str, draft: Proposal, member: Any, coordinator: Any
) -> None:
    proposal = transition(draft, status, member=member, coordinator=coordinator)
    target = PROPOSAL_MOVES.get((status, action))
    if (status, action) in NO_OP:
        version = proposal.version
        result = _act(action, proposal, member, coordinator)
        assert result.status == status and result.version == version
    elif target is not None:
        result = _act(action, proposal, member, coordinator)
        assert result.status == target
        assert AuditEvent.objects.filter(
            action=f"proposal.{action}", target_id=str(proposal.pk)
        ).exists()
    else:
        with pytest.raises((ValidationError, PermissionDenied)):
            _act(action, proposal, member, coordinator)
        proposal.refresh_from_db()
        assert proposal.status == status


def test_submit_after_the_call_closed_is_refused_with_the_date(
    make_call: Any, make_draft: Any, member: Any
) -> None:
    call = make_call()
    proposal = make_draft(call=call)
    closes = timezone.now() - dt.timedelta(hours=1)
    type(call).objects.filter(pk=call.pk).update(
        opens_at=closes - dt.timedelta(days=5), closes_at=closes
    )
    with pytest.raises(ValidationError) as exc:
        services.proposal_submit(actor=member, proposal=proposal)
    local = timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")
    assert exc.value.messages == [
        f"The call closed on {local}; proposals can no longer be submitted."
    ]
    proposal.refresh_from_db()
    assert proposal.status == "draft" and proposal.submitted_at is None


def test_submit_needs_the_required_fields(make_draft: Any, member: Any) -> None:
    proposal = make_draft(summary="", trl=None, contact_email="")
    with pytest.raises(ValidationError) as exc:
        services.proposal_submit(actor=member, proposal=proposal)
    assert set(exc.value.error_dict) == {"summary", "trl", "contact_email"}


def test_submitting_twice_submits_once(
    draft: Proposal,
    member: Any,
    client: Any,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(member)
    url = reverse("partnerships:proposal_submit", args=[draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
        assert client.post(url).status_code == 302
    assert AuditEvent.objects.filter(action="proposal.submit", target_id=str(draft.pk)).count() == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_same_client_token_creates_one_draft(member: Any, company: Any, region: Any) -> None:
    token = uuid.uuid4()
    kwargs = {
        "actor": member,
        "organisation": company,
        "region": region,
        "data": {"title": "X"},
        "client_token": token,
    }
    first = services.proposal_create_draft(**kwargs)
    second = services.proposal_create_draft(**kwargs)
    assert first.pk == second.pk
    assert Proposal.objects.filter(organisation=company).count() == 1


def test_same_client_token_through_the_page(member: Any, client: Any, region: Any) -> None:
    client.force_login(member)
    data = {
        "organisation": member.memberships.get().organisation_id,
        "region": region.pk,
        "title": "A draft",
        "client_token": str(uuid.uuid4()),
    }
    url = reverse("partnerships:proposal_new")
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Proposal.objects.count() == 1


def test_a_stranger_cannot_create_a_draft_for_another_company(
    stranger: Any, company: Any, region: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_create_draft(
            actor=stranger,
            organisation=company,
            region=region,
            data={"title": "X"},
            client_token=uuid.uuid4(),
        )


def test_concurrent_update_is_refused_and_loses_nothing(
    draft: Proposal, member: Any, colleague: Any
) -> None:
    version = draft.version
    services.proposal_update(
        actor=colleague, proposal=draft, expected_version=version, data={"summary": "Theirs"}
    )
    with pytest.raises(ConcurrentEditError):
        services.proposal_update(
            actor=member, proposal=draft, expected_version=version, data={"summary": "Mine"}
        )
    draft.refresh_from_db()
    assert draft.summary == "Theirs"


def _form_data(proposal: Proposal, **changes: Any) -> dict[str, Any]:
    data = {key: getattr(proposal, key) for key in services.EDITABLE_FIELDS}
    data.update(version=proposal.version, ce_marked="" if not proposal.ce_marked else "on")
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_concurrent_edit_in_the_page_answers_409_with_both_versions(
    draft: Proposal, member: Any, colleague: Any, client: Any
) -> None:
    stale = _form_data(draft, summary="Typed by me")
    services.proposal_update(
        actor=colleague,
        proposal=draft,
        expected_version=draft.version,
        data={"summary": "Saved by my colleague"},
    )
    client.force_login(member)
    response = client.post(reverse("partnerships:proposal_edit", args=[draft.pk]), stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Typed by me" in body  # what the user typed stays in the field
    assert "Saved by my colleague" in body  # the stored value is shown beside it
    draft.refresh_from_db()
    assert draft.summary == "Saved by my colleague"


def test_decisions_need_a_message_in_the_page(
    submitted: Proposal, coordinator: Any, client: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("partnerships:proposal_decide", args=[submitted.pk])
    response = client.post(url, {"action": "decline", "message": "  "})
    assert response.status_code == 400
    with translation.override(coordinator.preferred_language):  # the page is in their language
        expected = translation.gettext("Write a message to the company.")
    assert expected != "Write a message to the company."  # Swedish, from the catalog
    assert escape(expected) in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    response = client.post(url, {"action": "request_changes", "message": "Add evidence."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "changes_requested"
    assert submitted.decision_message == "Add evidence."


def test_the_company_sees_the_regions_message(
    submitted: Proposal, coordinator: Any, member: Any, client: Any
) -> None:
    services.proposal_request_changes(
        actor=coordinator, proposal=submitted, message="Please add <b>evidence</b>."
    )
    client.force_login(member)
    body = client.get(submitted.get_absolute_url()).content.decode()
    assert "Please add &lt;b&gt;evidence&lt;/b&gt;." in body


def test_mail_goes_on_commit_to_the_right_people_in_their_language(
    draft: Proposal,
    member: Any,
    colleague: Any,
    coordinator: Any,
    other_coordinator: Any,
    stranger: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        services.proposal_submit(actor=member, proposal=draft)
        assert mail.outbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "CareSense AB" in mail.outbox[0].subject
    assert mail.outbox[0].body.startswith("Hej ")  # the coordinator reads Swedish
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decline(actor=coordinator, proposal=draft, reason="Not now.")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([member.email, colleague.email])
    by_person = {m.to[0]: m for m in mail.outbox}
    assert "Not now." in by_person[member.email].body
    assert by_person[member.email].body.startswith("Hello ")
    assert by_person[colleague.email].body.startswith("Hej ")


def test_a_rolled_back_move_sends_nothing(
    draft: Proposal, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.proposal_submit(
            actor=member,
            proposal=services.proposal_update(
                actor=member,
                proposal=draft,
                expected_version=draft.version,
                data={"summary": ""},
            ),
        )
    assert mail.outbox == []


def test_accept_starts_the_partnership(submitted: Proposal, coordinator: Any) -> None:
    accepted = services.proposal_accept(actor=coordinator, proposal=submitted)
    assert accepted.status == "accepted" and accepted.decided_at is not None
    assert Partnership.objects.filter(proposal=accepted).count() == 1


def test_another_regions_coordinator_cannot_decide(
    submitted: Proposal, other_coordinator: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_decline(actor=other_coordinator, proposal=submitted, reason="No.")
