"""Demo agreements: filled in, every rule confirmed, and accepted by the parties."""

from django.utils import timezone

from ..agreement_rules import RULE_KEYS
from ..models import Agreement, AgreementVersion, Partnership, PartnershipParty, PartyKind
from ..services.agreements import agreement_accept, agreement_start, agreement_update
from ..services.agreements import rule_check_set as agreement_rule_check_set
from .cast import Cast, _coordinator

# --- Partnerships ------------------------------------------------------------------------------


def _values(partnership: Partnership, purpose: str) -> dict[str, str]:
    year = timezone.localdate().year + 1
    return {
        "purpose": purpose,
        "ip_owner": "bolaget",
        "confidentiality_years": "5",
        "data_controller": partnership.region.name_sv,
        "staff_hours": "120",
        "staff_rate": "850",
        "test_resource_hours": "40",
        "test_resource_rate": "1200.50",
        "publication_delay_days": "30",
        "start_date": f"{year}-01-15",
        "end_date": f"{year}-12-15",
        "notice_days": "30",
    }


def _agreement_ready(cast: Cast, partnership: Partnership, purpose: str) -> Agreement:
    """Start the agreement, fill in every value and confirm every collaboration rule."""
    coordinator = _coordinator(cast, partnership)
    agreement = agreement_start(actor=coordinator, partnership=partnership)
    agreement.refresh_from_db()
    agreement = agreement_update(
        actor=coordinator,
        agreement=agreement,
        expected_version=agreement.version,
        region_role=agreement.region_role,
        language=agreement.language,
        clause_keys=list(agreement.clauses.values_list("clause__key", flat=True)),
        values=_values(partnership, purpose),
    )
    for rule in sorted(RULE_KEYS):
        agreement_rule_check_set(actor=coordinator, agreement=agreement, rule=rule, done=True)
    return agreement


def _accept_for(cast: Cast, agreement: Agreement, party: PartnershipParty) -> None:
    latest = AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()
    assert latest is not None
    if party.kind == PartyKind.REGION:
        actor = _coordinator(cast, agreement.partnership)
    else:
        actor = cast.people[str(party.organisation.org_number)]  # type: ignore[union-attr]
    agreement_accept(
        actor=actor,
        agreement=agreement,
        party=party,
        version_number=latest.number,
        checksum=latest.checksum,
    )


def _agreement_in_force(cast: Cast, partnership: Partnership, purpose: str) -> None:
    agreement = _agreement_ready(cast, partnership, purpose)
    for party in partnership.parties.select_related("organisation").order_by("pk"):
        _accept_for(cast, agreement, party)
