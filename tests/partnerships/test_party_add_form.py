"""Adding a party: the coordinator types the organisation's number or its exact name.

The partnership page offers no list of organisations (there are thousands), so the blank form
costs no query; a sent form finds the organisation with one, and every way of not finding it
(unknown, a name several share, a typo in the number, already a party) is said beside the
field with what was typed kept.
"""

import re
from typing import Any

import pytest
from django.urls import reverse

from partnerships.forms.process import PartyAddForm
from partnerships.models import PartnershipParty, PartyKind
from portal.accounts.models import Organisation
from tests.factories import OrganisationFactory
from tests.factories_process import *  # noqa: F403  (the fixtures)

pytestmark = pytest.mark.django_db

NOT_FOUND = "No organisation with that number or name has an account in the portal."
AMBIGUOUS = "Several organisations are called that: give the organisation number instead."


@pytest.fixture
def newco(db: Any) -> Organisation:
    found: Any = OrganisationFactory(name="Nordic Sensor AB", org_number="556677-8899")
    return found


def _post(client: Any, partnership: Any, typed: str, kind: str = PartyKind.COMPANY) -> Any:
    return client.post(
        reverse("partnerships:party_add", args=[partnership.pk]),
        {"party-organisation": typed, "party-kind": kind, "party-role": "Test bed"},
    )


def _organisation_input(response: Any) -> str:
    """The <input> of the organisation field in the page that came back."""
    match = re.search(r'<input[^>]*name="party-organisation"[^>]*>', response.content.decode())
    assert match, "the page shows no organisation field"
    return match.group(0)


def _refused_beside_the_field(response: Any, message: str, typed: str) -> None:
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(r'<ul class="errorlist" id="id_party-organisation_error">(.*?)</ul>', html)
    assert errors, "no error beside the organisation field"
    assert message in errors.group(1).replace("&#x27;", "'")
    field = _organisation_input(response)
    assert 'aria-invalid="true"' in field
    assert f'value="{typed}"' in field  # what was typed stays in the field


# --- Found -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["556677-8899", "5566778899", " 556677 8899 ", "556677 - 8899", "55 66 77 88 99"]
)
def test_found_by_number_with_or_without_the_dash(
    client: Any, partnership: Any, coordinator: Any, newco: Organisation, typed: str
) -> None:
    client.force_login(coordinator)
    response = _post(client, partnership, typed)
    assert response.status_code == 302
    assert response["Location"].endswith("#parties")
    party = PartnershipParty.objects.get(partnership=partnership, organisation=newco)
    assert party.kind == PartyKind.COMPANY
    assert party.role == "Test bed"


@pytest.mark.parametrize("typed", ["Nordic Sensor AB", "nordic sensor ab", "  NORDIC SENSOR AB  "])
def test_found_by_its_exact_name_in_any_case(
    client: Any, partnership: Any, coordinator: Any, newco: Organisation, typed: str
) -> None:
    client.force_login(coordinator)
    assert _post(client, partnership, typed).status_code == 302
    assert PartnershipParty.objects.filter(partnership=partnership, organisation=newco).exists()


def test_a_name_with_swedish_letters_is_found_in_any_case(db: Any) -> None:
    org = OrganisationFactory(name="Ålands Ögonvård AB")
    form = PartyAddForm(data={"party-organisation": "ÅLANDS ögonvård ab", "party-kind": "other"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organisation"] == org


def test_the_form_returns_the_organisation(newco: Organisation) -> None:
    form = PartyAddForm(data={"party-organisation": "5566778899", "party-kind": PartyKind.ACADEMIA})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organisation"] == newco


def test_a_name_made_of_digits_is_still_found_by_name(db: Any) -> None:
    """Text that looks like a number but is not a valid one may be a name."""
    odd = OrganisationFactory(name="1 2 3")
    form = PartyAddForm(data={"party-organisation": "1 2 3", "party-kind": PartyKind.OTHER})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organisation"] == odd


# --- Not found, or not one -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Nobody Known AB", "Nordic Sensor", "556036-0793"])
def test_unknown_is_refused_beside_the_field(
    client: Any, partnership: Any, coordinator: Any, newco: Organisation, typed: str
) -> None:
    """A name that does not exist, only part of a name, a valid number nobody registered."""
    client.force_login(coordinator)
    parties = PartnershipParty.objects.filter(partnership=partnership).count()
    response = _post(client, partnership, typed)
    _refused_beside_the_field(response, NOT_FOUND, typed)
    assert "Ask them to register their organisation first." in response.content.decode()
    assert PartnershipParty.objects.filter(partnership=partnership).count() == parties


def test_a_typo_in_the_number_says_so(
    client: Any, partnership: Any, coordinator: Any, newco: Organisation
) -> None:
    client.force_login(coordinator)
    response = _post(client, partnership, "556677-8898")  # the check digit is wrong
    _refused_beside_the_field(response, "check digit is wrong", "556677-8898")
    assert not PartnershipParty.objects.filter(organisation=newco).exists()


def test_a_name_several_share_asks_for_the_number(
    client: Any, partnership: Any, coordinator: Any
) -> None:
    first: Any = OrganisationFactory(name="Twin Medical AB")
    second: Any = OrganisationFactory(name="twin medical ab")
    client.force_login(coordinator)
    response = _post(client, partnership, "Twin Medical AB")
    _refused_beside_the_field(response, AMBIGUOUS, "Twin Medical AB")
    assert not PartnershipParty.objects.filter(organisation__in=[first, second]).exists()
    # The number tells them apart.
    assert _post(client, partnership, second.org_number).status_code == 302
    assert PartnershipParty.objects.filter(partnership=partnership, organisation=second).exists()
    assert not PartnershipParty.objects.filter(organisation=first).exists()


def test_an_organisation_already_a_party_is_refused_beside_the_field(
    client: Any, partnership: Any, coordinator: Any, company: Organisation
) -> None:
    client.force_login(coordinator)
    assert PartnershipParty.objects.filter(partnership=partnership, organisation=company).exists()
    response = _post(client, partnership, "caresense ab")
    _refused_beside_the_field(
        response, "This organisation is already a party to the partnership.", "caresense ab"
    )
    assert (
        PartnershipParty.objects.filter(partnership=partnership, organisation=company).count() == 1
    )


def test_control_characters_are_refused(db: Any) -> None:
    form = PartyAddForm(
        data={"party-organisation": "Nordic\x1b[2J AB", "party-kind": PartyKind.COMPANY}
    )
    assert not form.is_valid()
    assert list(form.errors) == ["organisation"]


def test_a_blank_organisation_is_required(client: Any, partnership: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = _post(client, partnership, "   ")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in _organisation_input(response)


# --- Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["other_coordinator", "other_company_member", "company_member", "sponsor"]
)
def test_only_the_coordinator_may_add_others_get_404(
    client: Any, partnership: Any, newco: Organisation, who: str, request: Any
) -> None:
    """Someone who may not see the partnership, or sees it but does not coordinate it: 404."""
    client.force_login(request.getfixturevalue(who))
    assert _post(client, partnership, newco.org_number).status_code == 404
    assert not PartnershipParty.objects.filter(organisation=newco).exists()


# --- Cost ----------------------------------------------------------------------------------------


def test_a_blank_form_makes_no_query(django_assert_num_queries: Any, newco: Organisation) -> None:
    with django_assert_num_queries(0):
        html = str(PartyAddForm())
    assert 'name="party-organisation"' in html
    assert "<option" not in html.split('name="party-kind"')[0]  # no list of organisations
    assert "556677-8899" in html  # the help text's example


def test_the_page_lists_no_organisations(client: Any, partnership: Any, coordinator: Any) -> None:
    OrganisationFactory(name="Unrelated Medtech AB")
    client.force_login(coordinator)
    response = client.get(reverse("partnerships:detail", args=[partnership.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="party-organisation"' in html
    assert "Unrelated Medtech AB" not in html
