"""Holes found in review: parties added after acceptance, rules taken back after acceptance,
malformed acceptance posts, and numbers that int()/Decimal() accept but a person did not mean."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships.agreement_rules import RULE_KEYS
from partnerships.models import (
    Agreement,
    AgreementAcceptance,
    AgreementVersion,
    Clause,
    EventKind,
    PartnershipEvent,
    PartnershipParty,
    PartyKind,
)
from partnerships.services.agreements import (
    agreement_accept,
    agreement_refresh,
    clean_value,
    rule_check_set,
)
from partnerships.services.partnerships import party_add
from partnerships.workflow import AgreementStatus
from portal.core.models import AuditEvent
from tests.factories import OrganisationFactory

from .test_agreements_scene import *  # noqa: F403  (the shared fixtures)
from .test_agreements_services import _accept, confirm_all_rules, latest, parties, update

pytestmark = pytest.mark.django_db

NUMBER = {"name": "staff_hours", "type": "number"}
DECIMAL = {"name": "staff_rate", "type": "decimal"}


def _ready(agreement: Agreement, coordinator: Any) -> None:
    update(agreement, coordinator)
    confirm_all_rules(agreement, coordinator)


def _add_party(coordinator: Any, agreement: Agreement, name: str = "NewCo AB") -> Any:
    return party_add(
        actor=coordinator,
        partnership=agreement.partnership,
        organisation=OrganisationFactory(name=name),
        kind=PartyKind.COMPANY,
    )


# --- A party added after the agreement was written ----------------------------------------------


def test_adding_a_party_writes_a_new_version_and_voids_acceptances(
    agreement: Agreement,
    coordinator: Any,
    company_member: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _ready(agreement, coordinator)
    accepted = latest(agreement)
    acceptance = _accept(agreement, coordinator, PartyKind.REGION)
    with django_capture_on_commit_callbacks(execute=True):
        _add_party(coordinator, agreement)
    now = latest(agreement)
    assert now.number == accepted.number + 1
    assert "NewCo AB" in now.text and "NewCo AB" not in accepted.text
    acceptance.refresh_from_db()
    assert acceptance.voided_at is not None
    assert AuditEvent.objects.filter(action="agreement.refresh").count() == 1
    assert PartnershipEvent.objects.filter(
        partnership=agreement.partnership,
        kind=EventKind.AGREEMENT,
        texts__en__icontains=f"version {now.number}",
    ).exists()
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert {company_member.email, coordinator.email} <= recipients
    assert any(f"version {now.number}" in mail.subject for mail in mailoutbox)


def test_adding_a_party_before_any_acceptance_tells_nobody(
    agreement: Agreement,
    coordinator: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    before = latest(agreement).number
    with django_capture_on_commit_callbacks(execute=True):
        _add_party(coordinator, agreement)
    assert latest(agreement).number == before + 1
    assert mailoutbox == []


def test_the_new_party_must_accept_before_the_agreement_is_in_force(
    agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    _ready(agreement, coordinator)
    first_parties = parties(agreement)
    _accept(agreement, coordinator, PartyKind.REGION)
    _add_party(coordinator, agreement)
    version = latest(agreement)
    for actor, kind in ((coordinator, PartyKind.REGION), (company_member, PartyKind.COMPANY)):
        agreement_accept(
            actor=actor,
            agreement=agreement,
            party=first_parties[kind],
            version_number=version.number,
            checksum=version.checksum,
        )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT


def test_adding_a_party_to_an_agreement_in_force_is_refused(
    agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    _ready(agreement, coordinator)
    _accept(agreement, coordinator, PartyKind.REGION)
    _accept(agreement, company_member, PartyKind.COMPANY)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    versions = AgreementVersion.objects.count()
    with pytest.raises(ValidationError) as info:
        _add_party(coordinator, agreement, "LateCo AB")
    assert "parties cannot be added" in " ".join(info.value.messages)
    assert not PartnershipParty.objects.filter(organisation__name="LateCo AB").exists()
    assert AgreementVersion.objects.count() == versions


def test_adding_a_party_to_an_agreement_in_force_shows_the_reason_on_the_page(
    client: Any, agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    _ready(agreement, coordinator)
    _accept(agreement, coordinator, PartyKind.REGION)
    _accept(agreement, company_member, PartyKind.COMPANY)
    late = OrganisationFactory(name="LateCo AB")
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:party_add", args=[agreement.partnership_id]),
        {"party-organisation": late.org_number, "party-kind": PartyKind.COMPANY},
    )
    assert response.status_code == 400
    assert "parties cannot be added" in response.content.decode()
    assert not PartnershipParty.objects.filter(organisation=late).exists()


def test_refresh_without_a_change_writes_nothing(agreement: Agreement, coordinator: Any) -> None:
    versions = AgreementVersion.objects.count()
    assert agreement_refresh(actor=coordinator, agreement=agreement) is None
    assert AgreementVersion.objects.count() == versions
    assert not AuditEvent.objects.filter(action="agreement.refresh").exists()


def test_saving_the_same_values_writes_a_version_when_the_text_is_stale(
    agreement: Agreement, coordinator: Any
) -> None:
    update(agreement, coordinator)
    before = latest(agreement)
    # The library's wording changed since the last version: the rendered text differs although
    # the stored values do not, and the next save must write it as a new version.
    clause = Clause.objects.get(key="duration")
    clause.body_sv = clause.body_sv + " Ny mening."
    clause.save(update_fields=["body_sv"])
    update(agreement, coordinator)
    after = latest(agreement)
    assert after.number == before.number + 1
    assert "Ny mening." in after.text


# --- A rule taken back after an acceptance -----------------------------------------------------


def test_taking_a_rule_back_voids_the_acceptances_and_tells_everyone(
    agreement: Agreement,
    coordinator: Any,
    company_member: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _ready(agreement, coordinator)
    acceptance = _accept(agreement, company_member, PartyKind.COMPANY)
    rule = sorted(RULE_KEYS)[0]
    with django_capture_on_commit_callbacks(execute=True):
        assert rule_check_set(actor=coordinator, agreement=agreement, rule=rule, done=False)
    acceptance.refresh_from_db()
    assert acceptance.voided_at is not None
    assert PartnershipEvent.objects.filter(
        kind=EventKind.AGREEMENT, texts__en__icontains="acceptances given so far were voided"
    ).exists()
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert {company_member.email, coordinator.email} <= recipients
    assert any("again" in mail.subject for mail in mailoutbox)
    # Confirmed again, the same version must be accepted again by every party.
    rule_check_set(actor=coordinator, agreement=agreement, rule=rule, done=True)
    _accept(agreement, coordinator, PartyKind.REGION)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    again = _accept(agreement, company_member, PartyKind.COMPANY)
    assert again.voided_at is None
    # The voided acceptance stays as its own row: who accepted, when, and when it was voided.
    acceptance.refresh_from_db()
    assert again.pk != acceptance.pk and acceptance.voided_at is not None
    unchecked = AuditEvent.objects.get(action="agreement.rule_unchecked")
    assert [row["party"] for row in unchecked.data["acceptances_voided"]] == [again.party_id]
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE


def test_taking_a_rule_back_before_any_acceptance_tells_nobody(
    agreement: Agreement,
    coordinator: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _ready(agreement, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        rule_check_set(
            actor=coordinator, agreement=agreement, rule=sorted(RULE_KEYS)[0], done=False
        )
    assert mailoutbox == []
    assert not AgreementAcceptance.objects.exists()


# --- A malformed acceptance --------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"version": "-1"},
        {"version": "abc"},
        {"version": "9" * 30},
        {"checksum": None},
        {"checksum": "x" * 64},
        {"party": "abc"},
    ],
    ids=["negative", "letters", "huge", "no-checksum", "not-hex", "party-letters"],
)
def test_a_malformed_acceptance_is_a_400_with_a_clear_error(
    client: Any, agreement: Agreement, coordinator: Any, company_member: Any, bad: dict[str, Any]
) -> None:
    _ready(agreement, coordinator)
    version = latest(agreement)
    data = {
        "party": parties(agreement)[PartyKind.COMPANY].pk,
        "version": version.number,
        "checksum": version.checksum,
        **bad,
    }
    client.force_login(company_member)
    response = client.post(
        reverse("partnerships:agreement_accept", args=[agreement.partnership_id]),
        {key: value for key, value in data.items() if value is not None},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="accept-error"' in body
    assert "could not be read" in body
    assert not AgreementAcceptance.objects.exists()


# --- Numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"), [("120", "120"), (" 12 ", "12"), ("007", "7"), ("0", "0")]
)
def test_whole_numbers_are_plain_digits(raw: str, stored: str) -> None:
    assert clean_value(NUMBER, raw) == stored


@pytest.mark.parametrize(
    "raw", ["1_000", "12 500", "+5", "-5", "1e3", "1.0", "١٢", "²", "9" * 5000, "abc", True]
)
def test_other_whole_numbers_are_refused(raw: Any) -> None:
    with pytest.raises(ValidationError):
        clean_value(NUMBER, raw)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("850", "850.00"), ("850,5", "850.50"), (" 1200.50 ", "1200.50"), ("12.500", "12.50")],
)
def test_amounts_are_digits_with_one_decimal_separator(raw: str, stored: str) -> None:
    assert clean_value(DECIMAL, raw) == stored


@pytest.mark.parametrize(
    "raw",
    ["1_000", "1e3", "NaN", "Infinity", "1,000.50", "1.2.3", ".5", "5.", "-1", "12.345", "9" * 100],
)
def test_other_amounts_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        clean_value(DECIMAL, raw)


def test_an_underscored_number_is_shown_beside_its_field(
    client: Any, agreement: Agreement, coordinator: Any
) -> None:
    from .test_agreements_views import edit_data

    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:agreement_edit", args=[agreement.partnership_id]),
        edit_data(agreement, staff_hours="1_000", staff_rate="1e3"),
    )
    body = response.content.decode()
    assert 'id="id_staff_hours_error"' in body and "digits only" in body
    assert 'id="id_staff_rate_error"' in body
    assert 'value="1_000"' in body
    assert AgreementVersion.objects.count() == 1
