"""Obstacle register demo data: a realistic compilation, its review queue, mitigations, the
knowledge base on cloud-based solutions and the partnerships' notes linked to it.

Called by `manage.py seed_demo` (inside its transaction, mail silenced) after the demo people
and the Co-sharing demo exist. Every row is written through the services (`services.entries`,
`endorsements`, `mitigations`, `knowledge`, `links` and the partnership service for notes), so
moves, transitions, audit rows and counts are the real ones. Idempotent: each entry, mitigation
and article is keyed by its title and each note by its partnership and text; what exists is
left alone, so a second run creates nothing.

The parts:

- `content`: the words (plain data, `specs`), in Swedish and some English as people would write;
  demo content, not translated through the catalogs;
- `cast`: the demo people and programme regions the content is written as;
- `entries`: published entries with "we met this too", and the entries in every other state;
- `extras`: mitigations, knowledge articles and partnership notes linked to the register;
- this module: `seed_obstacles_demo`, which loads them all.
"""

from typing import Any

from ..models import Endorsement, KnowledgeArticle, Mitigation, Obstacle
from ..workflow import ObstacleStatus
from .cast import demo_cast
from .entries import seed_entries
from .extras import seed_articles, seed_mitigations, seed_notes

__all__ = ["seed_obstacles_demo"]


def seed_obstacles_demo(*, stdout: Any = None) -> None:
    """Load the obstacle register demo; call inside seed_demo's transaction, after the
    Co-sharing demo (its partnerships carry the notes)."""
    cast = demo_cast()
    index = seed_entries(cast)
    seed_mitigations(cast, index)
    seed_articles(cast, index)
    seed_notes(cast, index)
    if stdout is not None:
        published = Obstacle.objects.filter(status=ObstacleStatus.PUBLISHED).count()
        stdout.write(
            f"Obstacle register demo: {published} published of {Obstacle.objects.count()} "
            f"entries, {Mitigation.objects.count()} mitigations, "
            f"{KnowledgeArticle.objects.count()} knowledge articles, "
            f"{Endorsement.objects.count()} “we met this too”."
        )
