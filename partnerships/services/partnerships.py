"""Every write to a running partnership: creation, moves through the Co-sharing steps, parties,
checklist ticks, gate approvals, documents, messages and obstacle notes.

Each service checks the actor's right itself (services are also called from the admin, commands
and tasks), locks the partnership row, records a timeline event and an audit row, touches
`last_activity_at` and tells the people concerned after commit.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portal.accounts.models import OrganisationKind
from portal.core.audit import audit_record
from portal.core.i18n import in_each_language
from portal.core.models import AuditEvent
from portal.core.notifications import MailKind, notify
from portal.core.uploads import DOCUMENT_KINDS, MB, inspect_upload, storage_name
from regions.models import RegionUserObjectPermission

from ..models import (
    Agreement,
    ChecklistCheck,
    ChecklistItem,
    EventKind,
    GateApproval,
    GateRole,
    ObstacleNote,
    Partnership,
    PartnershipDocument,
    PartnershipEvent,
    PartnershipMessage,
    PartnershipParty,
    PartyKind,
    PartyMember,
    ProcessStep,
    ProcessTemplate,
    Proposal,
)
from ..permissions.base import (
    WORK_PERM,
    can_approve_gate,
    can_coordinate_partnership,
    can_work_on_partnership,
    coordinated_region_ids,
    coordinates_proposal,
    sponsored_region_ids,
)
from ..workflow import (
    PARTNERSHIP_OPEN,
    PARTNERSHIP_REASON_REQUIRED,
    AgreementStatus,
    PartnershipAction,
    PartnershipStatus,
    ProposalStatus,
    partnership_next_status,
)

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


def _name_member(*, party: PartnershipParty, user: Any, role: str = "") -> PartyMember:
    member, _created = PartyMember.objects.get_or_create(
        party=party, user=user, defaults={"role": role}
    )
    assign_perm(f"partnerships.{WORK_PERM}", user, party.partnership)
    return member


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


# --- Helpers -------------------------------------------------------------------------------------


def _is_admin(user: Any) -> bool:
    from portal.accounts.permissions import is_portal_admin

    return is_portal_admin(user)


def _coordinated(user: Any) -> frozenset[int]:
    return coordinated_region_ids(user)


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(partnership: Partnership) -> Partnership:
    """The partnership row, locked for the rest of the transaction and read fresh."""
    # Lock the bare row first: with joins in the locking query, PostgreSQL re-checks a row that
    # another transaction changed against the joined rows it read before, and a moved step makes
    # the row vanish. Once locked, a plain read sees the committed state.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).values_list("pk").get()
    return Partnership.objects.select_related("region", "current_step", "template").get(
        pk=partnership.pk
    )


def _touch(partnership: Partnership, *fields: str) -> None:
    partnership.last_activity_at = timezone.now()
    partnership.save(update_fields=["last_activity_at", "updated_at", *fields])


def _event(
    partnership: Partnership,
    *,
    actor: Any,
    kind: str,
    text: str = "",
    says: Callable[[], Any] | None = None,
    from_step: ProcessStep | None = None,
    to_step: ProcessStep | None = None,
) -> PartnershipEvent:
    """A timeline entry: `text` is what a person wrote; `says` renders what the portal says about
    it, stored in every language so each reader sees their own."""
    return PartnershipEvent.objects.create(
        partnership=partnership,
        actor=_actor_or_none(actor),
        kind=kind,
        text=text,
        texts=in_each_language(says) if says else {},
        from_step=from_step,
        to_step=to_step,
    )


def _require_open(partnership: Partnership) -> None:
    if partnership.status not in PARTNERSHIP_OPEN:
        raise ValidationError(
            _("The partnership is %(status)s: nothing more can be changed.")
            % {"status": partnership.get_status_display().lower()}
        )


def _require_active(partnership: Partnership) -> None:
    if partnership.status != PartnershipStatus.ACTIVE:
        raise ValidationError(
            _("The partnership is %(status)s: resume it first.")
            % {"status": partnership.get_status_display().lower()}
        )


def _require_work(actor: Any, partnership: Partnership) -> None:
    if not can_work_on_partnership(actor, partnership):
        raise PermissionDenied(_("You do not work on this partnership."))


def _require_coordinate(actor: Any, partnership: Partnership) -> None:
    if not can_coordinate_partnership(actor, partnership):
        raise PermissionDenied(_("Only the region's coordinators may do this."))


def _require_step_of(partnership: Partnership, step: ProcessStep | None) -> None:
    if step is not None and step.template_id != partnership.template_id:
        raise ValidationError(_("That step is not part of this partnership's process."))


def region_people(region: Any, codename: str) -> list[Any]:
    """Users holding the guardian permission `codename` on the region (sponsors, coordinators)."""
    from portal.accounts.models import User

    ids = RegionUserObjectPermission.objects.filter(
        content_object=region, permission__codename=codename
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def party_people(partnership: Partnership, *, exclude: Any = None) -> list[Any]:
    """The named people of every party (the ones told about moves and messages)."""
    members = PartyMember.objects.filter(party__partnership=partnership).select_related("user")
    people = {m.user_id: m.user for m in members}
    if exclude is not None and getattr(exclude, "pk", None) in people:
        del people[exclude.pk]
    return list(people.values())


# --- What blocks a move --------------------------------------------------------------------------


def missing_required_items(partnership: Partnership, step: ProcessStep) -> list[ChecklistItem]:
    done = ChecklistCheck.objects.filter(partnership=partnership).values("item_id")
    return list(step.checklist.filter(required=True).exclude(pk__in=done).order_by("order"))


def gate_met(partnership: Partnership, step: ProcessStep) -> bool:
    if step.gate_role == GateRole.NONE:
        return True
    if step.gate_role == GateRole.PARTIES:
        return Agreement.objects.filter(
            partnership=partnership, status=AgreementStatus.IN_FORCE
        ).exists()
    return GateApproval.objects.filter(
        partnership=partnership, step=step, voided_at__isnull=True
    ).exists()


def gate_description(step: ProcessStep) -> str:
    if step.gate_role == GateRole.SPONSOR:
        return _("approval by the management sponsor")
    if step.gate_role == GateRole.COORDINATOR:
        return _("approval by a region coordinator")
    if step.gate_role == GateRole.PARTIES:
        return _("the agreement in force")
    return ""


def advance_blockers(partnership: Partnership) -> list[str]:
    """Exactly what keeps the partnership on its current step: each missing required checklist
    item by name, then the gate (the approval or the agreement in force) if it is not met."""
    step = partnership.current_step
    blockers = [item.text for item in missing_required_items(partnership, step)]
    if not gate_met(partnership, step):
        blockers.append(gate_description(step))
    return blockers


def _next_step(partnership: Partnership) -> ProcessStep | None:
    return (
        ProcessStep.objects.filter(
            template_id=partnership.template_id, order__gt=partnership.current_step.order
        )
        .order_by("order")
        .first()
    )


def _previous_step(partnership: Partnership) -> ProcessStep | None:
    return (
        ProcessStep.objects.filter(
            template_id=partnership.template_id, order__lt=partnership.current_step.order
        )
        .order_by("-order")
        .first()
    )


def _check_move(partnership: Partnership, action: str, reason: str) -> str:
    target = partnership_next_status(partnership.status, action)
    if target is None:
        raise ValidationError(
            _("A partnership that is %(status)s cannot do this: %(action)s.")
            % {
                "status": partnership.get_status_display().lower(),
                "action": PartnershipAction(action).label.lower(),
            }
        )
    if action in PARTNERSHIP_REASON_REQUIRED and not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    return target


def _check_expected_step(partnership: Partnership, expected_step_id: Any) -> None:
    try:
        expected = int(expected_step_id)
    except (TypeError, ValueError):
        expected = None
    if expected != partnership.current_step_id:
        raise ValidationError(
            _("The partnership has already moved to step %(step)s. Nothing was changed.")
            % {"step": partnership.current_step.name},
            code="stale_step",
        )


def _notify_moved(partnership: Partnership, *, actor: Any, event: PartnershipEvent) -> None:
    notify(
        users=party_people(partnership, exclude=actor),
        template="partnerships/email/partnership_moved",
        context={"partnership": partnership, "event": event, "actor": actor},
        kind=MailKind.PARTNERSHIP_ACTIVITY,
    )


def _maybe_gate_waiting(partnership: Partnership) -> None:
    """Tell the approvers once per arrival at a step, when its required checklist is complete
    and its gate needs a person who has not approved yet."""
    step = partnership.current_step
    if partnership.status != PartnershipStatus.ACTIVE:
        return
    if step.gate_role not in (GateRole.SPONSOR, GateRole.COORDINATOR):
        return
    if missing_required_items(partnership, step) or gate_met(partnership, step):
        return
    arrival = (
        PartnershipEvent.objects.filter(
            partnership=partnership,
            to_step=step,
            kind__in=[EventKind.CREATED, EventKind.ADVANCED, EventKind.MOVED_BACK],
        )
        .order_by("-created_at", "-id")
        .first()
    )
    told = AuditEvent.objects.filter(
        action="partnership.gate_waiting",
        target_type=Partnership._meta.label_lower,
        target_id=str(partnership.pk),
        data__step=step.pk,
    )
    if arrival is not None:
        told = told.filter(data__arrival=arrival.pk)
    if told.exists():
        return
    codename = "sponsor_region" if step.gate_role == GateRole.SPONSOR else "coordinate_region"
    approvers = region_people(partnership.region, codename)
    audit_record(
        actor=None,
        action="partnership.gate_waiting",
        target=partnership,
        data={
            "step": step.pk,
            "arrival": arrival.pk if arrival else None,
            "approvers": [u.pk for u in approvers],
        },
    )
    notify(
        users=approvers,
        template="partnerships/email/gate_waiting",
        context={"partnership": partnership, "step": step},
        kind=MailKind.GATE_WAITING,
    )


# --- Moves ---------------------------------------------------------------------------------------


@transaction.atomic
def partnership_advance(
    *, actor: Any, partnership: Partnership, expected_step_id: Any
) -> Partnership:
    """Move to the next step (coordinators). The required checklist must be complete and the gate
    met; `expected_step_id` is the step the actor saw, so a second press moves nothing."""
    _require_coordinate(actor, partnership)
    partnership = _lock(partnership)
    _check_expected_step(partnership, expected_step_id)
    _check_move(partnership, PartnershipAction.ADVANCE, "")
    target = _next_step(partnership)
    if target is None:
        raise ValidationError(
            _("This is the last step: close the partnership as completed instead.")
        )
    blockers = advance_blockers(partnership)
    if blockers:
        raise ValidationError(
            _("The partnership cannot move on yet. Missing: %(missing)s.")
            % {"missing": "; ".join(blockers)},
            code="blocked",
        )
    source = partnership.current_step
    partnership.current_step = target
    _touch(partnership, "current_step")
    event = _event(
        partnership, actor=actor, kind=EventKind.ADVANCED, from_step=source, to_step=target
    )
    audit_record(
        actor=actor,
        action="partnership.advance",
        target=partnership,
        data={"from": source.key, "to": target.key},
    )
    _notify_moved(partnership, actor=actor, event=event)
    _maybe_gate_waiting(partnership)
    return partnership


@transaction.atomic
def partnership_move_back(
    *, actor: Any, partnership: Partnership, expected_step_id: Any, reason: str
) -> Partnership:
    """Move back one step (coordinators), with a reason. Gate approvals of the step moved back to
    and every later step are voided: they must be given again."""
    _require_coordinate(actor, partnership)
    partnership = _lock(partnership)
    _check_expected_step(partnership, expected_step_id)
    reason = (reason or "").strip()
    _check_move(partnership, PartnershipAction.MOVE_BACK, reason)
    target = _previous_step(partnership)
    if target is None:
        raise ValidationError(_("This is the first step: there is nothing to move back to."))
    source = partnership.current_step
    voided = GateApproval.objects.filter(
        partnership=partnership, step__order__gte=target.order, voided_at__isnull=True
    ).update(voided_at=timezone.now())
    partnership.current_step = target
    _touch(partnership, "current_step")
    event = _event(
        partnership,
        actor=actor,
        kind=EventKind.MOVED_BACK,
        from_step=source,
        to_step=target,
        text=reason,
    )
    audit_record(
        actor=actor,
        action="partnership.move_back",
        target=partnership,
        reason=reason,
        data={"from": source.key, "to": target.key, "approvals_voided": voided},
    )
    _notify_moved(partnership, actor=actor, event=event)
    _maybe_gate_waiting(partnership)
    return partnership


EVENT_FOR_ACTION = {
    PartnershipAction.PAUSE: EventKind.PAUSED,
    PartnershipAction.RESUME: EventKind.RESUMED,
    PartnershipAction.COMPLETE: EventKind.CLOSED,
    PartnershipAction.STOP: EventKind.CLOSED,
    PartnershipAction.WITHDRAW: EventKind.CLOSED,
}
CLOSING_ACTIONS = (PartnershipAction.COMPLETE, PartnershipAction.STOP, PartnershipAction.WITHDRAW)


@transaction.atomic
def partnership_set_status(
    *, actor: Any, partnership: Partnership, action: str, reason: str = ""
) -> Partnership:
    """Pause, resume or close the partnership (coordinators), as workflow.PARTNERSHIP_MOVES
    allows. A reason is required except for resuming; closing as completed needs the last step
    reached with its checklist and gate clear, as advancing would."""
    if action not in EVENT_FOR_ACTION:
        raise ValidationError(_("Unknown action."))
    _require_coordinate(actor, partnership)
    partnership = _lock(partnership)
    reason = (reason or "").strip()
    target = _check_move(partnership, action, reason)
    if action == PartnershipAction.COMPLETE:
        if _next_step(partnership) is not None:
            raise ValidationError(
                _("Only a partnership on its last step can be closed as completed.")
            )
        blockers = advance_blockers(partnership)
        if blockers:
            raise ValidationError(
                _("The partnership cannot be completed yet. Missing: %(missing)s.")
                % {"missing": "; ".join(blockers)},
                code="blocked",
            )
    before = partnership.status
    partnership.status = target
    partnership.status_reason = reason
    _touch(partnership, "status", "status_reason")
    closing = action in CLOSING_ACTIONS
    event = _event(
        partnership,
        actor=actor,
        kind=EVENT_FOR_ACTION[PartnershipAction(action)],
        text=reason,
        says=(lambda: PartnershipStatus(target).label) if closing else None,
        from_step=partnership.current_step,
    )
    audit_record(
        actor=actor,
        action=f"partnership.{action}",
        target=partnership,
        reason=reason,
        data={"from": before, "to": target},
    )
    _notify_moved(partnership, actor=actor, event=event)
    if action == PartnershipAction.RESUME:
        _maybe_gate_waiting(partnership)
    return partnership


def partnership_pause(*, actor: Any, partnership: Partnership, reason: str) -> Partnership:
    return partnership_set_status(
        actor=actor, partnership=partnership, action=PartnershipAction.PAUSE, reason=reason
    )


def partnership_resume(*, actor: Any, partnership: Partnership, reason: str = "") -> Partnership:
    return partnership_set_status(
        actor=actor, partnership=partnership, action=PartnershipAction.RESUME, reason=reason
    )


def partnership_close(
    *, actor: Any, partnership: Partnership, action: str, reason: str
) -> Partnership:
    """Close as completed, stopped or withdrawn (`action` is one of those three)."""
    if action not in CLOSING_ACTIONS:
        raise ValidationError(_("Choose how the partnership ends."))
    return partnership_set_status(
        actor=actor, partnership=partnership, action=action, reason=reason
    )


# --- Checklist and gate --------------------------------------------------------------------------


@transaction.atomic
def checklist_set(
    *, actor: Any, partnership: Partnership, item: ChecklistItem, done: bool, note: str = ""
) -> ChecklistCheck | None:
    """Tick or untick an item of the partnership's own process (people working on it).

    Idempotent: ticking a ticked item keeps the first tick. Completing the current step's
    required items may tell the gate's approvers that it waits for them.
    """
    _require_work(actor, partnership)
    partnership = _lock(partnership)
    _require_active(partnership)
    if item.step.template_id != partnership.template_id:
        raise ValidationError(_("That item is not part of this partnership's checklist."))
    note = (note or "").strip()[:500]
    existing = ChecklistCheck.objects.filter(partnership=partnership, item=item).first()
    if done and existing is not None:
        return existing
    if not done and existing is None:
        return None
    check: ChecklistCheck | None
    if done:
        check = ChecklistCheck.objects.create(
            partnership=partnership, item=item, checked_by=_actor_or_none(actor), note=note
        )
        says = lambda: _("Ticked: %(item)s") % {"item": item.text}  # noqa: E731
    else:
        assert existing is not None
        existing.delete()
        check = None
        says = lambda: _("Unticked: %(item)s") % {"item": item.text}  # noqa: E731
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.CHECKLIST, says=says, to_step=item.step)
    audit_record(
        actor=actor,
        action="partnership.checklist_tick" if done else "partnership.checklist_untick",
        target=partnership,
        data={"item": item.pk, "note": note},
    )
    if done and item.step_id == partnership.current_step_id:
        _maybe_gate_waiting(partnership)
    return check


@transaction.atomic
def gate_approve(
    *, actor: Any, partnership: Partnership, step: ProcessStep, comment: str = ""
) -> GateApproval:
    """Approve the gate of the current step: its coordinator or management sponsor does.

    Idempotent: a second approval of the same gate returns the first one.
    """
    partnership = _lock(partnership)
    _require_step_of(partnership, step)
    if not can_approve_gate(actor, partnership, step):
        raise PermissionDenied(_("You cannot approve this gate."))
    _require_active(partnership)
    if step.pk != partnership.current_step_id:
        raise ValidationError(_("Only the gate of the current step can be approved."))
    existing = GateApproval.objects.filter(
        partnership=partnership, step=step, voided_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("Keep the comment under 2000 characters.")})
    approval = GateApproval.objects.create(
        partnership=partnership, step=step, approved_by=_actor_or_none(actor), comment=comment
    )
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.GATE_APPROVED, text=comment, to_step=step)
    audit_record(
        actor=actor,
        action="partnership.gate_approve",
        target=partnership,
        reason=comment,
        data={"step": step.key},
    )
    return approval


# --- Parties and people --------------------------------------------------------------------------


@transaction.atomic
def party_add(
    *, actor: Any, partnership: Partnership, organisation: Any, kind: str, role: str = ""
) -> PartnershipParty:
    """Add an organisation as a party (coordinators). Each organisation is a party once.

    The parties are named in the agreement's text, so once an agreement exists a new party
    writes a new version of it and voids the acceptances given so far (`agreement_refresh`); an
    agreement in force is final, so no party can be added to it.
    """
    from .agreements import agreement_refresh

    _require_coordinate(actor, partnership)
    # The agreement before the partnership: the agreement services lock in that order, and an
    # acceptance that would put the agreement in force waits for this party (or sees it).
    agreement = (
        Agreement.objects.select_for_update(of=("self",)).filter(partnership=partnership).first()
    )
    partnership = _lock(partnership)
    _require_open(partnership)
    if agreement is None:  # started while we waited for the partnership
        agreement = Agreement.objects.filter(partnership=partnership).first()
    if agreement is not None and agreement.status == AgreementStatus.IN_FORCE:
        raise ValidationError(_("The agreement is in force: parties cannot be added."))
    if kind not in (PartyKind.COMPANY, PartyKind.ACADEMIA, PartyKind.OTHER):
        raise ValidationError({"kind": _("Choose company, academia or other organisation.")})
    if PartnershipParty.objects.filter(partnership=partnership, organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("This organisation is already a party to the partnership.")}
        )
    party = PartnershipParty.objects.create(
        partnership=partnership, kind=kind, organisation=organisation, role=(role or "").strip()
    )
    _touch(partnership)
    _event(
        partnership,
        actor=actor,
        kind=EventKind.PARTY,
        says=lambda: _("Party added: %(party)s") % {"party": organisation},
    )
    audit_record(
        actor=actor,
        action="partnership.party_add",
        target=partnership,
        data={"organisation": organisation.pk, "kind": kind},
    )
    if agreement is not None:
        agreement_refresh(actor=actor, agreement=agreement)
    return party


@transaction.atomic
def party_member_add(
    *, actor: Any, partnership: Partnership, party: PartnershipParty, user: Any, role: str = ""
) -> PartyMember:
    """Name a person for a party (coordinators); they get the right to work on the partnership."""
    _require_coordinate(actor, partnership)
    partnership = _lock(partnership)
    _require_open(partnership)
    if party.partnership_id != partnership.pk:
        raise ValidationError(_("That party is not part of this partnership."))
    if PartyMember.objects.filter(party=party, user=user).exists():
        raise ValidationError({"email": _("This person is already named for the party.")})
    if party.kind != PartyKind.REGION and (
        _is_admin(user)
        or partnership.region_id in coordinated_region_ids(user)
        or partnership.region_id in sponsored_region_ids(user)
    ):
        # Naming is what lets a person act (and accept the agreement) for a party: the region's
        # own people must never be able to bind the company or academia.
        raise ValidationError(
            {"email": _("This person acts for the region and cannot be named for another party.")}
        )
    member = _name_member(party=party, user=user, role=(role or "").strip()[:150])
    _touch(partnership)
    _event(
        partnership,
        actor=actor,
        kind=EventKind.PARTY,
        says=lambda: (
            _("%(person)s named for %(party)s")
            % {"person": user.name or user.email, "party": party}
        ),
    )
    audit_record(
        actor=actor,
        action="partnership.member_add",
        target=partnership,
        data={"party": party.pk, "user": user.pk, "role": member.role},
    )
    return member


@transaction.atomic
def party_member_remove(*, actor: Any, partnership: Partnership, member: PartyMember) -> None:
    """Remove a named person (coordinators). Their work right goes unless they are still named
    for another party of the same partnership."""
    _require_coordinate(actor, partnership)
    partnership = _lock(partnership)
    _require_open(partnership)
    if member.party.partnership_id != partnership.pk:
        raise ValidationError(_("That person is not named in this partnership."))
    user, party = member.user, member.party
    member.delete()
    if not PartyMember.objects.filter(party__partnership=partnership, user=user).exists():
        remove_perm(f"partnerships.{WORK_PERM}", user, partnership)
    _touch(partnership)
    _event(
        partnership,
        actor=actor,
        kind=EventKind.PARTY,
        says=lambda: (
            _("%(person)s no longer named for %(party)s")
            % {"person": user.name or user.email, "party": party}
        ),
    )
    audit_record(
        actor=actor,
        action="partnership.member_remove",
        target=partnership,
        data={"party": party.pk, "user": user.pk},
    )


# --- Documents, messages and obstacle notes ------------------------------------------------------


@transaction.atomic
def document_add(
    *,
    actor: Any,
    partnership: Partnership,
    step: ProcessStep | None,
    title: str,
    upload: Any,
) -> PartnershipDocument:
    """Store a document (PDF, DOCX, XLSX, PNG, JPEG up to 20 MB, checked by content) privately."""
    _require_work(actor, partnership)
    partnership = _lock(partnership)
    _require_open(partnership)
    _require_step_of(partnership, step)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    try:
        inspected = inspect_upload(upload, kinds=DOCUMENT_KINDS, max_size=20 * MB)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    document = PartnershipDocument(
        partnership=partnership,
        step=step,
        title=title[:200],
        name=inspected.name,
        content_type=inspected.kind.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=_actor_or_none(actor),
    )
    document.file.save(storage_name(inspected), upload, save=False)
    document.save()
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.DOCUMENT, text=document.title, to_step=step)
    audit_record(
        actor=actor,
        action="partnership.document_add",
        target=partnership,
        data={"document": document.pk, "name": document.name, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def message_post(*, actor: Any, partnership: Partnership, body: str) -> PartnershipMessage:
    """Post to the discussion thread; the other named people are told after commit."""
    _require_work(actor, partnership)
    partnership = _lock(partnership)
    _require_open(partnership)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > 10000:
        raise ValidationError({"body": _("Keep the message under 10,000 characters.")})
    message = PartnershipMessage.objects.create(
        partnership=partnership, author=_actor_or_none(actor), body=body
    )
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.MESSAGE, text=body[:200])
    audit_record(
        actor=actor,
        action="partnership.message_post",
        target=partnership,
        data={"message": message.pk},
    )
    notify(
        users=party_people(partnership, exclude=actor),
        template="partnerships/email/partnership_message",
        context={"partnership": partnership, "message": message, "actor": actor},
        kind=MailKind.PARTNERSHIP_ACTIVITY,
    )
    return message


@transaction.atomic
def obstacle_note_add(
    *, actor: Any, partnership: Partnership, step: ProcessStep, text: str
) -> ObstacleNote:
    """Note an obstacle met on a step; the obstacle register can later link or adopt it."""
    _require_work(actor, partnership)
    partnership = _lock(partnership)
    _require_open(partnership)
    _require_step_of(partnership, step)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the obstacle.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("Keep the description under 5000 characters.")})
    note = ObstacleNote.objects.create(
        partnership=partnership, step=step, author=_actor_or_none(actor), text=text
    )
    _touch(partnership)
    _event(partnership, actor=actor, kind=EventKind.OBSTACLE, text=text[:200], to_step=step)
    audit_record(
        actor=actor,
        action="partnership.obstacle_note",
        target=partnership,
        data={"note": note.pk, "step": step.key},
    )
    return note
