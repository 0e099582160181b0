"""Personal data in Co-sharing: the proposals, reviews and partnerships the person took part in
and what they contributed (see `portal.accounts.privacy` for the registry).

Proposals, partnerships, their messages, documents, checklist ticks, gate approvals, agreements
and acceptances are region records (public documents): they stay, and the person is shown as
"Former user". What goes is the personal contact data in a proposal's contact fields and the
person's name or address in the timeline's generated text ("Ada Lindqvist named for …").
"""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.privacy import identifiers, rows
from portal.core.privacy import forget_in_audit, scrub_text

from .models import (
    AgreementAcceptance,
    AgreementVersion,
    Call,
    ChecklistCheck,
    CriterionScore,
    EventKind,
    GateApproval,
    ObstacleNote,
    Partnership,
    PartnershipDocument,
    PartnershipEvent,
    PartnershipMessage,
    PartnershipUserObjectPermission,
    PartyMember,
    ProcessTemplate,
    Proposal,
    ProposalAttachment,
    ReviewAssignment,
    RuleCheck,
)

SECTION = "partnerships"
TITLE = _("Proposals and partnerships")
HOLDS = _(
    "The proposals you created or are the contact person of, the files you attached, your "
    "reviews and scores, the partnerships you are named in and your role there, and what you "
    "contributed: messages, documents (their names and sizes), obstacle notes, checklist ticks, "
    "gate approvals, agreement versions and acceptances."
)
KEPT = _(
    "Proposals, partnerships, messages, documents, agreements and acceptances are region records "
    "and public documents: they are kept, with you shown as “Former user”. Your contact details "
    "in proposals are removed."
)
COVERS = frozenset(
    {
        "partnerships.ProcessTemplate.created_by",
        "partnerships.Call.created_by",
        "partnerships.Proposal.created_by",
        "partnerships.ProposalAttachment.uploaded_by",
        "partnerships.ReviewAssignment.reviewer",
        "partnerships.ReviewAssignment.assigned_by",
        "partnerships.Partnership.created_by",
        "partnerships.PartnershipUserObjectPermission.user",
        "partnerships.PartyMember.user",
        "partnerships.ChecklistCheck.checked_by",
        "partnerships.GateApproval.approved_by",
        "partnerships.PartnershipDocument.uploaded_by",
        "partnerships.PartnershipMessage.author",
        "partnerships.PartnershipEvent.actor",
        "partnerships.ObstacleNote.author",
        "partnerships.AgreementVersion.created_by",
        "partnerships.AgreementAcceptance.accepted_by",
        "partnerships.RuleCheck.checked_by",
    }
)

_PROPOSAL_FIELDS = (
    "id",
    "title",
    "status",
    "created_at",
    "submitted_at",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _contact_is(user: User) -> Q:
    """Proposals whose contact person is the person: one of their addresses, or their name on
    a proposal they created."""
    found = identifiers(user)
    rule = Q(contact_email__in=found.emails)
    if found.name:
        rule |= Q(created_by=user, contact_name__iexact=found.name)
    return rule


def export(user: User) -> dict[str, Any]:
    """The partnerships section (20 queries)."""
    return {
        "proposals_you_created": rows(
            Proposal.objects.filter(created_by=user),
            *_PROPOSAL_FIELDS,
            organisation="organisation__name",
            region="region__slug",
        ),
        "proposals_naming_you_as_contact": rows(
            Proposal.objects.filter(_contact_is(user)).exclude(created_by=user),
            *_PROPOSAL_FIELDS,
            organisation="organisation__name",
            region="region__slug",
        ),
        "proposal_files_you_attached": rows(
            ProposalAttachment.objects.filter(uploaded_by=user),
            "id",
            "name",
            "content_type",
            "size",
            "created_at",
            proposal_id="proposal_id",
        ),
        "your_reviews": rows(
            ReviewAssignment.objects.filter(reviewer=user),
            "id",
            "comment",
            "submitted_at",
            "created_at",
            proposal_id="proposal_id",
            proposal="proposal__title",
        ),
        "your_scores": rows(
            CriterionScore.objects.filter(review__reviewer=user),
            "score",
            "comment",
            review_id="review_id",
            criterion="criterion__title",
        ),
        "reviews_you_assigned": rows(
            ReviewAssignment.objects.filter(assigned_by=user),
            "id",
            "created_at",
            proposal_id="proposal_id",
        ),
        "calls_you_created": rows(
            Call.objects.filter(created_by=user), "id", "title", "created_at"
        ),
        "process_templates_you_created": rows(
            ProcessTemplate.objects.filter(created_by=user), "id", "name_sv", "name_en"
        ),
        "partnerships_you_are_named_in": rows(
            PartyMember.objects.filter(user=user),
            "role",
            partnership_id="party__partnership_id",
            partnership="party__partnership__title",
            party_kind="party__kind",
            party_organisation="party__organisation__name",
            since="created_at",
        ),
        "partnerships_you_started": rows(
            Partnership.objects.filter(created_by=user), "id", "title", "created_at"
        ),
        "messages_you_wrote": rows(
            PartnershipMessage.objects.filter(author=user),
            "id",
            "body",
            "created_at",
            partnership_id="partnership_id",
        ),
        "documents_you_uploaded": rows(
            PartnershipDocument.objects.filter(uploaded_by=user),
            "id",
            "title",
            "name",
            "content_type",
            "size",
            "created_at",
            partnership_id="partnership_id",
        ),
        "obstacle_notes_you_wrote": rows(
            ObstacleNote.objects.filter(author=user),
            "id",
            "text",
            "created_at",
            partnership_id="partnership_id",
        ),
        "checklist_ticks": rows(
            ChecklistCheck.objects.filter(checked_by=user),
            "note",
            "checked_at",
            partnership_id="partnership_id",
            item="item__text_en",
        ),
        "gate_approvals": rows(
            GateApproval.objects.filter(approved_by=user),
            "comment",
            "approved_at",
            "voided_at",
            partnership_id="partnership_id",
            step="step__key",
        ),
        "timeline_entries": rows(
            PartnershipEvent.objects.filter(actor=user),
            "kind",
            "text",
            "created_at",
            partnership_id="partnership_id",
        ),
        "agreement_versions_you_made": rows(
            AgreementVersion.objects.filter(created_by=user),
            "number",
            "created_at",
            partnership_id="agreement__partnership_id",
        ),
        "agreement_acceptances": rows(
            AgreementAcceptance.objects.filter(accepted_by=user),
            "accepted_at",
            "voided_at",
            "checksum",
            partnership_id="version__agreement__partnership_id",
            version="version__number",
        ),
        "collaboration_rules_you_confirmed": rows(
            RuleCheck.objects.filter(checked_by=user),
            "rule",
            "checked_at",
            partnership_id="agreement__partnership_id",
        ),
        "partnership_permissions": rows(
            PartnershipUserObjectPermission.objects.filter(user=user),
            partnership_id="content_object_id",
            permission="permission__codename",
        ),
    }


def anonymise(user: User) -> dict[str, int]:
    """Blank the person's contact details in proposals, take their name and addresses out of
    the partnership timelines' generated text, and remove their rights on partnerships. The
    records themselves stay (public documents); the person shows as "Former user"."""
    found = identifiers(user)
    forget_in_audit(PartyMember, PartyMember.objects.filter(user=user))
    forget_in_audit(ReviewAssignment, ReviewAssignment.objects.filter(reviewer=user))
    # The timeline names people as "<name> named for <party>": there the name goes even when it
    # is a single word, since the entry is about this person.
    party_needles = list(found.needles())
    if found.name and found.name not in party_needles:
        party_needles.append(found.name)
    return {
        "proposal_contacts": Proposal.objects.filter(_contact_is(user)).update(
            contact_name="", contact_email="", contact_phone=""
        ),
        "timeline_texts": scrub_text(
            PartnershipEvent.objects.filter(kind=EventKind.PARTY), ["texts"], party_needles
        )
        + scrub_text(
            PartnershipEvent.objects.exclude(kind=EventKind.PARTY), ["texts"], found.needles()
        ),
        "partnership_permissions": PartnershipUserObjectPermission.objects.filter(
            user=user
        ).delete()[0],
    }
