"""Optimistic concurrency for rows that people edit in forms.

The form carries the version the editor started from; the service locks the row, compares, and
refuses the write when someone else saved in between, so no edit silently overwrites another.
"""

from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import VersionedModel

M = TypeVar("M", bound=VersionedModel)


class ConcurrentEditError(Exception):
    """Someone saved the row after the editor opened it."""

    message = _(
        "Someone else saved this while you were editing. Your changes were not saved: "
        "review the current version below and apply your changes again."
    )

    def __init__(self, current: models.Model) -> None:
        super().__init__(str(self.message))
        self.current = current


def versioned_update(*, instance: M, expected_version: int, changes: dict[str, Any]) -> M:
    """Apply `changes` to `instance` if nobody saved it since `expected_version`.

    Must run inside a transaction: the row is locked with SELECT ... FOR UPDATE first.
    Returns the saved row with its version increased by one.
    """
    model = type(instance)
    locked = model._default_manager.select_for_update().get(pk=instance.pk)
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.version = locked.version + 1
    update_fields = [*changes.keys(), "version"]
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        update_fields.append("updated_at")
    locked.save(update_fields=update_fields)
    return locked
