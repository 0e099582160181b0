"""The agreement services: clauses per kind, values, versions, rules, acceptance, in force."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnerships.agreement_rules import RULE_KEYS
from partnerships.models import (
    Agreement,
    AgreementAcceptance,
    AgreementVersion,
    EventKind,
    PartnershipEvent,
    PartyKind,
)
from partnerships.services.agreements import (
    agreement_accept,
    agreement_start,
    agreement_update,
    checksum_of,
    format_amount,
    rule_check_set,
)
from partnerships.workflow import AgreementStatus
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent

from .test_agreements_scene import *  # noqa: F403  (the shared fixtures)
from .test_agreements_scene import VALID_VALUES, make_partnership_at

pytestmark = pytest.mark.django_db

ALL = {
    "intellectual-property",
    "confidentiality",
    "public-access",
    "data-protection",
    "compensation",
    "publication",
    "duration",
    "competition-neutrality",
}


def keys_of(agreement: Agreement) -> set[str]:
    return set(agreement.clauses.values_list("clause__key", flat=True))


def update(agreement: Agreement, actor: Any, **overrides: Any) -> Agreement:
    agreement.refresh_from_db()
    keys = overrides.pop("clause_keys", None)
    if keys is None:
        keys = keys_of(agreement)
    values = {**VALID_VALUES, **overrides.pop("values", {})}
    return agreement_update(
        actor=actor,
        agreement=agreement,
        expected_version=overrides.pop("expected_version", agreement.version),
        region_role=overrides.pop("region_role", agreement.region_role),
        language=overrides.pop("language", agreement.language),
        clause_keys=keys,
        values=values,
    )


def confirm_all_rules(agreement: Agreement, actor: Any) -> None:
    for rule in RULE_KEYS:
        rule_check_set(actor=actor, agreement=agreement, rule=rule, done=True)


def parties(agreement: Agreement) -> dict[str, Any]:
    return {party.kind: party for party in agreement.partnership.parties.all()}


def latest(agreement: Agreement) -> AgreementVersion:
    return agreement.versions.order_by("-number").first()  # type: ignore[return-value]


# --- Starting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("clinical", ALL | {"collaboration-customer"}),
        ("testbed", ALL | {"collaboration-customer"}),
        (
            "codev",
            ALL | {"collaboration-partner"},
        ),
        (
            "dialogue",
            {"confidentiality", "public-access", "duration", "competition-neutrality"}
            | {"collaboration-partner"},
        ),
        (
            "other",
            ALL - {"data-protection", "publication"} | {"collaboration-partner"},
        ),
    ],
)
def test_start_switches_on_the_clauses_of_the_kind(
    region: Any, company: Any, coordinator: Any, kind: str, expected: set[str]
) -> None:
    partnership = make_partnership_at(region=region, company=company, kind=kind)
    agreement = agreement_start(actor=coordinator, partnership=partnership)
    assert keys_of(agreement) == expected
    version = latest(agreement)
    assert version.number == 1
    assert version.checksum == checksum_of(version.text)
    assert "CareSense AB" in version.text and "Region Uppsala" in version.text
    assert PartnershipEvent.objects.filter(
        partnership=partnership, kind=EventKind.AGREEMENT
    ).exists()
    assert AuditEvent.objects.filter(action="agreement.start").exists()


def test_codev_owns_the_results_jointly_by_default(
    region: Any, company: Any, coordinator: Any
) -> None:
    partnership = make_partnership_at(region=region, company=company, kind="codev")
    agreement = agreement_start(actor=coordinator, partnership=partnership)
    assert "parterna gemensamt" in latest(agreement).text


def test_start_before_the_agreement_step_is_refused(
    region: Any, company: Any, coordinator: Any
) -> None:
    partnership = make_partnership_at(region=region, company=company, step_key="needs")
    with pytest.raises(ValidationError):
        agreement_start(actor=coordinator, partnership=partnership)
    assert not Agreement.objects.exists()


def test_start_twice_returns_the_same_agreement(partnership: Any, coordinator: Any) -> None:
    first = agreement_start(actor=coordinator, partnership=partnership)
    second = agreement_start(actor=coordinator, partnership=partnership)
    assert first.pk == second.pk
    assert AgreementVersion.objects.count() == 1


def test_sponsor_may_not_start(partnership: Any, sponsor: Any) -> None:
    with pytest.raises(PermissionDenied):
        agreement_start(actor=sponsor, partnership=partnership)


# --- Editing and versions ------------------------------------------------------------------------


def test_a_change_writes_a_new_version_and_no_change_none(
    agreement: Agreement, coordinator: Any
) -> None:
    update(agreement, coordinator)
    version = latest(agreement)
    assert version.number == 2
    assert version.checksum == checksum_of(version.text)
    # Totals: 120 × 850 = 102 000; 40 × 1 200,50 = 48 020; together 150 020 (Swedish text).
    assert "120 timmar × 850 kr = 102 000 kr" in version.text
    assert "40 timmar × 1 200,50 kr = 48 020 kr" in version.text
    assert "Sammanlagt: 150 020 kr" in version.text
    update(agreement, coordinator)
    assert latest(agreement).number == 2


def test_english_text_shows_sek_totals(agreement: Agreement, coordinator: Any) -> None:
    update(agreement, coordinator, language="en")
    text = latest(agreement).text
    assert "120 hours × SEK 850 = SEK 102,000" in text
    assert "In total: SEK 150,020 excluding VAT" in text
    assert text.startswith("COLLABORATION AGREEMENT")


def test_region_role_switches_the_collaboration_clause(
    agreement: Agreement, coordinator: Any
) -> None:
    update(agreement, coordinator, region_role="partner")
    assert "collaboration-partner" in keys_of(agreement)
    assert "collaboration-customer" not in keys_of(agreement)


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("staff_hours", "many"),
        ("staff_hours", "-3"),
        ("staff_rate", "12.345"),
        ("start_date", "2027-02-30"),
        ("confidentiality_years", ""),
        ("purpose", "x" * 301),
    ],
)
def test_bad_values_are_refused_beside_their_field(
    agreement: Agreement, coordinator: Any, name: str, bad: str
) -> None:
    before = latest(agreement).text
    with pytest.raises(ValidationError) as info:
        update(agreement, coordinator, values={name: bad})
    assert set(info.value.error_dict) == {name}
    assert latest(agreement).text == before


def test_end_before_start_is_refused(agreement: Agreement, coordinator: Any) -> None:
    with pytest.raises(ValidationError) as info:
        update(
            agreement, coordinator, values={"start_date": "2027-05-01", "end_date": "2027-01-01"}
        )
    assert "end_date" in info.value.error_dict


def test_values_of_switched_off_clauses_are_not_required(
    agreement: Agreement, coordinator: Any
) -> None:
    keys = keys_of(agreement) - {"compensation"}
    update(agreement, coordinator, clause_keys=keys, values={"staff_hours": ""})
    assert "compensation" not in keys_of(agreement)


def test_a_stale_version_raises_a_concurrent_edit(agreement: Agreement, coordinator: Any) -> None:
    stale = agreement.version
    update(agreement, coordinator)
    with pytest.raises(ConcurrentEditError):
        update(agreement, coordinator, expected_version=stale, values={"staff_hours": "1"})


def test_values_are_inserted_not_evaluated(agreement: Agreement, coordinator: Any) -> None:
    update(agreement, coordinator, values={"purpose": "{staff_hours} {0} {__class__}"})
    assert "{staff_hours} {0} {__class__}" in latest(agreement).text


# --- Rules and acceptance ------------------------------------------------------------------------


def test_accept_refused_until_every_rule_is_confirmed(
    agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    update(agreement, coordinator)
    version = latest(agreement)
    company_party = parties(agreement)[PartyKind.COMPANY]
    with pytest.raises(ValidationError) as info:
        agreement_accept(
            actor=company_member,
            agreement=agreement,
            party=company_party,
            version_number=version.number,
            checksum=version.checksum,
        )
    assert info.value.code == "rules"
    assert not AgreementAcceptance.objects.exists()


def test_stale_version_and_checksum_mismatch_are_refused(
    agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    confirm_all_rules(agreement, coordinator)
    first = latest(agreement)
    update(agreement, coordinator)
    company_party = parties(agreement)[PartyKind.COMPANY]
    with pytest.raises(ValidationError) as info:
        agreement_accept(
            actor=company_member,
            agreement=agreement,
            party=company_party,
            version_number=first.number,
            checksum=first.checksum,
        )
    assert info.value.code == "stale_version"
    with pytest.raises(ValidationError) as info:
        agreement_accept(
            actor=company_member,
            agreement=agreement,
            party=company_party,
            version_number=latest(agreement).number,
            checksum=first.checksum,
        )
    assert info.value.code == "checksum"
    assert not AgreementAcceptance.objects.exists()


def test_accept_for_a_party_one_does_not_act_for_is_refused(
    agreement: Agreement, coordinator: Any, company_member: Any, other_company_member: Any
) -> None:
    confirm_all_rules(agreement, coordinator)
    version = latest(agreement)
    p = parties(agreement)
    for actor, party in [
        (company_member, p[PartyKind.REGION]),
        (coordinator, p[PartyKind.COMPANY]),
        (other_company_member, p[PartyKind.COMPANY]),
    ]:
        with pytest.raises(PermissionDenied):
            agreement_accept(
                actor=actor,
                agreement=agreement,
                party=party,
                version_number=version.number,
                checksum=version.checksum,
            )


def _accept(agreement: Agreement, actor: Any, kind: str) -> AgreementAcceptance:
    version = latest(agreement)
    return agreement_accept(
        actor=actor,
        agreement=agreement,
        party=parties(agreement)[kind],
        version_number=version.number,
        checksum=version.checksum,
    )


def test_accepting_twice_is_a_no_op(
    agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    confirm_all_rules(agreement, coordinator)
    update(agreement, coordinator)
    first = _accept(agreement, company_member, PartyKind.COMPANY)
    second = _accept(agreement, company_member, PartyKind.COMPANY)
    assert first.pk == second.pk
    assert AgreementAcceptance.objects.count() == 1


def test_a_change_after_acceptance_voids_it_and_tells_everyone(
    agreement: Agreement,
    coordinator: Any,
    company_member: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    confirm_all_rules(agreement, coordinator)
    update(agreement, coordinator)
    acceptance = _accept(agreement, company_member, PartyKind.COMPANY)
    with django_capture_on_commit_callbacks(execute=True):
        update(agreement, coordinator, values={"staff_hours": "200"})
    acceptance.refresh_from_db()
    assert acceptance.voided_at is not None
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert {company_member.email, coordinator.email} <= recipients
    assert any("version 3" in mail.subject for mail in mailoutbox)


def test_all_parties_accepting_puts_it_in_force_and_edits_are_refused(
    agreement: Agreement,
    coordinator: Any,
    company_member: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    confirm_all_rules(agreement, coordinator)
    update(agreement, coordinator)
    _accept(agreement, company_member, PartyKind.COMPANY)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        _accept(agreement, coordinator, PartyKind.REGION)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    assert agreement.in_force_at is not None
    assert PartnershipEvent.objects.filter(
        partnership=agreement.partnership, kind=EventKind.AGREEMENT_IN_FORCE
    ).exists()
    assert PartnershipEvent.objects.filter(kind=EventKind.AGREEMENT_ACCEPTED).count() == 2
    assert {company_member.email, coordinator.email} <= {m.to[0] for m in mailoutbox}
    assert any("in force" in mail.subject for mail in mailoutbox)
    with pytest.raises(ValidationError) as info:
        update(agreement, coordinator, values={"staff_hours": "1"})
    assert info.value.code == "in_force"
    with pytest.raises(ValidationError):
        rule_check_set(actor=coordinator, agreement=agreement, rule="documented", done=False)


def test_accept_with_values_missing_is_refused(
    agreement: Agreement, coordinator: Any, company_member: Any
) -> None:
    confirm_all_rules(agreement, coordinator)
    with pytest.raises(ValidationError) as info:
        _accept(agreement, company_member, PartyKind.COMPANY)
    assert info.value.code == "incomplete"
    assert "{purpose}" in latest(agreement).text


def test_amounts_are_formatted_per_language() -> None:
    from decimal import Decimal

    assert format_amount(Decimal("1234567.5"), "sv") == "1 234 567,50"
    assert format_amount(Decimal("1234567"), "en") == "1,234,567"
