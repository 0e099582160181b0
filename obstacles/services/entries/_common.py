"""Helpers the entry writes share: who is signed in, the row lock, and who holds an entry."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ...models import Obstacle
from .._reviewed import lock as _lock

# The same move or note again by the same person within this window is a double submit.
REPEAT_WINDOW = dt.timedelta(minutes=1)

__all__ = ["REPEAT_WINDOW", "_lock", "_signed_in", "taken_message"]


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


def _local_time(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def taken_message(obstacle: Obstacle) -> str:
    """Who holds the entry, for a refusal: reviewers see who to talk to."""
    holder = obstacle.claimed_by
    return _(
        "%(name)s is working on this entry (taken at %(time)s). Try again when they release "
        "it, or once their claim has lapsed."
    ) % {
        "name": holder.get_full_name() if holder else "?",
        "time": _local_time(obstacle.claimed_at) if obstacle.claimed_at else "",
    }
