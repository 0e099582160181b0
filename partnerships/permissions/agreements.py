"""Who may start, edit and accept a partnership's agreement.

Seeing the agreement follows seeing the partnership (`get_partnership_for_user_or_404`). Editing
is work on the partnership (`can_work_on_partnership`) while the agreement is a draft and the
partnership is active. Accepting is done for one party by someone who acts for it.
"""

from typing import Any

from portal.accounts.permissions import is_portal_admin

from ..models import Agreement, Partnership, PartnershipParty, PartyKind
from ..workflow import AgreementStatus, PartnershipStatus
from .base import (
    can_work_on_partnership,
    coordinated_region_ids,
    member_organisation_ids,
    sponsored_region_ids,
)


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
    """A party is bound only by someone who acts for it.

    The region party: a coordinator of that region, nobody else. Another party: a member of its
    organisation, or a person named for that party who holds no role on the region's side –
    portal admins, the region's coordinators and sponsors never accept for a company or academia,
    even if they were named for it (a coordinator naming themselves must not bind the company).
    Uses `party.members` as prefetched by the agreement page selector when available.
    """
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if party.kind == PartyKind.REGION:
        return party.region_id in coordinated_region_ids(user)
    if party.organisation_id in member_organisation_ids(user):
        return True
    region_id = party.partnership.region_id
    if (
        is_portal_admin(user)
        or region_id in coordinated_region_ids(user)
        or region_id in sponsored_region_ids(user)
    ):
        return False
    return any(member.user_id == user.pk for member in party.members.all())


def parties_user_may_accept_for(
    user: Any, parties: list[PartnershipParty]
) -> list[PartnershipParty]:
    return [party for party in parties if may_act_for_party(user, party)]
