"""Reads for the lessons pages (see the app README): the public list, the review queue, one
lesson's links, and the lessons section of a partnership's page. Each runs a fixed number of
queries however many lessons there are."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from partnerships.models import Partnership, ProcessStep
from partnerships.permissions import can_view_partnership, coordinated_region_ids
from partnerships.selectors.dashboards import DEFAULT_FAMILY
from portal.accounts.permissions import is_portal_admin
from regions.models import Region

from ..models import Lesson
from ..permissions.lessons import can_review_lessons_of, can_write_lesson, lesson_moves_for
from ..workflow import LESSON_EDITABLE, LessonStatus

# --- Public --------------------------------------------------------------------------------


def lesson_list_published(*, region: Region | None = None, step_key: str = "") -> QuerySet[Lesson]:
    """Published lessons, newest first, optionally of one region's partnerships and one step
    (by key: the keys the national default process and its regional variants share)."""
    qs = Lesson.objects.filter(status=LessonStatus.PUBLISHED)
    if region is not None:
        qs = qs.filter(partnership__region=region)
    if step_key:
        qs = qs.filter(step__key=step_key)
    return qs.select_related("partnership__region", "step__template").order_by(
        "-published_at", "-id"
    )


def lesson_filter_choices() -> dict[str, list[Any]]:
    """The regions and the default process's steps to filter the list by (two queries)."""
    return {
        "regions": list(Region.objects.order_by("code")),
        "steps": list(
            ProcessStep.objects.filter(
                template__family=DEFAULT_FAMILY,
                template__region__isnull=True,
                template__is_current=True,
            ).order_by("order")
        ),
    }


def step_guide_url(lesson: Lesson) -> str:
    """Where the process guide explains the lesson's step (`#step-<key>`); the regional variant
    when the partnership runs on one. Expects `step__template` and `partnership__region`
    loaded."""
    step = lesson.step
    if step is None:
        return ""
    url = reverse("partnerships:guide")
    if step.template.region_id is not None:
        url += "?" + urlencode({"region": lesson.partnership.region.slug})
    return f"{url}#step-{step.key}"


# --- Review --------------------------------------------------------------------------------


def lesson_review_queue(*, user: Any) -> QuerySet[Lesson]:
    """Lessons waiting for review that the user decides on, oldest first: a coordinator's
    regions' ones, every one for a portal admin, none for anyone else."""
    qs = Lesson.objects.filter(status=LessonStatus.SUBMITTED)
    if not is_portal_admin(user):
        regions = coordinated_region_ids(user)
        if not regions:
            return qs.none()
        qs = qs.filter(partnership__region_id__in=regions)
    return qs.select_related("partnership__region", "step__template", "author").order_by(
        "submitted_at", "id"
    )


def lessons_waiting_count(*, user: Any) -> int:
    """How many lessons wait for the user's review (for the organisers' overview)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return lesson_review_queue(user=user).count()


# --- The partnership page --------------------------------------------------------------------


@dataclass
class LessonRow:
    """One lesson in a partnership's section, with what the viewer may do with it now."""

    lesson: Lesson
    can_edit: bool
    moves: list[str]


def partnership_lessons_context(
    *, user: Any, partnership: Partnership, visible: bool = False
) -> dict[str, Any]:
    """The lessons-learned section of a partnership page: its lessons the user may
    see, and what the user may do with them.

    Only for people who may see the partnership (an empty dict otherwise: the partial then
    renders nothing); `visible=True` when the caller fetched the partnership through
    `get_partnership_for_user_or_404` (the same rule, not read twice). Every lesson of the
    partnership is listed with its status, drafts too; those who may work on it get "Write a
    lesson learned", edit links while a lesson is a draft or changes were asked, and "Send for
    review"; reviewers get the way to their decision.

    Rendered by `templates/dissemination/partials/partnership_lessons.html`."""
    if not visible and not can_view_partnership(user, partnership):
        return {}
    can_write = can_write_lesson(user, partnership)
    can_review = can_review_lessons_of(user, partnership)
    lessons = Lesson.objects.filter(partnership=partnership).select_related("step", "author")
    rows = [
        LessonRow(
            lesson=lesson,
            can_edit=can_write and lesson.status in LESSON_EDITABLE,
            moves=lesson_moves_for(lesson, can_write=can_write, can_review=can_review),
        )
        for lesson in lessons.order_by("-created_at", "-id")
    ]
    return {
        "partnership_lessons_show": True,
        "partnership_lessons_partnership": partnership,
        "partnership_lessons_rows": rows,
        "partnership_lessons_can_write": can_write,
        "partnership_lessons_can_review": can_review,
    }
