"""Reads for the agreement pages, with a fixed number of queries however long the history is."""

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from ..agreement_rules import COLLABORATION_RULES
from ..models import (
    Agreement,
    AgreementAcceptance,
    AgreementClause,
    AgreementVersion,
    Clause,
    Partnership,
    PartnershipParty,
    PartyMember,
    RuleCheck,
)
from ..services.agreements import region_first


@dataclass
class PartyState:
    party: PartnershipParty
    acceptance: AgreementAcceptance | None = None  # of the latest version, not voided
    earlier: list[AgreementAcceptance] = field(default_factory=list)


@dataclass
class AgreementPage:
    agreement: Agreement | None
    parties: list[PartnershipParty]
    latest: AgreementVersion | None = None
    versions: list[AgreementVersion] = field(default_factory=list)
    party_states: list[PartyState] = field(default_factory=list)
    rules: list[tuple[str, Any, RuleCheck | None]] = field(default_factory=list)
    rules_complete: bool = False
    clause_rows: list[AgreementClause] = field(default_factory=list)


def agreement_parties(*, partnership: Partnership) -> list[PartnershipParty]:
    return region_first(
        PartnershipParty.objects.filter(partnership=partnership)
        .select_related("partnership", "region", "unit", "organisation")
        .prefetch_related(
            Prefetch("members", queryset=PartyMember.objects.only("id", "party_id", "user_id"))
        )
    )


def clause_library() -> list[Clause]:
    return list(Clause.objects.filter(active=True).order_by("order", "key"))


def agreement_page(*, partnership: Partnership) -> AgreementPage:
    """The agreement of `partnership` (already fetched through the permission helper) with its
    versions, each party's acceptance, the confirmed rules and the clauses switched on."""
    parties = agreement_parties(partnership=partnership)
    agreement = (
        Agreement.objects.filter(partnership=partnership)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.select_related("created_by")
                .prefetch_related(
                    Prefetch(
                        "acceptances",
                        queryset=AgreementAcceptance.objects.select_related("accepted_by"),
                    )
                )
                .order_by("-number"),
            ),
            Prefetch("rule_checks", queryset=RuleCheck.objects.select_related("checked_by")),
            Prefetch("clauses", queryset=AgreementClause.objects.select_related("clause")),
        )
        .first()
    )
    page = AgreementPage(agreement=agreement, parties=parties)
    if agreement is None:
        return page
    agreement.partnership = partnership
    page.versions = list(agreement.versions.all())
    page.latest = page.versions[0] if page.versions else None
    for party in parties:
        state = PartyState(party=party)
        for version in page.versions:
            for acceptance in version.acceptances.all():
                if acceptance.party_id != party.pk:
                    continue
                acceptance.version = version
                if version is page.latest and acceptance.voided_at is None:
                    state.acceptance = acceptance
                else:
                    state.earlier.append(acceptance)
        page.party_states.append(state)
    checks = {check.rule: check for check in agreement.rule_checks.all()}
    page.rules = [(key, text, checks.get(key)) for key, text in COLLABORATION_RULES]
    page.rules_complete = all(check for _key, _text, check in page.rules)
    page.clause_rows = list(agreement.clauses.all())
    return page


def agreement_version_get(*, agreement: Agreement, number: int) -> AgreementVersion | None:
    return (
        AgreementVersion.objects.filter(agreement=agreement, number=number)
        .select_related("created_by")
        .first()
    )


def agreement_version_previous(*, version: AgreementVersion) -> AgreementVersion | None:
    return (
        AgreementVersion.objects.filter(
            agreement_id=version.agreement_id, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )


def version_diff(*, before: str, after: str) -> list[tuple[str, str]]:
    """A line diff as (kind, line) pairs, kind one of "added", "removed", "same", "gap";
    lines stay plain text: the template escapes them."""
    rows: list[tuple[str, str]] = []
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for group in matcher.get_grouped_opcodes(1):
        if rows:
            rows.append(("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [("same", line) for line in old[i1:i2]]
                continue
            rows += [("removed", line) for line in old[i1:i2]]
            rows += [("added", line) for line in new[j1:j2]]
    return rows
