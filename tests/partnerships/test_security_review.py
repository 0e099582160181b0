"""Holes a security review found, each kept closed by a test.

- The region's own people (coordinators, sponsors) and portal admins never bind a company or
  academia party, even when named for it; only coordinators bind the region party.
- Starting a partnership from a proposal checks the proposal's state and the actor's right.
- A reviewer loses sight of a proposal its company withdrew.
- POST-only URLs answer a forbidden GET with 404, like every other URL.
- Spreadsheet formulas hidden behind whitespace or in full-width form are neutralised; macro-
  enabled Office files are refused whatever they are called.
"""

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import PartyKind, PartyMember, ReviewAssignment
from partnerships.permissions import proposals_visible_to
from partnerships.permissions.agreements import may_act_for_party
from partnerships.services.partnerships import (
    partnership_create_from_proposal,
    party_member_add,
)
from partnerships.workflow import ProposalStatus
from portal.core.exports import safe_cell
from portal.core.uploads import inspect_upload
from regions.models import RegionRole
from tests.factories import UserFactory
from tests.factories_partnerships import ProposalFactory
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import make_region_person

pytestmark = pytest.mark.django_db


def _company_party(partnership: Any) -> Any:
    return partnership.parties.exclude(kind=PartyKind.REGION).get()


def _region_party(partnership: Any) -> Any:
    return partnership.parties.get(kind=PartyKind.REGION)


def test_the_regions_people_cannot_be_named_for_the_company(
    partnership: Any, coordinator: Any, sponsor: Any, portal_admin: Any
) -> None:
    for person in (coordinator, sponsor, portal_admin):
        with pytest.raises(ValidationError):
            party_member_add(
                actor=coordinator,
                partnership=partnership,
                party=_company_party(partnership),
                user=person,
            )
    assert not PartyMember.objects.filter(
        party=_company_party(partnership), user__in=[coordinator, sponsor, portal_admin]
    ).exists()


def test_named_region_people_still_cannot_accept_for_the_company(
    partnership: Any, coordinator: Any, sponsor: Any, portal_admin: Any, company_member: Any
) -> None:
    company_party = _company_party(partnership)
    for person in (coordinator, sponsor, portal_admin):  # named by a raw row, as of old
        PartyMember.objects.create(party=company_party, user=person)
        assert not may_act_for_party(person, company_party)
    assert may_act_for_party(company_member, company_party)


def test_only_the_regions_coordinators_accept_for_the_region(
    partnership: Any, coordinator: Any, sponsor: Any, portal_admin: Any, company_member: Any
) -> None:
    region_party = _region_party(partnership)
    assert may_act_for_party(coordinator, region_party)
    clinician = UserFactory()
    PartyMember.objects.create(party=region_party, user=clinician)  # named, works, does not sign
    for person in (sponsor, portal_admin, company_member, clinician):
        assert not may_act_for_party(person, region_party)


def test_a_portal_admin_who_accepts_a_proposal_is_not_named_for_the_region(
    portal_admin: Any, company: Any, company_member: Any, region: Any
) -> None:
    proposal = ProposalFactory(
        organisation=company, region=region, created_by=company_member, status="accepted"
    )
    partnership = partnership_create_from_proposal(actor=portal_admin, proposal=proposal)
    assert not _region_party(partnership).members.exists()


def test_a_partnership_starts_only_from_an_accepted_proposal_by_its_coordinator(
    coordinator: Any, other_coordinator: Any, company: Any, company_member: Any, region: Any
) -> None:
    draft = ProposalFactory(organisation=company, region=region, created_by=company_member)
    with pytest.raises(ValidationError):
        partnership_create_from_proposal(actor=coordinator, proposal=draft)
    accepted = ProposalFactory(
        organisation=company, region=region, created_by=company_member, status="accepted"
    )
    for stranger in (other_coordinator, company_member, UserFactory()):
        with pytest.raises(PermissionDenied):
            partnership_create_from_proposal(actor=stranger, proposal=accepted)
    partnership_create_from_proposal(actor=coordinator, proposal=accepted)
    with pytest.raises(ValidationError):
        partnership_create_from_proposal(actor=coordinator, proposal=accepted)


def test_a_reviewer_loses_sight_of_a_withdrawn_proposal(
    company: Any, company_member: Any, region: Any
) -> None:
    reviewer = UserFactory()
    proposal = ProposalFactory(
        organisation=company,
        region=region,
        created_by=company_member,
        status=ProposalStatus.SUBMITTED,
        submitted_at="2026-11-20T10:00:00+01:00",
    )
    ReviewAssignment.objects.create(proposal=proposal, reviewer=reviewer)
    assert proposals_visible_to(reviewer).filter(pk=proposal.pk).exists()
    type(proposal).objects.filter(pk=proposal.pk).update(status=ProposalStatus.WITHDRAWN)
    assert not proposals_visible_to(reviewer).filter(pk=proposal.pk).exists()


POST_ONLY = [
    ("partnerships:advance", {}),
    ("partnerships:move_back", {}),
    ("partnerships:change_status", {}),
    ("partnerships:gate_approve", {}),
    ("partnerships:document_add", {}),
    ("partnerships:message_post", {}),
    ("partnerships:obstacle_note_add", {}),
    ("partnerships:party_add", {}),
    ("partnerships:member_add", {}),
    ("partnerships:agreement_start", {}),
    ("partnerships:agreement_rules", {}),
    ("partnerships:agreement_accept", {}),
]


@pytest.mark.parametrize(("name", "extra"), POST_ONLY)
def test_a_forbidden_get_to_a_post_only_url_is_a_404(
    name: str, extra: dict[str, Any], partnership: Any, other_company_member: Any, client: Any
) -> None:
    client.force_login(other_company_member)
    assert client.get(reverse(name, args=[partnership.pk])).status_code == 404


def test_a_forbidden_get_to_copy_a_template_is_a_404(client: Any, other_coordinator: Any) -> None:
    client.force_login(other_coordinator)
    assert client.get(reverse("partnerships:template_copy", args=["uppsala"])).status_code == 404


def test_a_sponsor_of_another_region_cannot_act_either(partnership: Any) -> None:
    elsewhere = make_region_person("ostergotland", RegionRole.SPONSOR)
    assert not may_act_for_party(elsewhere, _region_party(partnership))


@pytest.mark.parametrize(
    "value", ["\n=1+1", " \t=HYPERLINK(1)", "＝SUM(A1)", "＋1", "－1", "＠A1", "\u00a0=1"]
)
def test_hidden_and_full_width_formulas_are_neutralised(value: str) -> None:
    assert safe_cell(value).startswith("'")


def test_a_macro_enabled_document_is_refused_under_a_docx_name() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    upload = SimpleUploadedFile("report.docx", buffer.getvalue())
    with pytest.raises(ValidationError):
        inspect_upload(upload)
