"""The agreement pages: who may see and do what, form errors, conflicts, escaping, query counts."""

from typing import Any

import pytest
from django.urls import reverse

from partnerships.agreement_rules import RULE_KEYS
from partnerships.models import Agreement, AgreementAcceptance, AgreementVersion, PartyKind
from partnerships.services.agreements import agreement_accept, rule_check_set
from partnerships.workflow import AgreementStatus
from tests.utils import count_queries

from .test_agreements_scene import *  # noqa: F403  (the shared fixtures)
from .test_agreements_scene import VALID_VALUES, make_partnership_at
from .test_agreements_services import keys_of, latest, parties, update

pytestmark = pytest.mark.django_db

LOGIN = "login"
OK = "ok"


def url(name: str, agreement: Agreement, *args: Any) -> str:
    return reverse(f"partnerships:{name}", args=[agreement.partnership_id, *args])


def edit_data(agreement: Agreement, **values: str) -> dict[str, Any]:
    agreement.refresh_from_db()
    return {
        "version": agreement.version,
        "language": agreement.language,
        "region_role": agreement.region_role,
        "clauses": [k for k in keys_of(agreement) if not k.startswith("collaboration-")],
        **VALID_VALUES,
        **values,
    }


def confirm_rules(agreement: Agreement, actor: Any) -> None:
    """Fill in every value (version 2) and confirm every rule: ready to be accepted."""
    update(agreement, actor)
    for rule in RULE_KEYS:
        rule_check_set(actor=actor, agreement=agreement, rule=rule, done=True)


# --- The permission matrix --------------------------------------------------------------------

VIEW_RULES = {
    "company_member": OK,
    "other_company_member": 404,
    "coordinator": OK,
    "other_coordinator": 404,
    "sponsor": OK,
    "portal_admin": OK,
    "anonymous": LOGIN,
}
EDIT_RULES = {**VIEW_RULES, "sponsor": 404}
ACCEPT_RULES = {**EDIT_RULES, "portal_admin": 404}
RULES = {"page": VIEW_RULES, "download": VIEW_RULES, "edit": EDIT_RULES, "accept": ACCEPT_RULES}


@pytest.mark.parametrize(
    ("view", "actor_name", "expected"),
    [
        pytest.param(view, name, expected, id=f"{view}-{name}")
        for view, rules in RULES.items()
        for name, expected in rules.items()
    ],
)
def test_permission_matrix(
    client: Any,
    agreement: Agreement,
    coordinator: Any,
    other_company_member: Any,
    other_coordinator: Any,
    sponsor: Any,
    portal_admin: Any,
    actor_name: str,
    actor: Any,
    view: str,
    expected: Any,
) -> None:
    confirm_rules(agreement, coordinator)
    if actor is not None:
        client.force_login(actor)
    version = latest(agreement)
    if view == "page":
        response = client.get(url("agreement", agreement))
    elif view == "download":
        response = client.get(url("agreement_download", agreement, version.number))
    elif view == "edit":
        response = client.post(
            url("agreement_edit", agreement), edit_data(agreement, staff_hours="77")
        )
    else:
        kind = PartyKind.REGION if actor in (coordinator, portal_admin) else PartyKind.COMPANY
        response = client.post(
            url("agreement_accept", agreement),
            {
                "party": parties(agreement)[kind].pk,
                "version": version.number,
                "checksum": version.checksum,
            },
        )
    if expected == LOGIN:
        assert response.status_code == 302
        assert "login" in response["Location"]
    elif expected == 404:
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 302), response.status_code
    changed_text = AgreementVersion.objects.filter(agreement=agreement).count() > 2
    accepted = AgreementAcceptance.objects.exists()
    assert changed_text == (view == "edit" and expected == OK)
    assert accepted == (view == "accept" and expected == OK)


# --- The page ----------------------------------------------------------------------------------


def test_page_shows_text_version_checksum_and_accept_button(
    client: Any, agreement: Agreement, company_member: Any
) -> None:
    client.force_login(company_member)
    response = client.get(url("agreement", agreement))
    body = response.content.decode()
    version = latest(agreement)
    assert "SAMVERKANSAVTAL" in body
    assert version.checksum[:12] in body
    assert f'name="checksum" value="{version.checksum}"' in body
    company_party = parties(agreement)[PartyKind.COMPANY]
    assert f'name="party" value="{company_party.pk}"' in body
    region_party = parties(agreement)[PartyKind.REGION]
    assert f'name="party" value="{region_party.pk}"' not in body


def test_sponsor_sees_no_editor(client: Any, agreement: Agreement, sponsor: Any) -> None:
    client.force_login(sponsor)
    body = client.get(url("agreement", agreement)).content.decode()
    assert url("agreement_edit", agreement) not in body
    assert url("agreement_accept", agreement) not in body


def test_before_the_step_the_page_explains_and_offers_no_start(
    client: Any, region: Any, company: Any, coordinator: Any
) -> None:
    early = make_partnership_at(region=region, company=company, step_key="needs")
    client.force_login(coordinator)
    body = client.get(reverse("partnerships:agreement", args=[early.pk])).content.decode()
    assert "No agreement yet" in body
    assert reverse("partnerships:agreement_start", args=[early.pk]) not in body
    response = client.post(reverse("partnerships:agreement_start", args=[early.pk]))
    assert response.status_code == 302
    assert not Agreement.objects.exists()


def test_start_from_the_page(client: Any, partnership: Any, company_member: Any) -> None:
    client.force_login(company_member)
    start = reverse("partnerships:agreement_start", args=[partnership.pk])
    assert (
        start
        in client.get(reverse("partnerships:agreement", args=[partnership.pk])).content.decode()
    )
    client.post(start)
    client.post(start)
    assert Agreement.objects.filter(partnership=partnership).count() == 1
    assert AgreementVersion.objects.count() == 1


# --- Editing -------------------------------------------------------------------------------------


def test_bad_number_is_shown_beside_the_field_and_nothing_is_lost(
    client: Any, agreement: Agreement, coordinator: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(
        url("agreement_edit", agreement),
        edit_data(agreement, staff_hours="lots", purpose="Kept purpose"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_staff_hours_error"' in body
    assert 'value="lots"' in body
    assert 'value="Kept purpose"' in body
    assert AgreementVersion.objects.count() == 1


def test_bad_date_is_shown_beside_the_field(
    client: Any, agreement: Agreement, coordinator: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(
        url("agreement_edit", agreement), edit_data(agreement, end_date="2027-13-01")
    )
    assert 'id="id_end_date_error"' in response.content.decode()


def test_double_submit_writes_one_version(
    client: Any, agreement: Agreement, coordinator: Any
) -> None:
    client.force_login(coordinator)
    data = edit_data(agreement)
    assert client.post(url("agreement_edit", agreement), data).status_code == 302
    second = client.post(url("agreement_edit", agreement), data)
    # The form's version is stale now, but it asks for what is stored: saved, nothing written.
    assert second.status_code == 302
    assert AgreementVersion.objects.count() == 2


def test_concurrent_edit_answers_409_with_the_stored_values(
    client: Any, agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    stale = edit_data(agreement, staff_hours="10")
    update(agreement, company_member, values={"staff_hours": "333"})
    client.force_login(coordinator)
    response = client.post(url("agreement_edit", agreement), stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'class="conflict"' in body
    assert "333" in body
    assert 'value="10"' in body
    agreement.refresh_from_db()
    assert f'name="version" value="{agreement.version}"' in body
    assert latest(agreement).number == 2


def test_user_values_are_escaped_in_text_and_diff(
    client: Any, agreement: Agreement, coordinator: Any
) -> None:
    client.force_login(coordinator)
    evil = "<script>alert(1)</script>"
    client.post(url("agreement_edit", agreement), edit_data(agreement, purpose=evil))
    for page in (url("agreement", agreement), url("agreement_version", agreement, 2)):
        body = client.get(page).content.decode()
        assert evil not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_version_page_shows_the_line_diff(
    client: Any, agreement: Agreement, coordinator: Any
) -> None:
    update(agreement, coordinator)
    update(agreement, coordinator, values={"staff_hours": "200"})
    client.force_login(coordinator)
    body = client.get(url("agreement_version", agreement, 3)).content.decode()
    assert 'class="diff-removed"' in body and 'class="diff-added"' in body
    assert "200 timmar" in body
    assert client.get(url("agreement_version", agreement, 9)).status_code == 404


def test_edit_after_in_force_is_refused_with_a_message(
    client: Any, agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    confirm_rules(agreement, coordinator)
    version = latest(agreement)
    p = parties(agreement)
    for actor_, kind in ((company_member, PartyKind.COMPANY), (coordinator, PartyKind.REGION)):
        agreement_accept(
            actor=actor_,
            agreement=agreement,
            party=p[kind],
            version_number=version.number,
            checksum=version.checksum,
        )
    client.force_login(coordinator)
    response = client.post(url("agreement_edit", agreement), edit_data(agreement), follow=True)
    assert "in force and can no longer be changed" in response.content.decode()
    assert AgreementVersion.objects.count() == 2


# --- Rules and acceptance ----------------------------------------------------------------------


def test_rules_are_ticked_with_and_without_htmx(
    client: Any, agreement: Agreement, company_member: Any
) -> None:
    client.force_login(company_member)
    response = client.post(url("agreement_rules", agreement), {"rule": "formalised", "done": "on"})
    assert response.status_code == 302
    assert agreement.rule_checks.filter(rule="formalised").exists()
    response = client.post(
        url("agreement_rules", agreement), {"rule": "formalised"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="rules"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert not agreement.rule_checks.filter(rule="formalised").exists()


def test_accept_through_the_page_puts_the_agreement_in_force(
    client: Any, agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    confirm_rules(agreement, coordinator)
    version = latest(agreement)
    p = parties(agreement)
    for person, kind in ((company_member, PartyKind.COMPANY), (coordinator, PartyKind.REGION)):
        client.force_login(person)
        data = {"party": p[kind].pk, "version": version.number, "checksum": version.checksum}
        assert client.post(url("agreement_accept", agreement), data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE


def test_accept_with_a_changed_text_is_refused(
    client: Any, agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    confirm_rules(agreement, coordinator)
    opened = latest(agreement)
    update(agreement, coordinator, values={"staff_hours": "999"})
    client.force_login(company_member)
    party = parties(agreement)[PartyKind.COMPANY].pk
    stale = {"party": party, "version": opened.number, "checksum": opened.checksum}
    response = client.post(url("agreement_accept", agreement), stale)
    assert response.status_code == 409
    assert "no longer the latest" in response.content.decode()
    mismatch = {"party": party, "version": latest(agreement).number, "checksum": "0" * 64}
    response = client.post(url("agreement_accept", agreement), mismatch)
    assert response.status_code == 409
    assert "The text changed since you opened it" in response.content.decode()
    assert not AgreementAcceptance.objects.exists()


def test_accept_before_the_rules_are_confirmed_is_refused(
    client: Any, agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    update(agreement, coordinator)
    version = latest(agreement)
    client.force_login(company_member)
    data = {
        "party": parties(agreement)[PartyKind.COMPANY].pk,
        "version": version.number,
        "checksum": version.checksum,
    }
    response = client.post(url("agreement_accept", agreement), data)
    assert response.status_code == 400
    assert "Confirm every collaboration rule" in response.content.decode()
    assert not AgreementAcceptance.objects.exists()


def test_download_is_plain_text_attachment(
    client: Any, agreement: Agreement, company_member: Any
) -> None:
    client.force_login(company_member)
    response = client.get(url("agreement_download", agreement, 1))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode() == latest(agreement).text


# --- Cost ----------------------------------------------------------------------------------------


def test_page_queries_do_not_grow_with_versions_and_acceptances(
    client: Any, agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    confirm_rules(agreement, coordinator)
    client.force_login(coordinator)

    def grow(times: int) -> None:
        for _ in range(times):
            version = latest(agreement)
            agreement_accept(
                actor=company_member,
                agreement=agreement,
                party=parties(agreement)[PartyKind.COMPANY],
                version_number=version.number,
                checksum=version.checksum,
            )
            hours = str(100 + AgreementVersion.objects.count())
            update(agreement, coordinator, values={"staff_hours": hours})

    grow(2)
    few = count_queries(client, url("agreement", agreement))
    grow(6)
    many = count_queries(client, url("agreement", agreement))
    assert few == many
