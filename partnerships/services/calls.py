"""Writes for calls: a region (or several) publishes a need; companies answer it."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.concurrency import versioned_update
from regions.models import Region

from ..models import Call, CallCriterion, CriterionScore
from ..permissions.proposals import can_edit_call, can_lead_call_in

CALL_FIELDS = ("title", "description", "opens_at", "closes_at")


def _check_dates(data: dict[str, Any]) -> None:
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and closes <= opens:
        raise ValidationError({"closes_at": _("The call must close after it opens.")})


def _clean_criteria(criteria: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for criterion in criteria:
        title = (criterion.get("title") or "").strip()
        if not title:
            continue
        weight = int(criterion.get("weight") or 1)
        if not 1 <= weight <= 100:
            raise ValidationError(_("A criterion's weight must be between 1 and 100."))
        cleaned.append(
            {"title": title, "description": criterion.get("description") or "", "weight": weight}
        )
    return cleaned


def _set_regions(*, actor: Any, call: Call, lead_region: Region, regions: Iterable[Region]) -> None:
    """A region joins a call only by one of its own coordinators: being behind a call lets a
    region's coordinators decide on its proposals, so no region is put behind one by others."""
    wanted = {lead_region, *regions}
    added = wanted - set(call.regions.all())
    refused = sorted(r.name for r in added if not can_lead_call_in(actor, r.pk))
    if refused:
        raise ValidationError(
            {
                "regions": _(
                    "You can only add regions you coordinate. Ask their coordinators to add: "
                    "%(regions)s."
                )
                % {"regions": ", ".join(refused)}
            }
        )
    call.regions.set(wanted)


def _replace_criteria(call: Call, criteria: list[dict[str, Any]]) -> None:
    """Update the criteria in place by position, so scores already given keep their criterion.

    Removing a criterion that reviewers have scored would silently change the ranking: refused.
    """
    existing = list(call.criteria.order_by("order", "id"))
    for order, data in enumerate(criteria):
        if order < len(existing):
            row = existing[order]
            row.title, row.description, row.weight, row.order = (
                data["title"],
                data["description"],
                data["weight"],
                order,
            )
            row.save(update_fields=["title", "description", "weight", "order"])
        else:
            CallCriterion.objects.create(call=call, order=order, **data)
    extra = existing[len(criteria) :]
    if extra:
        if CriterionScore.objects.filter(criterion__in=extra).exists():
            raise ValidationError(
                _("Reviewers have already scored this criterion: it cannot be removed.")
            )
        CallCriterion.objects.filter(pk__in=[c.pk for c in extra]).delete()


@transaction.atomic
def call_create(
    *,
    actor: Any,
    lead_region: Region,
    regions: Iterable[Region],
    data: dict[str, Any],
    criteria: Iterable[dict[str, Any]] = (),
    client_token: uuid.UUID | str | None = None,
) -> Call:
    """A coordinator of the lead region (or a portal admin) creates an unpublished call.

    The same `client_token` again (a double click on "Save the call") returns the call the first
    request created: one call, not two.
    """
    token = uuid.UUID(str(client_token)) if client_token else uuid.uuid4()
    existing = Call.objects.filter(client_token=token).first()
    if existing is not None:
        if existing.created_by_id != actor.pk:
            raise PermissionDenied
        return existing
    if not can_lead_call_in(actor, lead_region.pk):
        raise PermissionDenied
    _check_dates(data)
    try:
        with transaction.atomic():
            call = Call.objects.create(
                client_token=token,
                lead_region=lead_region,
                created_by=actor,
                **{key: data[key] for key in CALL_FIELDS},
            )
    except IntegrityError:
        # The same form posted twice at once: the other request created the call.
        existing = Call.objects.filter(client_token=token).first()
        if existing is None:
            raise
        if existing.created_by_id != actor.pk:
            raise PermissionDenied from None
        return existing
    _set_regions(actor=actor, call=call, lead_region=lead_region, regions=regions)
    _replace_criteria(call, _clean_criteria(criteria))
    audit_record(actor=actor, action="call.create", target=call)
    return call


@transaction.atomic
def call_update(
    *,
    actor: Any,
    call: Call,
    expected_version: int,
    lead_region: Region | None = None,
    regions: Iterable[Region],
    data: dict[str, Any],
    criteria: Iterable[dict[str, Any]] = (),
) -> Call:
    """The lead region's coordinators change a call; a stale version raises ConcurrentEditError.

    Moving the lead to another region requires coordinating that region too.
    """
    if not can_edit_call(actor, call):
        raise PermissionDenied
    lead = lead_region or call.lead_region
    if lead.pk != call.lead_region_id and not can_lead_call_in(actor, lead.pk):
        raise PermissionDenied
    _check_dates(data)
    changes = {key: data[key] for key in CALL_FIELDS if key in data}
    changes["lead_region"] = lead
    updated = versioned_update(instance=call, expected_version=expected_version, changes=changes)
    _set_regions(actor=actor, call=updated, lead_region=lead, regions=regions)
    _replace_criteria(updated, _clean_criteria(criteria))
    audit_record(actor=actor, action="call.update", target=updated)
    return updated


@transaction.atomic
def call_set_published(*, actor: Any, call: Call, published: bool) -> Call:
    """Publish (visible to everyone, open for proposals between its dates) or unpublish."""
    if not can_edit_call(actor, call):
        raise PermissionDenied
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.published == published:
        return locked
    locked.published = published
    locked.version += 1
    locked.save(update_fields=["published", "version", "updated_at"])
    audit_record(
        actor=actor, action="call.publish" if published else "call.unpublish", target=locked
    )
    return locked
