"""What the demo hangs on its entries: mitigations, knowledge articles and the demo
partnerships' obstacle notes linked to the register; each through its own service."""

import datetime as dt
import uuid

from partnerships.demo import DEMO_NAMESPACE
from partnerships.models import ObstacleNote, Partnership, ProcessStep
from partnerships.services.partnerships import obstacle_note_add
from partnerships.workflow import PARTNERSHIP_OPEN

from ..models import KnowledgeArticle, Mitigation
from ..services.knowledge import article_create, article_move
from ..services.links import note_link
from ..services.mitigations import mitigation_create, mitigation_move
from .cast import DemoCast
from .content import ARTICLES, MITIGATIONS, NOTES
from .entries import EntryIndex


def _token(kind: str, title: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{title}"))


def seed_mitigations(cast: DemoCast, index: EntryIndex) -> None:
    """Published mitigations (a reviewer decided) and two still waiting for review."""
    for spec in MITIGATIONS:
        if Mitigation.objects.filter(title=spec.title).exists():
            continue
        partnership = (
            Partnership.objects.filter(title=spec.partnership).first() if spec.partnership else None
        )
        mitigation = mitigation_create(
            author=cast[spec.author],
            obstacles=[index[title] for title in spec.obstacles],
            data={
                "title": spec.title,
                "description": spec.description,
                "region": cast.region(spec.region),
                "partnership": partnership,
                "language": spec.language,
                "client_token": _token("mitigation", spec.title),
            },
        )
        if spec.published:
            mitigation_move(mitigation=mitigation, actor=cast["reviewer"], move="publish")


def seed_articles(cast: DemoCast, index: EntryIndex) -> None:
    """The knowledge base on cloud-based solutions: drafted by coordinators and the reviewer,
    published by the reviewer; one draft still being written."""
    for spec in ARTICLES:
        if KnowledgeArticle.objects.filter(title=spec.title).exists():
            continue
        article = article_create(
            author=cast[spec.author],
            data={
                "title": spec.title,
                "summary": spec.summary,
                "body": spec.body,
                "references": spec.references,
                "topic": spec.topic,
                "language": spec.language,
                "last_reviewed": (
                    dt.date.fromisoformat(spec.last_reviewed) if spec.last_reviewed else None
                ),
                "client_token": _token("article", spec.title),
            },
            obstacles=[index[title] for title in spec.obstacles],
        )
        if spec.published:
            article_move(article=article, actor=cast["reviewer"], move="publish")


def seed_notes(cast: DemoCast, index: EntryIndex) -> None:
    """Obstacles the demo partnerships met, noted on their steps and linked to the register.

    A note is written once (keyed by its partnership and text). A link is made when the note or
    its entry is new in this run, so a link someone removed by hand stays removed.
    """
    for spec in NOTES:
        partnership = (
            Partnership.objects.filter(title=spec.partnership, status__in=PARTNERSHIP_OPEN)
            .select_related("region")
            .first()
        )
        if partnership is None:
            continue
        note = ObstacleNote.objects.filter(partnership=partnership, text=spec.text).first()
        is_new = note is None
        if note is None:
            step = ProcessStep.objects.get(template_id=partnership.template_id, key=spec.step)
            note = obstacle_note_add(
                actor=cast[spec.author], partnership=partnership, step=step, text=spec.text
            )
        if not spec.links_to or note.obstacle_id is not None:
            continue
        if is_new or spec.links_to in index.created:
            note_link(note=note, obstacle=index[spec.links_to], actor=cast[spec.author])
