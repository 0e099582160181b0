"""Demo lessons learned, written through the lesson services: a party of the partnership writes
and sends it for review, the region's coordinator publishes it or asks for changes."""

import uuid

from partnerships.demo import DEMO_NAMESPACE
from partnerships.models import Partnership, ProcessStep

from ..models import Lesson
from ..services.lessons import lesson_create, lesson_move
from ..workflow import LessonMove
from .content import LESSONS
from .people import DemoCast, organiser_of, partnership_region
from .specs import LessonSpec


def _token(spec: LessonSpec) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, f"lesson:{spec.partnership}:{spec.title}"))


def _seed_lesson(cast: DemoCast, spec: LessonSpec, partnership: Partnership) -> Lesson:
    step = (
        ProcessStep.objects.filter(template_id=partnership.template_id, key=spec.step).first()
        if spec.step
        else None
    )
    lesson = lesson_create(
        actor=cast[spec.author],
        partnership=partnership,
        title=spec.title,
        body=spec.body,
        step=step,
        language=spec.language,
        submit=spec.state != "draft",
        client_token=_token(spec),
    )
    coordinator = organiser_of(cast, partnership_region(cast, partnership))
    if spec.state == "published":
        lesson = lesson_move(actor=coordinator, lesson=lesson, move=LessonMove.PUBLISH)
    elif spec.state == "changes_requested":
        lesson = lesson_move(
            actor=coordinator, lesson=lesson, move=LessonMove.REQUEST_CHANGES, reason=spec.reason
        )
    elif spec.state not in ("draft", "submitted"):
        raise ValueError(f"Unknown demo state {spec.state!r} for {spec.title!r}")
    return lesson


def seed_lessons(cast: DemoCast) -> list[Lesson]:
    """The demo lessons on the demo partnerships (a partnership the Co-sharing demo did not make
    is skipped); a lesson whose title its partnership already has is left as it is."""
    created = []
    for spec in LESSONS:
        partnership = (
            Partnership.objects.filter(title=spec.partnership, region__in=cast.regions.values())
            .order_by("pk")
            .first()
        )
        if partnership is None or partnership.lessons.filter(title=spec.title).exists():
            continue
        created.append(_seed_lesson(cast, spec, partnership))
    return created
