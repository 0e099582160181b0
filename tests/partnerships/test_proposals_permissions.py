"""Who may open and post each proposal view: every role × view × state is a row.

Allowed: 200 (or the change is made). Signed in but not allowed: 404 (existence does not leak).
Anonymous: sent to sign in. Nothing changes unless the request is allowed.
"""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import Proposal
from partnerships.services import proposals as services

from .test_proposals_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

LOGIN, OK, CHANGED = "login", 200, "changed"
ROLES = [
    "member",
    "stranger",
    "coordinator",
    "other_coordinator",
    "assigned_reviewer",
    "unassigned_reviewer",
    "sponsor",
    "portal_admin",
    "anonymous",
]


def _rules(view: str, state: str, role: str) -> Any:
    if role == "anonymous":
        return LOGIN
    if view == "intake":
        return OK if role in {"coordinator", "other_coordinator", "portal_admin"} else 404
    if view == "autosave" and role == "member" and state != "draft":
        return 409  # the autosave status says the proposal can no longer be edited here
    if view in {"edit", "autosave"}:
        return OK if (role == "member" and state == "draft") else 404
    if view == "decide":
        if state == "submitted" and role in {"coordinator", "portal_admin"}:
            return CHANGED
        return 302 if (role == "portal_admin" and state == "draft") else 404
    # detail and attachment download: who may see the proposal
    if role in {"member", "portal_admin"}:
        return OK
    if state == "submitted" and role in {"coordinator", "assigned_reviewer"}:
        return OK
    return 404


CASES = [
    pytest.param(view, state, role, _rules(view, state, role), id=f"{view}-{state}-{role}")
    for view in ("detail", "edit", "autosave", "download", "decide", "intake")
    for state in ("draft", "submitted")
    for role in ROLES
]


@pytest.fixture
def people(
    member: Any,
    stranger: Any,
    coordinator: Any,
    other_coordinator: Any,
    reviewer: Any,
    sponsor: Any,
    portal_admin: Any,
) -> dict[str, Any]:
    from tests.factories import UserFactory

    return {
        "member": member,
        "stranger": stranger,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "assigned_reviewer": reviewer,
        "unassigned_reviewer": UserFactory(email="not-asked@university.example"),
        "sponsor": sponsor,
        "portal_admin": portal_admin,
        "anonymous": None,
    }


def _scene(state: str, make_call: Any, make_draft: Any, people: dict[str, Any]) -> Any:
    call = make_call(criteria=[{"title": "Benefit", "weight": 2}])
    proposal = make_draft(call=call)
    attachment = services.attachment_add(
        actor=people["member"],
        proposal=proposal,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    if state == "submitted":
        proposal = services.proposal_submit(actor=people["member"], proposal=proposal)
        services.review_assign(
            actor=people["coordinator"], proposal=proposal, reviewer=people["assigned_reviewer"]
        )
    return proposal, attachment


@pytest.mark.parametrize(("view", "state", "role", "expected"), CASES)
def test_permission_matrix(
    client: Any,
    make_call: Any,
    make_draft: Any,
    people: dict[str, Any],
    view: str,
    state: str,
    role: str,
    expected: Any,
) -> None:
    proposal, attachment = _scene(state, make_call, make_draft, people)
    if people[role] is not None:
        client.force_login(people[role])
    before = (proposal.status, proposal.version)
    if view == "detail":
        response = client.get(reverse("partnerships:proposal_detail", args=[proposal.pk]))
    elif view == "edit":
        response = client.get(reverse("partnerships:proposal_edit", args=[proposal.pk]))
    elif view == "autosave":
        response = client.post(
            reverse("partnerships:proposal_autosave", args=[proposal.pk]),
            {"summary": "Changed", "version": proposal.version, "title": proposal.title},
        )
    elif view == "download":
        response = client.get(
            reverse("partnerships:attachment_download", args=[proposal.pk, attachment.pk])
        )
    elif view == "decide":
        response = client.post(
            reverse("partnerships:proposal_decide", args=[proposal.pk]),
            {"action": "decline", "message": "Not for us."},
        )
    else:
        response = client.get(reverse("partnerships:intake"))
    proposal = Proposal.objects.get(pk=proposal.pk)
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif expected == CHANGED:
        assert response.status_code == 302
        assert proposal.status == "declined"
        return
    else:
        assert response.status_code == expected
    if not (view == "autosave" and expected == OK):
        assert (proposal.status, proposal.version) == before
    else:
        assert proposal.summary == "Changed"
