"""Autosave of the editing page, the new-proposal page and the coordinators' intake queue."""

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Proposal
from partnerships.services import proposals as services
from tests.utils import count_queries

from .test_proposals_scene import *  # noqa: F403  (fixtures)
from .test_proposals_scene import COMPLETE

pytestmark = pytest.mark.django_db


def _autosave(client: Any, proposal: Proposal, **data: Any) -> Any:
    return client.post(
        reverse("partnerships:proposal_autosave", args=[proposal.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )


def test_autosave_saves_and_answers_status_and_new_version(
    draft: Proposal, member: Any, client: Any
) -> None:
    client.force_login(member)
    response = _autosave(client, draft, summary="Typed a moment ago", version=draft.version)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved " in body
    assert f'value="{draft.version + 1}"' in body and 'hx-swap-oob="true"' in body
    draft.refresh_from_db()
    assert draft.summary == "Typed a moment ago"
    assert draft.title  # the missing title was not saved as empty


def test_autosave_keeps_invalid_fields_as_stored(draft: Proposal, member: Any, client: Any) -> None:
    client.force_login(member)
    response = _autosave(
        client,
        draft,
        summary="Good text",
        contact_email="not an email",
        version=draft.version,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.summary == "Good text"
    assert draft.contact_email == "kim.berg@example.se"


def test_autosave_with_a_stale_version_is_a_409(
    draft: Proposal, member: Any, colleague: Any, client: Any
) -> None:
    services.proposal_update(
        actor=colleague, proposal=draft, expected_version=draft.version, data={"summary": "Hers"}
    )
    client.force_login(member)
    response = _autosave(client, draft, summary="Mine", version=draft.version)
    assert response.status_code == 409
    assert "someone else saved" in response.content.decode().lower()
    draft.refresh_from_db()
    assert draft.summary == "Hers"


def test_edit_page_wires_autosave(draft: Proposal, member: Any, client: Any) -> None:
    client.force_login(member)
    body = client.get(reverse("partnerships:proposal_edit", args=[draft.pk])).content.decode()
    assert reverse("partnerships:proposal_autosave", args=[draft.pk]) in body
    assert 'role="status"' in body
    assert "TRL 6 – demonstrated in a relevant environment" in body


def test_bad_input_in_the_edit_page_is_kept_with_the_error(
    draft: Proposal, member: Any, client: Any
) -> None:
    client.force_login(member)
    data = {
        "title": "",
        "summary": "Kept text",
        "contact_email": "nope",
        "device_class": "undetermined",
        "version": draft.version,
    }
    response = client.post(reverse("partnerships:proposal_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kept text" in body and 'id="id_contact_email_error"' in body


def test_user_without_a_company_is_pointed_to_join_one(client: Any, stranger: Any) -> None:
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    body = client.get(reverse("partnerships:proposal_new")).content.decode()
    assert reverse("accounts:onboarding") in body


def test_answering_a_call_goes_to_the_edit_page(
    make_call: Any, member: Any, client: Any, region: Any
) -> None:
    call = make_call()
    client.force_login(member)
    url = reverse("partnerships:proposal_new") + f"?call={call.pk}"
    page = client.get(url)
    token = page.context["form"].initial["client_token"]
    response = client.post(
        url,
        {
            "organisation": member.memberships.get().organisation_id,
            "region": region.pk,
            "title": "Answer",
            "client_token": token,
            "call": call.pk,
        },
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("partnerships:proposal_edit", args=[proposal.pk])
    assert proposal.call == call


# --- Intake -------------------------------------------------------------------------------


def _submit_many(make_draft: Any, member: Any, n: int, **data: Any) -> list[Proposal]:
    return [services.proposal_submit(actor=member, proposal=make_draft(**data)) for _ in range(n)]


def test_intake_shows_only_submitted_proposals_of_the_coordinators_regions(
    make_draft: Any, member: Any, coordinator: Any, other_coordinator: Any, client: Any
) -> None:
    sent = _submit_many(make_draft, member, 1, title="Sent A") + _submit_many(
        make_draft, member, 1, title="Sent B"
    )
    hidden = make_draft(title="Still a draft")
    client.force_login(coordinator)
    body = client.get(reverse("partnerships:intake")).content.decode()
    assert all(p.title in body for p in sent) and hidden.title not in body
    client.force_login(other_coordinator)
    body = client.get(reverse("partnerships:intake")).content.decode()
    assert not any(p.title in body for p in sent)


def test_intake_filters_keep_their_values(
    make_draft: Any, member: Any, coordinator: Any, client: Any
) -> None:
    early = _submit_many(
        make_draft, member, 1, title="Early one", trl=2, collaboration_kind="testbed"
    )[0]
    late = _submit_many(make_draft, member, 1, title="Late one", trl=8, collaboration_kind="codev")[
        0
    ]
    Proposal.objects.filter(pk=early.pk).update(submitted_at=timezone.now() - dt.timedelta(days=10))
    client.force_login(coordinator)
    url = reverse("partnerships:intake")
    body = client.get(url, {"trl_min": 5, "trl_max": 9}).content.decode()
    assert late.title in body and early.title not in body
    assert 'name="trl_min" value="5"' in body
    body = client.get(url, {"kind": "testbed"}).content.decode()
    assert early.title in body and late.title not in body
    since = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    body = client.get(url, {"submitted_from": since}).content.decode()
    assert late.title in body and early.title not in body
    response = client.get(url, {"trl_min": 8, "trl_max": 2})
    assert 'id="id_trl_max_error"' in response.content.decode()


def test_intake_region_filter_narrows_to_one_region_for_admins(
    make_draft: Any,
    member: Any,
    company: Any,
    other_region: Any,
    portal_admin: Any,
    coordinator: Any,
    client: Any,
) -> None:
    uppsala = _submit_many(make_draft, member, 1, title="To Uppsala")[0]
    elsewhere = services.proposal_create_draft(
        actor=member,
        organisation=company,
        region=other_region,
        data={**COMPLETE, "title": "To Östergötland"},
        client_token=uuid.uuid4(),
    )
    services.proposal_submit(actor=member, proposal=elsewhere)
    client.force_login(portal_admin)
    url = reverse("partnerships:intake")
    body = client.get(url).content.decode()
    assert uppsala.title in body and elsewhere.title in body
    body = client.get(url, {"region": other_region.slug}).content.decode()
    assert elsewhere.title in body and uppsala.title not in body
    assert f'<option value="{other_region.slug}" selected>' in body
    # A coordinator of one region gets no region filter: there is nothing to choose.
    client.force_login(coordinator)
    assert 'name="region"' not in client.get(url).content.decode()


def test_intake_query_count_does_not_grow(
    make_draft: Any, member: Any, coordinator: Any, client: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("partnerships:intake")
    _submit_many(make_draft, member, 3)
    few = count_queries(client, url)
    _submit_many(make_draft, member, 9)
    assert count_queries(client, url) == few
