"""Reads for linking partnership notes to the register: the published entries a person can
choose, by words (the public compilation's search) or by entry number."""

import re

from ..models import Obstacle
from .public import PublicFilters, obstacle_results, published_obstacles

# How many entries the chooser lists at most.
CANDIDATES_SHOWN = 20
_NUMBER = re.compile(r"#?\s*(\d{1,12})")


def link_candidates(*, query: str, limit: int = CANDIDATES_SHOWN) -> list[Obstacle]:
    """Published entries matching `query`: "123" or "#123" is an entry number (plus entries
    whose words match it), anything else is searched as the public compilation searches.
    Nothing is listed for an empty query. A fixed number of queries."""
    q = (query or "").strip()
    if not q:
        return []
    number = _NUMBER.fullmatch(q)
    if number:
        pk = int(number.group(1))
        exact = list(published_obstacles().filter(pk=pk))
        if exact:
            return exact
    return list(obstacle_results(filters=PublicFilters(q=q)).obstacles[:limit])


def published_obstacle(pk: int) -> Obstacle | None:
    """The published entry with this number, or None (for any other status too)."""
    return published_obstacles().filter(pk=pk).first()
