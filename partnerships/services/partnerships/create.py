"""Starting a partnership: from an accepted proposal, or by a coordinator without one, on the
process template its region runs.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import OrganisationKind
from portal.core.audit import audit_record

from ...models import (
    EventKind,
    Partnership,
    PartnershipEvent,
    PartnershipParty,
    PartyKind,
    ProcessStep,
    ProcessTemplate,
    Proposal,
)
from ...permissions.base import (
    coordinated_region_ids,
    coordinates_proposal,
)
from ...workflow import (
    ProposalStatus,
)
from ._common import _coordinated, _is_admin, _name_member

DEFAULT_FAMILY = "co-sharing"


def template_for_region(region: Any) -> ProcessTemplate:
    """The template new partnerships of `region` run on: its own current one, else the default."""
    template = ProcessTemplate.objects.filter(region=region, is_current=True).first()
    if template is None:
        template = ProcessTemplate.objects.filter(
            region__isnull=True, is_current=True, family=DEFAULT_FAMILY
        ).first()
    if template is None:
        raise ValidationError(_("No process template is available for this region."))
    return template


def _first_step(template: ProcessTemplate) -> ProcessStep:
    step = template.steps.order_by("order").first()
    if step is None:
        raise ValidationError(_("The process template has no steps."))
    return step


def _party_kind_for(organisation: Any) -> str:
    if organisation.kind == OrganisationKind.ACADEMIA:
        return PartyKind.ACADEMIA
    if organisation.kind == OrganisationKind.COMPANY:
        return PartyKind.COMPANY
    return PartyKind.OTHER


def _start(
    *,
    actor: Any,
    region: Any,
    title: str,
    summary: str,
    collaboration_kind: str,
    proposal: Proposal | None = None,
) -> Partnership:
    # Lock the template: an edit of it waits for this partnership and then makes a new revision,
    # so the steps a partnership runs on never change under it.
    template = ProcessTemplate.objects.select_for_update().get(pk=template_for_region(region).pk)
    first = _first_step(template)
    partnership = Partnership.objects.create(
        title=title,
        summary=summary,
        region=region,
        proposal=proposal,
        collaboration_kind=collaboration_kind or "other",
        template=template,
        current_step=first,
        last_activity_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    region_party = PartnershipParty.objects.create(
        partnership=partnership, kind=PartyKind.REGION, region=region
    )
    # Only a coordinator of the region is named for the region party (a portal admin who starts
    # a partnership is not: naming is what lets a person act for a party).
    if getattr(actor, "is_authenticated", False) and region.pk in coordinated_region_ids(actor):
        _name_member(party=region_party, user=actor, role=_("Coordinator"))
    PartnershipEvent.objects.create(
        partnership=partnership,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=EventKind.CREATED,
        to_step=first,
    )
    return partnership


@transaction.atomic
def partnership_create_from_proposal(*, actor: Any, proposal: Proposal) -> Partnership:
    """Start the partnership for an accepted proposal (called inside the accept transaction).

    The region's own current template is used if it has one, else the national default. The
    region and the proposing organisation become parties; the proposal's author and the accepting
    coordinator are named people and receive `partnerships.work_on_partnership`.
    Refused unless the proposal is accepted, has no partnership yet, and the actor coordinates
    it (services are called from more places than the accept view).
    """
    if proposal.status != ProposalStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted proposal becomes a partnership."))
    if not coordinates_proposal(actor, proposal):
        raise PermissionDenied(_("Only the region's coordinators may do this."))
    if Partnership.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("This proposal already has a partnership."))
    partnership = _start(
        actor=actor,
        region=proposal.region,
        title=proposal.title,
        summary=proposal.summary,
        collaboration_kind=proposal.collaboration_kind,
        proposal=proposal,
    )
    organisation = proposal.organisation
    party = PartnershipParty.objects.create(
        partnership=partnership,
        kind=_party_kind_for(organisation),
        organisation=organisation,
    )
    if proposal.created_by_id:
        _name_member(party=party, user=proposal.created_by, role=_("Contact person"))
    audit_record(
        actor=actor,
        action="partnership.create",
        target=partnership,
        data={
            "proposal": proposal.pk,
            "template": partnership.template_id,
            "step": partnership.current_step_id,
        },
    )
    return partnership


@transaction.atomic
def partnership_create(
    *,
    actor: Any,
    region: Any,
    title: str,
    summary: str = "",
    collaboration_kind: str = "other",
    organisations: Iterable[Any] = (),
) -> Partnership:
    """A coordinator (or portal admin) starts a partnership without a proposal.

    The region is a party with the coordinator named; each organisation becomes a party of the
    kind its organisation kind says.
    """
    if not (_is_admin(actor) or region.pk in _coordinated(actor)):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the partnership a title.")})
    partnership = _start(
        actor=actor,
        region=region,
        title=title,
        summary=(summary or "").strip(),
        collaboration_kind=collaboration_kind,
    )
    for organisation in organisations:
        PartnershipParty.objects.create(
            partnership=partnership, kind=_party_kind_for(organisation), organisation=organisation
        )
    audit_record(
        actor=actor,
        action="partnership.create",
        target=partnership,
        data={"template": partnership.template_id, "step": partnership.current_step_id},
    )
    return partnership
