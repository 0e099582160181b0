"""Helpers the proposal writes share: membership, the row lock, and the people to tell."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from portal.accounts.models import User
from regions.models import RegionUserObjectPermission

from ...models import Proposal
from ...permissions.base import member_organisation_ids


def _local(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _is_member(actor: Any, organisation_id: int) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and (
        organisation_id in member_organisation_ids(actor)
    )


def region_coordinators(*, region_ids: Iterable[int]) -> QuerySet[User]:
    """People holding `regions.coordinate_region` on any of the regions."""
    holders = RegionUserObjectPermission.objects.filter(
        content_object_id__in=list(region_ids), permission__codename="coordinate_region"
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True)


def organisation_people(*, organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)


def _call_region_ids(proposal: Proposal) -> set[int]:
    ids = {proposal.region_id}
    if proposal.call_id:
        ids |= set(proposal.call.regions.values_list("pk", flat=True))  # type: ignore[union-attr]
    return ids


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("call", "region", "organisation")
        .get(pk=proposal.pk)
    )
