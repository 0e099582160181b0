"""Merging a duplicate entry into the one that survives: what may be merged into what, and
moving everything that hangs on the duplicate over to the survivor.

Called by `entries.obstacle_move` (move MERGE) with both rows already locked; not a service of
its own, so a merge is always a move with its transition, audit row and mail.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from partnerships.models import ObstacleNote

from ..models import Endorsement, KnowledgeArticle, Mitigation, Obstacle
from ..workflow import AWAITING_REVIEW, ObstacleStatus

# A duplicate is merged into an entry that is published or still waiting for review.
MERGE_TARGET_STATES = frozenset({ObstacleStatus.PUBLISHED, *AWAITING_REVIEW})
# How far the loop check follows `merged_into` (merging re-points earlier merges: one hop).
MAX_CHAIN = 20


def check_merge_target(*, source: Obstacle, target: Obstacle | None) -> None:
    """The target must exist, be another entry, not merged itself, published or waiting for
    review, and not lead back to the source through earlier merges. Raises ValidationError
    (on the `merge_target` field)."""

    def refuse(message: str) -> None:
        raise ValidationError({"merge_target": message})

    if target is None:
        refuse(_("Choose the entry this one duplicates."))
        return
    if target.pk == source.pk:
        refuse(_("An entry cannot be merged into itself."))
    if target.status == ObstacleStatus.MERGED:
        refuse(
            _("That entry was itself merged into another one: merge into the entry it lives on in.")
        )
    if target.status not in MERGE_TARGET_STATES:
        refuse(
            _("Merge into a published entry or one waiting for review (that one is “%(status)s”).")
            % {"status": target.get_status_display()}
        )
    seen = {target.pk}
    next_pk = target.merged_into_id
    for _hop in range(MAX_CHAIN):
        if next_pk is None:
            return
        if next_pk == source.pk or next_pk in seen:
            refuse(_("Merging into that entry would make a loop of merged entries."))
        seen.add(next_pk)
        next_pk = (
            Obstacle.objects.filter(pk=next_pk).values_list("merged_into_id", flat=True).first()
        )
    refuse(_("Merging into that entry would make a loop of merged entries."))


def _move_endorsements(*, source: Obstacle, target: Obstacle) -> int:
    """“We met this too” moves over, once per organisation (once per person without one): an
    organisation that marked both keeps its mark on the target, with the note of either."""
    on_target = Endorsement.objects.filter(obstacle=target)
    target_by_org = {e.organisation_id: e for e in on_target if e.organisation_id is not None}
    target_by_person = {
        e.user_id: e for e in on_target if e.organisation_id is None and e.user_id is not None
    }
    duplicates = Endorsement.objects.filter(obstacle=source).filter(
        Q(organisation_id__in=list(target_by_org))
        | Q(organisation__isnull=True, user_id__in=list(target_by_person))
    )
    for duplicate in duplicates:
        kept: Endorsement | None = None
        if duplicate.organisation_id is not None:
            kept = target_by_org.get(duplicate.organisation_id)
        elif duplicate.user_id is not None:
            kept = target_by_person.get(duplicate.user_id)
        if kept is not None and duplicate.note and not kept.note:
            kept.note = duplicate.note
            kept.save(update_fields=["note"])
    duplicate_pks = [d.pk for d in duplicates]
    Endorsement.objects.filter(pk__in=duplicate_pks).delete()
    return Endorsement.objects.filter(obstacle=source).update(obstacle=target)


def _move_links(model: type[models.Model], *, source: Obstacle, target: Obstacle) -> int:
    """Re-point the many-to-many rows `model.obstacles` from source to target, keeping one row
    per item that was linked to both."""
    field = model._meta.get_field("obstacles")
    through = field.remote_field.through  # type: ignore[union-attr]
    owner = f"{field.m2m_field_name()}_id"  # type: ignore[union-attr]
    obstacle = f"{field.m2m_reverse_field_name()}_id"  # type: ignore[union-attr]
    on_target = through.objects.filter(**{obstacle: target.pk}).values_list(owner, flat=True)
    through.objects.filter(**{obstacle: source.pk, f"{owner}__in": list(on_target)}).delete()
    return int(through.objects.filter(**{obstacle: source.pk}).update(**{obstacle: target.pk}))


def merge_links(*, source: Obstacle, target: Obstacle) -> dict[str, Any]:
    """Everything that hangs on the duplicate now hangs on the survivor: endorsements
    (deduplicated), partnership obstacle notes, mitigation and knowledge-article links, and
    entries merged into the duplicate earlier (so every old address redirects in one hop).
    `endorsement_count` is recounted on both. Both rows must be locked by the caller.
    Returns how many of each moved (kept in the audit row)."""
    moved = {
        "endorsements": _move_endorsements(source=source, target=target),
        "partnership_notes": ObstacleNote.objects.filter(obstacle=source).update(obstacle=target),
        "mitigations": _move_links(Mitigation, source=source, target=target),
        "knowledge_articles": _move_links(KnowledgeArticle, source=source, target=target),
        "merged_entries": Obstacle.objects.filter(merged_into=source)
        .exclude(pk=target.pk)
        .update(merged_into=target),
    }
    for row in (source, target):
        row.endorsement_count = Endorsement.objects.filter(obstacle=row).count()
        row.save(update_fields=["endorsement_count"])
    return moved
