"""Helpers every part of the partnership services shares: the actor checks, the row lock,
`last_activity_at`, timeline events, naming people for a party, and who is told.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from portal.core.i18n import in_each_language
from regions.models import RegionUserObjectPermission

from ...models import (
    Partnership,
    PartnershipEvent,
    PartnershipParty,
    PartyMember,
    ProcessStep,
)
from ...permissions.base import (
    WORK_PERM,
    can_coordinate_partnership,
    can_work_on_partnership,
    coordinated_region_ids,
)
from ...workflow import (
    PARTNERSHIP_OPEN,
    PartnershipStatus,
)

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


def _name_member(*, party: PartnershipParty, user: Any, role: str = "") -> PartyMember:
    member, _created = PartyMember.objects.get_or_create(
        party=party, user=user, defaults={"role": role}
    )
    assign_perm(f"partnerships.{WORK_PERM}", user, party.partnership)
    return member
