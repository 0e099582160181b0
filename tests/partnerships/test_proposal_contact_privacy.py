"""A proposal's contact person (name, email, phone) is shown only to those who need it: the
proposing organisation's members and the coordinators handling it (and portal admins). The
reviewers of a scored call judge the proposal, not the people, and never see it."""

from typing import Any

import pytest

from partnerships.services import proposals as services

from .test_proposals_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


def _page(client: Any, person: Any, proposal: Any) -> str:
    client.force_login(person)
    response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    return str(response.content.decode())


def test_reviewers_see_the_proposal_but_not_its_contact_person(
    make_call: Any,
    make_draft: Any,
    member: Any,
    coordinator: Any,
    reviewer: Any,
    portal_admin: Any,
    client: Any,
) -> None:
    call = make_call(criteria=[{"title": "Benefit", "weight": 1}])
    proposal = services.proposal_submit(
        actor=member,
        proposal=make_draft(call=call, contact_phone="070-555 12 34"),
    )
    services.review_assign(actor=coordinator, proposal=proposal, reviewer=reviewer)

    seen_by_reviewer = _page(client, reviewer, proposal)
    assert proposal.title in seen_by_reviewer
    for detail in ("Kim Berg", "kim.berg@example.se", "070-555 12 34", "Contact person"):
        assert detail not in seen_by_reviewer, detail

    for person in (member, coordinator, portal_admin):
        html = _page(client, person, proposal)
        assert "kim.berg@example.se" in html and "070-555 12 34" in html
