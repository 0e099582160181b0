"""Who may see and do what in Co-sharing. Predicates never write.

Tenancy is a queryset filter: company members see their own organisation's proposals and
partnerships; coordinators see their region's intake (never drafts) and partnerships; management
sponsors see their region's partnerships and approve their gates; reviewers see only the proposals
they are assigned; portal admins see all. Named people added to a partnership hold the guardian
permission `partnerships.work_on_partnership` on it. Everything else is a 404, for missing and
forbidden objects alike, in pages, fragments, downloads and exports.
"""

from .base import (
    can_approve_gate,
    can_coordinate_partnership,
    can_edit_proposal,
    can_triage_proposal,
    can_view_partnership,
    can_work_on_partnership,
    coordinated_region_ids,
    coordinates_proposal,
    get_partnership_for_user_or_404,
    get_proposal_for_user_or_404,
    member_organisation_ids,
    partnerships_visible_to,
    proposals_visible_to,
    sponsored_region_ids,
)

__all__ = [
    "can_approve_gate",
    "can_coordinate_partnership",
    "can_edit_proposal",
    "can_triage_proposal",
    "can_view_partnership",
    "can_work_on_partnership",
    "coordinated_region_ids",
    "coordinates_proposal",
    "get_partnership_for_user_or_404",
    "get_proposal_for_user_or_404",
    "member_organisation_ids",
    "partnerships_visible_to",
    "proposals_visible_to",
    "sponsored_region_ids",
]
