"""The parties of a partnership and the people named for them."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import remove_perm

from portal.core.audit import audit_record

from ...models import (
    Agreement,
    EventKind,
    Partnership,
    PartnershipParty,
    PartyKind,
    PartyMember,
)
from ...permissions.base import (
    WORK_PERM,
    coordinated_region_ids,
    sponsored_region_ids,
)
from ...workflow import (
    AgreementStatus,
)
from ._common import (
    _event,
    _is_admin,
    _lock,
    _name_member,
    _require_coordinate,
    _require_open,
    _touch,
)

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
    from ..agreements import agreement_refresh

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
