"""What an entry holds: the fields people write, checked, with formatted text sanitised."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from partnerships.models import ProcessStep
from partnerships.services.partnerships import DEFAULT_FAMILY
from regions.models import Region

from ...models import Actor, Category, Obstacle, Severity
from ...models.obstacles import CONTENT_LANGUAGES
from ...sanitize import as_rich_text, single_line

# The fields an author (or a reviewer correcting an entry) writes.
ENTRY_FIELDS = (
    "title",
    "description",
    "category",
    "step_key",
    "actors",
    "region",
    "severity",
    "evidence",
    "known_mitigation",
    "language",
)
# Formatted text: stored as the safe HTML subset (`obstacles.sanitize`).
RICH_TEXT_FIELDS = ("description", "evidence", "known_mitigation")


def default_step_keys() -> set[str]:
    """The step keys an entry may name: those of the national default Co-sharing process."""
    return set(
        ProcessStep.objects.filter(
            template__region__isnull=True,
            template__is_current=True,
            template__family=DEFAULT_FAMILY,
        ).values_list("key", flat=True)
    )


def _text_too_long(name: str, value: str) -> str | None:
    limit = getattr(Obstacle._meta.get_field(name), "max_length", None)
    if limit and len(value) > limit:
        return _("Shorten this text to at most %(max)s characters (it has %(count)s).") % {
            "max": limit,
            "count": len(value),
        }
    return None


def _clean_texts(data: dict[str, Any], wanted: Any, errors: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if wanted("title"):
        # One line: mails and the reviewers' digest print the title as a line of its own.
        title = single_line(str(data.get("title") or ""))
        if not title:
            errors["title"] = _("Give the obstacle a short title.")
        elif problem := _text_too_long("title", title):
            errors["title"] = problem
        fields["title"] = title
    for name in RICH_TEXT_FIELDS:
        if not wanted(name):
            continue
        typed = str(data.get(name) or "").strip()
        if problem := _text_too_long(name, typed):
            errors[name] = problem
        fields[name] = as_rich_text(typed)
    # Markup with no text left once cleaned (only a script, an image) describes nothing.
    described = strip_tags(fields.get("description", "x")).strip()
    if not described and "description" not in errors:
        errors["description"] = _("Describe the obstacle.")
    return fields


def _clean_choices(
    data: dict[str, Any], wanted: Any, errors: dict[str, str], current: Obstacle | None
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if wanted("category"):
        category = data.get("category")
        if not isinstance(category, Category):
            errors["category"] = _("Choose a category.")
        elif not category.is_active and (current is None or current.category_id != category.pk):
            errors["category"] = _("This category is no longer in use: choose another one.")
        else:
            fields["category"] = category
    if wanted("step_key"):
        step_key = str(data.get("step_key") or "").strip()
        if step_key and step_key not in default_step_keys():
            errors["step_key"] = _("Choose one of the Co-sharing steps, or leave it empty.")
        fields["step_key"] = step_key
    if wanted("region"):
        region = data.get("region")
        if region is not None and not isinstance(region, Region):
            errors["region"] = _("Choose a region, or leave it empty for a national obstacle.")
        fields["region"] = region
    if wanted("severity"):
        try:
            severity = int(data.get("severity") or Severity.MEDIUM)
        except (TypeError, ValueError):
            severity = 0
        if severity not in Severity.values:
            errors["severity"] = _("Choose how severe the obstacle is.")
        fields["severity"] = severity
    if wanted("language"):
        language = str(data.get("language") or "sv")
        if language not in {code for code, _name in CONTENT_LANGUAGES}:
            errors["language"] = _("Choose Swedish or English.")
        fields["language"] = language
    return fields


def _clean_actors(data: dict[str, Any], errors: dict[str, str]) -> list[Actor] | None:
    if "actors" not in data:
        return None
    actors = list(data.get("actors") or [])
    if any(not isinstance(actor, Actor) for actor in actors):
        errors["actors"] = _("Choose the affected actors from the list.")
    return actors


def clean_entry_data(
    data: dict[str, Any], *, current: Obstacle | None = None
) -> tuple[dict[str, Any], list[Actor] | None]:
    """The entry's fields from `data`, checked and with formatted text sanitised.

    On create (`current` None) every field is read (missing ones get their defaults); on update
    only the fields present in `data`. Returns (column values, actors or None when not given);
    raises ValidationError naming each field that is wrong.
    """
    errors: dict[str, str] = {}

    def wanted(name: str) -> bool:
        return current is None or name in data

    fields = _clean_texts(data, wanted, errors)
    fields.update(_clean_choices(data, wanted, errors, current))
    actors = _clean_actors(data, errors)
    if errors:
        raise ValidationError(errors)
    return fields, actors
