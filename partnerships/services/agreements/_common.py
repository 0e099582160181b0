"""Helpers every agreement write shares: the actor as a person, the timeline event, the row
lock, the refusal once final, and the people an agreement concerns.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Membership, User
from portal.core.i18n import in_each_language
from regions.models import RegionAssignment, RegionRole

from ...models import Agreement, Partnership, PartnershipEvent, PartnershipParty, PartyMember
from ...workflow import AgreementStatus, PartnershipStatus


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(partnership: Partnership, actor: Any, kind: str, says: Callable[[], Any]) -> None:
    """A timeline entry in every language (`says` renders it), so each reader sees their own."""
    PartnershipEvent.objects.create(
        partnership=partnership, actor=_person(actor), kind=kind, texts=in_each_language(says)
    )
    Partnership.objects.filter(pk=partnership.pk).update(last_activity_at=timezone.now())


def _lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("partnership", "partnership__region", "partnership__current_step")
        .get(pk=agreement.pk)
    )


def _refuse_if_final(agreement: Agreement) -> None:
    if agreement.status == AgreementStatus.IN_FORCE:
        raise ValidationError(
            _("The agreement is in force and can no longer be changed."), code="in_force"
        )
    if agreement.partnership.status != PartnershipStatus.ACTIVE:
        raise ValidationError(
            _("The partnership is not active, so its agreement cannot be changed now."),
            code="inactive",
        )


def agreement_people(partnership: Partnership) -> list[Any]:
    """Everyone the agreement concerns: people named for a party, members of the party
    organisations and the region's coordinators."""
    org_ids = PartnershipParty.objects.filter(
        partnership=partnership, organisation__isnull=False
    ).values("organisation_id")
    user_ids = set(
        PartyMember.objects.filter(party__partnership=partnership).values_list("user_id", flat=True)
    )
    user_ids |= set(
        Membership.objects.filter(organisation_id__in=org_ids).values_list("user_id", flat=True)
    )
    user_ids |= set(
        RegionAssignment.objects.filter(
            region_id=partnership.region_id, role=RegionRole.COORDINATOR
        ).values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
