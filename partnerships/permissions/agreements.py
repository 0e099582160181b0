"""Who may start, edit and accept a partnership's agreement.

Seeing the agreement follows seeing the partnership (`get_partnership_for_user_or_404`). Editing
is work on the partnership (`can_work_on_partnership`) while the agreement is a draft and the
partnership is active. Accepting is done for one party by someone who acts for it.
"""

from typing import Any

from ..models import Agreement, Partnership, PartnershipParty, PartyKind
from ..workflow import AgreementStatus, PartnershipStatus
from .base import can_work_on_partnership, coordinated_region_ids, member_organisation_ids


def can_start_agreement(user: Any, partnership: Partnership) -> bool:
    """Workers start the agreement once the active partnership stands at the agreement step."""
    if partnership.status != PartnershipStatus.ACTIVE:
        return False
    if not partnership.current_step.is_agreement_step:
        return False
    return can_work_on_partnership(user, partnership)


def can_edit_agreement(user: Any, agreement: Agreement) -> bool:
    """Workers edit a draft agreement of an active partnership; an agreement in force is final."""
    partnership = agreement.partnership
    if agreement.status != AgreementStatus.DRAFT:
        return False
    if partnership.status != PartnershipStatus.ACTIVE:
        return False
    return can_work_on_partnership(user, partnership)


def may_act_for_party(user: Any, party: PartnershipParty) -> bool:
    """A party is bound by someone who acts for it: a member of its organisation, a coordinator
    of its region (for the region party), or a person named for that party.

    Portal admins and sponsors do not accept on anyone's behalf. Uses `party.members` as
    prefetched by the agreement page selector when available.
    """
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if party.kind == PartyKind.REGION:
        if party.region_id in coordinated_region_ids(user):
            return True
    elif party.organisation_id in member_organisation_ids(user):
        return True
    return any(member.user_id == user.pk for member in party.members.all())


def parties_user_may_accept_for(
    user: Any, parties: list[PartnershipParty]
) -> list[PartnershipParty]:
    return [party for party in parties if may_act_for_party(user, party)]
