"""Reads for the authors' pages: the entry form's choices and the author's own entries."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from partnerships.models import ProcessStep
from partnerships.selectors.dashboards import DEFAULT_FAMILY

from ..models import Category, Obstacle
from ..permissions.entries import obstacles_visible_to


def default_process_steps() -> list[ProcessStep]:
    """The steps of the current national default process template, in order (one query).

    Its step keys are the ones every regional variant shares, so an entry names its step by key.
    """
    return list(
        ProcessStep.objects.filter(
            template__region__isnull=True,
            template__is_current=True,
            template__family=DEFAULT_FAMILY,
        ).order_by("order")
    )


def step_names() -> dict[str, str]:
    """Step key -> the step's name in the active language, for showing `Obstacle.step_key`."""
    return {step.key: step.name for step in default_process_steps()}


def offered_categories(*, keep: int | None = None) -> QuerySet[Category]:
    """Categories a new entry may choose (the active ones); `keep` is the entry's own category,
    still offered when an admin has retired it since."""
    condition = Q(is_active=True)
    if keep is not None:
        condition |= Q(pk=keep)
    return Category.objects.filter(condition).order_by("order", "slug")


def obstacles_authored_by(*, user: Any) -> QuerySet[Obstacle]:
    """The user's own entries in every state, the most recently changed first, with what the
    "My obstacles" page shows (category, region, the entry a merged one lives on in).

    `merge_target_visible` says whether the user may see that entry: an entry merged into one
    still waiting for review must not show the other entry's title or number (it is someone
    else's unpublished text). Annotated, so the page's query count does not grow with its rows.
    """
    if not getattr(user, "is_authenticated", False):
        return Obstacle.objects.none()
    return (
        Obstacle.objects.filter(author=user)
        .select_related("category", "region", "merged_into")
        .annotate(
            merge_target_visible=Exists(
                obstacles_visible_to(user).filter(pk=OuterRef("merged_into_id"))
            )
        )
        .order_by("-updated_at", "-id")
    )
