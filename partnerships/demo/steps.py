"""Helpers that start demo partnerships, clear their steps and drive them along the process."""

from collections.abc import Iterable
from typing import Any

from portal.accounts.models import User

from ..models import GateRole, Partnership, Proposal
from ..services.partnerships import (
    checklist_set,
    gate_approve,
    message_post,
    partnership_advance,
    partnership_create,
)
from .agreements import _agreement_in_force
from .cast import Cast, _code, _coordinator
from .proposals import _accept, _proposal, _submit


def _fresh(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_related("current_step", "region").get(pk=partnership.pk)


def _clear_step(cast: Cast, partnership: Partnership, purpose: str) -> None:
    """Tick the required items of the current step and meet its gate."""
    partnership = _fresh(partnership)
    step = partnership.current_step
    coordinator = _coordinator(cast, partnership)
    for item in step.checklist.filter(required=True).order_by("order"):
        checklist_set(actor=coordinator, partnership=partnership, item=item, done=True)
    if step.gate_role == GateRole.COORDINATOR:
        gate_approve(
            actor=coordinator,
            partnership=partnership,
            step=step,
            comment="Klart för nästa steg enligt triageforumet."
            if step.key == "entry"
            else "Godkänt.",
        )
    elif step.gate_role == GateRole.SPONSOR:
        gate_approve(
            actor=cast.sponsors[_code(cast, partnership)],
            partnership=partnership,
            step=step,
            comment="Förankrat i ledningsgruppen; behovsägaren avsätter tid för personalen.",
        )
    elif step.gate_role == GateRole.PARTIES:
        _agreement_in_force(cast, partnership, purpose)


def _drive(cast: Cast, partnership: Partnership, *, to: str, purpose: str) -> Partnership:
    """Advance through the steps, clearing each, until the partnership stands at step `to`."""
    partnership = _fresh(partnership)
    while partnership.current_step.key != to:
        _clear_step(cast, partnership, purpose)
        partnership_advance(
            actor=_coordinator(cast, partnership),
            partnership=partnership,
            expected_step_id=partnership.current_step_id,
        )
        partnership = _fresh(partnership)
    return partnership


def _from_proposal(
    cast: Cast, *, org: str, region: str, title: str, summary: str, kind: str, **more: Any
) -> Partnership | None:
    """An accepted proposal and the partnership it started; None when the scene exists."""
    if Proposal.objects.filter(title=title).exists():
        return None
    proposal = _proposal(
        cast,
        org=org,
        region=region,
        title=title,
        summary=summary,
        kind=kind,
        then=[
            _submit,
            _accept("Välkomna! Vi bokar ett första möte med behovsägaren."),
        ],
        **more,
    )
    return Partnership.objects.get(proposal=proposal)


def _direct(
    cast: Cast, *, region: str, title: str, summary: str, kind: str, orgs: Iterable[str]
) -> Partnership | None:
    """A partnership a coordinator started without a proposal; None when the scene exists."""
    if Partnership.objects.filter(title=title).exists():
        return None
    return partnership_create(
        actor=cast.coordinators[region],
        region=cast.regions[region],
        title=title,
        summary=summary,
        collaboration_kind=kind,
        organisations=[cast.organisations[number] for number in orgs],
    )


def _talk(cast: Cast, partnership: Partnership, *lines: tuple[User, str]) -> None:
    for author, body in lines:
        message_post(actor=author, partnership=partnership, body=body)


def _tick_optional(cast: Cast, partnership: Partnership, note: str = "") -> None:
    partnership = _fresh(partnership)
    for item in partnership.current_step.checklist.filter(required=False):
        checklist_set(
            actor=_coordinator(cast, partnership),
            partnership=partnership,
            item=item,
            done=True,
            note=note,
        )
