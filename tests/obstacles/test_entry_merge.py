"""Merging a duplicate into the entry that survives: what may be merged into what, and how
endorsements, partnership notes, mitigation and article links move over.

"We met this too" rows and the links from mitigations, articles and partnership notes are made
directly here: their own services belong to other parts of the register (endorsements,
mitigations, knowledge, partnership links) and are tested there.
"""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from obstacles.models import Endorsement, Obstacle
from obstacles.services import entries as services
from obstacles.workflow import ObstacleMove, ObstacleStatus
from partnerships.models import ObstacleNote
from partnerships.services.partnerships import obstacle_note_add
from portal.core.models import AuditEvent
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_obstacles import KnowledgeArticleFactory, MitigationFactory
from tests.factories_process import make_partnership

from .test_entry_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

S, M = ObstacleStatus, ObstacleMove


def _merge(entry: Obstacle, target: Obstacle | None, reviewer: Any, **kwargs: Any) -> Obstacle:
    return services.obstacle_move(
        obstacle=entry, actor=reviewer, move=M.MERGE, merge_target=target, **kwargs
    )


def _endorse(
    obstacle: Obstacle, *, organisation: Any = None, user: Any = None, note: str = ""
) -> Endorsement:
    endorsement = Endorsement.objects.create(
        obstacle=obstacle, organisation=organisation, user=user, note=note
    )
    Obstacle.objects.filter(pk=obstacle.pk).update(
        endorsement_count=Endorsement.objects.filter(obstacle=obstacle).count()
    )
    return endorsement


# --- Which merges are allowed --------------------------------------------------------------------


@pytest.mark.parametrize("source_status", [S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.WITHDRAWN])
@pytest.mark.parametrize("target_status", [S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED])
def test_a_duplicate_is_merged_into_a_published_or_waiting_entry(
    source_status: str, target_status: str, entry_in: Any, reviewer: Any
) -> None:
    source = entry_in(source_status, title="Dubbletten")
    target = entry_in(target_status, title="Originalet")

    merged = _merge(source, target, reviewer, reason="Samma hinder som #1.")

    merged.refresh_from_db()
    assert merged.status == S.MERGED
    assert merged.merged_into == target
    assert merged.decision_reason == "Samma hinder som #1."
    assert merged.claimed_by is None
    last = merged.transitions.last()
    assert (last.move, last.merged_into, last.actor) == (M.MERGE, target, reviewer)
    target.refresh_from_db()
    assert target.status == target_status


def test_an_entry_cannot_be_merged_into_itself(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.PUBLISHED)
    with pytest.raises(ValidationError) as refused:
        _merge(entry, entry, reviewer)
    assert refused.value.message_dict["merge_target"] == ["An entry cannot be merged into itself."]
    assert Obstacle.objects.get(pk=entry.pk).status == S.PUBLISHED


def test_merging_needs_a_target(entry_in: Any, reviewer: Any) -> None:
    entry = entry_in(S.PUBLISHED)
    with pytest.raises(ValidationError) as refused:
        _merge(entry, None, reviewer)
    assert "merge_target" in refused.value.message_dict


def test_an_entry_cannot_be_merged_into_a_merged_one(
    entry_in: Any, reviewer: Any, survivor: Obstacle
) -> None:
    already = entry_in(S.PUBLISHED, title="Redan sammanslagen")
    _merge(already, survivor, reviewer)
    entry = entry_in(S.PUBLISHED)
    with pytest.raises(ValidationError, match="itself merged into another one"):
        _merge(entry, Obstacle.objects.get(pk=already.pk), reviewer)
    assert Obstacle.objects.get(pk=entry.pk).status == S.PUBLISHED


@pytest.mark.parametrize("target_status", [S.DRAFT, S.CHANGES_REQUESTED, S.REJECTED, S.WITHDRAWN])
def test_an_entry_cannot_be_merged_into_one_not_published_nor_waiting(
    target_status: str, entry_in: Any, reviewer: Any, other_reviewer: Any
) -> None:
    target = entry_in(target_status, title="Fel mål")
    entry = entry_in(S.PUBLISHED)
    with pytest.raises(ValidationError) as refused:
        _merge(entry, target, other_reviewer)
    assert "merge_target" in refused.value.message_dict
    assert Obstacle.objects.get(pk=entry.pk).status == S.PUBLISHED
    assert not AuditEvent.objects.filter(action="obstacle.merge").exists()


def test_entries_merged_earlier_into_the_duplicate_now_point_at_the_survivor(
    entry_in: Any, reviewer: Any, survivor: Obstacle
) -> None:
    oldest = entry_in(S.SUBMITTED, title="Äldsta dubbletten")
    middle = entry_in(S.PUBLISHED, title="Mellersta")
    _merge(oldest, middle, reviewer)

    _merge(middle, survivor, reviewer)

    assert Obstacle.objects.get(pk=oldest.pk).merged_into == survivor
    assert Obstacle.objects.get(pk=middle.pk).merged_into == survivor


def test_merging_back_into_an_entry_merged_into_the_duplicate_is_refused(
    entry_in: Any, reviewer: Any, survivor: Obstacle
) -> None:
    """No loops: the entry that lives on in the duplicate is merged, so it cannot be a target."""
    child = entry_in(S.PUBLISHED, title="Barnet")
    _merge(child, survivor, reviewer)
    with pytest.raises(ValidationError, match="itself merged"):
        _merge(survivor, Obstacle.objects.get(pk=child.pk), reviewer)


# --- What moves ---------------------------------------------------------------------------------


def test_endorsements_move_over_once_per_organisation_and_person_and_counts_are_recomputed(
    entry_in: Any, reviewer: Any, survivor: Obstacle
) -> None:
    duplicate = entry_in(S.PUBLISHED, title="Dubbletten")
    both_org, only_dup_org, only_target_org = OrganisationFactory.create_batch(3)
    both_person, only_dup_person = UserFactory(), UserFactory()
    someone_in_both_org = MembershipFactory(organisation=both_org).user

    _endorse(survivor, organisation=both_org, user=someone_in_both_org)
    _endorse(survivor, organisation=only_target_org, user=UserFactory())
    _endorse(survivor, user=both_person)
    _endorse(duplicate, organisation=both_org, user=UserFactory(), note="I Uppsala")
    _endorse(duplicate, organisation=only_dup_org, user=UserFactory(), note="I Umeå")
    _endorse(duplicate, user=both_person, note="Hemma")
    _endorse(duplicate, user=only_dup_person)

    _merge(duplicate, survivor, reviewer)

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    rows = Endorsement.objects.filter(obstacle=survivor)
    assert sorted(r.organisation_id for r in rows if r.organisation_id) == sorted(
        [both_org.pk, only_dup_org.pk, only_target_org.pk]
    )
    assert sorted(r.user_id for r in rows if not r.organisation_id) == sorted(
        [both_person.pk, only_dup_person.pk]
    )
    assert survivor.endorsement_count == 5
    assert duplicate.endorsement_count == 0
    assert not Endorsement.objects.filter(obstacle=duplicate).exists()
    # A mark kept on the survivor takes the duplicate's note of where, when it had none.
    assert rows.get(organisation=both_org).note == "I Uppsala"
    assert rows.get(organisation=None, user=both_person).note == "Hemma"
    assert rows.get(organisation=only_dup_org).note == "I Umeå"


def test_partnership_notes_mitigations_and_articles_move_to_the_survivor(
    entry_in: Any, reviewer: Any, survivor: Obstacle
) -> None:
    duplicate = entry_in(S.PUBLISHED, title="Dubbletten")
    partnership = make_partnership()
    note = obstacle_note_add(
        actor=_coordinator(partnership),
        partnership=partnership,
        step=partnership.current_step,
        text="Journalen gick inte att koppla.",
    )
    ObstacleNote.objects.filter(pk=note.pk).update(obstacle=duplicate)  # the register's link
    on_duplicate = MitigationFactory(obstacles=[duplicate])
    on_both = MitigationFactory(obstacles=[duplicate, survivor])
    article_on_duplicate = KnowledgeArticleFactory(obstacles=[duplicate])
    article_on_both = KnowledgeArticleFactory(obstacles=[duplicate, survivor])

    _merge(duplicate, survivor, reviewer)

    assert ObstacleNote.objects.get(pk=note.pk).obstacle == survivor
    assert set(survivor.mitigations.all()) == {on_duplicate, on_both}
    assert set(survivor.knowledge_articles.all()) == {article_on_duplicate, article_on_both}
    assert not duplicate.mitigations.exists()
    assert not duplicate.knowledge_articles.exists()
    assert list(on_both.obstacles.all()) == [survivor]
    audit = AuditEvent.objects.get(action="obstacle.merge", target_id=str(duplicate.pk))
    assert audit.data["merged_into"] == survivor.pk
    assert audit.data["moved"] == {
        "endorsements": 0,
        "partnership_notes": 1,
        "mitigations": 1,  # the one linked to both keeps a single link
        "knowledge_articles": 1,
        "merged_entries": 0,
    }


def _coordinator(partnership: Any) -> Any:
    from regions.models import RegionAssignment, RegionRole

    return (
        RegionAssignment.objects.filter(region=partnership.region, role=RegionRole.COORDINATOR)
        .select_related("user")
        .first()
        .user
    )


def test_a_failed_merge_moves_nothing(entry_in: Any, reviewer: Any) -> None:
    duplicate = entry_in(S.PUBLISHED, title="Dubbletten")
    draft = entry_in(S.DRAFT, title="Ett utkast")
    mitigation = MitigationFactory(obstacles=[duplicate])
    _endorse(duplicate, user=UserFactory())

    with pytest.raises(ValidationError):
        _merge(duplicate, draft, reviewer)

    assert list(mitigation.obstacles.all()) == [duplicate]
    assert Obstacle.objects.get(pk=duplicate.pk).endorsement_count == 1
