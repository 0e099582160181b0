""" "We met this too": signed-in people say an obstacle bit them as well.

Rules enforced here: only published entries take new endorsements; an organisation counts once
per obstacle (a person counts for their first organisation; someone without one counts once for
themselves); saying it again returns the row already there, so a double submit or a colleague
pressing the same button changes nothing. `Obstacle.endorsement_count` (the "most met" sort) is
recounted under the obstacle's row lock, so concurrent presses never lose or double a count.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.accounts.selectors import user_memberships
from portal.core.audit import audit_record

from ..models import Endorsement, Obstacle
from ..sanitize import single_line
from ..workflow import ObstacleStatus


def _first_organisation_id(user: Any) -> int | None:
    memberships = user_memberships(user)
    return memberships[0].organisation_id if memberships else None


def _rows_for(*, obstacle: Obstacle, organisation_id: int | None, user: Any) -> Any:
    rows = Endorsement.objects.filter(obstacle=obstacle)
    if organisation_id is not None:
        return rows.filter(organisation_id=organisation_id)
    return rows.filter(organisation__isnull=True, user=user)


def _recount(obstacle: Obstacle) -> int:
    """Store the true count; `update()` leaves the entry's version (editors) and search alone."""
    count = Endorsement.objects.filter(obstacle=obstacle).count()
    Obstacle.objects.filter(pk=obstacle.pk).update(endorsement_count=count)
    obstacle.endorsement_count = count
    return count


def _locked(obstacle: Obstacle) -> Obstacle:
    return Obstacle.objects.select_for_update().get(pk=obstacle.pk)


@transaction.atomic
def endorsement_add(*, obstacle: Obstacle, user: Any, note: str = "") -> Endorsement:
    """Record that the user's organisation (or the user, without one) met this obstacle too.

    Idempotent: when their organisation already said so, the existing row comes back unchanged.
    Raises PermissionDenied for anonymous users and ValidationError for entries not published.
    """
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    locked = _locked(obstacle)
    if locked.status != ObstacleStatus.PUBLISHED:
        raise ValidationError(_("Only published obstacles can be marked as met."))
    organisation_id = _first_organisation_id(user)
    existing = _rows_for(obstacle=locked, organisation_id=organisation_id, user=user).first()
    if existing is not None:
        obstacle.endorsement_count = locked.endorsement_count
        return existing
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(
                obstacle=locked,
                organisation_id=organisation_id,
                user=user,
                note=single_line(note)[: Endorsement._meta.get_field("note").max_length],
            )
    except IntegrityError:
        # The unique constraints answer a race the row lock did not cover.
        return _rows_for(obstacle=locked, organisation_id=organisation_id, user=user).get()
    count = _recount(locked)
    obstacle.endorsement_count = count
    audit_record(
        actor=user,
        action="obstacle.endorse",
        target=locked,
        data={"organisation": organisation_id, "count": count},
    )
    return endorsement


@transaction.atomic
def endorsement_remove(*, obstacle: Obstacle, user: Any) -> None:
    """Take back the "we met this too" that counts for the user (their first organisation's, or
    their own). Any member of that organisation may take it back; nothing to remove is fine."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    locked = _locked(obstacle)
    organisation_id = _first_organisation_id(user)
    deleted, _rows = _rows_for(obstacle=locked, organisation_id=organisation_id, user=user).delete()
    if not deleted:
        obstacle.endorsement_count = locked.endorsement_count
        return
    count = _recount(locked)
    obstacle.endorsement_count = count
    audit_record(
        actor=user,
        action="obstacle.endorse_remove",
        target=locked,
        data={"organisation": organisation_id, "count": count},
    )
