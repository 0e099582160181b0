"""Demo register entries, written and moved through the entry services as people would: the
author writes and submits, the demo reviewer publishes, requests changes, rejects, merges and
withdraws; other organisations say "we met this too"."""

import uuid
from typing import Any

from partnerships.demo import DEMO_NAMESPACE

from ..models import Actor, Category, Obstacle
from ..services.endorsements import endorsement_add
from ..services.entries import obstacle_claim, obstacle_create, obstacle_move
from ..workflow import ObstacleMove
from .cast import HOME_REGION, DemoCast
from .content import PUBLISHED, WAITING
from .specs import ObstacleSpec, WaitingSpec


class EntryIndex:
    """The demo entries by title, and which of them this run created."""

    def __init__(self) -> None:
        self.by_title: dict[str, Obstacle] = {}
        self.created: set[str] = set()

    def __getitem__(self, title: str) -> Obstacle:
        try:
            return self.by_title[title]
        except KeyError:
            raise KeyError(f"The demo has no entry titled {title!r}") from None

    def get(self, title: str) -> Obstacle | None:
        return self.by_title.get(title)


def _data(cast: DemoCast, spec: ObstacleSpec) -> dict[str, Any]:
    return {
        "title": spec.title,
        "description": spec.description,
        "category": Category.objects.get(slug=spec.category),
        "step_key": spec.step,
        "actors": list(Actor.objects.filter(slug__in=spec.actors).order_by("order")),
        "region": cast.region(spec.region),
        "severity": spec.severity,
        "evidence": spec.evidence,
        "known_mitigation": spec.mitigation,
        "language": spec.language,
        # A re-run (or a second run racing this one) gets the same row back.
        "client_token": str(uuid.uuid5(DEMO_NAMESPACE, f"obstacle:{spec.title}")),
    }


def _write(cast: DemoCast, spec: ObstacleSpec, index: EntryIndex) -> Obstacle | None:
    """The entry as a new draft of its author; None (and the existing row indexed) when the
    demo wrote it on an earlier run."""
    existing = Obstacle.objects.filter(title=spec.title).order_by("pk").first()
    if existing is not None:
        index.by_title[spec.title] = existing
        return None
    obstacle = obstacle_create(author=cast[spec.author], data=_data(cast, spec))
    index.by_title[spec.title] = obstacle
    index.created.add(spec.title)
    return obstacle


def _submit(cast: DemoCast, spec: ObstacleSpec, obstacle: Obstacle) -> Obstacle:
    return obstacle_move(obstacle=obstacle, actor=cast[spec.author], move=ObstacleMove.SUBMIT)


def _publish(cast: DemoCast, obstacle: Obstacle) -> Obstacle:
    return obstacle_move(obstacle=obstacle, actor=cast["reviewer"], move=ObstacleMove.PUBLISH)


def _endorse(cast: DemoCast, spec: ObstacleSpec, obstacle: Obstacle) -> None:
    """ "We met this too" from each of `met_by`, except the author and their own organisation."""
    author = cast[spec.author]
    for key in spec.met_by:
        user = cast[key]
        if user.pk == author.pk or (
            obstacle.organisation_id is not None
            and user.memberships.filter(organisation_id=obstacle.organisation_id).exists()
        ):
            continue
        region = cast.region(HOME_REGION.get(key))
        endorsement_add(obstacle=obstacle, user=user, note=region.name if region else "")


def _seed_published(cast: DemoCast, index: EntryIndex) -> None:
    for spec in PUBLISHED:
        obstacle = _write(cast, spec, index)
        if obstacle is None:
            continue
        obstacle = _publish(cast, _submit(cast, spec, obstacle))
        index.by_title[spec.title] = obstacle
        _endorse(cast, spec, obstacle)


def _seed_waiting(cast: DemoCast, index: EntryIndex, scene: WaitingSpec) -> None:
    spec = scene.entry
    obstacle = _write(cast, spec, index)
    if obstacle is None or scene.state == "draft":
        return
    obstacle = _submit(cast, spec, obstacle)
    reviewer = cast["reviewer"]
    if scene.state == "in_review":
        obstacle = obstacle_claim(obstacle=obstacle, reviewer=cast[scene.claimed_by or "reviewer"])
    elif scene.state in ("changes_requested", "rejected"):
        move = (
            ObstacleMove.REQUEST_CHANGES
            if scene.state == "changes_requested"
            else ObstacleMove.REJECT
        )
        obstacle = obstacle_move(obstacle=obstacle, actor=reviewer, move=move, reason=scene.reason)
    elif scene.state == "merged":
        obstacle = obstacle_move(
            obstacle=obstacle,
            actor=reviewer,
            move=ObstacleMove.MERGE,
            merge_target=index[scene.merge_into],
            reason=scene.reason,
        )
    elif scene.state == "withdrawn":
        obstacle = _publish(cast, obstacle)
        obstacle = obstacle_move(
            obstacle=obstacle, actor=reviewer, move=ObstacleMove.WITHDRAW, reason=scene.reason
        )
    elif scene.state != "submitted":
        raise ValueError(f"Unknown demo state {scene.state!r} for {spec.title!r}")
    index.by_title[spec.title] = obstacle


def seed_entries(cast: DemoCast) -> EntryIndex:
    """The published compilation first (merges need their target), then the entries waiting,
    decided, merged, withdrawn and drafted."""
    index = EntryIndex()
    _seed_published(cast, index)
    for scene in WAITING:
        _seed_waiting(cast, index, scene)
    return index
