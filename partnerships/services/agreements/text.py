"""The agreement's text: its fixed wording per language, rendered from the clauses and their
values, and its checksum.
"""

import hashlib
from collections.abc import Iterable, Mapping

from ...models import (
    Agreement,
    AgreementClause,
    Clause,
    CollaborationKind,
    Partnership,
    PartnershipParty,
    PartyKind,
    RegionRoleInAgreement,
)
from .values import _display, _lang, compensation_totals, format_amount

# The agreement's own wording is fixed per language (not taken from the translation catalogs), so
# a changed translation never changes the text, and with it the checksum, of a signed agreement.
WORDING: dict[str, dict[str, str]] = {
    "sv": {
        "heading": "SAMVERKANSAVTAL",
        "parties": "Parter",
        "org_number": "organisationsnummer",
        "region_role": "Regionens roll",
        "kind": "Samverkansform",
        RegionRoleInAgreement.CUSTOMER: "Regionen som kund",
        RegionRoleInAgreement.DEVELOPMENT_PARTNER: "Regionen som utvecklingspartner",
        CollaborationKind.TEST_BED: "Test i testbädd",
        CollaborationKind.CLINICAL_EVALUATION: "Klinisk utvärdering",
        CollaborationKind.CO_DEVELOPMENT: "Samutveckling",
        CollaborationKind.NEEDS_DIALOGUE: "Behovsdialog",
        CollaborationKind.OTHER: "Annan samverkan",
    },
    "en": {
        "heading": "COLLABORATION AGREEMENT",
        "parties": "Parties",
        "org_number": "organisation number",
        "region_role": "The region's role",
        "kind": "Kind of collaboration",
        RegionRoleInAgreement.CUSTOMER: "The region as customer",
        RegionRoleInAgreement.DEVELOPMENT_PARTNER: "The region as development partner",
        CollaborationKind.TEST_BED: "Test in a test bed",
        CollaborationKind.CLINICAL_EVALUATION: "Clinical evaluation",
        CollaborationKind.CO_DEVELOPMENT: "Co-development",
        CollaborationKind.NEEDS_DIALOGUE: "Needs dialogue",
        CollaborationKind.OTHER: "Other collaboration",
    },
}


class _Filled(dict):  # type: ignore[type-arg]
    """Names that were not filled in stay visible as `{name}` instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _party_line(party: PartnershipParty, language: str) -> str:
    words = WORDING[_lang(language)]
    if party.kind == PartyKind.REGION and party.region is not None:
        region = party.region
        name = region.name_en if _lang(language) == "en" and region.name_en else region.name_sv
        return f"{name} – {party.unit.name}" if party.unit is not None else name
    organisation = party.organisation
    if organisation is None:
        return str(party)
    return f"{organisation.name}, {words['org_number']} {organisation.org_number}"


def agreement_render_text(
    *,
    partnership: Partnership,
    parties: Iterable[PartnershipParty],
    language: str,
    region_role: str,
    items: Iterable[tuple[Clause, Mapping[str, str]]],
) -> str:
    """The agreement as plain text: header with parties and the region's role, then each clause
    with its variables filled in (only the declared names; values are inserted, never parsed)."""
    lang = _lang(language)
    words = WORDING[lang]
    lines = [words["heading"], partnership.title, "", words["parties"]]
    lines += [f"- {_party_line(party, lang)}" for party in parties]
    lines += [
        "",
        f"{words['region_role']}: {words.get(region_role, region_role)}",
        f"{words['kind']}: {words.get(partnership.collaboration_kind, '')}",
    ]
    for number, (clause, values) in enumerate(items, start=1):
        filled = _Filled()
        for variable in clause.variables:
            name = variable["name"]
            if values.get(name):
                filled[name] = _display(variable, values[name], lang)
        if clause.kind == "compensation":
            for name, amount in compensation_totals(values).items():
                filled[name] = format_amount(amount, lang)
        title = getattr(clause, f"title_{lang}") or clause.title_sv
        body = getattr(clause, f"body_{lang}") or clause.body_sv
        lines += ["", f"{number}. {title}", body.format_map(filled)]
    return "\n".join(lines).rstrip() + "\n"


def checksum_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def region_first(parties: Iterable[PartnershipParty]) -> list[PartnershipParty]:
    """The region party first, then the others in the order they joined."""
    return sorted(parties, key=lambda party: (party.kind != PartyKind.REGION, party.pk))


def _parties(partnership: Partnership) -> list[PartnershipParty]:
    return region_first(
        PartnershipParty.objects.filter(partnership=partnership).select_related(
            "region", "unit", "organisation"
        )
    )


def _render(agreement: Agreement) -> str:
    rows = AgreementClause.objects.filter(agreement=agreement).select_related("clause")
    return agreement_render_text(
        partnership=agreement.partnership,
        parties=_parties(agreement.partnership),
        language=agreement.language,
        region_role=agreement.region_role,
        items=[(row.clause, row.values) for row in rows],
    )
